/**
 * The offline demo: synthesize an example app with an MskReplicator, then deploy its templates (create, an
 * in-place topic change, a deployment without changes, a change that needs a new replicator: refused by replacement
 * protection, then allowed, each after printing `cdk-msk-replicator plan`'s verdict, delete) through the
 * stack-level CloudFormation emulator and the bundled handler against the local MSK API simulator, with IAM
 * enforced: every call is checked against the handler policies in force at that moment of the deployment. Exits
 * non-zero if any step does not end as it must or any call is denied.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { KafkaClient } from '@aws-sdk/client-kafka';
import { Template } from 'aws-cdk-lib/assertions';
import { ACCOUNT, EXAMPLE_SUBNET_VPCS, exampleStack, REGION, ReplicatorOptions } from '../examples/orders-replication';
import { iamEnforcingStack, networkOf } from '../local-aws/cloudformation/iam-enforcing-stack';
import { loadBundledHandler } from '../local-aws/cloudformation/provider-framework';
import { LocalCloudFormationApi } from '../local-aws/cloudformation/query-api';
import { CfnTemplate, CloudFormationStack, StackStatus } from '../local-aws/cloudformation/stack';
import type { PolicyDocument } from '../local-aws/iam/policy-evaluator';
import { MskSimulator } from '../local-aws/msk-simulator';
import { TargetCompressionType } from '../src';
import { planText } from '../src/cli/plan-report';
import { planStack } from '../src/cli/stack-plan';

/** Prints a line; not console.log, which the harness routes while the handler runs. */
const say = (line: string) => process.stdout.write(`${line}\n`);

const OUT_DIR = path.join(__dirname, '..', '.demo-out');
const WRITE_OPERATIONS = ['CreateReplicator', 'UpdateReplicationInfo', 'DeleteReplicator', 'TagResource', 'UntagResource'];

interface StepOutcome {
  readonly step: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly calls: string;
  readonly seconds: number;
}

function synthesize(label: string, options: ReplicatorOptions): CfnTemplate {
  const template = Template.fromStack(exampleStack(options).stack).toJSON() as CfnTemplate;
  fs.writeFileSync(path.join(OUT_DIR, `${label}.template.json`), JSON.stringify(template, null, 2));
  return template;
}

/** The replicator's physical id (its ARN) as the stack tracks it. */
function replicatorArn(stack: CloudFormationStack, template: CfnTemplate): string | undefined {
  const [id] = Object.entries(template.Resources).find(([, r]) => r.Type === 'Custom::MskReplicator')!;
  return stack.resource(id)?.physicalId;
}

function callSummary(sim: MskSimulator): string {
  const counts = new Map<string, number>();
  for (const call of sim.calls) counts.set(call.operation, (counts.get(call.operation) ?? 0) + 1);
  return [...counts.entries()].map(([op, n]) => `${op}×${n}`).join(', ') || 'none';
}

async function main(): Promise<number> {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  // Slow enough to watch the states pass, fast enough for a demo: the real service takes up to 30 minutes.
  const sim = await MskSimulator.start({ timing: { creatingMs: 1500, updatingMs: 800, deletingMs: 800 } });
  say(`local MSK API simulator listening on ${sim.endpoint} (AWS_ENDPOINT_URL_KAFKA)`);

  const handler = loadBundledHandler(sim.endpoint);
  // The handler's log, indented, as CloudWatch Logs would hold it; repeated polls of an unchanged state are
  // folded into one line with a count, so the states can be seen as they pass.
  let lastLine = '';
  let repeats = 0;
  const flush = () => {
    if (repeats > 0) say(`    handler |   (same again ×${repeats})`);
    repeats = 0;
  };
  const onLog = (line: string) => {
    if (line === lastLine) {
      repeats += 1;
      return;
    }
    flush();
    lastLine = line;
    say(`    handler | ${line}`);
  };

  const v1 = synthesize('1-create', { tags: { team: 'streaming' }, topicReplication: { topicsToReplicate: ['orders\\..*'] } });
  // The operator who runs `cdk-msk-replicator plan` may read replicators, nothing else (the README lists these actions).
  const operator: PolicyDocument[] = [{
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['kafka:DescribeReplicator', 'kafka:ListTagsForResource', 'kafka:ListReplicators'], Resource: '*' }],
  }];
  const stack = iamEnforcingStack(sim, handler, networkOf(v1, EXAMPLE_SUBNET_VPCS, { region: REGION, account: ACCOUNT }), {
    region: REGION, account: ACCOUNT, stackName: 'OrdersReplication', provider: { queryIntervalMs: 250, onLog },
  }, operator);
  say('IAM enforced: each call is authorized by the policies attached to the calling function\'s role at that moment');
  const outcomes: StepOutcome[] = [];
  const step = async (name: string, expected: StackStatus, run: () => Promise<StackStatus>, check: () => string | undefined) => {
    say(`\n▶ ${name}`);
    sim.resetCalls();
    const started = Date.now();
    const status = await run();
    flush();
    lastLine = '';
    const denied = sim.calls.filter((c) => c.status === 403);
    const problem = denied.length > 0 ? `denied: ${denied[0].operation}: ${denied[0].errorMessage}`
      : status !== expected ? `${status}, expected ${expected}: ${stack.events.filter((e) => e.reason).map((e) => e.reason).pop() ?? ''}`
        : check();
    const writes = sim.calls.filter((c) => WRITE_OPERATIONS.includes(c.operation))
      .map((c) => `${c.operation}${c.input.currentVersion ? `(CurrentVersion=${String(c.input.currentVersion)})` : ''}`);
    say(`  writes: ${writes.join(', ') || 'none'}`);
    say(`  ${problem ? `✗ ${problem}` : `✓ ${status}`}`);
    outcomes.push({
      step: name, ok: problem === undefined, detail: problem ?? status, calls: callSummary(sim), seconds: (Date.now() - started) / 1000,
    });
  };

  await step('create the replicator', 'CREATE_COMPLETE', () => stack.deploy(v1), () => {
    const live = sim.replicator(replicatorArn(stack, v1) ?? '');
    return live?.state === 'RUNNING' ? undefined : `expected RUNNING, found ${live?.state ?? 'nothing'}`;
  });
  const createdArn = replicatorArn(stack, v1);

  const v2 = synthesize('2-topics', {
    tags: { team: 'streaming' }, topicReplication: { topicsToReplicate: ['orders\\..*', 'payments\\..*'] },
  });
  await step('change the replicated topics (in place)', 'UPDATE_COMPLETE', () => stack.deploy(v2), () => {
    const arn = replicatorArn(stack, v2);
    if (arn !== createdArn) return 'the replicator was replaced instead of updated in place';
    if (sim.callsTo('UpdateReplicationInfo').length !== 1) return 'expected exactly one UpdateReplicationInfo';
    const topics = sim.replicator(arn!)?.replicationInfo.topicReplication.topicsToReplicate ?? [];
    return topics.includes('payments\\..*') ? undefined : 'topics not applied';
  });

  // CloudFormation does not call a custom resource whose properties did not change: no MSK call at all.
  await step('deploy again without changes (no-op)', 'UPDATE_COMPLETE', () => stack.deploy(v2), () =>
    sim.calls.length > 0 ? `a no-op deployment made ${sim.calls.length} MSK call(s)` : undefined);

  // What `cdk-msk-replicator plan` prints before a deployment: the stack read through the local CloudFormation API.
  const cloudFormationApi = await LocalCloudFormationApi.start({ region: REGION, stacks: [stack] });
  const credentials = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'example-secret' };
  const printPlan = async (template: CfnTemplate) => {
    const plan = await planStack({
      stackName: 'OrdersReplication',
      template: template as never,
      region: REGION,
      account: ACCOUNT,
      cloudFormation: new CloudFormationClient({ region: REGION, endpoint: cloudFormationApi.endpoint, credentials }),
      kafka: new KafkaClient({ region: REGION, endpoint: sim.endpoint, credentials }),
    });
    say('  $ cdk-msk-replicator plan --stack OrdersReplication');
    for (const line of planText(plan).split('\n')) say(`  | ${line}`);
  };

  const protectedV3 = synthesize('3-compression-protected', {
    tags: { team: 'streaming' },
    topicReplication: { topicsToReplicate: ['orders\\..*', 'payments\\..*'] },
    targetCompressionType: TargetCompressionType.ZSTD,
  });
  await step('change the target compression, protected (refused: nothing changes)', 'UPDATE_ROLLBACK_COMPLETE', async () => {
    await printPlan(protectedV3);
    return stack.deploy(protectedV3);
  }, () => {
    if (replicatorArn(stack, v2) !== createdArn) return 'the replicator changed despite the protection';
    return sim.callsTo('CreateReplicator').length === 0 ? undefined : 'a replicator was created despite the protection';
  });

  const v3 = synthesize('3-compression', {
    tags: { team: 'streaming' },
    topicReplication: { topicsToReplicate: ['orders\\..*', 'payments\\..*'] },
    targetCompressionType: TargetCompressionType.ZSTD,
    replacementProtection: false,
  });
  await step('change the target compression, replacement allowed (a new replicator)', 'UPDATE_COMPLETE', async () => {
    await printPlan(v3);
    return stack.deploy(v3);
  }, () => {
    const arn = replicatorArn(stack, v3);
    if (arn === createdArn) return 'expected a new physical id';
    if (sim.replicator(createdArn!) !== undefined) return 'the old replicator was not deleted in the cleanup phase';
    return sim.replicator(arn!)?.replicationInfo.targetCompressionType === 'ZSTD' ? undefined : 'ZSTD not applied';
  });

  await step('delete the stack', 'DELETE_COMPLETE', () => stack.destroy(), () =>
    sim.replicators().length === 0 ? undefined : `${sim.replicators().length} replicator(s) left behind`);

  await cloudFormationApi.stop();
  await sim.stop();
  say('\nSummary');
  say('| step | result | MSK API calls | seconds |');
  say('|---|---|---|---|');
  for (const o of outcomes) say(`| ${o.step} | ${o.ok ? 'ok' : `FAILED: ${o.detail}`} | ${o.calls} | ${o.seconds.toFixed(1)} |`);
  say(`\ntemplates written to ${path.relative(process.cwd(), OUT_DIR)}/`);
  const failed = outcomes.filter((o) => !o.ok).length;
  say(failed === 0 ? 'demo passed' : `demo FAILED: ${failed} step(s) went wrong`);
  return failed === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (error) => {
  console.error(error);
  process.exit(1);
});
