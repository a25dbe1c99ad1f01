import { Tags } from 'aws-cdk-lib';
import { exampleProperties, exampleStack, SOURCE_CLUSTER_ARN, synthesizedProperties, TARGET_CLUSTER_ARN } from '../examples/orders-replication';
import { CloudFormationResource, Handler, loadBundledHandler } from '../local-aws/cloudformation/provider-framework';
import { VirtualClock } from '../local-aws/cloudformation/world-clock';
import { MskSimulator } from '../local-aws/msk-simulator';
import { StartingPosition, TargetCompressionType } from '../src';
import { VISIBILITY_GRACE_MS } from '../src/provider/visibility';

/**
 * The CloudFormation lifecycle of one replicator, played against the bundled handler asset and the local MSK
 * API simulator over HTTP.
 */
let sim: MskSimulator;
let handler: Handler;

beforeAll(async () => {
  // the Date header follows the handler's clock: Date.now() is the virtual clock's inside an invocation of a test below
  sim = await MskSimulator.start({ timing: { creatingMs: 60, updatingMs: 40, deletingMs: 40 }, dateClock: () => Date.now() });
  handler = loadBundledHandler(sim.endpoint);
});
afterAll(async () => sim.stop());
beforeEach(() => sim.resetCalls());

/** The writes that took effect (a write answered with an error changed nothing). */
const writes = () => sim.calls
  .filter((c) => ['CreateReplicator', 'UpdateReplicationInfo', 'DeleteReplicator', 'TagResource', 'UntagResource'].includes(c.operation))
  .filter((c) => c.status >= 200 && c.status < 300)
  .map((c) => c.operation);

async function createdResource(options: Parameters<typeof exampleProperties>[0] = {}) {
  const resource = new CloudFormationResource(handler, { queryIntervalMs: 10 });
  const result = await resource.create(exampleProperties(options));
  expect(result.reason).toBeUndefined();
  expect(result.status).toBe('SUCCESS');
  return resource;
}

test('create: one CreateReplicator with every field, then RUNNING with attributes', async () => {
  const resource = await createdResource({ topicReplication: { topicsToReplicate: ['orders\\..*'] } });

  const [create] = sim.callsTo('CreateReplicator');
  expect(writes()).toEqual(['CreateReplicator']);
  expect(create.input).toMatchObject({
    serviceExecutionRoleArn: expect.stringMatching(/^arn:aws:iam::123456789012:role\//),
    kafkaClusters: [
      { amazonMskCluster: { mskClusterArn: SOURCE_CLUSTER_ARN }, vpcConfig: { subnetIds: ['subnet-0primarya', 'subnet-0primaryb'] } },
      { amazonMskCluster: { mskClusterArn: TARGET_CLUSTER_ARN }, vpcConfig: { subnetIds: ['subnet-0dra', 'subnet-0drb'] } },
    ],
    replicationInfoList: [{
      sourceKafkaClusterArn: SOURCE_CLUSTER_ARN,
      targetKafkaClusterArn: TARGET_CLUSTER_ARN,
      targetCompressionType: 'NONE',
      topicReplication: {
        topicsToReplicate: ['orders\\..*'],
        topicsToExclude: [],
        copyTopicConfigurations: true,
        copyAccessControlListsForTopics: true,
        detectAndCopyNewTopics: true,
        startingPosition: { type: 'LATEST' },
        topicNameConfiguration: { type: 'PREFIXED_WITH_SOURCE_CLUSTER_ALIAS' },
      },
      consumerGroupReplication: {
        consumerGroupsToReplicate: ['.*'],
        consumerGroupsToExclude: [],
        synchroniseConsumerGroupOffsets: true,
        detectAndCopyNewConsumerGroups: true,
        consumerGroupOffsetSyncMode: 'LEGACY',
      },
    }],
  });
  const [live] = sim.replicators().filter((r) => r.arn === resource.physicalResourceId);
  expect(live.state).toBe('RUNNING');
  expect(live.name).toMatch(/^OrdersReplication-Replicator-[0-9A-F]{8}-[0-9a-f]{12}$/);
  expect(resource.attributes).toMatchObject({
    ReplicatorArn: live.arn,
    ReplicatorName: live.name,
    CurrentVersion: live.currentVersion,
    // the ClusterAlias dimension of the per-cluster metrics, as DescribeReplicator reports it
    SourceClusterAlias: 'msk-cluster-orders-primary',
    TargetClusterAlias: 'msk-cluster-orders-dr',
  });
});

test('in-place update: one UpdateReplicationInfo with the CurrentVersion just read and all required members', async () => {
  const resource = await createdResource();
  const before = sim.replicator(resource.physicalResourceId!)!;
  sim.resetCalls();

  const result = await resource.update(exampleProperties({
    topicReplication: { topicsToReplicate: ['orders\\..*', 'payments\\..*'], copyAccessControlListsForTopics: false },
  }));

  expect(result.status).toBe('SUCCESS');
  expect(result.physicalResourceId).toBe(before.arn);
  expect(writes()).toEqual(['UpdateReplicationInfo']);
  const [update] = sim.callsTo('UpdateReplicationInfo');
  expect(update.input).toEqual({
    currentVersion: before.currentVersion,
    sourceKafkaClusterArn: SOURCE_CLUSTER_ARN,
    targetKafkaClusterArn: TARGET_CLUSTER_ARN,
    topicReplication: {
      topicsToReplicate: ['orders\\..*', 'payments\\..*'],
      topicsToExclude: [],
      copyTopicConfigurations: true,
      copyAccessControlListsForTopics: false,
      detectAndCopyNewTopics: true,
    },
  });
  const after = sim.replicator(before.arn)!;
  expect(after.replicationInfo.topicReplication.topicsToReplicate).toEqual(['orders\\..*', 'payments\\..*']);
  expect(after.currentVersion).not.toBe(before.currentVersion);
  // the attribute follows the new version
  expect(resource.attributes.CurrentVersion).toBe(after.currentVersion);
});

test('no-op update (only an unrelated property changed): no write call at all', async () => {
  const resource = await createdResource();
  sim.resetCalls();

  const result = await resource.update(exampleProperties({ waitForRunning: false }));

  expect(result.status).toBe('SUCCESS');
  expect(writes()).toEqual([]);
  expect(sim.calls.every((c) => c.status < 400)).toBe(true);
});

test('tag update: TagResource and UntagResource only for the keys that changed', async () => {
  const resource = await createdResource({ tags: { team: 'streaming', cost: 'dr' } });
  const arn = resource.physicalResourceId!;
  expect(sim.replicator(arn)!.tags).toMatchObject({ team: 'streaming', cost: 'dr' });
  sim.resetCalls();

  const { stack, replicator } = exampleStack({ tags: { team: 'platform' } });
  Tags.of(replicator).add('env', 'prod');
  const result = await resource.update(synthesizedProperties(stack));

  expect(result.status).toBe('SUCCESS');
  // removals first, so that a replicator at MSK's 50 tags never passes through 51 (test/tag-limit-swap.test.ts)
  expect(writes()).toEqual(['UntagResource', 'TagResource']);
  expect(sim.callsTo('TagResource')[0].input).toEqual({ tags: { team: 'platform', env: 'prod' } });
  expect(sim.callsTo('UntagResource')[0].input).toEqual({ tagKeys: ['cost'] });
  const tags = sim.replicator(arn)!.tags;
  expect(tags).toMatchObject({ team: 'platform', env: 'prod' });
  expect(tags.cost).toBeUndefined();
});

test('replacement with a generated name: new replicator first, then the old one is deleted', async () => {
  const resource = await createdResource();
  const oldArn = resource.physicalResourceId!;
  sim.resetCalls();

  const result = await resource.update(exampleProperties({ targetCompressionType: TargetCompressionType.LZ4, replacementProtection: false }));

  expect(result.status).toBe('SUCCESS');
  expect(result.physicalResourceId).not.toBe(oldArn);
  expect(writes()).toEqual(['CreateReplicator', 'DeleteReplicator']);
  expect(sim.callsTo('DeleteReplicator')[0].replicatorArn).toBe(oldArn);
  await waitUntilGone(oldArn);
  const live = sim.replicator(result.physicalResourceId)!;
  expect(live.replicationInfo.targetCompressionType).toBe('LZ4');
  expect(resource.attributes.ReplicatorArn).toBe(live.arn);
});

test('replacement with an unchanged fixed name fails before any API call, naming the field', async () => {
  const resource = await createdResource({ replicatorName: 'orders-dr-fixed' });
  sim.resetCalls();

  const result = await resource.update(exampleProperties({
    replicatorName: 'orders-dr-fixed', topicReplication: { startingPosition: StartingPosition.EARLIEST },
  }));

  expect(result.status).toBe('FAILED');
  expect(result.reason).toMatch(/`topicReplication.startingPosition` requires a new replicator/);
  expect(result.reason).toMatch(/change `replicatorName`/);
  // only the rollback (back to the old properties, which equal the live state) may look, never write
  expect(writes()).toEqual([]);
  expect(sim.replicators().filter((r) => r.name === 'orders-dr-fixed')).toHaveLength(1);
});

test('replacement with a changed fixed name works', async () => {
  const resource = await createdResource({ replicatorName: 'orders-dr-v1' });
  const result = await resource.update(exampleProperties({
    replicatorName: 'orders-dr-v2', targetCompressionType: TargetCompressionType.ZSTD, replacementProtection: false,
  }));
  expect(result.status).toBe('SUCCESS');
  await waitUntilGone(sim.replicators().find((r) => r.name === 'orders-dr-v1')?.arn);
  expect(sim.replicators().map((r) => r.name)).toContain('orders-dr-v2');
  expect(sim.replicators().map((r) => r.name)).not.toContain('orders-dr-v1');
});

test('delete: DeleteReplicator with the current version, complete only once it is gone', async () => {
  const resource = await createdResource();
  const arn = resource.physicalResourceId!;
  const version = sim.replicator(arn)!.currentVersion;
  sim.resetCalls();

  const result = await resource.delete();

  expect(result.status).toBe('SUCCESS');
  expect(sim.callsTo('DeleteReplicator').filter((c) => c.status === 200).map((c) => c.input)).toEqual([{ currentVersion: version }]);
  expect(sim.replicator(arn)).toBeUndefined();
  // the last looks were NotFound: Describe's, then the delete's own (a Describe may lag behind a create)
  expect(sim.callsTo('DescribeReplicator').pop()!.errorType).toBe('NotFoundException');
  expect(sim.callsTo('DeleteReplicator').pop()!.errorType).toBe('NotFoundException');
});

test('delete of a replicator that no longer exists succeeds without changing anything, after the visibility grace', async () => {
  const created = await createdResource();
  sim.deleteOutOfBand(created.physicalResourceId!);
  sim.resetCalls();
  // the same stack, its waiter and handler on a virtual clock: the grace passes in no real time
  const clock = new VirtualClock();
  const resource = new CloudFormationResource(handler, { clock }, created.stackId);
  resource.physicalResourceId = created.physicalResourceId;
  resource.properties = created.properties;
  const started = clock.now();

  const result = await resource.delete();

  expect(result.status).toBe('SUCCESS');
  expect(writes()).toEqual([]);
  // never seen by the Delete: gone, or created moments ago and not visible yet; NotFound (the delete's own too) is
  // believed once the reads have had the visibility grace since the Delete started
  expect(sim.callsTo('DeleteReplicator').length).toBeGreaterThan(1);
  expect(sim.callsTo('DeleteReplicator').map((c) => c.errorType)).toEqual(sim.callsTo('DeleteReplicator').map(() => 'NotFoundException'));
  expect(clock.now() - started).toBeGreaterThanOrEqual(VISIBILITY_GRACE_MS);
});

test('failed creation: the service reason fails the deployment and nothing is left behind', async () => {
  sim.failNextCreation('KAFKA_CLUSTER_NOT_REACHABLE', 'The replicator could not connect to the source cluster');
  const resource = new CloudFormationResource(handler, { queryIntervalMs: 10 });

  const result = await resource.create(exampleProperties({ replicatorName: 'orders-dr-failing' }));

  expect(result.status).toBe('FAILED');
  expect(result.reason).toContain('KAFKA_CLUSTER_NOT_REACHABLE: The replicator could not connect to the source cluster');
  await waitUntilGone(result.physicalResourceId);
  expect(sim.replicators().filter((r) => r.name === 'orders-dr-failing')).toEqual([]);
});

async function waitUntilGone(arn: string | undefined) {
  for (let i = 0; i < 100 && arn !== undefined && sim.replicator(arn) !== undefined; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(arn === undefined ? undefined : sim.replicator(arn)).toBeUndefined();
}
