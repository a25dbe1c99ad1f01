import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { manyClusterArn } from '../examples/many-replicators';
import { ACCOUNT, clusterVpc, EXAMPLE_SUBNET_VPCS, exampleStack, REGION, ReplicatorOptions } from '../examples/orders-replication';
import { iamEnforcingStack, networkOf } from '../local-aws/cloudformation/iam-enforcing-stack';
import { loadBundledHandler } from '../local-aws/cloudformation/provider-framework';
import { CfnTemplate, CloudFormationStack } from '../local-aws/cloudformation/stack';
import { MskSimulator } from '../local-aws/msk-simulator';
import { MskReplicator, ReplicatorCluster } from '../src';

/**
 * The lifecycle of a replicator in a whole stack, with IAM enforced: every MSK call the bundled handler makes is
 * evaluated against the policies attached to the calling function's role AT THAT MOMENT, and CloudFormation
 * changes those policies and the custom resource in its own order (local-aws/cloudformation/stack.ts). A call
 * AWS would deny answers 403 and fails the deployment, which these tests catch.
 */
let sim: MskSimulator;

beforeAll(async () => {
  sim = await MskSimulator.start({ timing: { creatingMs: 30, updatingMs: 20, deletingMs: 20 } });
});
afterAll(async () => {
  sim.enforceIam(undefined);
  await sim.stop();
});
beforeEach(() => sim.resetCalls());

/** Another stack, only to create references to existing log destinations by name. */
const refs = new Stack(new App(), 'Refs');
const LOG_DELIVERY = {
  cloudWatchLogGroup: logs.LogGroup.fromLogGroupName(refs, 'Logs', 'replicator-logs'),
  s3Bucket: s3.Bucket.fromBucketName(refs, 'Bucket', 'replicator-log-bucket'),
};

// The replacements here are the point: protection off (it is tested in replacement-protection.test.ts).
const synth = (options: ReplicatorOptions = {}): CfnTemplate =>
  Template.fromStack(exampleStack({ replacementProtection: false, ...options }).stack).toJSON() as CfnTemplate;

/** The example stack plus a second replicator between two other clusters of the same VPCs. */
function synthWithSecond(): CfnTemplate {
  const { stack } = exampleStack({ replacementProtection: false });
  new MskReplicator(stack, 'Second', {
    source: ReplicatorCluster.fromMskCluster({ clusterArn: manyClusterArn('primary', 2), vpc: clusterVpc(stack, 'V1', '10.1.0.0/16', '0primary') }),
    target: ReplicatorCluster.fromMskCluster({ clusterArn: manyClusterArn('dr', 2), vpc: clusterVpc(stack, 'V2', '10.2.0.0/16', '0dr') }),
  });
  return Template.fromStack(stack).toJSON() as CfnTemplate;
}

/** A stack whose handler calls are authorized by the policies CloudFormation has in force at the moment. */
function iamStack(template: CfnTemplate = synth()): CloudFormationStack {
  return iamEnforcingStack(sim, loadBundledHandler(sim.endpoint), networkOf(template, EXAMPLE_SUBNET_VPCS, { region: REGION, account: ACCOUNT }),
    { provider: { queryIntervalMs: 5 }, stackName: 'OrdersReplication' });
}

const denied = () => sim.calls.filter((c) => c.status === 403).map((c) => `${c.operation}: ${c.errorMessage}`);
const replicatorIdOf = (template: CfnTemplate) => Object.entries(template.Resources).find(([, r]) => r.Type === 'Custom::MskReplicator')![0];
const REPLICATOR = replicatorIdOf(synth());
const live = (stack: CloudFormationStack) => sim.replicator(stack.resource(REPLICATOR)!.physicalId);
/** The order of this deployment's steps, as `phase action logicalId`. */
const steps = (stack: CloudFormationStack, from: number) => stack.events.slice(from).map((e) => `${e.phase} ${e.action} ${e.logicalId}`);
const logDeliveryPolicyId = Object.keys(synth({ logDelivery: LOG_DELIVERY }).Resources).find((id) => id.includes('LogDeliveryPolicy'))!;

async function deployed(options: ReplicatorOptions = {}): Promise<CloudFormationStack> {
  const stack = iamStack();
  await expect(stack.deploy(synth(options))).resolves.toBe('CREATE_COMPLETE');
  return stack;
}

test('create, in-place update and stack delete: every call allowed, each by the role of the function that makes it', async () => {
  const stack = await deployed();
  expect(live(stack)?.state).toBe('RUNNING');
  await expect(stack.deploy(synth({ topicReplication: { topicsToReplicate: ['orders\\..*'] } }))).resolves.toBe('UPDATE_COMPLETE');
  expect(live(stack)?.replicationInfo.topicReplication.topicsToReplicate).toEqual(['orders\\..*']);
  const arn = stack.resource(REPLICATOR)!.physicalId;
  await expect(stack.destroy()).resolves.toBe('DELETE_COMPLETE');
  expect(sim.replicator(arn)).toBeUndefined();
  expect(denied()).toEqual([]);
  expect(sim.callsTo('CreateReplicator')).toHaveLength(1);
  expect(sim.callsTo('UpdateReplicationInfo')).toHaveLength(1);
  // one delete, then the call confirming it is gone (allowed, answered NotFound)
  expect(sim.callsTo('DeleteReplicator').map((c) => c.status)).toEqual([200, 404]);
});

test('a redelivered Create adopts the replicator it already made: finding it by name and owner tag is allowed', async () => {
  const stack = await deployed({ replicatorName: 'orders-retried' });
  const arn = stack.resource(REPLICATOR)!.physicalId;
  const create = stack.requests.find((e) => e.RequestType === 'Create')!;
  const again = await stack.redeliver(create);
  expect(again.reason).toBeUndefined();
  expect(again.physicalResourceId).toBe(arn);
  expect(sim.callsTo('ListReplicators').length).toBeGreaterThan(0);
  expect(sim.replicators().filter((r) => r.name === 'orders-retried')).toHaveLength(1);
  expect(denied()).toEqual([]);
  await stack.destroy();
});

test('rename replacement (fixed name changed): the old replicator is read and then deleted in the cleanup phase', async () => {
  const stack = await deployed({ replicatorName: 'orders-dr' });
  const oldArn = stack.resource(REPLICATOR)!.physicalId;
  const from = stack.events.length;
  await expect(stack.deploy(synth({ replicatorName: 'orders-dr-v2' }))).resolves.toBe('UPDATE_COMPLETE');
  expect(denied()).toEqual([]);
  expect(stack.cleanupFailures).toEqual([]);
  expect(live(stack)?.name).toBe('orders-dr-v2');
  expect(sim.replicator(oldArn)).toBeUndefined();
  expect(steps(stack, from)).toEqual([`deploy Update ${REPLICATOR}`, `cleanup Delete ${REPLICATOR}`]);
  await stack.destroy();
});

test('generated name to fixed name, and delete after the replacement', async () => {
  const stack = await deployed();
  const generated = live(stack)!;
  await expect(stack.deploy(synth({ replicatorName: 'orders-dr-fixed' }))).resolves.toBe('UPDATE_COMPLETE');
  expect(stack.cleanupFailures).toEqual([]);
  expect(sim.replicator(generated.arn)).toBeUndefined();
  expect(live(stack)?.name).toBe('orders-dr-fixed');
  await expect(stack.destroy()).resolves.toBe('DELETE_COMPLETE');
  expect(sim.replicators().filter((r) => r.name === 'orders-dr-fixed')).toEqual([]);
  expect(denied()).toEqual([]);
});

test('log delivery added then removed: the delivery permissions exist before delivery is set up and until it is torn down', async () => {
  const stack = await deployed();
  let from = stack.events.length;
  await expect(stack.deploy(synth({ logDelivery: LOG_DELIVERY }))).resolves.toBe('UPDATE_COMPLETE');
  expect(steps(stack, from).indexOf(`deploy Create ${logDeliveryPolicyId}`)).toBeLessThan(steps(stack, from).indexOf(`deploy Update ${REPLICATOR}`));
  expect(live(stack)?.logDelivery?.replicatorLogDelivery?.cloudWatchLogs).toEqual({ enabled: true, logGroup: 'replicator-logs' });

  from = stack.events.length;
  await expect(stack.deploy(synth())).resolves.toBe('UPDATE_COMPLETE');
  // the policy that allowed logs:DeleteLogDelivery is removed only in the cleanup phase, after the update
  expect(steps(stack, from)).toEqual([`deploy Update ${REPLICATOR}`, `cleanup Delete ${logDeliveryPolicyId}`]);
  expect(live(stack)?.logDelivery?.replicatorLogDelivery?.cloudWatchLogs?.enabled).toBe(false);
  expect(denied()).toEqual([]);
  await stack.destroy();
});

test('stack delete of a replicator with log delivery: the replicator goes before the policy its deletion needs', async () => {
  const stack = await deployed({ logDelivery: LOG_DELIVERY });
  const from = stack.events.length;
  await expect(stack.destroy()).resolves.toBe('DELETE_COMPLETE');
  const order = steps(stack, from);
  expect(order.indexOf(`delete Delete ${REPLICATOR}`)).toBeLessThan(order.indexOf(`delete Delete ${logDeliveryPolicyId}`));
  expect(denied()).toEqual([]);
});

test('replacement of a replicator with log delivery: the cleanup delete of the old one still may tear its delivery down', async () => {
  const stack = await deployed({ replicatorName: 'orders-logged', logDelivery: LOG_DELIVERY });
  const oldArn = stack.resource(REPLICATOR)!.physicalId;
  // renamed AND log delivery removed in one deployment
  await expect(stack.deploy(synth({ replicatorName: 'orders-unlogged' }))).resolves.toBe('UPDATE_COMPLETE');
  expect(stack.cleanupFailures).toEqual([]);
  expect(sim.replicator(oldArn)).toBeUndefined();
  expect(sim.callsTo('DeleteReplicator').filter((c) => c.status === 200)).toHaveLength(1);
  expect(denied()).toEqual([]);
  await stack.destroy();
});

test('rollback of a failed replacement that added log delivery: the custom resource is restored before the policy is removed', async () => {
  const stack = await deployed({ replicatorName: 'orders-stable' });
  const oldArn = stack.resource(REPLICATOR)!.physicalId;
  const from = stack.events.length;
  sim.failNextCreation('REPLICATOR_CREATION_FAILED', 'The replicator could not reach the source cluster');
  await expect(stack.deploy(synth({ replicatorName: 'orders-broken', logDelivery: LOG_DELIVERY }))).resolves.toBe('UPDATE_ROLLBACK_COMPLETE');
  const order = steps(stack, from);
  expect(order[0]).toBe(`deploy Create ${logDeliveryPolicyId}`);
  expect(order).toContain(`rollback Update ${REPLICATOR}`);
  // the new, failed replicator had log delivery: it is deleted while the policy allowing that still exists
  expect(order.slice(-2)).toEqual([`rollback-cleanup Delete ${REPLICATOR}`, `rollback-cleanup Delete ${logDeliveryPolicyId}`]);
  expect(stack.cleanupFailures).toEqual([]);
  expect(stack.resource(REPLICATOR)!.physicalId).toBe(oldArn);
  expect(live(stack)?.state).toBe('RUNNING');
  expect(sim.replicators().filter((r) => r.name === 'orders-broken')).toEqual([]);
  expect(denied()).toEqual([]);
  await stack.destroy();
});

test('a replicator removed from the stack is deleted in the cleanup phase, after its role left the shared policy', async () => {
  const two = synthWithSecond();
  const stack = iamStack(two);
  await expect(stack.deploy(two)).resolves.toBe('CREATE_COMPLETE');
  const secondId = Object.entries(two.Resources).find(([id, r]) => r.Type === 'Custom::MskReplicator' && id.startsWith('Second'))![0];
  const secondArn = stack.resource(secondId)!.physicalId;
  const from = stack.events.length;
  await expect(stack.deploy(synth())).resolves.toBe('UPDATE_COMPLETE');
  const order = steps(stack, from);
  const onEventPolicy = order.find((step) => step.startsWith('deploy Update') && step.includes('HandlerPoliciesOnEvent'));
  expect(onEventPolicy).toBeDefined();
  expect(order.indexOf(onEventPolicy!)).toBeLessThan(order.indexOf(`cleanup Delete ${secondId}`));
  expect(stack.cleanupFailures).toEqual([]);
  expect(sim.replicator(secondArn)).toBeUndefined();
  expect(live(stack)?.state).toBe('RUNNING');
  expect(denied()).toEqual([]);
  await stack.destroy();
});

/**
 * A failed replacement that also changed the service execution role: the rollback Update arrives (at the new
 * replicator's id) before CloudFormation restores the policy, so the handler may no longer pass the OLD role. It
 * need not: the rollback finds the original replicator (the `replaces` tag) and returns its ARN, without a
 * CreateReplicator.
 */
test('rollback of a failed replacement that changed the service execution role returns to the original without passing the old role', async () => {
  const refsStack = new Stack(new App(), 'Roles');
  const byo = iam.Role.fromRoleArn(refsStack, 'Byo', `arn:aws:iam::${ACCOUNT}:role/byo-replicator-role`, { mutable: false });
  const stack = await deployed({ replicatorName: 'orders-role' });
  sim.failNextCreation();
  await expect(stack.deploy(synth({ replicatorName: 'orders-role-byo', role: byo }))).resolves.toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(denied()).toEqual([]);
  expect(live(stack)?.state).toBe('RUNNING');
  // the original is tracked again and the failed replacement is gone: one replicator, one CreateReplicator
  expect(live(stack)?.name).toBe('orders-role');
  expect(sim.replicators().map((r) => r.name).filter((name) => name.startsWith('orders-role'))).toEqual(['orders-role']);
  expect(sim.callsTo('CreateReplicator').filter((c) => c.input.replicatorName === 'orders-role-byo')).toHaveLength(1);
  await stack.destroy();
});

test('a policy that lacks a permission fails the deployment with AccessDenied (the IAM world is not a no-op)', async () => {
  const stack = iamStack();
  const template = synth();
  const onEventPolicy = Object.values(template.Resources)
    .find((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r).includes('CreateReplicators'))!;
  const document = onEventPolicy.Properties!.PolicyDocument as { Statement: Array<{ Sid?: string }> };
  document.Statement = document.Statement.filter((s) => s.Sid !== 'PassServiceExecutionRoles');
  await expect(stack.deploy(template)).resolves.toBe('ROLLBACK_COMPLETE');
  expect(denied()).toEqual([expect.stringMatching(/^CreateReplicator: User: .* is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role\//)]);
  expect(stack.events[stack.events.length - 1]).toMatchObject({ status: 'SUCCESS' });
});
