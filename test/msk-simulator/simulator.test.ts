import {
  CreateReplicatorCommand,
  CreateReplicatorCommandInput,
  DeleteReplicatorCommand,
  DescribeReplicatorCommand,
  DescribeReplicatorCommandOutput,
  KafkaClient,
  ListClustersV2Command,
  ListReplicatorsCommand,
  ListTagsForResourceCommand,
  ReplicatorState,
  TagResourceCommand,
  TopicReplicationUpdate,
  UntagResourceCommand,
  UpdateReplicationInfoCommand,
  UpdateReplicationInfoCommandInput,
} from '@aws-sdk/client-kafka';
import { MskSimulator, MskSimulatorOptions } from '../../local-aws/msk-simulator';

const SRC = 'arn:aws:kafka:us-east-1:123456789012:cluster/source-cluster/11111111-aaaa-bbbb-cccc-111111111111-1';
const TGT = 'arn:aws:kafka:us-west-2:123456789012:cluster/target-cluster/22222222-aaaa-bbbb-cccc-222222222222-2';
const ROLE = 'arn:aws:iam::123456789012:role/replicator-role';
const START = Date.parse('2024-05-01T12:00:00.000Z');

interface ErrorLike {
  name: string;
  message: string;
  InvalidParameter?: string;
  $metadata: { httpStatusCode?: number; attempts?: number };
}

/** A simulator on a hand-driven clock, so lifecycle assertions do not depend on wall time. */
class Harness {
  static async start(options: MskSimulatorOptions = {}, maxAttempts = 1): Promise<Harness> {
    const harness = new Harness();
    harness.sim = await MskSimulator.start({ clock: () => harness.now, ...options });
    harness.client = new KafkaClient({
      endpoint: harness.sim.endpoint,
      // a regional endpoint accepts only requests signed for its own Region
      region: options.region ?? 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      maxAttempts,
    });
    return harness;
  }

  now = START;
  sim!: MskSimulator;
  client!: KafkaClient;
  private stopped = false;

  advance(ms: number): void {
    this.now += ms;
  }

  async create(overrides: Partial<CreateReplicatorCommandInput> = {}): Promise<string> {
    const out = await this.client.send(new CreateReplicatorCommand({ ...createInput(), ...overrides }));
    return out.ReplicatorArn!;
  }

  /** Creates a replicator and lets it reach RUNNING. */
  async createRunning(overrides: Partial<CreateReplicatorCommandInput> = {}): Promise<string> {
    const arn = await this.create(overrides);
    this.advance(10_000);
    expect(await this.state(arn)).toBe('RUNNING');
    return arn;
  }

  async describe(arn: string): Promise<DescribeReplicatorCommandOutput> {
    return this.client.send(new DescribeReplicatorCommand({ ReplicatorArn: arn }));
  }

  async state(arn: string): Promise<ReplicatorState | undefined> {
    return (await this.describe(arn)).ReplicatorState;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.client.destroy();
    await this.sim.stop();
  }
}

function createInput(name = 'orders-replicator'): CreateReplicatorCommandInput {
  return {
    ReplicatorName: name,
    Description: 'orders to DR',
    ServiceExecutionRoleArn: ROLE,
    KafkaClusters: [
      { AmazonMskCluster: { MskClusterArn: SRC }, VpcConfig: { SubnetIds: ['subnet-a'], SecurityGroupIds: ['sg-a'] } },
      { AmazonMskCluster: { MskClusterArn: TGT }, VpcConfig: { SubnetIds: ['subnet-b'] } },
    ],
    ReplicationInfoList: [{
      SourceKafkaClusterArn: SRC,
      TargetKafkaClusterArn: TGT,
      TargetCompressionType: 'GZIP',
      TopicReplication: { TopicsToReplicate: ['orders.*'], StartingPosition: { Type: 'EARLIEST' } },
      ConsumerGroupReplication: { ConsumerGroupsToReplicate: ['orders-.*'] },
    }],
    Tags: { team: 'data' },
  };
}

function topicUpdate(topics: string[]): TopicReplicationUpdate {
  return {
    TopicsToReplicate: topics,
    TopicsToExclude: [],
    CopyTopicConfigurations: true,
    CopyAccessControlListsForTopics: true,
    DetectAndCopyNewTopics: true,
  };
}

async function updateInput(h: Harness, arn: string, extra: Partial<UpdateReplicationInfoCommandInput>): Promise<UpdateReplicationInfoCommandInput> {
  const current = await h.describe(arn);
  return {
    ReplicatorArn: arn,
    CurrentVersion: current.CurrentVersion!,
    SourceKafkaClusterArn: SRC,
    TargetKafkaClusterArn: TGT,
    ...extra,
  };
}

async function expectError(promise: Promise<unknown>, name: string, status?: number): Promise<ErrorLike> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeDefined();
  const error = caught as ErrorLike;
  expect(error.name).toBe(name);
  if (status !== undefined) expect(error.$metadata.httpStatusCode).toBe(status);
  return error;
}

let h: Harness;

afterEach(async () => {
  await h?.stop();
});

describe('CreateReplicator and DescribeReplicator', () => {
  test('creates a replicator that becomes RUNNING after creatingMs', async () => {
    h = await Harness.start({ timing: { creatingMs: 1000 } });
    const out = await h.client.send(new CreateReplicatorCommand(createInput()));
    expect(out.ReplicatorState).toBe('CREATING');
    expect(out.ReplicatorName).toBe('orders-replicator');
    expect(out.ReplicatorArn).toMatch(/^arn:aws:kafka:us-east-1:123456789012:replicator\/orders-replicator\/[0-9a-f-]{36}$/);

    h.advance(999);
    expect(await h.state(out.ReplicatorArn!)).toBe('CREATING');
    h.advance(1);
    expect(await h.state(out.ReplicatorArn!)).toBe('RUNNING');
  });

  test('describes with aliases, stored defaults and the metadata the service returns', async () => {
    h = await Harness.start();
    const arn = await h.createRunning();
    const d = await h.describe(arn);

    expect(d.$metadata.httpStatusCode).toBe(200);
    expect(d.ReplicatorArn).toBe(arn);
    expect(d.ReplicatorResourceArn).toBe(arn);
    expect(d.ReplicatorName).toBe('orders-replicator');
    expect(d.ReplicatorDescription).toBe('orders to DR');
    expect(d.ServiceExecutionRoleArn).toBe(ROLE);
    expect(d.IsReplicatorReference).toBe(false);
    expect(d.CurrentVersion).toMatch(/^[A-Z0-9]{14}$/);
    expect(d.CreationTime).toEqual(new Date(START));
    expect(d.Tags).toEqual({ team: 'data' });
    expect(d.StateInfo).toBeUndefined();
    expect(d.LogDelivery).toBeUndefined();
    expect(d.KafkaClusters).toEqual([
      { KafkaClusterAlias: 'msk-cluster-source-cluster', AmazonMskCluster: { MskClusterArn: SRC }, VpcConfig: { SubnetIds: ['subnet-a'], SecurityGroupIds: ['sg-a'] } },
      { KafkaClusterAlias: 'msk-cluster-target-cluster', AmazonMskCluster: { MskClusterArn: TGT }, VpcConfig: { SubnetIds: ['subnet-b'] } },
    ]);
    expect(d.ReplicationInfoList).toEqual([{
      SourceKafkaClusterAlias: 'msk-cluster-source-cluster',
      TargetKafkaClusterAlias: 'msk-cluster-target-cluster',
      TargetCompressionType: 'GZIP',
      TopicReplication: {
        TopicsToReplicate: ['orders.*'],
        TopicsToExclude: [],
        CopyTopicConfigurations: true,
        CopyAccessControlListsForTopics: true,
        DetectAndCopyNewTopics: true,
        StartingPosition: { Type: 'EARLIEST' },
        TopicNameConfiguration: { Type: 'PREFIXED_WITH_SOURCE_CLUSTER_ALIAS' },
      },
      ConsumerGroupReplication: {
        ConsumerGroupsToReplicate: ['orders-.*'],
        ConsumerGroupsToExclude: [],
        SynchroniseConsumerGroupOffsets: true,
        DetectAndCopyNewConsumerGroups: true,
        ConsumerGroupOffsetSyncMode: 'LEGACY',
      },
    }]);
  });

  test('echoes explicit values and log delivery as given', async () => {
    h = await Harness.start();
    const input = createInput();
    const info = input.ReplicationInfoList![0];
    info.TopicReplication = {
      TopicsToReplicate: ['a'],
      TopicsToExclude: ['a-internal'],
      CopyTopicConfigurations: false,
      CopyAccessControlListsForTopics: false,
      DetectAndCopyNewTopics: false,
      TopicNameConfiguration: { Type: 'IDENTICAL' },
    };
    info.ConsumerGroupReplication = {
      ConsumerGroupsToReplicate: ['g'],
      ConsumerGroupsToExclude: ['g-x'],
      SynchroniseConsumerGroupOffsets: false,
      DetectAndCopyNewConsumerGroups: false,
      ConsumerGroupOffsetSyncMode: 'ENHANCED',
    };
    const logDelivery = { ReplicatorLogDelivery: { CloudWatchLogs: { Enabled: true, LogGroup: '/msk/replicator' } } };
    const arn = await h.create({ ...input, LogDelivery: logDelivery });
    const d = await h.describe(arn);
    expect(d.ReplicationInfoList![0].TopicReplication).toEqual({ ...info.TopicReplication, StartingPosition: { Type: 'LATEST' } });
    expect(d.ReplicationInfoList![0].ConsumerGroupReplication).toEqual(info.ConsumerGroupReplication);
    expect(d.LogDelivery).toEqual(logDelivery);
  });

  test('supports an Apache Kafka source identified by its cluster id', async () => {
    h = await Harness.start();
    const arn = await h.create({
      KafkaClusters: [
        { ApacheKafkaCluster: { ApacheKafkaClusterId: 'onprem-1', BootstrapBrokerString: 'b-1:9096' }, VpcConfig: { SubnetIds: ['subnet-a'] } },
        { AmazonMskCluster: { MskClusterArn: TGT }, VpcConfig: { SubnetIds: ['subnet-b'] } },
      ],
      ReplicationInfoList: [{ ...createInput().ReplicationInfoList![0], SourceKafkaClusterArn: undefined, SourceKafkaClusterId: 'onprem-1' }],
    });
    const d = await h.describe(arn);
    expect(d.KafkaClusters![0].KafkaClusterAlias).toBe('onprem-1');
    expect(d.ReplicationInfoList![0].SourceKafkaClusterAlias).toBe('onprem-1');
    expect(h.sim.replicators()[0].replicationInfo.sourceKafkaClusterId).toBe('onprem-1');
  });

  test('uses the configured region and account in ARNs', async () => {
    h = await Harness.start({ region: 'eu-west-1', account: '999988887777' });
    const arn = await h.create();
    expect(arn.startsWith('arn:aws:kafka:eu-west-1:999988887777:replicator/orders-replicator/')).toBe(true);
  });

  test('rejects a request signed for another Region with 403 InvalidSignatureException', async () => {
    h = await Harness.start({ region: 'eu-west-1' });
    const other = new KafkaClient({ endpoint: h.sim.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    await expectError(other.send(new CreateReplicatorCommand(createInput())), 'InvalidSignatureException', 403);
    expect(h.sim.replicators()).toEqual([]);
  });

  test('answers model violations as BadRequestException with the member path', async () => {
    h = await Harness.start();
    const input = createInput();
    input.ReplicationInfoList![0].TopicReplication!.TopicsToReplicate = ['ok', 't'.repeat(300)];
    const err = await expectError(h.client.send(new CreateReplicatorCommand(input)), 'BadRequestException', 400);
    expect(err.message).toBe('replicationInfoList[0].topicReplication.topicsToReplicate[1]: length 300 exceeds max 249');
    expect(err.InvalidParameter).toBe('replicationInfoList[0].topicReplication.topicsToReplicate[1]');

    const badName = await expectError(h.client.send(new CreateReplicatorCommand(createInput('under_score'))), 'BadRequestException', 400);
    expect(badName.InvalidParameter).toBe('replicatorName');
    expect(h.sim.replicators()).toEqual([]);
  });

  const msk = (arn: string) => ({ AmazonMskCluster: { MskClusterArn: arn }, VpcConfig: { SubnetIds: ['s'] } });
  const apache = (id: string) => ({ ApacheKafkaCluster: { ApacheKafkaClusterId: id, BootstrapBrokerString: 'b:9092' }, VpcConfig: { SubnetIds: ['s'] } });
  const info = createInput().ReplicationInfoList![0];
  const OTHER = 'arn:aws:kafka:us-east-1:123456789012:cluster/other/33333333-aaaa-bbbb-cccc-333333333333-3';

  test.each<[string, Partial<CreateReplicatorCommandInput>, string]>([
    ['three clusters', { KafkaClusters: [msk(SRC), msk(TGT), msk(OTHER)] }, 'kafkaClusters'],
    ['one cluster', { KafkaClusters: [msk(SRC)] }, 'kafkaClusters'],
    ['two replication infos', { ReplicationInfoList: [info, info] }, 'replicationInfoList'],
    ['a cluster with both kinds', { KafkaClusters: [{ ...msk(SRC), ...apache('x') }, msk(TGT)] }, 'kafkaClusters[0]'],
    ['a cluster with neither kind', { KafkaClusters: [{ VpcConfig: { SubnetIds: ['s'] } }, msk(TGT)] }, 'kafkaClusters[0]'],
    ['the same cluster twice', { KafkaClusters: [msk(SRC), msk(SRC)] }, 'kafkaClusters'],
    ['a source outside kafkaClusters', { ReplicationInfoList: [{ ...info, SourceKafkaClusterArn: OTHER }] }, 'replicationInfoList[0].sourceKafkaClusterArn'],
    ['no source', { ReplicationInfoList: [{ ...info, SourceKafkaClusterArn: undefined }] }, 'replicationInfoList[0].sourceKafkaClusterArn'],
    ['source equal to target', { ReplicationInfoList: [{ ...info, TargetKafkaClusterArn: SRC }] }, 'replicationInfoList[0].targetKafkaClusterArn'],
    [
      'an Apache Kafka target',
      {
        KafkaClusters: [msk(SRC), apache('onprem')],
        ReplicationInfoList: [{ ...info, TargetKafkaClusterArn: undefined, TargetKafkaClusterId: 'onprem' }],
      },
      'replicationInfoList[0].targetKafkaClusterId',
    ],
    [
      'a topic pattern that is not a regex',
      { ReplicationInfoList: [{ ...info, TopicReplication: { TopicsToReplicate: ['ok', 'orders.(*'] } }] },
      'replicationInfoList[0].topicReplication.topicsToReplicate[1]',
    ],
    [
      'an excluded group pattern that is not a regex',
      { ReplicationInfoList: [{ ...info, ConsumerGroupReplication: { ConsumerGroupsToReplicate: ['.*'], ConsumerGroupsToExclude: ['[a-'] } }] },
      'replicationInfoList[0].consumerGroupReplication.consumerGroupsToExclude[0]',
    ],
    [
      'ENHANCED offset sync with prefixed topic names',
      { ReplicationInfoList: [{ ...info, ConsumerGroupReplication: { ConsumerGroupsToReplicate: ['.*'], ConsumerGroupOffsetSyncMode: 'ENHANCED' } }] },
      'replicationInfoList[0].consumerGroupReplication.consumerGroupOffsetSyncMode',
    ],
  ])('rejects %s', async (_case, overrides, invalidParameter) => {
    h = await Harness.start();
    const err = await expectError(h.create(overrides), 'BadRequestException', 400);
    expect(err.InvalidParameter).toBe(invalidParameter);
    expect(h.sim.replicators()).toHaveLength(0);
  });

  test('accepts ENHANCED offset sync with IDENTICAL topic names', async () => {
    h = await Harness.start();
    const arn = await h.create({
      ReplicationInfoList: [{
        ...info,
        TopicReplication: { TopicsToReplicate: ['.*'], TopicNameConfiguration: { Type: 'IDENTICAL' } },
        ConsumerGroupReplication: { ConsumerGroupsToReplicate: ['.*'], ConsumerGroupOffsetSyncMode: 'ENHANCED' },
      }],
    });
    expect((await h.describe(arn)).ReplicationInfoList![0].ConsumerGroupReplication!.ConsumerGroupOffsetSyncMode).toBe('ENHANCED');
  });

  test('rejects a name in use until the holder is fully deleted', async () => {
    h = await Harness.start({ timing: { deletingMs: 500 } });
    const arn = await h.createRunning();
    const dup = await expectError(h.create(), 'ConflictException', 409);
    expect(dup.InvalidParameter).toBe('replicatorName');

    await h.client.send(new DeleteReplicatorCommand({ ReplicatorArn: arn }));
    await expectError(h.create(), 'ConflictException', 409);
    h.advance(500);
    const second = await h.create();
    expect(second).not.toBe(arn);
  });

  test('answers NotFoundException for unknown ARNs', async () => {
    h = await Harness.start();
    const arn = 'arn:aws:kafka:us-east-1:123456789012:replicator/missing/00000000-0000-0000-0000-000000000000';
    const err = await expectError(h.describe(arn), 'NotFoundException', 404);
    expect(err.message).toContain(arn);
  });
});

describe('UpdateReplicationInfo', () => {
  test('applies a topic update, keeps the non-updatable members and changes the version', async () => {
    h = await Harness.start({ timing: { updatingMs: 300 } });
    const arn = await h.createRunning();
    const before = await h.describe(arn);
    const out = await h.client.send(new UpdateReplicationInfoCommand(await updateInput(h, arn, {
      TopicReplication: { ...topicUpdate(['orders.*', 'refunds']), CopyTopicConfigurations: false },
    })));
    expect(out.ReplicatorState).toBe('UPDATING');
    expect(out.ReplicatorArn).toBe(arn);

    const during = await h.describe(arn);
    expect(during.ReplicatorState).toBe('UPDATING');
    expect(during.CurrentVersion).toMatch(/^[A-Z0-9]{14}$/);
    expect(during.CurrentVersion).not.toBe(before.CurrentVersion);
    expect(during.ReplicationInfoList![0].TopicReplication).toEqual({
      TopicsToReplicate: ['orders.*', 'refunds'],
      TopicsToExclude: [],
      CopyTopicConfigurations: false,
      CopyAccessControlListsForTopics: true,
      DetectAndCopyNewTopics: true,
      StartingPosition: { Type: 'EARLIEST' },
      TopicNameConfiguration: { Type: 'PREFIXED_WITH_SOURCE_CLUSTER_ALIAS' },
    });
    expect(during.ReplicationInfoList![0].ConsumerGroupReplication).toEqual(before.ReplicationInfoList![0].ConsumerGroupReplication);

    h.advance(300);
    expect(await h.state(arn)).toBe('RUNNING');
  });

  test('applies consumer group and log delivery updates, keeping the offset sync mode', async () => {
    h = await Harness.start();
    const arn = await h.createRunning();
    const logDelivery = { ReplicatorLogDelivery: { S3: { Enabled: true, Bucket: 'logs', Prefix: 'replicator/' } } };
    await h.client.send(new UpdateReplicationInfoCommand(await updateInput(h, arn, {
      ConsumerGroupReplication: {
        ConsumerGroupsToReplicate: ['billing-.*'],
        ConsumerGroupsToExclude: ['billing-test'],
        SynchroniseConsumerGroupOffsets: false,
        DetectAndCopyNewConsumerGroups: true,
      },
      LogDelivery: logDelivery,
    })));
    const d = await h.describe(arn);
    expect(d.ReplicationInfoList![0].ConsumerGroupReplication).toEqual({
      ConsumerGroupsToReplicate: ['billing-.*'],
      ConsumerGroupsToExclude: ['billing-test'],
      SynchroniseConsumerGroupOffsets: false,
      DetectAndCopyNewConsumerGroups: true,
      ConsumerGroupOffsetSyncMode: 'LEGACY',
    });
    expect(d.LogDelivery).toEqual(logDelivery);
    expect(d.ReplicationInfoList![0].TopicReplication!.TopicsToReplicate).toEqual(['orders.*']);
  });

  test('is rejected unless the replicator is RUNNING', async () => {
    h = await Harness.start();
    const arn = await h.create();
    const err = await expectError(
      h.client.send(new UpdateReplicationInfoCommand(await updateInput(h, arn, { TopicReplication: topicUpdate(['x']) }))),
      'BadRequestException', 400,
    );
    expect(err.message).toBe('Replicator is in CREATING state; updates are allowed only in RUNNING state');
  });

  test('is rejected when currentVersion is stale', async () => {
    h = await Harness.start();
    const arn = await h.createRunning();
    const err = await expectError(h.client.send(new UpdateReplicationInfoCommand({
      ...(await updateInput(h, arn, { TopicReplication: topicUpdate(['x']) })),
      CurrentVersion: 'STALEVERSION00',
    })), 'BadRequestException', 400);
    expect(err.message).toMatch(/currentVersion STALEVERSION00 does not match the current version/);
    expect(err.InvalidParameter).toBe('currentVersion');
    expect(h.sim.replicators()[0].replicationInfo.topicReplication.topicsToReplicate).toEqual(['orders.*']);
  });

  test('detects a concurrent modification between describe and update (beforeNext + bumpVersion)', async () => {
    h = await Harness.start();
    const arn = await h.createRunning();
    const input = await updateInput(h, arn, { TopicReplication: topicUpdate(['x']) });
    let hookRuns = 0;
    h.sim.beforeNext('UpdateReplicationInfo', (sim) => {
      hookRuns += 1;
      sim.bumpVersion(arn);
    });
    await expectError(h.client.send(new UpdateReplicationInfoCommand(input)), 'BadRequestException', 400);
    // The hook ran once; a retry with a fresh version succeeds.
    const retry = await h.client.send(new UpdateReplicationInfoCommand(await updateInput(h, arn, { TopicReplication: topicUpdate(['x']) })));
    expect(retry.ReplicatorState).toBe('UPDATING');
    expect(hookRuns).toBe(1);
  });

  test.each<[string, Partial<UpdateReplicationInfoCommandInput>, string | undefined]>([
    ['a different source cluster', { SourceKafkaClusterArn: TGT, TopicReplication: topicUpdate(['x']) }, 'sourceKafkaClusterArn'],
    ['a missing target cluster', { TargetKafkaClusterArn: undefined, TopicReplication: topicUpdate(['x']) }, 'targetKafkaClusterArn'],
    ['nothing to update', {}, undefined],
    ['an invalid topic regex', { TopicReplication: topicUpdate(['(']) }, 'topicReplication.topicsToReplicate[0]'],
    [
      'an incomplete TopicReplicationUpdate',
      // The SDK types require every member; the cast sends what a careless caller could.
      { TopicReplication: { TopicsToReplicate: ['x'] } as TopicReplicationUpdate },
      'topicReplication.copyAccessControlListsForTopics',
    ],
  ])('rejects %s', async (_case, extra, invalidParameter) => {
    h = await Harness.start();
    const arn = await h.createRunning();
    const version = (await h.describe(arn)).CurrentVersion;
    const err = await expectError(h.client.send(new UpdateReplicationInfoCommand(await updateInput(h, arn, extra))), 'BadRequestException', 400);
    expect(err.InvalidParameter).toBe(invalidParameter);
    expect((await h.describe(arn)).CurrentVersion).toBe(version);
  });

  test('rejects an update identical to the current configuration', async () => {
    h = await Harness.start();
    const arn = await h.createRunning();
    const err = await expectError(h.client.send(new UpdateReplicationInfoCommand(await updateInput(h, arn, {
      TopicReplication: topicUpdate(['orders.*']),
      ConsumerGroupReplication: {
        ConsumerGroupsToReplicate: ['orders-.*'],
        ConsumerGroupsToExclude: [],
        SynchroniseConsumerGroupOffsets: true,
        DetectAndCopyNewConsumerGroups: true,
      },
    }))), 'BadRequestException', 400);
    expect(err.message).toBe('The specified replication info is identical to the current value');
    expect(await h.state(arn)).toBe('RUNNING');
  });

  test('answers NotFoundException for an unknown replicator', async () => {
    h = await Harness.start();
    await expectError(h.client.send(new UpdateReplicationInfoCommand({
      ReplicatorArn: 'arn:aws:kafka:us-east-1:123456789012:replicator/nope/1', CurrentVersion: 'V', TopicReplication: topicUpdate(['x']),
    })), 'NotFoundException', 404);
  });
});

describe('DeleteReplicator', () => {
  test('deletes a RUNNING replicator through DELETING', async () => {
    h = await Harness.start({ timing: { deletingMs: 200 } });
    const arn = await h.createRunning();
    const out = await h.client.send(new DeleteReplicatorCommand({ ReplicatorArn: arn, CurrentVersion: (await h.describe(arn)).CurrentVersion }));
    expect(out).toMatchObject({ ReplicatorArn: arn, ReplicatorState: 'DELETING' });
    expect(await h.state(arn)).toBe('DELETING');
    await expectError(h.client.send(new DeleteReplicatorCommand({ ReplicatorArn: arn })), 'BadRequestException', 400);
    h.advance(200);
    await expectError(h.describe(arn), 'NotFoundException', 404);
    expect(h.sim.replicators()).toEqual([]);
  });

  test('rejects a stale currentVersion and a replicator still CREATING', async () => {
    h = await Harness.start();
    const arn = await h.create();
    const creating = await expectError(h.client.send(new DeleteReplicatorCommand({ ReplicatorArn: arn })), 'BadRequestException', 400);
    expect(creating.message).toContain('CREATING');
    h.advance(10_000);
    const stale = await expectError(h.client.send(new DeleteReplicatorCommand({ ReplicatorArn: arn, CurrentVersion: 'OLD' })), 'BadRequestException', 400);
    expect(stale.InvalidParameter).toBe('currentVersion');
    expect(await h.state(arn)).toBe('RUNNING');
  });

  test('deletes a FAILED replicator', async () => {
    h = await Harness.start();
    h.sim.failNextCreation();
    const arn = await h.create();
    h.advance(10_000);
    expect(await h.state(arn)).toBe('FAILED');
    expect((await h.client.send(new DeleteReplicatorCommand({ ReplicatorArn: arn }))).ReplicatorState).toBe('DELETING');
  });

  test('answers NotFoundException for an unknown replicator', async () => {
    h = await Harness.start();
    await expectError(h.client.send(new DeleteReplicatorCommand({ ReplicatorArn: 'arn:aws:kafka:us-east-1:1:replicator/x/y' })), 'NotFoundException', 404);
  });
});

describe('ListReplicators', () => {
  test('filters by name prefix and paginates with nextToken', async () => {
    h = await Harness.start();
    for (const name of ['app-a', 'app-b', 'other', 'my-app-x', 'app-c', 'app-d']) await h.create({ ReplicatorName: name });

    const first = await h.client.send(new ListReplicatorsCommand({ ReplicatorNameFilter: 'app-', MaxResults: 3 }));
    expect(first.Replicators!.map((r) => r.ReplicatorName)).toEqual(['app-a', 'app-b', 'app-c']);
    expect(first.NextToken).toBeDefined();
    const second = await h.client.send(new ListReplicatorsCommand({ ReplicatorNameFilter: 'app-', MaxResults: 3, NextToken: first.NextToken }));
    expect(second.Replicators!.map((r) => r.ReplicatorName)).toEqual(['app-d']);
    expect(second.NextToken).toBeUndefined();

    const all = await h.client.send(new ListReplicatorsCommand({}));
    expect(all.Replicators).toHaveLength(6);
    expect(all.NextToken).toBeUndefined();
  });

  test('returns summaries with aliases and defaults to 10 results', async () => {
    h = await Harness.start();
    for (let i = 0; i < 12; i++) await h.create({ ReplicatorName: `r${i}` });
    const page = await h.client.send(new ListReplicatorsCommand({}));
    expect(page.Replicators).toHaveLength(10);
    expect(page.NextToken).toBeDefined();
    const summary = page.Replicators![0];
    const stored = h.sim.replicators()[0];
    expect(summary).toEqual({
      ReplicatorArn: stored.arn,
      ReplicatorName: 'r0',
      ReplicatorResourceArn: stored.arn,
      ReplicatorState: 'CREATING',
      CurrentVersion: stored.currentVersion,
      CreationTime: new Date(START),
      IsReplicatorReference: false,
      KafkaClustersSummary: [
        { KafkaClusterAlias: 'msk-cluster-source-cluster', AmazonMskCluster: { MskClusterArn: SRC } },
        { KafkaClusterAlias: 'msk-cluster-target-cluster', AmazonMskCluster: { MskClusterArn: TGT } },
      ],
      ReplicationInfoSummaryList: [{ SourceKafkaClusterAlias: 'msk-cluster-source-cluster', TargetKafkaClusterAlias: 'msk-cluster-target-cluster' }],
    });
  });

  test('rejects maxResults out of range and an invalid nextToken', async () => {
    h = await Harness.start();
    const range = await expectError(h.client.send(new ListReplicatorsCommand({ MaxResults: 101 })), 'BadRequestException', 400);
    expect(range.InvalidParameter).toBe('maxResults');
    const token = await expectError(h.client.send(new ListReplicatorsCommand({ NextToken: 'garbage' })), 'BadRequestException', 400);
    expect(token.InvalidParameter).toBe('nextToken');
  });
});

describe('tags', () => {
  test('tags, untags and lists without changing currentVersion', async () => {
    h = await Harness.start();
    const arn = await h.createRunning();
    const version = (await h.describe(arn)).CurrentVersion;

    const tagged = await h.client.send(new TagResourceCommand({ ResourceArn: arn, Tags: { env: 'prod' } }));
    expect(tagged.$metadata.httpStatusCode).toBe(204);
    expect((await h.client.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags).toEqual({ team: 'data', env: 'prod' });
    await h.client.send(new TagResourceCommand({ ResourceArn: arn, Tags: { team: 'platform' } }));
    expect((await h.client.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags).toEqual({ team: 'platform', env: 'prod' });

    const untagged = await h.client.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ['team', 'absent'] }));
    expect(untagged.$metadata.httpStatusCode).toBe(204);
    expect((await h.client.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags).toEqual({ env: 'prod' });
    expect((await h.describe(arn)).Tags).toEqual({ env: 'prod' });
    expect((await h.describe(arn)).CurrentVersion).toBe(version);
    expect(h.sim.callsTo('UntagResource')[0].input).toEqual({ tagKeys: ['team', 'absent'] });
  });

  test('refuses tag keys starting with aws:, in any case (reserved for use by AWS)', async () => {
    h = await Harness.start();
    const arn = await h.createRunning();
    for (const key of ['aws:cost', 'AWS:cost']) {
      const err = await expectError(h.client.send(new TagResourceCommand({ ResourceArn: arn, Tags: { [key]: 'x' } })), 'BadRequestException', 400);
      expect(err.message).toMatch(/starts with aws:, reserved for use by AWS/);
    }
    expect((await h.client.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags).toEqual({ team: 'data' });
  });

  test('answers NotFoundException for unknown resources', async () => {
    h = await Harness.start();
    const missing = 'arn:aws:kafka:us-east-1:123456789012:replicator/gone/1';
    await expectError(h.client.send(new TagResourceCommand({ ResourceArn: missing, Tags: { a: 'b' } })), 'NotFoundException', 404);
    await expectError(h.client.send(new UntagResourceCommand({ ResourceArn: missing, TagKeys: ['a'] })), 'NotFoundException', 404);
    const err = await expectError(h.client.send(new ListTagsForResourceCommand({ ResourceArn: missing })), 'NotFoundException', 404);
    expect(err.InvalidParameter).toBe('resourceArn');
  });
});

describe('fault injection', () => {
  test.each<['TooManyRequestsException' | 'InternalServerErrorException' | 'ServiceUnavailableException', number]>([
    ['TooManyRequestsException', 429],
    ['InternalServerErrorException', 500],
    ['ServiceUnavailableException', 503],
  ])('injects %s', async (error, status) => {
    h = await Harness.start();
    const arn = await h.create();
    h.sim.inject({ operation: 'DescribeReplicator', error });
    await expectError(h.describe(arn), error, status);
    expect((await h.describe(arn)).ReplicatorArn).toBe(arn);
    expect(h.sim.callsTo('DescribeReplicator').map((c) => c.status)).toEqual([status, 200]);
  });

  test('applies a fault `times` times, only to the matching operation, before any processing', async () => {
    h = await Harness.start();
    h.sim.inject({ operation: 'CreateReplicator', error: 'InternalServerErrorException', times: 2 });
    expect((await h.client.send(new ListReplicatorsCommand({}))).Replicators).toEqual([]);
    await expectError(h.create(), 'InternalServerErrorException', 500);
    await expectError(h.create(), 'InternalServerErrorException', 500);
    expect(h.sim.replicators()).toHaveLength(0);
    await h.create();
    expect(h.sim.replicators()).toHaveLength(1);
  });

  test("'*' matches any operation", async () => {
    h = await Harness.start();
    h.sim.inject({ operation: '*', error: 'ServiceUnavailableException', times: 2 });
    await expectError(h.client.send(new ListReplicatorsCommand({})), 'ServiceUnavailableException', 503);
    await expectError(h.client.send(new ListTagsForResourceCommand({ ResourceArn: 'a' })), 'ServiceUnavailableException', 503);
    await expectError(h.client.send(new ListTagsForResourceCommand({ ResourceArn: 'a' })), 'NotFoundException', 404);
  });

  test('ConnectionReset drops the connection without a response', async () => {
    h = await Harness.start();
    h.sim.inject({ operation: 'ListReplicators', error: 'ConnectionReset' });
    let caught: ErrorLike | undefined;
    try {
      await h.client.send(new ListReplicatorsCommand({}));
    } catch (err) {
      caught = err as ErrorLike;
    }
    // The socket error surfaces as a network failure with no HTTP status.
    expect(caught?.message).toMatch(/socket hang up|ECONNRESET/);
    expect(caught?.$metadata.httpStatusCode).toBeUndefined();
    expect(h.sim.callsTo('ListReplicators')).toEqual([expect.objectContaining({ status: 0, errorType: 'ConnectionReset' })]);
    expect((await h.client.send(new ListReplicatorsCommand({}))).Replicators).toEqual([]);
  });

  test('the SDK retries through a throttle with its default retry strategy', async () => {
    h = await Harness.start({}, 3);
    h.sim.inject({ operation: 'ListReplicators', error: 'TooManyRequestsException' });
    const out = await h.client.send(new ListReplicatorsCommand({}));
    expect(out.$metadata.attempts).toBe(2);
    expect(h.sim.callsTo('ListReplicators').map((c) => c.errorType ?? c.status)).toEqual(['TooManyRequestsException', 200]);
  });

  test('failNextCreation makes only the next replicator end FAILED with stateInfo', async () => {
    h = await Harness.start();
    h.sim.failNextCreation('CAPACITY', 'Not enough capacity');
    const failed = await h.create({ ReplicatorName: 'first' });
    const ok = await h.create({ ReplicatorName: 'second' });
    expect(await h.state(failed)).toBe('CREATING');
    h.advance(10_000);
    const d = await h.describe(failed);
    expect(d.ReplicatorState).toBe('FAILED');
    expect(d.StateInfo).toEqual({ Code: 'CAPACITY', Message: 'Not enough capacity' });
    expect(await h.state(ok)).toBe('RUNNING');
    expect((await h.describe(ok)).StateInfo).toBeUndefined();
  });
});

describe('out-of-band changes and state control', () => {
  test('deleteOutOfBand removes the replicator at once and frees its name', async () => {
    h = await Harness.start();
    const arn = await h.createRunning();
    h.sim.deleteOutOfBand(arn);
    await expectError(h.describe(arn), 'NotFoundException', 404);
    await h.create();
    expect(() => h.sim.deleteOutOfBand(arn)).toThrow(/No replicator/);
  });

  test('modifyOutOfBand drifts the configuration and bumps the version, except for tag-only changes', async () => {
    h = await Harness.start();
    const arn = await h.createRunning();
    const v1 = (await h.describe(arn)).CurrentVersion;

    h.sim.modifyOutOfBand(arn, { tags: { drift: 'yes' }, removeTagKeys: ['team'] });
    const afterTags = await h.describe(arn);
    expect(afterTags.CurrentVersion).toBe(v1);
    expect(afterTags.Tags).toEqual({ drift: 'yes' });

    h.sim.modifyOutOfBand(arn, {
      topicReplication: { topicsToReplicate: ['console-edit'] },
      consumerGroupReplication: { detectAndCopyNewConsumerGroups: false },
      logDelivery: { replicatorLogDelivery: { firehose: { enabled: true, deliveryStream: 'fh' } } },
    });
    const drifted = await h.describe(arn);
    expect(drifted.CurrentVersion).not.toBe(v1);
    expect(drifted.ReplicationInfoList![0].TopicReplication!.TopicsToReplicate).toEqual(['console-edit']);
    expect(drifted.ReplicationInfoList![0].TopicReplication!.StartingPosition).toEqual({ Type: 'EARLIEST' });
    expect(drifted.ReplicationInfoList![0].ConsumerGroupReplication!.DetectAndCopyNewConsumerGroups).toBe(false);
    expect(drifted.LogDelivery).toEqual({ ReplicatorLogDelivery: { Firehose: { Enabled: true, DeliveryStream: 'fh' } } });

    h.sim.modifyOutOfBand(arn, { logDelivery: null });
    expect((await h.describe(arn)).LogDelivery).toBeUndefined();
  });

  test('holdState keeps a replicator in its transitional state until released', async () => {
    h = await Harness.start();
    h.sim.holdState('*', true);
    const arn = await h.create();
    h.advance(60_000);
    expect(await h.state(arn)).toBe('CREATING');
    h.sim.holdState('*', false);
    expect(await h.state(arn)).toBe('RUNNING');

    h.sim.holdState(arn, true);
    await h.client.send(new UpdateReplicationInfoCommand(await updateInput(h, arn, { TopicReplication: topicUpdate(['x']) })));
    h.advance(60_000);
    expect(await h.state(arn)).toBe('UPDATING');
    h.sim.holdState(arn, false);
    expect(await h.state(arn)).toBe('RUNNING');
  });

  test('setState forces a state that persists until changed', async () => {
    h = await Harness.start();
    const arn = await h.createRunning();
    h.sim.setState(arn, 'UPDATING');
    h.advance(60_000);
    expect(await h.state(arn)).toBe('UPDATING');
    const err = await expectError(
      h.client.send(new UpdateReplicationInfoCommand(await updateInput(h, arn, { TopicReplication: topicUpdate(['x']) }))),
      'BadRequestException', 400,
    );
    expect(err.message).toBe('Replicator is in UPDATING state; updates are allowed only in RUNNING state');

    h.sim.setState(arn, 'FAILED', { code: 'BROKEN', message: 'forced' });
    expect((await h.describe(arn)).StateInfo).toEqual({ Code: 'BROKEN', Message: 'forced' });
    h.sim.setState(arn, 'RUNNING');
    expect((await h.describe(arn)).StateInfo).toBeUndefined();
  });

  test('setTiming changes the duration of later transitions', async () => {
    h = await Harness.start({ timing: { creatingMs: 100 } });
    h.sim.setTiming({ creatingMs: 5000 });
    const arn = await h.create();
    h.advance(4999);
    expect(await h.state(arn)).toBe('CREATING');
    h.advance(1);
    expect(await h.state(arn)).toBe('RUNNING');
  });

  test('replicators() returns a deep copy with the stored ARNs', async () => {
    h = await Harness.start();
    const arn = await h.create();
    const [snapshot] = h.sim.replicators();
    expect(snapshot).toMatchObject({
      name: 'orders-replicator', arn, state: 'CREATING', description: 'orders to DR', serviceExecutionRoleArn: ROLE, tags: { team: 'data' },
    });
    expect(snapshot.replicationInfo.sourceKafkaClusterArn).toBe(SRC);
    expect(snapshot.replicationInfo.targetKafkaClusterArn).toBe(TGT);
    expect(snapshot.kafkaClusters[1].amazonMskCluster?.mskClusterArn).toBe(TGT);

    snapshot.replicationInfo.topicReplication.topicsToReplicate.push('mutated');
    snapshot.tags.extra = 'x';
    expect(h.sim.replicators()[0].replicationInfo.topicReplication.topicsToReplicate).toEqual(['orders.*']);
    expect(h.sim.replicator(arn)?.tags).toEqual({ team: 'data' });
    expect(h.sim.replicator('nope')).toBeUndefined();
  });
});

describe('protocol and recording', () => {
  test('records every call with operation, decoded ARN, body and querystring input', async () => {
    h = await Harness.start();
    const arn = await h.createRunning();
    const version = (await h.describe(arn)).CurrentVersion!;
    await h.client.send(new DeleteReplicatorCommand({ ReplicatorArn: arn, CurrentVersion: version }));

    expect(h.sim.calls.map((c) => c.operation)).toEqual(['CreateReplicator', 'DescribeReplicator', 'DescribeReplicator', 'DeleteReplicator']);
    const [create] = h.sim.callsTo('CreateReplicator');
    expect(create.replicatorArn).toBe(arn);
    expect(create.status).toBe(200);
    expect(create.input).toMatchObject({ replicatorName: 'orders-replicator', tags: { team: 'data' } });
    const [del] = h.sim.callsTo('DeleteReplicator');
    expect(del).toMatchObject({ replicatorArn: arn, input: { currentVersion: version }, status: 200, method: 'DELETE' });
    expect(del.path).toContain(encodeURIComponent(arn));

    h.sim.resetCalls();
    expect(h.sim.calls).toEqual([]);
    await expectError(h.describe(`${arn}-x`), 'NotFoundException');
    expect(h.sim.calls).toEqual([expect.objectContaining({ operation: 'DescribeReplicator', status: 404, errorType: 'NotFoundException' })]);
  });

  test('answers unknown routes with a 404 naming the request', async () => {
    h = await Harness.start();
    const res = await fetch(`${h.sim.endpoint}/v1/clusters`, { method: 'PATCH' });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    const body = await res.json() as { message: string };
    expect(body.message).toContain('PATCH /v1/clusters');

    await expectError(h.client.send(new ListClustersV2Command({})), 'UnknownOperationException', 404);
    expect(h.sim.callsTo('Unknown')).toHaveLength(2);
  });

  test('rejects a malformed JSON body', async () => {
    h = await Harness.start();
    const res = await fetch(`${h.sim.endpoint}/replication/v1/replicators`, { method: 'POST', body: '{not json' });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('BadRequestException');
  });

  test('is reachable through AWS_ENDPOINT_URL_KAFKA with real time transitions', async () => {
    h = await Harness.start({ clock: Date.now, timing: { creatingMs: 50 } });
    const previous = process.env.AWS_ENDPOINT_URL_KAFKA;
    process.env.AWS_ENDPOINT_URL_KAFKA = h.sim.endpoint;
    const client = new KafkaClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    try {
      const { ReplicatorArn } = await client.send(new CreateReplicatorCommand(createInput()));
      let state: string | undefined;
      const deadline = Date.now() + 5000;
      do {
        await new Promise((resolve) => setTimeout(resolve, 20));
        state = (await client.send(new DescribeReplicatorCommand({ ReplicatorArn }))).ReplicatorState;
      } while (state === 'CREATING' && Date.now() < deadline);
      expect(state).toBe('RUNNING');
      expect(h.sim.callsTo('CreateReplicator')).toHaveLength(1);
    } finally {
      client.destroy();
      if (previous === undefined) delete process.env.AWS_ENDPOINT_URL_KAFKA;
      else process.env.AWS_ENDPOINT_URL_KAFKA = previous;
    }
  });
});
