import { RemovalPolicy, Tags } from 'aws-cdk-lib';
import { exampleProperties, exampleStack, synthesizedProperties } from '../examples/orders-replication';
import { CloudFormationResource, Handler, loadBundledHandler } from '../local-aws/cloudformation/provider-framework';
import { MskSimulator } from '../local-aws/msk-simulator';

/**
 * Operability against the simulator: removal policy, the no-wait path, tags from Tags.of, attributes after
 * every update.
 */
let sim: MskSimulator;
let handler: Handler;
beforeAll(async () => {
  sim = await MskSimulator.start({ timing: { creatingMs: 50, updatingMs: 30, deletingMs: 30 } });
  handler = loadBundledHandler(sim.endpoint);
});
afterAll(async () => sim.stop());
afterEach(() => sim.holdState('*', false));

test('RETAIN: deleting the resource makes no delete call, the replicator keeps running, marked retained, and the log says so', async () => {
  const logs: string[] = [];
  const resource = new CloudFormationResource(handler, { queryIntervalMs: 5, onLog: (l) => logs.push(l) });
  await resource.create(exampleProperties({ removalPolicy: RemovalPolicy.RETAIN }));
  const arn = resource.physicalResourceId!;
  sim.resetCalls();

  const result = await resource.delete();

  expect(result.status).toBe('SUCCESS');
  // no delete; the only write marks the replicator as retained, so that no later rollback returns to it
  expect(sim.callsTo('DeleteReplicator')).toEqual([]);
  expect(sim.calls.filter((c) => c.method !== 'GET').map((c) => [c.operation, c.input]))
    .toEqual([['TagResource', { tags: { 'cdk-msk-replicator:retained': 'true' } }]]);
  expect(sim.replicator(arn)!.state).toBe('RUNNING');
  expect(logs.join('\n')).toContain(`removal policy RETAIN: ${arn} is left running`);
});

test('waitForRunning false: the deployment completes while the replicator is still CREATING', async () => {
  sim.holdState('*', true);
  const resource = new CloudFormationResource(handler, { queryIntervalMs: 5 });

  const result = await resource.create(exampleProperties({ waitForRunning: false }));

  expect(result.status).toBe('SUCCESS');
  expect(result.polls).toBe(1);
  const live = sim.replicator(result.physicalResourceId)!;
  expect(live.state).toBe('CREATING');
  expect(result.data).toMatchObject({ ReplicatorArn: live.arn, ReplicatorName: live.name, CurrentVersion: live.currentVersion });
  sim.holdState('*', false);
});

test('an update right after a no-wait create waits for RUNNING, then applies', async () => {
  sim.holdState('*', true);
  const resource = new CloudFormationResource(handler, { queryIntervalMs: 5 });
  await resource.create(exampleProperties({ waitForRunning: false }));
  const arn = resource.physicalResourceId!;
  sim.holdState(arn, true);
  sim.holdState('*', false);
  expect(sim.replicator(arn)!.state).toBe('CREATING');
  setTimeout(() => sim.holdState(arn, false), 100);

  const result = await resource.update(exampleProperties({ waitForRunning: false, topicReplication: { topicsToReplicate: ['late\\..*'] } }));

  expect(result.status).toBe('SUCCESS');
  // nothing was sent while CREATING: exactly one update, accepted
  expect(sim.callsTo('UpdateReplicationInfo').map((c) => c.status)).toEqual([200]);
  expect(sim.replicator(arn)!.replicationInfo.topicReplication.topicsToReplicate).toEqual(['late\\..*']);
});

test('Tags.of reaches CreateReplicator and, when changed, TagResource', async () => {
  const first = exampleStack();
  Tags.of(first.stack).add('cost-center', 'cc-1');
  const resource = new CloudFormationResource(handler, { queryIntervalMs: 5 });
  sim.resetCalls();
  await resource.create(synthesizedProperties(first.stack));
  expect(sim.callsTo('CreateReplicator')[0].input.tags).toMatchObject({ 'cost-center': 'cc-1' });

  const second = exampleStack();
  Tags.of(second.stack).add('cost-center', 'cc-2');
  sim.resetCalls();
  await resource.update(synthesizedProperties(second.stack));
  expect(sim.callsTo('TagResource').map((c) => c.input.tags)).toEqual([{ 'cost-center': 'cc-2' }]);
  expect(sim.replicator(resource.physicalResourceId!)!.tags['cost-center']).toBe('cc-2');
});

test('CurrentVersion is returned after create and after each update', async () => {
  const resource = new CloudFormationResource(handler, { queryIntervalMs: 5 });
  await resource.create(exampleProperties());
  const arn = resource.physicalResourceId!;
  const versions = [resource.attributes.CurrentVersion];
  for (const topics of [['a.*'], ['b.*']]) {
    await resource.update(exampleProperties({ topicReplication: { topicsToReplicate: topics } }));
    versions.push(resource.attributes.CurrentVersion);
    expect(resource.attributes.CurrentVersion).toBe(sim.replicator(arn)!.currentVersion);
  }
  expect(new Set(versions).size).toBe(3);
});
