/**
 * The offline demo: synthesize an example app with an MskReplicator, then play its CloudFormation lifecycle
 * (create, an in-place topic change, a change that needs a new replicator, delete) through the bundled handler
 * against the local MSK API simulator. Exits non-zero if any step does not end as it must.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { exampleStack, ReplicatorOptions, synthesizedProperties } from '../examples/orders-replication';
import { CloudFormationResource, loadBundledHandler, ProviderResult } from '../local-aws/cloudformation/provider-framework';
import { MskSimulator } from '../local-aws/msk-simulator';
import { TargetCompressionType } from '../src';

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

function synthesize(label: string, options: ReplicatorOptions) {
  const { stack } = exampleStack(options);
  const template = JSON.stringify(Template.fromStack(stack).toJSON(), null, 2);
  fs.writeFileSync(path.join(OUT_DIR, `${label}.template.json`), template);
  return synthesizedProperties(stack);
}

function callSummary(sim: MskSimulator): string {
  const counts = new Map<string, number>();
  for (const call of sim.calls) counts.set(call.operation, (counts.get(call.operation) ?? 0) + 1);
  return [...counts.entries()].map(([op, n]) => `${op}×${n}`).join(', ');
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

  const resource = new CloudFormationResource(handler, { queryIntervalMs: 250, onLog });
  const outcomes: StepOutcome[] = [];
  const step = async (name: string, run: () => Promise<ProviderResult>, check: (r: ProviderResult) => string | undefined) => {
    say(`\n▶ ${name}`);
    sim.resetCalls();
    const started = Date.now();
    const result = await run();
    flush();
    lastLine = '';
    const problem = result.status !== 'SUCCESS' ? `${result.status}: ${result.reason}` : check(result);
    const writes = sim.calls.filter((c) => WRITE_OPERATIONS.includes(c.operation))
      .map((c) => `${c.operation}${c.input.currentVersion ? `(CurrentVersion=${String(c.input.currentVersion)})` : ''}`);
    say(`  writes: ${writes.join(', ') || 'none'}`);
    say(`  ${problem ? `✗ ${problem}` : `✓ ${result.status} physical id ${result.physicalResourceId}`}`);
    outcomes.push({
      step: name,
      ok: problem === undefined,
      detail: problem ?? result.physicalResourceId,
      calls: callSummary(sim),
      seconds: (Date.now() - started) / 1000,
    });
  };

  const v1 = synthesize('1-create', { tags: { team: 'streaming' }, topicReplication: { topicsToReplicate: ['orders\\..*'] } });
  await step('create the replicator', () => resource.create(v1), (r) => {
    const live = sim.replicator(r.physicalResourceId);
    return live?.state === 'RUNNING' ? undefined : `expected RUNNING, found ${live?.state ?? 'nothing'}`;
  });
  const createdArn = resource.physicalResourceId;

  const v2 = synthesize('2-topics', {
    tags: { team: 'streaming' }, topicReplication: { topicsToReplicate: ['orders\\..*', 'payments\\..*'] },
  });
  await step('change the replicated topics (in place)', () => resource.update(v2), (r) => {
    const live = sim.replicator(r.physicalResourceId);
    if (r.physicalResourceId !== createdArn) return 'the replicator was replaced instead of updated in place';
    if (sim.callsTo('UpdateReplicationInfo').length !== 1) return 'expected exactly one UpdateReplicationInfo';
    return live?.replicationInfo.topicReplication.topicsToReplicate.includes('payments\\..*') ? undefined : 'topics not applied';
  });

  await step('deploy again without changes (no-op)', () => resource.update(v2), () =>
    sim.calls.some((c) => WRITE_OPERATIONS.includes(c.operation)) ? 'a no-op deployment made a write call' : undefined);

  const v3 = synthesize('3-compression', {
    tags: { team: 'streaming' },
    topicReplication: { topicsToReplicate: ['orders\\..*', 'payments\\..*'] },
    targetCompressionType: TargetCompressionType.ZSTD,
  });
  await step('change the target compression (needs a new replicator)', () => resource.update(v3), (r) => {
    if (r.physicalResourceId === createdArn) return 'expected a new physical id';
    if (sim.replicator(createdArn!) !== undefined) return 'the old replicator was not deleted';
    return sim.replicator(r.physicalResourceId)?.replicationInfo.targetCompressionType === 'ZSTD' ? undefined : 'ZSTD not applied';
  });

  await step('delete the stack', () => resource.delete(), () =>
    sim.replicators().length === 0 ? undefined : `${sim.replicators().length} replicator(s) left behind`);

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
