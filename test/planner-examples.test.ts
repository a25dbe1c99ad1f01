import type { DescribeReplicatorResponse, LogDelivery } from '@aws-sdk/client-kafka';
import { describedReplicator, properties } from './fixtures/handler-fixtures';
import {
  DEPLOYED_TAG_KEY,
  HANDLER_TAG_KEYS,
  immutableDifferences,
  MANAGED_BY_TAG_KEY,
  OWNER_TAG_KEY,
  planInPlaceUpdate,
  replacementCauses,
  REPLACES_TAG_KEY,
  REQUEST_TAG_KEY,
  RETAINED_TAG_KEY,
  ROLLED_BACK_TAG_KEY,
} from '../src/provider/lifecycle';
import { ownerTagValue, requestTagValue } from '../src/provider/ownership';
import type { LogDeliverySpec } from '../src/provider/properties';

/**
 * Single changes the random histories of planner.property.test.ts rarely produce on their own: one log delivery
 * member changed and nothing else, a DescribeReplicator answer without a field, and the tag contract with replicators
 * made by earlier versions of the handler.
 */

/** The live replicator with the given log delivery, as DescribeReplicator reports it. */
function withLogs(logDelivery: LogDelivery['ReplicatorLogDelivery']): DescribeReplicatorResponse {
  return describedReplicator({ LogDelivery: { ReplicatorLogDelivery: logDelivery } });
}

const ALL_THREE: LogDeliverySpec = { CloudWatchLogGroup: 'group-a', FirehoseDeliveryStream: 'stream-a', S3Bucket: 'bucket-a', S3Prefix: 'prefix-a' };
const LIVE_ALL_THREE: LogDelivery['ReplicatorLogDelivery'] = {
  CloudWatchLogs: { Enabled: true, LogGroup: 'group-a' },
  Firehose: { Enabled: true, DeliveryStream: 'stream-a' },
  S3: { Enabled: true, Bucket: 'bucket-a', Prefix: 'prefix-a' },
};

describe('log delivery: a change of one member alone is an in-place update of log delivery only', () => {
  test('nothing changed: no update', () => {
    expect(planInPlaceUpdate(properties({ LogDelivery: ALL_THREE }), withLogs(LIVE_ALL_THREE))).toBeUndefined();
  });

  test.each([
    ['the CloudWatch log group', { CloudWatchLogGroup: 'group-b' }, { CloudWatchLogs: { Enabled: true, LogGroup: 'group-b' } }],
    ['the Firehose delivery stream', { FirehoseDeliveryStream: 'stream-b' }, { Firehose: { Enabled: true, DeliveryStream: 'stream-b' } }],
    ['the S3 bucket', { S3Bucket: 'bucket-b' }, { S3: { Enabled: true, Bucket: 'bucket-b', Prefix: 'prefix-a' } }],
    ['the S3 prefix', { S3Prefix: 'prefix-b' }, { S3: { Enabled: true, Bucket: 'bucket-a', Prefix: 'prefix-b' } }],
  ])('%s', (_name, change, expected) => {
    const request = planInPlaceUpdate(properties({ LogDelivery: { ...ALL_THREE, ...change } }), withLogs(LIVE_ALL_THREE));

    expect(request).toBeDefined();
    expect(request!.TopicReplication).toBeUndefined();
    expect(request!.ConsumerGroupReplication).toBeUndefined();
    expect(request!.LogDelivery!.ReplicatorLogDelivery).toEqual({ ...LIVE_ALL_THREE, ...expected });
  });

  test('the S3 prefix removed: an update that sends the bucket without a prefix', () => {
    const request = planInPlaceUpdate(properties({ LogDelivery: { ...ALL_THREE, S3Prefix: undefined } }), withLogs(LIVE_ALL_THREE));
    expect(request?.LogDelivery?.ReplicatorLogDelivery?.S3).toEqual({ Enabled: true, Bucket: 'bucket-a', Prefix: undefined });
  });

  test('a disabled destination the service reports with its old name equals one the template does not set', () => {
    const live = withLogs({
      CloudWatchLogs: { Enabled: false, LogGroup: 'group-a' },
      Firehose: { Enabled: false, DeliveryStream: 'stream-a' },
      S3: { Enabled: false, Bucket: 'bucket-a', Prefix: 'prefix-a' },
    });
    expect(planInPlaceUpdate(properties(), live)).toBeUndefined();
    expect(planInPlaceUpdate(properties({ LogDelivery: {} }), live)).toBeUndefined();
  });

  test('an answer without log delivery, or listing only the enabled destinations, equals the same template', () => {
    // No member of DescribeReplicatorResponse's LogDelivery is required (MSK API model, shapes LogDelivery and
    // ReplicatorLogDelivery): an answer may leave out what is off.
    expect(planInPlaceUpdate(properties(), describedReplicator({ LogDelivery: undefined }))).toBeUndefined();
    expect(planInPlaceUpdate(properties(), describedReplicator({ LogDelivery: {} }))).toBeUndefined();
    for (const [spec, only] of [
      [{ CloudWatchLogGroup: 'group-a' }, { CloudWatchLogs: { Enabled: true, LogGroup: 'group-a' } }],
      [{ FirehoseDeliveryStream: 'stream-a' }, { Firehose: { Enabled: true, DeliveryStream: 'stream-a' } }],
      [{ S3Bucket: 'bucket-a' }, { S3: { Enabled: true, Bucket: 'bucket-a' } }],
    ] as const) {
      expect(planInPlaceUpdate(properties({ LogDelivery: spec }), withLogs(only))).toBeUndefined();
    }
  });

  test('a destination turned on with the name it had while off is an update', () => {
    const live = withLogs({ CloudWatchLogs: { Enabled: false, LogGroup: 'group-a' }, Firehose: { Enabled: false }, S3: { Enabled: false } });
    const request = planInPlaceUpdate(properties({ LogDelivery: { CloudWatchLogGroup: 'group-a' } }), live);
    expect(request?.LogDelivery?.ReplicatorLogDelivery?.CloudWatchLogs).toEqual({ Enabled: true, LogGroup: 'group-a' });
  });
});

describe('a DescribeReplicator answer that omits a field that cannot change in place', () => {
  const oldProps = properties({ TargetCompressionType: 'NONE' });
  const newProps = properties({ TargetCompressionType: 'GZIP' });
  const info = describedReplicator().ReplicationInfoList![0];

  test('a changed field the answer omits still needs a new replicator: the live replicator does not confirm it has the new value', () => {
    const live = describedReplicator({ ReplicationInfoList: [{ ...info, TargetCompressionType: undefined }] });
    expect(replacementCauses(oldProps, newProps, live)).toEqual(['targetCompressionType']);
  });

  test('no replication info at all: every changed field of it still needs a new replicator', () => {
    const live = describedReplicator({ ReplicationInfoList: undefined });
    const changed = properties({
      TargetCompressionType: 'GZIP',
      TopicReplication: { ...oldProps.TopicReplication, StartingPosition: 'EARLIEST' },
    });
    expect(replacementCauses(oldProps, changed, live)).toEqual(['targetCompressionType', 'topicReplication.startingPosition']);
    // and nothing is reported as drift: the clusters cannot be told apart without the aliases
    expect(immutableDifferences(properties(), live)).toEqual([]);
  });

  test('no KafkaClusters, or a cluster without VpcConfig: the comparison does not fail', () => {
    expect(immutableDifferences(properties(), describedReplicator({ KafkaClusters: undefined }))).toEqual([]);
    const clusters = describedReplicator().KafkaClusters!.map((c) => ({ ...c, VpcConfig: undefined }));
    expect(() => immutableDifferences(properties(), describedReplicator({ KafkaClusters: clusters }))).not.toThrow();
  });

  test('an omitted field is not reported as drift (the answer says nothing about it)', () => {
    const live = describedReplicator({ ReplicationInfoList: [{ ...info, TargetCompressionType: undefined }] });
    expect(immutableDifferences(newProps, live)).toEqual([]);
  });

  test('a cluster alias the answer omits: that side is not compared, and not reported as drift', () => {
    const live = describedReplicator({ ReplicationInfoList: [{ ...info, SourceKafkaClusterAlias: undefined }] });
    expect(immutableDifferences(properties(), live)).toEqual([]);
    const moved = properties({ Source: { ...properties().Source, MskClusterArn: 'arn:aws:kafka:us-east-1:123456789012:cluster/other/x-1' } });
    expect(replacementCauses(properties(), moved, live)).toEqual(['source']);
  });

  test('neither the replication info nor the cluster carries an alias: the cluster is not taken for the source', () => {
    const moved = properties({ Source: { ...properties().Source, MskClusterArn: 'arn:aws:kafka:us-east-1:123456789012:cluster/other/x-1' } });
    const [source, target] = describedReplicator().KafkaClusters!;
    const live = describedReplicator({
      KafkaClusters: [{ ...source, KafkaClusterAlias: undefined, AmazonMskCluster: { MskClusterArn: moved.Source.MskClusterArn } }, target],
      ReplicationInfoList: [{ ...info, SourceKafkaClusterAlias: undefined }],
    });
    expect(replacementCauses(properties(), moved, live)).toEqual(['source']);
  });

  test('an alias whose cluster is missing from KafkaClusters: that side is not compared either', () => {
    const live = describedReplicator({ KafkaClusters: describedReplicator().KafkaClusters!.filter((c) => c.KafkaClusterAlias !== 'tgt') });
    expect(immutableDifferences(properties(), live)).toEqual([]);
  });

  test('a field the answer reports with another value is drift, naming desired and live', () => {
    const live = describedReplicator({ ReplicationInfoList: [{ ...info, TargetCompressionType: 'LZ4' }] });
    expect(immutableDifferences(newProps, live)).toEqual([{ prop: 'targetCompressionType', desired: 'GZIP', live: 'LZ4' }]);
  });
});

describe('the tag contract with replicators made by earlier versions of the handler', () => {
  // Renaming a key, or changing how a value is derived, makes the handler stop recognising the replicators it made
  // before: a retried create would no longer adopt its own, a rollback would no longer find the original, a RETAIN
  // delete would no longer know what deployed. These values are what released versions wrote.
  test('the keys', () => {
    expect([OWNER_TAG_KEY, REQUEST_TAG_KEY, REPLACES_TAG_KEY, RETAINED_TAG_KEY, DEPLOYED_TAG_KEY, ROLLED_BACK_TAG_KEY, MANAGED_BY_TAG_KEY]).toEqual([
      'cdk-msk-replicator:owner',
      'cdk-msk-replicator:request',
      'cdk-msk-replicator:replaces',
      'cdk-msk-replicator:retained',
      'cdk-msk-replicator:deployed',
      'cdk-msk-replicator:rolled-back-to',
      'cdk-msk-replicator:managed-by',
    ]);
  });

  test('the handler\'s own keys, which a template change never removes (tag-writes.ts), are exactly these', () => {
    expect([...HANDLER_TAG_KEYS].sort()).toEqual([
      DEPLOYED_TAG_KEY, MANAGED_BY_TAG_KEY, OWNER_TAG_KEY, REPLACES_TAG_KEY, REQUEST_TAG_KEY, RETAINED_TAG_KEY, ROLLED_BACK_TAG_KEY,
    ].sort());
  });

  test('the owner and request values of a known resource and request', () => {
    const event = {
      RequestType: 'Create' as const,
      RequestId: '11111111-2222-3333-4444-555555555555',
      StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/OrdersReplication/0c9d6a70-0000-11ef-8000-0a1b2c3d4e5f',
      LogicalResourceId: 'Replicator1A2B3C4D',
      ResourceProperties: {},
    };
    expect(ownerTagValue(event)).toBe(OWNER_VALUE);
    expect(requestTagValue(event)).toBe(REQUEST_VALUE);
  });
});

// sha256("<StackId>|<LogicalResourceId>") and sha256("<StackId>|<LogicalResourceId>|<RequestId>"), first 32 hex digits
const OWNER_VALUE = 'c5684d2ff8f11dd9002b3b33b32f45c6';
const REQUEST_VALUE = '8394a33cd7bd058e052faa63ea9e9092';
