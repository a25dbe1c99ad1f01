import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { KafkaClient } from '@aws-sdk/client-kafka';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { manyClusterArn, manyReplicatorsTemplate } from '../examples/many-replicators';
import { ACCOUNT, clusterVpc, REGION, ReplicatorOptions, SOURCE_CLUSTER_ARN, TARGET_CLUSTER_ARN } from '../examples/orders-replication';
import { loadBundledHandler } from '../local-aws/cloudformation/provider-framework';
import { DeployedStackView, LocalCloudFormationApi } from '../local-aws/cloudformation/query-api';
import { CfnTemplate, CloudFormationStack } from '../local-aws/cloudformation/stack';
import { MskSimulator } from '../local-aws/msk-simulator';
import { notFound } from '../local-aws/msk-simulator/http-protocol';
import {
  ConsumerGroupOffsetSyncMode, MskReplicator, ReplicatorCluster, StartingPosition, TargetCompressionType, TopicNameConfiguration,
} from '../src';
import { parsePlanArguments } from '../src/cli/plan-arguments';
import { planExitCode, planJson, planText } from '../src/cli/plan-report';
import { planStack, PlanVerdict, ReplicatorPlan, StackPlan } from '../src/cli/stack-plan';

/**
 * The plan of a synthesized stack against the local world over HTTP (the local CloudFormation API and the MSK
 * simulator), and what the deployment of that template then does through the stack emulator with the bundled handler:
 * the two must agree, verdict by verdict.
 */

let sim: MskSimulator;
let api: LocalCloudFormationApi;
const views: DeployedStackView[] = [];
let stackCount = 0;

beforeAll(async () => {
  sim = await MskSimulator.start({ region: REGION, timing: { creatingMs: 5, updatingMs: 5, deletingMs: 5 } });
  api = await LocalCloudFormationApi.start({ region: REGION, stacks: views });
}, 60_000);
afterAll(async () => {
  await api?.stop();
  await sim?.stop();
});

const credentials = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'example-secret' };
const cloudFormation = () => new CloudFormationClient({ region: REGION, endpoint: api.endpoint, credentials, maxAttempts: 1 });
const kafka = () => new KafkaClient({ region: REGION, endpoint: sim.endpoint, credentials, maxAttempts: 1 });

interface Sides { readonly source?: string; readonly target?: string }

/** One replicator `Replicator` (the same logical id whatever the options), optionally beside a second one. */
function synth(options: ReplicatorOptions = {}, sides: Sides = {}, second?: ReplicatorOptions, app = new App(), stackName?: string): CfnTemplate {
  const stack = new Stack(app, 'Planned', { env: { account: ACCOUNT, region: REGION }, stackName });
  const sourceVpc = clusterVpc(stack, 'PrimaryVpc', '10.1.0.0/16', '0primary');
  const targetVpc = clusterVpc(stack, 'DrVpc', '10.2.0.0/16', '0dr');
  new MskReplicator(stack, 'Replicator', {
    source: ReplicatorCluster.fromMskCluster({ clusterArn: sides.source ?? SOURCE_CLUSTER_ARN, vpc: sourceVpc }),
    target: ReplicatorCluster.fromMskCluster({ clusterArn: sides.target ?? TARGET_CLUSTER_ARN, vpc: targetVpc }),
    ...options,
  });
  if (second !== undefined) {
    new MskReplicator(stack, 'Second', {
      source: ReplicatorCluster.fromMskCluster({ clusterArn: manyClusterArn('primary', 7), vpc: sourceVpc }),
      target: ReplicatorCluster.fromMskCluster({ clusterArn: manyClusterArn('dr', 7), vpc: targetVpc }),
      ...second,
    });
  }
  return Template.fromStack(stack).toJSON() as CfnTemplate;
}

function newStack(): CloudFormationStack {
  const stack = new CloudFormationStack(loadBundledHandler(sim.endpoint), {
    region: REGION, account: ACCOUNT, stackName: `Planned${++stackCount}`, provider: { queryIntervalMs: 2 },
  });
  views.push(stack);
  return stack;
}

const nameOf = (stack: CloudFormationStack) => stack.stackId.split('/')[1];
const idOf = (template: CfnTemplate, prefix: string) => Object.keys(template.Resources)
  .find((id) => id.startsWith(prefix) && template.Resources[id].Type === 'Custom::MskReplicator')!;

async function plan(stack: CloudFormationStack | string, template: CfnTemplate): Promise<StackPlan> {
  const stackName = typeof stack === 'string' ? stack : nameOf(stack);
  return planStack({ stackName, template: template as never, region: REGION, account: ACCOUNT, cloudFormation: cloudFormation(), kafka: kafka() });
}

function only(p: StackPlan, prefix = 'Replicator'): ReplicatorPlan {
  const found = p.replicators.filter((r) => r.logicalId.startsWith(prefix));
  expect(found).toHaveLength(1);
  return found[0];
}

async function deployed(options: ReplicatorOptions = {}, sides: Sides = {}, second?: ReplicatorOptions) {
  const stack = newStack();
  const template = synth(options, sides, second);
  expect(await stack.deploy(template)).toBe('CREATE_COMPLETE');
  return { stack, template };
}

const WRITES = ['CreateReplicator', 'UpdateReplicationInfo', 'DeleteReplicator', 'TagResource', 'UntagResource'];
// the writes that changed something: a delete ends with a DeleteReplicator the service answers NotFound (the handler's
// confirmation that the replicator is gone), which changes nothing
const writes = () => sim.calls.filter((c) => WRITES.includes(c.operation) && c.status < 400).map((c) => c.operation);
const READS_ONLY = (from: number) => sim.calls.slice(from).every((c) => !WRITES.includes(c.operation));

/** Plans `next` for `stack`, checks that planning wrote nothing, deploys it, and returns both. */
async function planThenDeploy(stack: CloudFormationStack, next: CfnTemplate) {
  const before = sim.calls.length;
  const p = await plan(stack, next);
  expect(READS_ONLY(before)).toBe(true);
  sim.resetCalls();
  const requests = stack.requests.length;
  const events = stack.events.length;
  const status = await stack.deploy(next);
  return { plan: p, status, writes: writes(), requests: stack.requests.slice(requests), events: stack.events.slice(events) };
}

describe('verdicts, each checked against the deployment that follows', () => {
  test('a stack that is not deployed plans creates (exit 0); deploying creates them', async () => {
    const stack = newStack();
    const template = synth({}, {}, { replicatorName: 'planned-second' });
    const p = await plan(stack, template);
    expect(p.stackStatus).toBeUndefined();
    expect(p.replicators.map((r) => r.verdict)).toEqual(['create', 'create']);
    expect(only(p).newName).toMatch(/-<suffix generated at deploy>$/);
    expect(only(p, 'Second').newName).toBe('planned-second');
    expect(planExitCode(p)).toBe(0);
    sim.resetCalls();
    expect(await stack.deploy(template)).toBe('CREATE_COMPLETE');
    expect(writes().filter((w) => w === 'CreateReplicator')).toHaveLength(2);
  });

  test('the same template again: nothing, and CloudFormation sends the handler no event at all', async () => {
    const { stack, template } = await deployed();
    const run = await planThenDeploy(stack, synth());
    expect(only(run.plan).verdict).toBe<PlanVerdict>('nothing');
    expect(only(run.plan).summary).toMatch(/CloudFormation sends no update/);
    expect(run.requests).toEqual([]);
    expect(run.writes).toEqual([]);
    expect(template).toEqual(synth());
  });

  test('a tag change: tags only; the deployment only tags', async () => {
    const { stack } = await deployed({ tags: { team: 'a' } });
    const run = await planThenDeploy(stack, synth({ tags: { team: 'b', cost: 'dr' } }));
    const r = only(run.plan);
    expect(r.verdict).toBe<PlanVerdict>('tags');
    expect(r.details).toEqual(['tags.cost: undefined -> "dr"', 'tags.team: "a" -> "b"']);
    expect(run.status).toBe('UPDATE_COMPLETE');
    expect(run.writes).toEqual(['TagResource']);
  });

  // Failed before the fix: the plan took a NotFound of the tag read for "no tags" and planned the template's tags as
  // added, where the handler judges on the Tags of DescribeReplicator's answer (src/provider/tag-reads.ts)
  test('a tag change whose tag read answers NotFound (lagging): the plan reads the tags DescribeReplicator shows, as the handler', async () => {
    const { stack } = await deployed({ tags: { team: 'a' } });
    sim.beforeNext('ListTagsForResource', () => {
      throw notFound('The resource does not exist', 'resourceArn');
    });
    const run = await planThenDeploy(stack, synth({ tags: { team: 'b' } }));
    const r = only(run.plan);
    expect(r.verdict).toBe<PlanVerdict>('tags');
    expect(r.details).toEqual(['tags.team: "a" -> "b"']);
    expect(run.status).toBe('UPDATE_COMPLETE');
  });

  test('a topic list change: in place, with the topics added and removed; the deployment updates in place', async () => {
    const { stack, template } = await deployed({ topicReplication: { topicsToReplicate: ['orders', 'payments'] } });
    const arn = stack.resource(idOf(template, 'Replicator'))!.physicalId;
    const run = await planThenDeploy(stack, synth({ topicReplication: { topicsToReplicate: ['orders', 'refunds'] } }));
    const r = only(run.plan);
    expect(r.verdict).toBe<PlanVerdict>('in-place');
    expect(r.summary).toMatch(/in place \(TopicReplication\)/);
    expect(r.details).toEqual(['topicReplication.topicsToReplicate: +refunds -payments']);
    expect(planExitCode(run.plan)).toBe(0);
    expect(run.status).toBe('UPDATE_COMPLETE');
    expect(run.writes).toEqual(['UpdateReplicationInfo']);
    expect(stack.resource(idOf(template, 'Replicator'))!.physicalId).toBe(arn);
  });

  test('removed from the template: delete, and retain under RemovalPolicy.RETAIN', async () => {
    const { stack } = await deployed({}, {}, { removalPolicy: RemovalPolicy.RETAIN });
    const run = await planThenDeploy(stack, synth());
    // the first replicator keeps its template: nothing; the second is removed with RETAIN
    expect(only(run.plan, 'Second').verdict).toBe<PlanVerdict>('retain');
    expect(run.writes).toEqual(['TagResource']);
    const { stack: other } = await deployed({}, {}, {});
    const again = await planThenDeploy(other, synth());
    expect(only(again.plan, 'Second').verdict).toBe<PlanVerdict>('delete');
    expect(again.writes).toEqual(['DeleteReplicator']);
  });
});

/** Every create-only prop, as a change of the template that needs a new replicator. */
const CREATE_ONLY: Array<{ prop: string; from: [ReplicatorOptions, Sides?]; to: [ReplicatorOptions, Sides?] }> = [
  // fixed names: each test deploys its own replicators, so `unique` gives each its own names (names are unique)
  { prop: 'replicatorName', from: [{ replicatorName: 'planned-rename-a-#' }], to: [{ replicatorName: 'planned-rename-b-#' }] },
  { prop: 'replicatorName', from: [{}], to: [{ replicatorName: 'planned-now-fixed-#' }] },
  { prop: 'description', from: [{ description: 'one' }], to: [{ description: 'two' }] },
  { prop: 'role', from: [{}], to: [{ role: iam.Role.fromRoleArn(new Stack(), 'Byo', `arn:aws:iam::${ACCOUNT}:role/byo-replicator`) }] },
  { prop: 'source', from: [{}], to: [{}, { source: manyClusterArn('primary', 3) }] },
  { prop: 'target', from: [{}], to: [{}, { target: manyClusterArn('dr', 3) }] },
  { prop: 'targetCompressionType', from: [{}], to: [{ targetCompressionType: TargetCompressionType.ZSTD }] },
  {
    prop: 'topicReplication.startingPosition',
    from: [{}],
    to: [{ topicReplication: { startingPosition: StartingPosition.EARLIEST } }],
  },
  {
    prop: 'topicReplication.topicNameConfiguration',
    from: [{}],
    to: [{ topicReplication: { topicNameConfiguration: TopicNameConfiguration.IDENTICAL } }],
  },
  {
    // ENHANCED requires IDENTICAL topic names (the construct validates it)
    prop: 'consumerGroupReplication.offsetSyncMode',
    from: [{ topicReplication: { topicNameConfiguration: TopicNameConfiguration.IDENTICAL } }],
    to: [{
      topicReplication: { topicNameConfiguration: TopicNameConfiguration.IDENTICAL },
      consumerGroupReplication: { offsetSyncMode: ConsumerGroupOffsetSyncMode.ENHANCED },
    }],
  },
];

/** `options` with the `#` of a fixed name replaced by a number of its own. */
function unique(options: ReplicatorOptions, n: number): ReplicatorOptions {
  return options.replicatorName === undefined ? options : { ...options, replicatorName: options.replicatorName.replace('#', String(n)) };
}

describe.each(CREATE_ONLY)('a change of $prop', ({ prop, from: fromTemplate, to: toTemplate }) => {
  let from: [ReplicatorOptions, Sides?];
  let to: [ReplicatorOptions, Sides?];
  beforeEach(() => {
    from = [unique(fromTemplate[0], stackCount + 1), fromTemplate[1]];
    to = [unique(toTemplate[0], stackCount + 1), toTemplate[1]];
  });

  test('protected (the default): refused (exit 4), and the deployment fails with the same reason, creating nothing', async () => {
    const { stack } = await deployed(from[0], from[1]);
    const arn = stack.resource(idOf(stack.deployedTemplate() as CfnTemplate, 'Replicator'))!.physicalId;
    const run = await planThenDeploy(stack, synth(to[0], to[1]));
    const r = only(run.plan);
    expect(r.verdict).toBe<PlanVerdict>('refuse');
    expect(r.causes).toEqual([prop]);
    expect(r.reason).toMatch(/replacementProtection is on/);
    expect(planExitCode(run.plan)).toBe(4);
    expect(run.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    const failed = run.events.find((e) => e.status === 'FAILED');
    expect(failed?.reason).toContain(r.reason);
    expect(run.writes).toEqual([]);
    expect(sim.replicator(arn)?.state).toBe('RUNNING');
  });

  test('allowed (replacementProtection: false): REPLACE (exit 3), and the deployment replaces it', async () => {
    const { stack } = await deployed(from[0], from[1]);
    const id = idOf(stack.deployedTemplate() as CfnTemplate, 'Replicator');
    const arn = stack.resource(id)!.physicalId;
    const run = await planThenDeploy(stack, synth({ ...to[0], replacementProtection: false }, to[1]));
    const r = only(run.plan);
    expect(r.verdict).toBe<PlanVerdict>('replace');
    expect(r.causes).toEqual([prop]);
    expect(r.details[0]).toMatch(new RegExp(`^${prop.replace(/\./g, '\\.')}: `));
    expect(planExitCode(run.plan)).toBe(3);
    expect(run.status).toBe('UPDATE_COMPLETE');
    expect(run.writes).toEqual(['CreateReplicator', 'DeleteReplicator']);
    expect(stack.resource(id)!.physicalId).not.toBe(arn);
    if (r.newName !== undefined && !r.newName.includes('<suffix')) expect(sim.replicator(stack.resource(id)!.physicalId)?.name).toBe(r.newName);
  });
});

describe('refusals and what the live world says', () => {
  test('a fixed name kept while a create-only prop changes: refused even without protection, as the handler refuses it', async () => {
    const { stack } = await deployed({ replicatorName: 'planned-kept', replacementProtection: false });
    const run = await planThenDeploy(stack, synth({ replicatorName: 'planned-kept', replacementProtection: false, description: 'changed' }));
    const r = only(run.plan);
    expect(r.verdict).toBe<PlanVerdict>('refuse');
    expect(r.reason).toMatch(/also change `replicatorName`/);
    expect(run.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(run.events.find((e) => e.status === 'FAILED')?.reason).toContain(r.reason);
    expect(run.writes).toEqual([]);
  });

  test('a fixed name another replicator already has: refused for a create, and the deployment fails', async () => {
    await deployed({ replicatorName: 'planned-taken' });
    const stack = newStack();
    const template = synth({ replicatorName: 'planned-taken' });
    const p = await plan(stack, template);
    expect(only(p).verdict).toBe<PlanVerdict>('refuse');
    expect(only(p).reason).toMatch(/A replicator named "planned-taken" already exists/);
    expect(await stack.deploy(template)).toBe('ROLLBACK_COMPLETE');
  });

  test('a replicator deleted outside CloudFormation: a changed template creates it again; an identical one leaves it missing', async () => {
    const { stack, template } = await deployed({ tags: { team: 'a' } });
    const arn = stack.resource(idOf(template, 'Replicator'))!.physicalId;
    sim.deleteOutOfBand(arn);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(only(await plan(stack, template)).verdict).toBe<PlanVerdict>('nothing');
    const run = await planThenDeploy(stack, synth({ tags: { team: 'b' } }));
    expect(only(run.plan).verdict).toBe<PlanVerdict>('create');
    expect(only(run.plan).summary).toMatch(/deleted outside CloudFormation/);
    expect(run.writes).toContain('CreateReplicator');
  });

  test('a stack whose creation rolled back (ROLLBACK_COMPLETE) has nothing deployed: creates', async () => {
    const stack = newStack();
    const template = synth({ replicatorName: 'planned-rolled-back' });
    sim.failNextCreation();
    expect(await stack.deploy(template)).toBe('ROLLBACK_COMPLETE');
    const p = await plan(stack, template);
    expect(p.stackStatus).toBe('ROLLBACK_COMPLETE');
    expect(only(p).verdict).toBe<PlanVerdict>('create');
  });

  test('a FAILED replicator with a change to apply in place: refused, as the deployment fails', async () => {
    const { stack, template } = await deployed();
    const arn = stack.resource(idOf(template, 'Replicator'))!.physicalId;
    sim.setState(arn, 'FAILED');
    const run = await planThenDeploy(stack, synth({ topicReplication: { topicsToReplicate: ['orders'] } }));
    expect(only(run.plan).verdict).toBe<PlanVerdict>('refuse');
    expect(run.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(run.writes).toEqual([]);
  });

  test('drift is reported beside the verdict: an identical template plans nothing, whatever the live replicator holds', async () => {
    const { stack, template } = await deployed();
    sim.modifyOutOfBand(stack.resource(idOf(template, 'Replicator'))!.physicalId, { topicReplication: { topicsToExclude: ['tmp'] } });
    const r = only(await plan(stack, template));
    expect(r.verdict).toBe<PlanVerdict>('nothing');
    expect(r.drift.map((d) => d.field)).toEqual(['topicReplication.topicsToExclude']);
  });

  /** A stack that replaced its replicator (compression NONE -> ZSTD) and whose cleanup left the original running. */
  async function leftByAFailedCleanup() {
    // few polls, so that a cleanup Delete waiting for a deletable state gives up soon (CloudFormation ignores its failure)
    const stack = new CloudFormationStack(loadBundledHandler(sim.endpoint), {
      region: REGION, account: ACCOUNT, stackName: `Planned${++stackCount}`, provider: { queryIntervalMs: 2, maxPolls: 30 },
    });
    views.push(stack);
    const first = synth({ replacementProtection: false });
    expect(await stack.deploy(first)).toBe('CREATE_COMPLETE');
    const id = idOf(first, 'Replicator');
    const original = stack.resource(id)!.physicalId;
    // the replacement's cleanup finds the original in no deletable state, and fails
    sim.setState(original, 'UPDATING');
    expect(await stack.deploy(synth({ replacementProtection: false, targetCompressionType: TargetCompressionType.ZSTD }))).toBe('UPDATE_COMPLETE');
    const replacement = stack.resource(id)!.physicalId;
    expect(replacement).not.toBe(original);
    expect(stack.cleanupFailures).toHaveLength(1);
    sim.setState(original, 'RUNNING');
    return { stack, id, original, replacement };
  }

  test('a replicator of the resource still running with the requested configuration (a failed cleanup left it): the plan '
    + 'says the deployment returns to it, creating nothing (exit 3), and it does', async () => {
    const { stack, id, original, replacement } = await leftByAFailedCleanup();
    // back to the original's configuration (replacementProtection back on: it protects from the next deployment on)
    const name = sim.replicator(original)!.name;
    const run = await planThenDeploy(stack, synth({}));
    expect(run.status).toBe('UPDATE_COMPLETE');
    expect(run.writes).not.toContain('CreateReplicator');
    expect(stack.resource(id)!.physicalId).toBe(original);
    // the replicator it leaves is deleted in the cleanup
    expect(run.writes).toContain('DeleteReplicator');
    expect(sim.replicator(replacement)).toBeUndefined();
    const r = only(run.plan);
    expect(r.summary).toMatch(new RegExp(`^return to ${name}`));
    expect(r.verdict).toBe<PlanVerdict>('return');
    expect(r.causes).toEqual(['targetCompressionType']);
    expect(r.returnTo).toBe(original);
    expect(planExitCode(run.plan)).toBe(3);
    expect(planText(run.plan)).toMatch(/: RETURN\n  return to \S+, this resource's replicator that still runs with the requested configuration/);
  });

  test('the same under replacementProtection: RETURN, not REFUSED, since the handler returns before it refuses', async () => {
    const { stack, id, original } = await leftByAFailedCleanup();
    // protection back on, deployed with a tag change (it protects from the next deployment on)
    expect(await stack.deploy(synth({ targetCompressionType: TargetCompressionType.ZSTD, tags: { team: 'p' } }))).toBe('UPDATE_COMPLETE');
    const run = await planThenDeploy(stack, synth({ tags: { team: 'p' } }));
    expect(run.status).toBe('UPDATE_COMPLETE');
    expect(run.writes).not.toContain('CreateReplicator');
    expect(stack.resource(id)!.physicalId).toBe(original);
    const r = only(run.plan);
    expect(r.verdict).toBe<PlanVerdict>('return');
    expect(r.returnTo).toBe(original);
    expect(planExitCode(run.plan)).toBe(3);
  });

  test('a stack in another Region than the endpoint serves: the error is CloudFormation\'s, not a plan', async () => {
    const client = new CloudFormationClient({ region: 'eu-west-1', endpoint: api.endpoint, credentials, maxAttempts: 1 });
    await expect(planStack({ stackName: 'x', template: synth() as never, region: 'eu-west-1', cloudFormation: client, kafka: kafka() }))
      .rejects.toThrow(/Credential should be scoped to a valid region/);
  });
});

test('15 replicators (the default quota per Region): planned within 5 seconds, with the calls counted', async () => {
  const stack = newStack();
  const template = manyReplicatorsTemplate(15) as CfnTemplate;
  expect(await stack.deploy(template)).toBe('CREATE_COMPLETE');
  sim.resetCalls();
  const cfnCalls = api.calls.length;
  const started = Date.now();
  const p = await plan(stack, template);
  const elapsed = Date.now() - started;
  expect(p.replicators).toHaveLength(15);
  expect(p.replicators.every((r) => r.verdict === 'nothing')).toBe(true);
  const cfn = api.calls.slice(cfnCalls).map((c) => c.action);
  const msk = sim.calls.map((c) => c.operation);
  // eslint-disable-next-line no-console
  console.log(`plan of 15 replicators: ${elapsed} ms; CloudFormation ${cfn.length} calls (${[...new Set(cfn)].join(', ')}); `
    + `MSK ${msk.length} calls (${[...new Set(msk)].join(', ')})`);
  expect(elapsed).toBeLessThan(5000);
  expect(cfn.sort()).toEqual(['DescribeStacks', 'GetTemplate', 'ListStackResources']);
  expect(msk.filter((o) => o === 'DescribeReplicator')).toHaveLength(15);
  expect(msk.filter((o) => o === 'ListTagsForResource')).toHaveLength(15);
  expect(msk).toHaveLength(30);
  expect(planText(p)).toMatch(/15 no change: no replicator is replaced$/);
  expect(JSON.parse(planJson(p))).toMatchObject({ formatVersion: 1, exitCode: 0, counts: { nothing: 15 } });
}, 120_000);

describe('the command (the bundled bin, over HTTP, from a cloud assembly)', () => {
  const cli = path.join(__dirname, '..', 'assets', 'cli', 'main.cli', 'index.js');

  /** `cdk synth` of `options` for the deployed `stack`, into a cloud assembly of its own. */
  function assembly(stack: CloudFormationStack, options: ReplicatorOptions): string {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-'));
    const app = new App({ outdir });
    synth(options, {}, undefined, app, nameOf(stack));
    app.synth();
    return outdir;
  }

  /** A stack deployed from a template synthesized with its own stack name (generated names derive from it). */
  async function deployedAs(options: ReplicatorOptions): Promise<{ stack: CloudFormationStack }> {
    const stack = newStack();
    expect(await stack.deploy(synth(options, {}, undefined, new App(), nameOf(stack)))).toBe('CREATE_COMPLETE');
    return { stack };
  }

  async function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, ...args], { env });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  const localEnv = (): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'example-secret',
    AWS_ENDPOINT_URL_CLOUDFORMATION: api.endpoint,
    AWS_ENDPOINT_URL_KAFKA: sim.endpoint,
    AWS_CONFIG_FILE: '/nonexistent/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
  });

  test('text: a pending replacement exits 3, a refused one 4; the Region comes from the cloud assembly', async () => {
    const { stack } = await deployedAs({ topicReplication: { topicsToReplicate: ['orders'] }, tags: { team: 'payments' } });
    const allowed = assembly(stack, {
      topicReplication: { topicsToReplicate: ['orders'], startingPosition: StartingPosition.EARLIEST }, tags: { team: 'payments' }, replacementProtection: false,
    });
    const replace = await run(['plan', '--stack', nameOf(stack), '--app', allowed], localEnv());
    // eslint-disable-next-line no-console
    console.log(replace.stdout);
    expect(replace.stderr).not.toMatch(/cdk-msk-replicator/);
    expect(replace.code).toBe(3);
    expect(replace.stdout).toMatch(/^Stack Planned\d+ in us-east-1 \(CREATE_COMPLETE\): 1 replicator\(s\)$/m);
    expect(replace.stdout).toMatch(/: REPLACE\n  REPLACE \S+ with a new replicator \S+-<suffix generated at deploy>: topicReplication\.startingPosition cannot change in place/);
    expect(replace.stdout).toMatch(/topicReplication\.startingPosition: "LATEST" -> "EARLIEST"/);
    expect(replace.stdout).toMatch(/consumers of the target read those records twice/);

    const refused = await run(['plan', '--stack', nameOf(stack), '--app', assembly(stack, { tags: { team: 'payments' }, targetCompressionType: TargetCompressionType.GZIP })], localEnv());
    // eslint-disable-next-line no-console
    console.log(refused.stdout);
    expect(refused.code).toBe(4);
    expect(refused.stdout).toMatch(/REFUSED/);
    expect(refused.stdout).toMatch(/deploy it once with `replacementProtection: false`/);
  });

  test('--json for pipelines (formatVersion 1), exit 0 for a change in place', async () => {
    const { stack } = await deployedAs({ topicReplication: { topicsToReplicate: ['orders'] } });
    const outdir = assembly(stack, { topicReplication: { topicsToReplicate: ['orders', 'refunds'] } });
    const { code, stdout } = await run(['plan', '--stack', nameOf(stack), '--app', outdir, '--json'], localEnv());
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc).toMatchObject({ formatVersion: 1, stack: nameOf(stack), region: REGION, stackStatus: 'CREATE_COMPLETE', exitCode: 0, counts: { 'in-place': 1 } });
    expect(doc.replicators[0]).toMatchObject({ verdict: 'in-place', details: ['topicReplication.topicsToReplicate: +refunds'] });
  });

  test('errors: no credentials (exit 1, what to do), a stack cdk.out does not have (exit 1), usage (exit 64)', async () => {
    const { stack } = await deployedAs({});
    const outdir = assembly(stack, {});
    const { AWS_ACCESS_KEY_ID: _a, AWS_SECRET_ACCESS_KEY: _s, ...noCredentials } = localEnv();
    const missing = await run(['plan', '--stack', nameOf(stack), '--app', outdir], noCredentials);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^cdk-msk-replicator plan: no AWS credentials found/m);
    expect(missing.stderr).toMatch(/cloudformation:DescribeStacks/);
    const unknown = await run(['plan', '--stack', 'NotInTheAssembly', '--app', outdir], localEnv());
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/has no stack NotInTheAssembly \(its stacks: Planned\d+\)/);
    const usage = await run(['plan'], localEnv());
    expect(usage.code).toBe(64);
    expect(usage.stderr).toMatch(/--stack is missing/);
    expect((await run(['deploy'], localEnv())).code).toBe(64);
    expect((await run(['plan', '--help'], localEnv())).stdout).toMatch(/^usage: cdk-msk-replicator plan/);
  });
});

test('plan arguments', () => {
  expect(parsePlanArguments(['--stack', 'S'])).toEqual({ kind: 'run', stack: 'S', assemblyDir: 'cdk.out', templateFile: undefined, region: undefined, json: false });
  expect(parsePlanArguments(['--stack', `arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stack/S/abc`, '--json'])).toMatchObject({ region: 'eu-west-1', json: true });
  expect(parsePlanArguments(['--stack'])).toEqual({ kind: 'invalid', reason: '--stack needs a value' });
  expect(parsePlanArguments(['--stack', 'S', 'extra'])).toEqual({ kind: 'invalid', reason: 'unexpected argument extra' });
  expect(parsePlanArguments(['--stack', 'S', '--force'])).toEqual({ kind: 'invalid', reason: 'unknown option --force' });
});
