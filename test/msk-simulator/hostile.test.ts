import {
  CreateReplicatorCommand,
  CreateReplicatorCommandInput,
  DescribeReplicatorCommand,
  KafkaClient,
  ListReplicatorsCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UpdateReplicationInfoCommand,
} from '@aws-sdk/client-kafka';
import { groundTruthKafka, HostileOptions, MskSimulator } from '../../local-aws/msk-simulator';

/**
 * Each behaviour of the hostile mode (local-aws/msk-simulator/hostile.ts), seen over real HTTP by the real
 * @aws-sdk/client-kafka client: one behaviour at a time, its rate at 1 and the others at 0.
 */

const SRC = 'arn:aws:kafka:us-east-1:123456789012:cluster/source-cluster/11111111-aaaa-bbbb-cccc-111111111111-1';
const TGT = 'arn:aws:kafka:us-east-1:123456789012:cluster/target-cluster/22222222-aaaa-bbbb-cccc-222222222222-2';
const ROLE = 'arn:aws:iam::123456789012:role/replicator-role';
const TOPICS = ['a.*', 'b.*', 'c.*', 'd.*', 'e.*', 'f.*'];
const CALM: Omit<HostileOptions, 'seed'> = {
  throttleRate: 0, serverErrorRate: 0, lostResponseRate: 0, staleReadRate: 0, spontaneousFailureRate: 0, shuffleLists: false,
};

interface ErrorLike {
  name: string;
  $metadata: { httpStatusCode?: number };
  message: string;
}

let now = 0;
let sim: MskSimulator;
let client: KafkaClient;

beforeEach(async () => {
  now = 0;
  sim = await MskSimulator.start({ clock: () => now, timing: { creatingMs: 10, updatingMs: 10, deletingMs: 10 } });
  client = clientWith(1);
});
afterEach(async () => {
  client.destroy();
  await sim.stop();
});

function clientWith(maxAttempts: number): KafkaClient {
  return new KafkaClient({
    endpoint: sim.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts,
  });
}

function createInput(name: string): CreateReplicatorCommandInput {
  return {
    ReplicatorName: name,
    ServiceExecutionRoleArn: ROLE,
    KafkaClusters: [
      { AmazonMskCluster: { MskClusterArn: SRC }, VpcConfig: { SubnetIds: ['subnet-a', 'subnet-b', 'subnet-c'], SecurityGroupIds: ['sg-a'] } },
      { AmazonMskCluster: { MskClusterArn: TGT }, VpcConfig: { SubnetIds: ['subnet-d'] } },
    ],
    ReplicationInfoList: [{
      SourceKafkaClusterArn: SRC,
      TargetKafkaClusterArn: TGT,
      TargetCompressionType: 'NONE',
      // optional members omitted on purpose: the answers carry the service's defaults
      TopicReplication: { TopicsToReplicate: TOPICS },
      ConsumerGroupReplication: { ConsumerGroupsToReplicate: ['.*'] },
    }],
    Tags: { team: 'data' },
  };
}

async function failure(promise: Promise<unknown>): Promise<ErrorLike> {
  try {
    await promise;
  } catch (error) {
    return error as ErrorLike;
  }
  throw new Error('expected the call to fail');
}

/** Creates a replicator while the mode is calm, then lets it reach RUNNING. */
async function running(name: string): Promise<string> {
  const out = await client.send(new CreateReplicatorCommand(createInput(name)));
  now += 20;
  return out.ReplicatorArn!;
}

test('throttling: any call may be answered 429 TooManyRequestsException with the model\'s error shape', async () => {
  const mode = sim.beHostile({ seed: 1, ...CALM, throttleRate: 1 })!;
  const error = await failure(client.send(new ListReplicatorsCommand({})));
  expect(error.name).toBe('TooManyRequestsException');
  expect(error.$metadata.httpStatusCode).toBe(429);
  expect(error.message).toBe('Rate exceeded');
  expect(mode.events.map((e) => e.kind)).toEqual(['throttled']);
  expect(sim.replicators()).toEqual([]);
});

test('5xx: calls fail with InternalServerErrorException 500, ServiceUnavailableException 503 or a dropped connection', async () => {
  sim.beHostile({ seed: 7, ...CALM, serverErrorRate: 1 });
  const seen = new Set<string>();
  for (let i = 0; i < 30; i++) {
    const error = await failure(client.send(new CreateReplicatorCommand(createInput(`r${i}`))));
    seen.add(`${error.name}/${error.$metadata.httpStatusCode ?? 'none'}`);
  }
  expect(seen).toContain('InternalServerErrorException/500');
  expect(seen).toContain('ServiceUnavailableException/503');
  // a reset connection has no HTTP status; the SDK reports a networking error
  expect([...seen].some((s) => s.endsWith('/none'))).toBe(true);
  // before any processing: nothing was created
  expect(sim.replicators()).toEqual([]);
});

test('a lost response: the write happened, the client saw an error, and the SDK\'s retry meets a conflict', async () => {
  sim.beHostile({ seed: 3, ...CALM, lostResponseRate: 1 });
  const error = await failure(client.send(new CreateReplicatorCommand(createInput('lost'))));
  expect(['InternalServerErrorException', 'ServiceUnavailableException', 'TimeoutError', 'Error']).toContain(error.name);
  expect(sim.replicators().map((r) => r.name)).toEqual(['lost']);
  expect(sim.callsTo('CreateReplicator')[0].lostResponse).toBe(true);

  const retrying = clientWith(3);
  // the first attempt's response is lost (5xx or reset, both retryable); the retry finds the name taken
  const retried = await failure(retrying.send(new CreateReplicatorCommand(createInput('lost-again'))));
  retrying.destroy();
  expect(retried.name).toBe('ConflictException');
  expect(sim.replicators().map((r) => r.name)).toEqual(['lost', 'lost-again']);
});

test('eventual consistency: a new replicator is not yet described, listed or tagged; then it is', async () => {
  sim.beHostile({ seed: 5, ...CALM, staleReadRate: 1, maxLagReads: 1 });
  const arn = (await client.send(new CreateReplicatorCommand(createInput('late')))).ReplicatorArn!;
  // the window is one read of that replicator: the first read of any kind lags, the next one does not
  expect((await failure(client.send(new DescribeReplicatorCommand({ ReplicatorArn: arn })))).name).toBe('NotFoundException');
  expect((await client.send(new DescribeReplicatorCommand({ ReplicatorArn: arn }))).ReplicatorName).toBe('late');

  const other = (await client.send(new CreateReplicatorCommand(createInput('late-listed')))).ReplicatorArn!;
  const listed = (await client.send(new ListReplicatorsCommand({}))).Replicators!.map((r) => r.ReplicatorArn);
  expect(listed).toEqual([arn]);
  expect(listed).not.toContain(other);

  const third = (await client.send(new CreateReplicatorCommand(createInput('late-tags')))).ReplicatorArn!;
  expect((await failure(client.send(new ListTagsForResourceCommand({ ResourceArn: third })))).name).toBe('NotFoundException');
  expect((await client.send(new ListTagsForResourceCommand({ ResourceArn: third }))).Tags).toEqual({ team: 'data' });
});

test('eventual consistency: tags and an update\'s new version are read back late', async () => {
  const arn = await running('lagging');
  sim.beHostile({ seed: 11, ...CALM, staleReadRate: 1, maxLagReads: 1 });
  await client.send(new TagResourceCommand({ ResourceArn: arn, Tags: { owner: 'me' } }));
  expect((await client.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags).toEqual({ team: 'data' });
  expect((await client.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags).toEqual({ team: 'data', owner: 'me' });

  const before = await client.send(new DescribeReplicatorCommand({ ReplicatorArn: arn }));
  await client.send(new UpdateReplicationInfoCommand({
    ReplicatorArn: arn,
    CurrentVersion: before.CurrentVersion!,
    SourceKafkaClusterArn: SRC,
    TargetKafkaClusterArn: TGT,
    TopicReplication: {
      TopicsToReplicate: ['z.*'], TopicsToExclude: [], CopyTopicConfigurations: true, CopyAccessControlListsForTopics: true, DetectAndCopyNewTopics: true,
    },
  }));
  const stale = await client.send(new DescribeReplicatorCommand({ ReplicatorArn: arn }));
  expect(stale.CurrentVersion).toBe(before.CurrentVersion);
  expect(stale.ReplicatorState).toBe('RUNNING');
  expect(stale.ReplicationInfoList![0].TopicReplication!.TopicsToReplicate).toEqual(TOPICS);
  const fresh = await client.send(new DescribeReplicatorCommand({ ReplicatorArn: arn }));
  expect(fresh.CurrentVersion).not.toBe(before.CurrentVersion);
  expect(fresh.ReplicatorState).toBe('UPDATING');
});

test('lists in any order: the same sets, in orders that change between answers; omitted members come back with defaults', async () => {
  const arns = [await running('one'), await running('two'), await running('three')];
  sim.beHostile({ seed: 13, ...CALM, shuffleLists: true });
  const topicOrders = new Set<string>();
  const subnetOrders = new Set<string>();
  const listOrders = new Set<string>();
  for (let i = 0; i < 10; i++) {
    const d = await client.send(new DescribeReplicatorCommand({ ReplicatorArn: arns[0] }));
    const topics = d.ReplicationInfoList![0].TopicReplication!.TopicsToReplicate!;
    expect([...topics].sort()).toEqual(TOPICS);
    topicOrders.add(topics.join(','));
    const source = d.KafkaClusters!.find((c) => c.AmazonMskCluster?.MskClusterArn === SRC)!;
    subnetOrders.add(source.VpcConfig!.SubnetIds!.join(','));
    const listed = (await client.send(new ListReplicatorsCommand({}))).Replicators!.map((r) => r.ReplicatorArn!);
    expect([...listed].sort()).toEqual([...arns].sort());
    listOrders.add(listed.join(','));
  }
  expect(topicOrders.size).toBeGreaterThan(1);
  expect(subnetOrders.size).toBeGreaterThan(1);
  expect(listOrders.size).toBeGreaterThan(1);

  const d = await client.send(new DescribeReplicatorCommand({ ReplicatorArn: arns[0] }));
  expect(d.ReplicationInfoList![0].TopicReplication).toMatchObject({
    CopyAccessControlListsForTopics: true,
    CopyTopicConfigurations: true,
    DetectAndCopyNewTopics: true,
    StartingPosition: { Type: 'LATEST' },
    TopicNameConfiguration: { Type: 'PREFIXED_WITH_SOURCE_CLUSTER_ALIAS' },
    TopicsToExclude: [],
  });
  expect(d.ReplicationInfoList![0].ConsumerGroupReplication).toMatchObject({
    ConsumerGroupsToExclude: [],
    SynchroniseConsumerGroupOffsets: true,
    DetectAndCopyNewConsumerGroups: true,
    ConsumerGroupOffsetSyncMode: 'LEGACY',
  });
});

test('a replicator may turn FAILED at any time', async () => {
  const arn = await running('doomed');
  const mode = sim.beHostile({ seed: 17, ...CALM, spontaneousFailureRate: 1 })!;
  const d = await client.send(new DescribeReplicatorCommand({ ReplicatorArn: arn }));
  expect(d.ReplicatorState).toBe('FAILED');
  expect(d.StateInfo).toEqual({ Code: 'REPLICATOR_FAILED', Message: 'The replicator cannot reach its clusters' });
  expect(mode.events).toEqual([{ kind: 'turnedFailed', arn, detail: 'doomed' }]);
});

test('an operator edits tags between deployments (any key), and reads may lag behind the edit', async () => {
  const arn = await running('tagged');
  await client.send(new TagResourceCommand({ ResourceArn: arn, Tags: { 'cdk-msk-replicator:owner': 'abc' } }));
  sim.beHostile({ seed: 19, ...CALM });
  const edits = new Set<string>();
  for (let i = 0; i < 12; i++) edits.add(sim.editTagsAsOperator(arn).split(' ')[0]);
  expect(edits).toEqual(new Set(['removed', 'rewrote', 'added']));
  const tags = (await client.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags;
  expect(tags).toEqual(sim.replicator(arn)!.tags);

  sim.beHostile({ seed: 19, ...CALM, staleReadRate: 1, maxLagReads: 1 });
  const beforeEdit = sim.replicator(arn)!.tags;
  sim.editTagsAsOperator(arn);
  expect((await client.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags).toEqual(beforeEdit);
  expect((await client.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags).toEqual(sim.replicator(arn)!.tags);
});

test('seeded: the same seed and the same calls give the same hostile events', async () => {
  const play = async (seed: number) => {
    const mode = sim.beHostile({ seed, spontaneousFailureRate: 0.1 })!;
    for (let i = 0; i < 15; i++) {
      await client.send(new DescribeReplicatorCommand({ ReplicatorArn: SRC.replace('cluster', 'replicator') })).catch(() => undefined);
      await client.send(new ListReplicatorsCommand({})).catch(() => undefined);
    }
    return mode.events.map((e) => `${e.kind}:${e.operation ?? ''}:${e.detail ?? ''}`);
  };
  const first = await play(23);
  const again = await play(23);
  const other = await play(24);
  expect(first.length).toBeGreaterThan(0);
  expect(again).toEqual(first);
  expect(other).not.toEqual(first);
});

test('the ground truth: reads answered from what the service holds, drawing nothing from the hostile mode and unrecorded', async () => {
  const lagging = await running('truth');
  const truth = groundTruthKafka(sim);
  const play = async (readTruth: boolean) => {
    sim.resetCalls();
    const mode = sim.beHostile({
      seed: 29, throttleRate: 0.2, serverErrorRate: 0.1, staleReadRate: 1, maxLagReads: 3, spontaneousFailureRate: 0.05,
    })!;
    await client.send(new TagResourceCommand({ ResourceArn: lagging, Tags: { round: String(readTruth) } })).catch(() => undefined);
    for (let i = 0; i < 10; i++) {
      if (readTruth) {
        // the write just made, and the state the service holds, whatever the lagging reads say
        expect((await truth.send(new ListTagsForResourceCommand({ ResourceArn: lagging }))).Tags).toEqual(sim.replicator(lagging)!.tags);
        expect((await truth.send(new DescribeReplicatorCommand({ ReplicatorArn: lagging }))).ReplicatorState).toBe(sim.replicator(lagging)!.state);
        const listed = (await truth.send(new ListReplicatorsCommand({ ReplicatorNameFilter: 'tru' }))).Replicators!;
        expect(listed.map((r) => r.ReplicatorArn)).toEqual([lagging]);
      }
      await client.send(new ListTagsForResourceCommand({ ResourceArn: lagging })).catch(() => undefined);
    }
    return { events: mode.events.map((e) => `${e.kind}:${e.operation ?? ''}`), calls: sim.calls.map((c) => c.operation) };
  };
  const without = await play(false);
  const withTruth = await play(true);
  expect(without.events).toContain('staleRead:ListTagsForResource');
  expect(withTruth).toEqual(without);
  // a replicator the API does not show yet, and one that does not exist: the NotFound the SDK makes of it
  sim.beHostile({ seed: 31, ...CALM });
  sim.hideNextCreation(1000);
  const hidden = (await client.send(new CreateReplicatorCommand(createInput('hidden')))).ReplicatorArn!;
  expect((await failure(client.send(new DescribeReplicatorCommand({ ReplicatorArn: hidden })))).name).toBe('NotFoundException');
  expect((await truth.send(new DescribeReplicatorCommand({ ReplicatorArn: hidden }))).ReplicatorName).toBe('hidden');
  sim.deleteOutOfBand(hidden);
  expect((await failure(truth.send(new DescribeReplicatorCommand({ ReplicatorArn: hidden })))).name).toBe('NotFoundException');
  // writes are not the truth's to make
  await expect(truth.send(new TagResourceCommand({ ResourceArn: lagging, Tags: { a: 'b' } }))).rejects.toThrow(/answerTruthfully serves/);
  truth.destroy();
});
