import { Template } from 'aws-cdk-lib/assertions';
import { ACCOUNT, exampleStack, REGION, ReplicatorOptions } from '../examples/orders-replication';
import { loadBundledHandler } from '../local-aws/cloudformation/provider-framework';
import { CfnTemplate, CloudFormationStack } from '../local-aws/cloudformation/stack';
import { MskSimulator } from '../local-aws/msk-simulator';
import { TargetCompressionType } from '../src';

/**
 * Replacement protection through whole deployments (the stack emulator, the bundled handler, the MSK simulator): what
 * it refuses, what it lets through, and that CloudFormation's rollback of an allowed replacement is never refused.
 * Each create-only prop, refused and allowed, is covered with its plan in plan.test.ts.
 */

let sim: MskSimulator;
let count = 0;
beforeAll(async () => {
  sim = await MskSimulator.start({ region: REGION, timing: { creatingMs: 5, updatingMs: 5, deletingMs: 5 } });
});
afterAll(async () => sim?.stop());

const synth = (options: ReplicatorOptions = {}) => Template.fromStack(exampleStack(options).stack).toJSON() as CfnTemplate;
const replicatorId = Object.keys(synth().Resources).find((id) => synth().Resources[id].Type === 'Custom::MskReplicator')!;
const writes = () => sim.calls.filter((c) => ['CreateReplicator', 'UpdateReplicationInfo', 'DeleteReplicator'].includes(c.operation)).map((c) => c.operation);

async function deployed(options: ReplicatorOptions = {}) {
  const stack = new CloudFormationStack(loadBundledHandler(sim.endpoint), {
    region: REGION, account: ACCOUNT, stackName: `Protected${++count}`, provider: { queryIntervalMs: 2 },
  });
  expect(await stack.deploy(synth(options))).toBe('CREATE_COMPLETE');
  sim.resetCalls();
  return { stack, arn: stack.resource(replicatorId)!.physicalId };
}

test('the construct renders protection on by default, off when asked', () => {
  const props = (options: ReplicatorOptions) => Template.fromStack(exampleStack(options).stack).findResources('Custom::MskReplicator');
  expect(Object.values(props({}))[0].Properties.ReplacementProtection).toBe(true);
  expect(Object.values(props({ replacementProtection: false }))[0].Properties.ReplacementProtection).toBe(false);
});

test('a protected replacement fails the deployment naming the props and how to allow it; nothing is created', async () => {
  const { stack, arn } = await deployed();
  expect(await stack.deploy(synth({ targetCompressionType: TargetCompressionType.GZIP, description: 'compressed' }))).toBe('UPDATE_ROLLBACK_COMPLETE');
  const failure = stack.events.find((e) => e.status === 'FAILED');
  expect(failure?.reason).toMatch(/Changing `description`, `targetCompressionType` requires a new replicator, and replacementProtection is on/);
  expect(failure?.reason).toMatch(/Nothing was changed\. To allow this replacement, deploy it once with `replacementProtection: false`/);
  expect(writes()).toEqual([]);
  expect(stack.resource(replicatorId)!.physicalId).toBe(arn);
  expect(sim.replicator(arn)?.replicationInfo.targetCompressionType).toBe('NONE');
});

test('changes that apply in place are not affected by protection', async () => {
  const { stack, arn } = await deployed();
  expect(await stack.deploy(synth({ topicReplication: { topicsToReplicate: ['orders'] } }))).toBe('UPDATE_COMPLETE');
  expect(writes()).toEqual(['UpdateReplicationInfo']);
  expect(stack.resource(replicatorId)!.physicalId).toBe(arn);
});

test('allowed once, then set back: the replacement happens, and turning protection back on changes nothing', async () => {
  const { stack, arn } = await deployed();
  expect(await stack.deploy(synth({ targetCompressionType: TargetCompressionType.GZIP, replacementProtection: false }))).toBe('UPDATE_COMPLETE');
  const replacement = stack.resource(replicatorId)!.physicalId;
  expect(replacement).not.toBe(arn);
  sim.resetCalls();
  expect(await stack.deploy(synth({ targetCompressionType: TargetCompressionType.GZIP }))).toBe('UPDATE_COMPLETE');
  expect(writes()).toEqual([]);
  expect(stack.resource(replicatorId)!.physicalId).toBe(replacement);
});

test('the rollback of an allowed replacement that failed is not refused: it returns to the protected original', async () => {
  const { stack, arn } = await deployed();
  sim.failNextCreation('INSUFFICIENT_CAPACITY', 'No capacity for the replicator in subnet-0dra');
  // CloudFormation rolls back with the old (protected) properties sent to the failed replacement
  expect(await stack.deploy(synth({ targetCompressionType: TargetCompressionType.GZIP, replacementProtection: false }))).toBe('UPDATE_ROLLBACK_COMPLETE');
  const rollback = stack.events.filter((e) => e.phase === 'rollback');
  expect(rollback.map((e) => e.status)).toEqual(['SUCCESS']);
  expect(stack.resource(replicatorId)!.physicalId).toBe(arn);
  expect(sim.replicator(arn)?.state).toBe('RUNNING');
});
