import type { DescribeReplicatorResponse, KafkaClusterDescription } from '@aws-sdk/client-kafka';
import { describedReplicator, properties, ROLE_ARN, SOURCE_ARN, TARGET_ARN } from './fixtures/handler-fixtures';
import type { ProviderEvent } from '../src/provider/events';
import {
  asSet, describeUpdate, GENERATED_SUFFIX_LENGTH, generatedNameStem, immutableDifferences, immutableDrift, isGeneratedFrom, isOwnerValue,
  liveClusterSpec, planInPlaceUpdate, replacementBlocker, replacementCauses, sameValue,
} from '../src/provider/lifecycle';
import { generatedName } from '../src/provider/on-event';
import type { ClusterSpec, ReplicatorProperties } from '../src/provider/properties';

/**
 * The planner's comparisons field by field: each field that cannot change in place, named as the construct's prop;
 * the cluster's authentication and encryption as DescribeReplicator reports them; the deep equality the comparisons
 * rest on; the generated-name stem; the owner value's form; and the request's parts. A mutation run of the unit
 * suites left these unpinned (docs/mutation.md).
 */

const info = () => describedReplicator().ReplicationInfoList![0];
const withInfo = (change: object): Partial<DescribeReplicatorResponse> => ({ ReplicationInfoList: [{ ...info(), ...change }] });

describe('each field that cannot change in place is compared and named', () => {
  const otherSource = { ...properties().Source, MskClusterArn: TARGET_ARN };
  const otherTarget = { ...properties().Target, MskClusterArn: SOURCE_ARN };
  test.each<[string, Partial<ReplicatorProperties>, Partial<DescribeReplicatorResponse>]>([
    ['replicatorName', { ReplicatorName: 'orders-dr', ReplicatorNamePrefix: undefined }, { ReplicatorName: 'orders-dr-old' }],
    ['description', { Description: 'orders to the DR cluster' }, { ReplicatorDescription: 'made by hand' }],
    ['role', {}, { ServiceExecutionRoleArn: `${ROLE_ARN}-other` }],
    ['source', { Source: otherSource }, {}],
    ['target', { Target: otherTarget }, {}],
    ['targetCompressionType', {}, withInfo({ TargetCompressionType: 'GZIP' })],
    ['topicReplication.startingPosition', {}, withInfo({ TopicReplication: { ...info().TopicReplication, StartingPosition: { Type: 'EARLIEST' } } })],
    ['topicReplication.topicNameConfiguration', {}, withInfo({
      TopicReplication: { ...info().TopicReplication, TopicNameConfiguration: { Type: 'IDENTICAL' } },
    })],
    ['consumerGroupReplication.offsetSyncMode', {}, withInfo({
      ConsumerGroupReplication: { ...info().ConsumerGroupReplication, ConsumerGroupOffsetSyncMode: 'ENHANCED' },
    })],
  ])('%s', (prop, desired, live) => {
    expect(immutableDifferences(properties(desired), describedReplicator(live)).map((d) => d.prop)).toEqual([prop]);
  });

  test.each<[string, Partial<ReplicatorProperties>]>([
    ['description', { Description: 'orders to the DR cluster' }],
    ['role', { ServiceExecutionRoleArn: `${ROLE_ARN}-other` }],
    ['source', { Source: otherSource }],
    ['target', { Target: otherTarget }],
    ['targetCompressionType', { TargetCompressionType: 'GZIP' }],
  ])('a template change of %s that the live replicator does not have needs a new replicator; one it has does not', (prop, change) => {
    expect(replacementCauses(properties(), properties(change), describedReplicator())).toEqual([prop]);
    expect(replacementCauses(properties(change), properties(), describedReplicator())).toEqual([]);
  });

  test('the replicator in the form the template asks for differs in nothing', () => {
    expect(immutableDifferences(properties(), describedReplicator())).toEqual([]);
    expect(immutableDrift(properties(), describedReplicator())).toEqual([]);
  });

  test('drift names the prop, the desired value and the live one', () => {
    expect(immutableDrift(properties(), describedReplicator({ ServiceExecutionRoleArn: 'arn:aws:iam::123456789012:role/Other' })))
      .toEqual([`role (desired "${ROLE_ARN}", live "arn:aws:iam::123456789012:role/Other")`]);
  });

  test('a description the template leaves out equals a replicator without one, and differs from one with it', () => {
    expect(immutableDifferences(properties(), describedReplicator({ ReplicatorDescription: '' }))).toEqual([]);
    expect(immutableDifferences(properties(), describedReplicator({ ReplicatorDescription: 'x' })).map((d) => d.prop)).toEqual(['description']);
  });
});

describe('a replication info that omits a part', () => {
  const without = (change: object) => describedReplicator(withInfo(change));

  test('no topic or consumer group replication: the fields in them are not drift', () => {
    expect(immutableDifferences(properties(), without({ TopicReplication: undefined, ConsumerGroupReplication: undefined }))).toEqual([]);
    const noTypes = { ...info().TopicReplication, StartingPosition: undefined, TopicNameConfiguration: undefined };
    expect(immutableDifferences(properties(), without({ TopicReplication: noTypes }))).toEqual([]);
  });

  test('no replication info at all: the update sends topic and consumer group replication (log delivery is unchanged)', () => {
    const request = planInPlaceUpdate(properties(), describedReplicator({ ReplicationInfoList: undefined }));
    expect(request && describeUpdate(request)).toEqual(['TopicReplication', 'ConsumerGroupReplication']);
  });
});

describe('the causes of a replacement, from the templates alone (no live replicator read)', () => {
  test('every changed field that cannot change in place, a generated name\'s prefix among them', () => {
    const before = properties({ ReplicatorNamePrefix: 'orders' });
    const after = properties({ ReplicatorNamePrefix: 'payments', TargetCompressionType: 'GZIP' });
    expect(replacementCauses(before, after)).toEqual(['replicatorName', 'targetCompressionType']);
    expect(replacementCauses(before, before)).toEqual([]);
  });
});

describe('a generated name', () => {
  test('the stem: the prefix cut to leave room for the suffix, without trailing dashes, then one dash', () => {
    expect(generatedNameStem('orders')).toBe('orders-');
    expect(generatedNameStem('orders--')).toBe('orders-');
    const long = 'a'.repeat(200);
    expect(generatedNameStem(long)).toBe(`${'a'.repeat(128 - GENERATED_SUFFIX_LENGTH - 1)}-`);
    expect(generatedNameStem(long).length + GENERATED_SUFFIX_LENGTH).toBe(128);
  });

  test('a replicator named from the stem has the generated name; another name does not', () => {
    const props = properties({ ReplicatorNamePrefix: 'orders' });
    expect(immutableDifferences(props, describedReplicator({ ReplicatorName: 'orders-0123456789ab' }))).toEqual([]);
    expect(immutableDifferences(props, describedReplicator({ ReplicatorName: 'payments-0123456789ab' })).map((d) => d.prop)).toEqual(['replicatorName']);
  });

  test('a prefix ending in a dash: the name generated from its stem is its own', () => {
    const props = properties({ ReplicatorNamePrefix: 'orders-' });
    expect(immutableDifferences(props, describedReplicator({ ReplicatorName: 'orders-0123456789ab' }))).toEqual([]);
  });

  test('a name generated from a longer prefix that shares the stem is not the generated name', () => {
    // `orders-eu-0123456789ab` starts with `orders-`, the stem of `orders`, but no name generated from `orders` has
    // anything but 12 hexadecimal digits after the stem (on-event.ts `generatedName`)
    const props = properties({ ReplicatorNamePrefix: 'orders' });
    expect(immutableDifferences(props, describedReplicator({ ReplicatorName: 'orders-eu-0123456789ab' })).map((d) => d.prop)).toEqual(['replicatorName']);
    expect(immutableDifferences(props, describedReplicator({ ReplicatorName: 'orders-0123456789abc' })).map((d) => d.prop)).toEqual(['replicatorName']);
    expect(immutableDifferences(props, describedReplicator({ ReplicatorName: 'orders-0123456789a' })).map((d) => d.prop)).toEqual(['replicatorName']);
    expect(immutableDifferences(props, describedReplicator({ ReplicatorName: 'orders-0123456789AB' })).map((d) => d.prop)).toEqual(['replicatorName']);
    expect(immutableDifferences(props, describedReplicator({ ReplicatorName: 'orders-' })).map((d) => d.prop)).toEqual(['replicatorName']);
  });

  test('every name generated from a prefix is recognised as generated from it, and from no shorter prefix it starts with', () => {
    for (const prefix of ['orders', 'orders-', 'orders--', 'orders-eu', 'x'.repeat(200)]) {
      const name = generatedName(prefix, { StackId: 'stack', LogicalResourceId: 'Replicator', RequestId: prefix } as ProviderEvent);
      expect(isGeneratedFrom(prefix, name)).toBe(true);
      expect(name.length).toBeLessThanOrEqual(128);
    }
    const eu = generatedName('orders-eu', { StackId: 'stack', LogicalResourceId: 'Replicator', RequestId: 'r' } as ProviderEvent);
    expect(isGeneratedFrom('orders', eu)).toBe(false);
  });

  test('a fixed name is compared whole', () => {
    const props = properties({ ReplicatorName: 'orders-dr', ReplicatorNamePrefix: undefined });
    expect(immutableDifferences(props, describedReplicator({ ReplicatorName: 'orders-dr' }))).toEqual([]);
    expect(immutableDifferences(props, describedReplicator({ ReplicatorName: 'orders-dr-2' })).map((d) => d.prop)).toEqual(['replicatorName']);
  });
});

describe('a cluster as DescribeReplicator reports it', () => {
  const secured = (): KafkaClusterDescription => ({
    KafkaClusterAlias: 'src',
    AmazonMskCluster: { MskClusterArn: SOURCE_ARN },
    VpcConfig: { SubnetIds: ['subnet-b', 'subnet-a'], SecurityGroupIds: ['sg-a'] },
    ClientAuthentication: { SaslScram: { Mechanism: 'SHA512', SecretArn: 'arn:secret:scram' }, MTLS: { SecretArn: 'arn:secret:mtls' } },
    EncryptionInTransit: { EncryptionType: 'TLS', RootCaCertificate: 'arn:secret:ca' },
  });
  const live = (cluster: KafkaClusterDescription) => describedReplicator({ KafkaClusters: [cluster, describedReplicator().KafkaClusters![1]] });

  test('authentication and encryption: every member read, subnets as a set', () => {
    expect(liveClusterSpec(live(secured()), 'Source')).toEqual<ClusterSpec>({
      MskClusterArn: SOURCE_ARN,
      ApacheKafkaClusterId: undefined,
      BootstrapBrokerString: undefined,
      SubnetIds: ['subnet-a', 'subnet-b'],
      SecurityGroupIds: ['sg-a'],
      SaslScramMechanism: 'SHA512',
      SaslScramSecretArn: 'arn:secret:scram',
      MtlsSecretArn: 'arn:secret:mtls',
      TlsEncryption: true,
      RootCaCertificate: 'arn:secret:ca',
    });
  });

  test('a self-managed cluster, without authentication, encryption or VpcConfig', () => {
    const cluster: KafkaClusterDescription = {
      KafkaClusterAlias: 'src',
      ApacheKafkaCluster: { ApacheKafkaClusterId: 'kafka-1', BootstrapBrokerString: 'b-1:9096' },
    };
    expect(liveClusterSpec(live(cluster), 'Source')).toEqual({
      MskClusterArn: undefined,
      ApacheKafkaClusterId: 'kafka-1',
      BootstrapBrokerString: 'b-1:9096',
      SubnetIds: [],
      SecurityGroupIds: [],
      SaslScramMechanism: undefined,
      SaslScramSecretArn: undefined,
      MtlsSecretArn: undefined,
      TlsEncryption: undefined,
      RootCaCertificate: undefined,
    });
  });

  test.each<[string, KafkaClusterDescription['ClientAuthentication'], Partial<ClusterSpec>]>([
    ['SASL/SCRAM alone', { SaslScram: { Mechanism: 'SHA512', SecretArn: 'arn:secret:scram' } },
      { SaslScramMechanism: 'SHA512', SaslScramSecretArn: 'arn:secret:scram', MtlsSecretArn: undefined }],
    ['mTLS alone', { MTLS: { SecretArn: 'arn:secret:mtls' } }, { SaslScramMechanism: undefined, SaslScramSecretArn: undefined, MtlsSecretArn: 'arn:secret:mtls' }],
  ])('%s: the other mechanism is absent, not an error', (_name, auth, expected) => {
    expect(liveClusterSpec(live({ ...secured(), ClientAuthentication: auth }), 'Source')).toMatchObject(expected);
  });

  test('the target is the cluster of the target alias, not the first one', () => {
    expect(liveClusterSpec(describedReplicator(), 'Target')?.MskClusterArn).toBe(TARGET_ARN);
    expect(liveClusterSpec(describedReplicator(), 'Source')?.MskClusterArn).toBe(SOURCE_ARN);
  });

  test('TLS turned off in the template equals a replicator that reports no TLS; TLS on differs', () => {
    const plain = properties({ Source: { ...properties().Source, TlsEncryption: false } });
    expect(immutableDifferences(plain, describedReplicator())).toEqual([]);
    const tls = properties({ Source: { ...properties().Source, TlsEncryption: true } });
    expect(immutableDifferences(tls, describedReplicator()).map((d) => d.prop)).toEqual(['source']);
  });

  test('another secret differs', () => {
    const desired = properties({
      Source: {
        ...properties().Source,
        SubnetIds: ['subnet-a', 'subnet-b'],
        SaslScramMechanism: 'SHA512',
        SaslScramSecretArn: 'arn:secret:other',
        MtlsSecretArn: 'arn:secret:mtls',
        TlsEncryption: true,
        RootCaCertificate: 'arn:secret:ca',
      },
    });
    expect(immutableDifferences(desired, live(secured())).map((d) => d.prop)).toEqual(['source']);
    const same = properties({ Source: { ...desired.Source, SaslScramSecretArn: 'arn:secret:scram' } });
    expect(immutableDifferences(same, live(secured()))).toEqual([]);
  });
});

describe('the deep equality of the comparisons', () => {
  test.each<[unknown, unknown, boolean]>([
    [['a'], ['a'], true],
    [['a'], ['a', 'b'], false],
    [['a', 'b'], ['b', 'a'], false],
    [['a'], { 0: 'a' }, false],
    [{ 0: 'a' }, ['a'], false],
    [{ a: 1, b: undefined }, { a: 1 }, true],
    [{ a: 1 }, { a: 1, b: 2 }, false],
    [{ a: 1, b: 2 }, { a: 1 }, false],
    [{ a: { b: [1] } }, { a: { b: [2] } }, false],
    [null, {}, false],
    [{}, null, false],
    [1, '1', false],
    [1, {}, false],
    [{}, 1, false],
    [{ length: 1, 0: 'a' }, ['a'], false],
    [['a'], { length: 1, 0: 'a' }, false],
    ['x', 'x', true],
  ])('sameValue(%j, %j) is %s', (a, b, expected) => {
    expect(sameValue(a, b)).toBe(expected);
  });

  test('a list as a set: sorted, without repeats', () => {
    expect(asSet(['b', 'a', 'b'])).toEqual(['a', 'b']);
    expect(asSet(undefined)).toEqual([]);
  });
});

test('an owner value is exactly 32 lowercase hex digits', () => {
  const hex = '0123456789abcdef0123456789abcdef';
  expect(isOwnerValue(hex)).toBe(true);
  expect(isOwnerValue(`x${hex}`)).toBe(false);
  expect(isOwnerValue(`${hex}x`)).toBe(false);
  expect(isOwnerValue(hex.toUpperCase())).toBe(false);
  expect(isOwnerValue(undefined)).toBe(false);
});

describe('an in-place update', () => {
  test('a replicator that reports no topic or consumer group replication gets both, with every member', () => {
    const without = describedReplicator(withInfo({ TopicReplication: undefined, ConsumerGroupReplication: undefined }));
    const request = planInPlaceUpdate(properties(), without);

    expect(request?.TopicReplication?.TopicsToReplicate).toEqual(['.*']);
    expect(request?.ConsumerGroupReplication?.ConsumerGroupsToReplicate).toEqual(['.*']);
    expect(request?.LogDelivery).toBeUndefined();
    expect(describeUpdate(request!)).toEqual(['TopicReplication', 'ConsumerGroupReplication']);
  });

  test('only the consumer groups differ: only they are sent', () => {
    const desired = properties({ ConsumerGroupReplication: { ...properties().ConsumerGroupReplication, ConsumerGroupsToExclude: ['tmp-.*'] } });
    const request = planInPlaceUpdate(desired, describedReplicator());

    expect(request?.TopicReplication).toBeUndefined();
    expect(request?.ConsumerGroupReplication?.ConsumerGroupsToExclude).toEqual(['tmp-.*']);
    expect(describeUpdate(request!)).toEqual(['ConsumerGroupReplication']);
  });

  test('topic patterns in another order are the same topics: nothing to send', () => {
    const desired = properties({ TopicReplication: { ...properties().TopicReplication, TopicsToReplicate: ['b', 'a'] } });
    expect(planInPlaceUpdate(desired, describedReplicator(withInfo({ TopicReplication: { ...info().TopicReplication, TopicsToReplicate: ['a', 'b'] } }))))
      .toBeUndefined();
  });
});

describe('a replacement with a fixed name', () => {
  const fixed = properties({ ReplicatorName: 'orders-dr', ReplicatorNamePrefix: undefined });

  test('is blocked while the name stays, naming every cause and the name', () => {
    expect(replacementBlocker(['role', 'source'], fixed, fixed)).toBe('Changing `role`, `source` requires a new replicator, which is '
      + 'created before the old one is deleted, and replicator names are unique per account and Region: also change `replicatorName` '
      + '(currently "orders-dr") or remove it so that a unique name is generated. Nothing was changed.');
  });

  test('goes ahead with a new name, a generated one, or nothing to replace', () => {
    expect(replacementBlocker(['role'], fixed, properties({ ReplicatorName: 'orders-dr-2', ReplicatorNamePrefix: undefined }))).toBeUndefined();
    expect(replacementBlocker(['role'], fixed, properties())).toBeUndefined();
    expect(replacementBlocker([], fixed, fixed)).toBeUndefined();
  });
});
