import type { DescribeReplicatorResponse, KafkaClusterDescription, LogDelivery } from '@aws-sdk/client-kafka';
import * as fc from 'fast-check';
import { planTags } from '../src/cli/plan-tags';
import {
  immutableDifferences,
  immutableDrift,
  OWNER_TAG_KEY,
  planInPlaceUpdate,
  replacementBlocker,
  replacementCauses,
} from '../src/provider/lifecycle';
import {
  ClusterSpec,
  ConsumerGroupReplicationSpec,
  decodeProperties,
  LogDeliverySpec,
  PropertiesError,
  ReplicatorProperties,
  TopicReplicationSpec,
} from '../src/provider/properties';

/**
 * Property-based tests of the update planner (`lifecycle.ts`) and of the property decoding it relies on.
 *
 * The generators produce what the contract allows and the construct (or a hand-written template) can render:
 * exactly one of a fixed name and a name prefix, exactly one of an MSK cluster ARN and an Apache Kafka cluster
 * id per side (the target is always MSK, as the API requires), at most one client authentication, a root CA
 * only together with TLS. `liveOf` builds the DescribeReplicator response the service reports for a replicator
 * created from such properties: clusters referenced by alias in the replication info, cluster ARNs only in
 * KafkaClusters, a generated name made of the prefix and a hex suffix. It is written independently of
 * `requests.ts`, and varies what the service may or may not report (empty lists omitted or present, the order of
 * the clusters, an absent or all-disabled log delivery).
 */

const ACCOUNT = '123456789012';
const TOPIC_MEMBERS = [
  'TopicsToReplicate', 'TopicsToExclude', 'CopyTopicConfigurations', 'CopyAccessControlListsForTopics', 'DetectAndCopyNewTopics',
] as const;
const GROUP_MEMBERS = [
  'ConsumerGroupsToReplicate', 'ConsumerGroupsToExclude', 'SynchroniseConsumerGroupOffsets', 'DetectAndCopyNewConsumerGroups',
] as const;

type Props = ReplicatorProperties;

// ---------------------------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------------------------

/** Names as the construct makes them (uniqueResourceName) or a user picks them: alphanumeric ends, dashes inside. */
const nameArb = fc.stringMatching(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,20}[A-Za-z0-9])?$/);
const idArb = fc.stringMatching(/^[0-9a-f]{8,17}$/);
const patternArb = fc.stringMatching(/^[a-z.*\\_-]{1,10}$/);
const textArb = fc.string({ minLength: 1, maxLength: 20 });
const secretArnArb = nameArb.map((n) => `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:AmazonMSK_${n}-AbCdEf`);
const mskClusterArnArb = fc.tuple(nameArb, fc.uuid(), fc.constantFrom('us-east-1', 'eu-west-1'))
  .map(([name, uuid, region]) => `arn:aws:kafka:${region}:${ACCOUNT}:cluster/${name}/${uuid}-1`);

function clusterArb(allowApache: boolean): fc.Arbitrary<ClusterSpec> {
  const identity = allowApache
    ? fc.oneof(
      mskClusterArnArb.map((arn) => ({ MskClusterArn: arn })),
      fc.tuple(idArb, nameArb).map(([id, host]) => ({
        ApacheKafkaClusterId: `kafka-${id}`,
        BootstrapBrokerString: `${host}.example.com:9096,${host}-2.example.com:9096`,
      })),
    )
    : mskClusterArnArb.map((arn) => ({ MskClusterArn: arn }));
  const auth = fc.oneof(
    fc.constant({}),
    fc.record({ SaslScramMechanism: fc.constantFrom('SHA256', 'SHA512'), SaslScramSecretArn: secretArnArb }),
    fc.record({ MtlsSecretArn: secretArnArb }),
  );
  // absent (what the construct renders for MSK clusters) or on with an optional root CA; `TlsEncryption: false`
  // (an Apache Kafka cluster with `encryptionInTransit: false`) has its own properties below
  const tls = fc.oneof(
    fc.constant({}),
    fc.record({ TlsEncryption: fc.constant(true), RootCaCertificate: fc.option(textArb, { nil: undefined }) }),
  );
  return fc.record({
    identity,
    auth,
    tls,
    SubnetIds: fc.uniqueArray(idArb.map((id) => `subnet-${id}`), { minLength: 1, maxLength: 3 }),
    SecurityGroupIds: fc.uniqueArray(idArb.map((id) => `sg-${id}`), { maxLength: 3 }),
  }).map(({ identity: i, auth: a, tls: t, SubnetIds, SecurityGroupIds }) => ({ ...i, SubnetIds, SecurityGroupIds, ...a, ...t }));
}

const topicReplicationArb: fc.Arbitrary<TopicReplicationSpec> = fc.record({
  TopicsToReplicate: fc.array(patternArb, { minLength: 1, maxLength: 4 }),
  TopicsToExclude: fc.array(patternArb, { maxLength: 3 }),
  CopyTopicConfigurations: fc.boolean(),
  CopyAccessControlListsForTopics: fc.boolean(),
  DetectAndCopyNewTopics: fc.boolean(),
  StartingPosition: fc.constantFrom('LATEST', 'EARLIEST'),
  TopicNameConfiguration: fc.constantFrom('PREFIXED_WITH_SOURCE_CLUSTER_ALIAS', 'IDENTICAL'),
});

const consumerGroupReplicationArb: fc.Arbitrary<ConsumerGroupReplicationSpec> = fc.record({
  ConsumerGroupsToReplicate: fc.array(patternArb, { maxLength: 4 }),
  ConsumerGroupsToExclude: fc.array(patternArb, { maxLength: 3 }),
  SynchroniseConsumerGroupOffsets: fc.boolean(),
  DetectAndCopyNewConsumerGroups: fc.boolean(),
  OffsetSyncMode: fc.constantFrom('LEGACY', 'ENHANCED'),
});

const logDeliveryArb: fc.Arbitrary<LogDeliverySpec> = fc.record({
  CloudWatchLogGroup: fc.option(nameArb.map((n) => `/msk/replicator/${n}`), { nil: undefined }),
  FirehoseDeliveryStream: fc.option(nameArb, { nil: undefined }),
  S3Bucket: fc.option(nameArb.map((n) => n.toLowerCase()), { nil: undefined }),
  S3Prefix: fc.option(nameArb.map((n) => `${n}/`), { nil: undefined }),
});

const tagsArb = fc.dictionary(
  fc.stringMatching(/^[a-z][a-z0-9:_-]{0,10}$/),
  fc.string({ maxLength: 12 }),
  { maxKeys: 4, noNullPrototype: true },
);

const nameFormArb = fc.oneof(
  nameArb.map((name) => ({ ReplicatorName: name, ReplicatorNamePrefix: undefined })),
  nameArb.map((prefix) => ({ ReplicatorName: undefined, ReplicatorNamePrefix: prefix })),
);

const propsArb: fc.Arbitrary<Props> = fc.record({
  name: nameFormArb,
  Description: fc.option(textArb, { nil: undefined }),
  ServiceExecutionRoleArn: nameArb.map((n) => `arn:aws:iam::${ACCOUNT}:role/${n}`),
  Source: clusterArb(true),
  Target: clusterArb(false),
  TopicReplication: topicReplicationArb,
  ConsumerGroupReplication: consumerGroupReplicationArb,
  TargetCompressionType: fc.constantFrom('NONE', 'GZIP', 'SNAPPY', 'LZ4', 'ZSTD'),
  LogDelivery: fc.option(logDeliveryArb, { nil: undefined }),
  Tags: fc.option(tagsArb, { nil: undefined }),
  DeletionBehaviour: fc.constantFrom('destroy' as const, 'retain' as const),
  WaitForRunning: fc.boolean(),
  TimeoutSeconds: fc.option(fc.integer({ min: 30, max: 3300 }), { nil: undefined }),
  ReconcileNonce: fc.option(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), { nil: undefined }),
}).map(({ name, ...rest }) => ({ ...name, ...rest }));

/** How the service happens to report a replicator: things that may be there or not, and orders. */
interface LiveVariant {
  readonly nameSuffix: string;
  readonly version: string;
  readonly uuid: string;
  /** Empty lists reported as [] (true) or left out (false). */
  readonly emptyListsPresent: boolean;
  /** KafkaClusters as [source, target] (false) or [target, source] (true). */
  readonly clustersReversed: boolean;
  /** A replicator created without log delivery reports nothing (false) or every destination disabled (true). */
  readonly disabledLogDeliveryReported: boolean;
}

const variantArb: fc.Arbitrary<LiveVariant> = fc.record({
  nameSuffix: fc.stringMatching(/^[0-9a-f]{12}$/),
  version: fc.stringMatching(/^[A-Z0-9]{14}$/),
  uuid: fc.uuid(),
  emptyListsPresent: fc.boolean(),
  clustersReversed: fc.boolean(),
  disabledLogDeliveryReported: fc.boolean(),
});

// ---------------------------------------------------------------------------------------------------------------
// The live replicator as DescribeReplicator reports it
// ---------------------------------------------------------------------------------------------------------------

function list(values: string[], v: LiveVariant): string[] | undefined {
  return values.length === 0 && !v.emptyListsPresent ? undefined : [...values];
}

function clusterAlias(spec: ClusterSpec, side: string): string {
  // The service names clusters by alias; a side tag keeps the aliases of two same-named clusters apart.
  return spec.MskClusterArn !== undefined
    ? `msk-cluster-${spec.MskClusterArn.split('/')[1]}-${side}`
    : spec.ApacheKafkaClusterId!;
}

function liveCluster(spec: ClusterSpec, alias: string, v: LiveVariant): KafkaClusterDescription {
  return {
    KafkaClusterAlias: alias,
    AmazonMskCluster: spec.MskClusterArn !== undefined ? { MskClusterArn: spec.MskClusterArn } : undefined,
    ApacheKafkaCluster: spec.ApacheKafkaClusterId !== undefined
      ? { ApacheKafkaClusterId: spec.ApacheKafkaClusterId, BootstrapBrokerString: spec.BootstrapBrokerString }
      : undefined,
    VpcConfig: { SubnetIds: [...spec.SubnetIds], SecurityGroupIds: list(spec.SecurityGroupIds, v) },
    ClientAuthentication: spec.SaslScramSecretArn !== undefined
      ? { SaslScram: { Mechanism: spec.SaslScramMechanism as 'SHA256', SecretArn: spec.SaslScramSecretArn } }
      : spec.MtlsSecretArn !== undefined ? { MTLS: { SecretArn: spec.MtlsSecretArn } } : undefined,
    EncryptionInTransit: spec.TlsEncryption
      ? { EncryptionType: 'TLS', RootCaCertificate: spec.RootCaCertificate }
      : undefined,
  };
}

function liveLogDelivery(spec: LogDeliverySpec | undefined, v: LiveVariant): LogDelivery | undefined {
  if (spec === undefined && !v.disabledLogDeliveryReported) return undefined;
  return {
    ReplicatorLogDelivery: {
      CloudWatchLogs: spec?.CloudWatchLogGroup !== undefined ? { Enabled: true, LogGroup: spec.CloudWatchLogGroup } : { Enabled: false },
      Firehose: spec?.FirehoseDeliveryStream !== undefined
        ? { Enabled: true, DeliveryStream: spec.FirehoseDeliveryStream }
        : { Enabled: false },
      S3: spec?.S3Bucket !== undefined ? { Enabled: true, Bucket: spec.S3Bucket, Prefix: spec.S3Prefix } : { Enabled: false },
    },
  };
}

function liveName(p: Props, v: LiveVariant): string {
  return p.ReplicatorName ?? `${p.ReplicatorNamePrefix}-${v.nameSuffix}`;
}

/** The RUNNING replicator that creating `p` produced, as DescribeReplicator reports it. */
function liveOf(p: Props, v: LiveVariant): DescribeReplicatorResponse {
  const name = liveName(p, v);
  const sourceAlias = clusterAlias(p.Source, 'source');
  const targetAlias = clusterAlias(p.Target, 'target');
  const clusters = [liveCluster(p.Source, sourceAlias, v), liveCluster(p.Target, targetAlias, v)];
  const t = p.TopicReplication;
  const g = p.ConsumerGroupReplication;
  return {
    ReplicatorArn: `arn:aws:kafka:us-east-1:${ACCOUNT}:replicator/${name}/${v.uuid}-s1`,
    ReplicatorName: name,
    ReplicatorDescription: p.Description,
    ReplicatorState: 'RUNNING',
    CurrentVersion: v.version,
    ServiceExecutionRoleArn: p.ServiceExecutionRoleArn,
    IsReplicatorReference: false,
    KafkaClusters: v.clustersReversed ? clusters.reverse() : clusters,
    ReplicationInfoList: [{
      SourceKafkaClusterAlias: sourceAlias,
      TargetKafkaClusterAlias: targetAlias,
      TargetCompressionType: p.TargetCompressionType as 'NONE',
      TopicReplication: {
        TopicsToReplicate: list(t.TopicsToReplicate, v),
        TopicsToExclude: list(t.TopicsToExclude, v),
        CopyTopicConfigurations: t.CopyTopicConfigurations,
        CopyAccessControlListsForTopics: t.CopyAccessControlListsForTopics,
        DetectAndCopyNewTopics: t.DetectAndCopyNewTopics,
        StartingPosition: { Type: t.StartingPosition as 'LATEST' },
        TopicNameConfiguration: { Type: t.TopicNameConfiguration as 'IDENTICAL' },
      },
      ConsumerGroupReplication: {
        ConsumerGroupsToReplicate: list(g.ConsumerGroupsToReplicate, v),
        ConsumerGroupsToExclude: list(g.ConsumerGroupsToExclude, v),
        SynchroniseConsumerGroupOffsets: g.SynchroniseConsumerGroupOffsets,
        DetectAndCopyNewConsumerGroups: g.DetectAndCopyNewConsumerGroups,
        ConsumerGroupOffsetSyncMode: g.OffsetSyncMode as 'LEGACY',
      },
    }],
    LogDelivery: liveLogDelivery(p.LogDelivery, v),
    Tags: { ...p.Tags },
  };
}

/** What a log delivery spec means: which destinations are on, and where they write. */
function effectiveLogs(spec: LogDeliverySpec | undefined) {
  return {
    cloudWatch: spec?.CloudWatchLogGroup,
    firehose: spec?.FirehoseDeliveryStream,
    s3: spec?.S3Bucket !== undefined ? [spec.S3Bucket, spec.S3Prefix ?? ''] : undefined,
  };
}

/** The same value with every object's keys in reverse order (the planner must not care about key order). */
function reverseKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reverseKeys) as unknown as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, x]) => [k, reverseKeys(x)])) as T;
}

// ---------------------------------------------------------------------------------------------------------------
// Changes
// ---------------------------------------------------------------------------------------------------------------

interface ImmutableChange {
  readonly prop: string;
  /** A copy of `p` with this field taken from `other`. */
  readonly apply: (p: Props, other: Props) => Props;
}

const IMMUTABLE_CHANGES: readonly ImmutableChange[] = [
  {
    prop: 'replicatorName',
    apply: (p, o) => ({ ...p, ReplicatorName: o.ReplicatorName, ReplicatorNamePrefix: o.ReplicatorNamePrefix }),
  },
  { prop: 'description', apply: (p, o) => ({ ...p, Description: o.Description }) },
  { prop: 'role', apply: (p, o) => ({ ...p, ServiceExecutionRoleArn: o.ServiceExecutionRoleArn }) },
  { prop: 'source', apply: (p, o) => ({ ...p, Source: o.Source }) },
  { prop: 'target', apply: (p, o) => ({ ...p, Target: o.Target }) },
  { prop: 'targetCompressionType', apply: (p, o) => ({ ...p, TargetCompressionType: o.TargetCompressionType }) },
  {
    prop: 'topicReplication.startingPosition',
    apply: (p, o) => ({ ...p, TopicReplication: { ...p.TopicReplication, StartingPosition: o.TopicReplication.StartingPosition } }),
  },
  {
    prop: 'topicReplication.topicNameConfiguration',
    apply: (p, o) => ({
      ...p, TopicReplication: { ...p.TopicReplication, TopicNameConfiguration: o.TopicReplication.TopicNameConfiguration },
    }),
  },
  {
    prop: 'consumerGroupReplication.offsetSyncMode',
    apply: (p, o) => ({
      ...p, ConsumerGroupReplication: { ...p.ConsumerGroupReplication, OffsetSyncMode: o.ConsumerGroupReplication.OffsetSyncMode },
    }),
  },
];

/** Whether two props differ in a field as the user wrote it (a missing description is the empty one). */
function fieldDiffers(prop: string, a: Props, b: Props): boolean {
  switch (prop) {
    case 'replicatorName':
      return a.ReplicatorName !== b.ReplicatorName || a.ReplicatorNamePrefix !== b.ReplicatorNamePrefix;
    case 'description':
      return (a.Description ?? '') !== (b.Description ?? '');
    case 'role':
      return a.ServiceExecutionRoleArn !== b.ServiceExecutionRoleArn;
    case 'source':
      return JSON.stringify(a.Source) !== JSON.stringify(b.Source);
    case 'target':
      return JSON.stringify(a.Target) !== JSON.stringify(b.Target);
    case 'targetCompressionType':
      return a.TargetCompressionType !== b.TargetCompressionType;
    case 'topicReplication.startingPosition':
      return a.TopicReplication.StartingPosition !== b.TopicReplication.StartingPosition;
    case 'topicReplication.topicNameConfiguration':
      return a.TopicReplication.TopicNameConfiguration !== b.TopicReplication.TopicNameConfiguration;
    case 'consumerGroupReplication.offsetSyncMode':
      return a.ConsumerGroupReplication.OffsetSyncMode !== b.ConsumerGroupReplication.OffsetSyncMode;
    default:
      throw new Error(`unknown field ${prop}`);
  }
}

/**
 * Whether the live replicator already carries the name form of `p`: the planner's documented exception (a
 * replicator that already has the new value needs no replacement), which for a generated name means the live
 * name is the new prefix, a dash and 12 lowercase hexadecimal digits (the generated prefixes here never end in a
 * dash and are short, so the prefix and a dash are the stem). A name generated from a longer prefix that starts
 * with this one (`a-b-0123456789ab` against the prefix `a`) is not.
 */
function liveAlreadyNamedFor(p: Props, live: DescribeReplicatorResponse): boolean {
  if (p.ReplicatorName !== undefined) return live.ReplicatorName === p.ReplicatorName;
  const name = live.ReplicatorName!;
  const prefix = `${p.ReplicatorNamePrefix}-`;
  return name.startsWith(prefix) && /^[0-9a-f]{12}$/.test(name.slice(prefix.length));
}

/** Changes to the fields UpdateReplicationInfo can apply; each generated change takes a random subset. */
interface UpdatableChange {
  readonly topics: Partial<TopicReplicationSpec>;
  readonly groups: Partial<ConsumerGroupReplicationSpec>;
  readonly logs?: { readonly value: LogDeliverySpec | undefined };
}

const updatableChangeArb: fc.Arbitrary<UpdatableChange> = fc.record({
  topics: fc.record({
    TopicsToReplicate: fc.array(patternArb, { minLength: 1, maxLength: 4 }),
    TopicsToExclude: fc.array(patternArb, { maxLength: 3 }),
    CopyTopicConfigurations: fc.boolean(),
    CopyAccessControlListsForTopics: fc.boolean(),
    DetectAndCopyNewTopics: fc.boolean(),
  }, { requiredKeys: [] }),
  groups: fc.record({
    ConsumerGroupsToReplicate: fc.array(patternArb, { maxLength: 4 }),
    ConsumerGroupsToExclude: fc.array(patternArb, { maxLength: 3 }),
    SynchroniseConsumerGroupOffsets: fc.boolean(),
    DetectAndCopyNewConsumerGroups: fc.boolean(),
  }, { requiredKeys: [] }),
  logs: fc.option(fc.record({ value: fc.option(logDeliveryArb, { nil: undefined }) }), { nil: undefined }),
});

function applyUpdatable(p: Props, c: UpdatableChange): Props {
  return {
    ...p,
    TopicReplication: { ...p.TopicReplication, ...c.topics },
    ConsumerGroupReplication: { ...p.ConsumerGroupReplication, ...c.groups },
    LogDelivery: c.logs ? c.logs.value : p.LogDelivery,
  };
}

/** Which parts UpdateReplicationInfo would have to change to go from `a` to `b`. */
function updatableDifferences(a: Props, b: Props) {
  const differ = (x: unknown, y: unknown) => JSON.stringify(x) !== JSON.stringify(y);
  return {
    topicsChanged: TOPIC_MEMBERS.some((k) => differ(a.TopicReplication[k], b.TopicReplication[k])),
    groupsChanged: GROUP_MEMBERS.some((k) => differ(a.ConsumerGroupReplication[k], b.ConsumerGroupReplication[k])),
    logsChanged: differ(effectiveLogs(a.LogDelivery), effectiveLogs(b.LogDelivery)),
  };
}

const pick = (o: object, keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, (o as Record<string, unknown>)[k]]));

/** What the service holds after applying an UpdateReplicationInfo request (only the parts it carries). */
function applyRequest(live: DescribeReplicatorResponse, request: NonNullable<ReturnType<typeof planInPlaceUpdate>>): DescribeReplicatorResponse {
  const info = live.ReplicationInfoList![0];
  return {
    ...live,
    CurrentVersion: `${live.CurrentVersion}X`,
    ReplicationInfoList: [{
      ...info,
      TopicReplication: request.TopicReplication ? { ...info.TopicReplication, ...request.TopicReplication } : info.TopicReplication,
      ConsumerGroupReplication: request.ConsumerGroupReplication
        ? { ...info.ConsumerGroupReplication, ...request.ConsumerGroupReplication }
        : info.ConsumerGroupReplication,
    }],
    LogDelivery: request.LogDelivery ?? live.LogDelivery,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// (a) no-op changes plan nothing
// ---------------------------------------------------------------------------------------------------------------

describe('no-op changes plan no update', () => {
  test('the live replicator made from p: no in-place update, no replacement, no drift', () => {
    fc.assert(fc.property(propsArb, variantArb, (p, v) => {
      const live = liveOf(p, v);
      expect(planInPlaceUpdate(p, live)).toBeUndefined();
      expect(replacementCauses(p, p, live)).toEqual([]);
      expect(replacementCauses(p, p)).toEqual([]);
      expect(immutableDrift(p, live)).toEqual([]);
      expect(immutableDifferences(p, live)).toEqual([]);
    }));
  });

  test('a copy of p with its keys in another order and fields that do not reach the API changed plans nothing', () => {
    fc.assert(fc.property(propsArb, variantArb, fc.boolean(), fc.constantFrom('destroy' as const, 'retain' as const), fc.nat(),
      (p, v, wait, deletion, timeout) => {
        const same: Props = {
          ...reverseKeys(p), WaitForRunning: wait, DeletionBehaviour: deletion, ReconcileNonce: 'another-nonce', TimeoutSeconds: timeout + 30,
        };
        const live = reverseKeys(liveOf(p, v));
        expect(planInPlaceUpdate(same, live)).toBeUndefined();
        expect(replacementCauses(p, same, live)).toEqual([]);
        expect(replacementCauses(p, same)).toEqual([]);
      }));
  });

  test('planTags(t, t, t) adds and removes nothing', () => {
    fc.assert(fc.property(tagsArb, (t) => {
      expect(planTags(t, t, t)).toEqual({ toAdd: {}, toRemove: [] });
      expect(planTags(t, t, { ...t })).toEqual({ toAdd: {}, toRemove: [] });
    }));
  });
});

// ---------------------------------------------------------------------------------------------------------------
// (b) immutable fields
// ---------------------------------------------------------------------------------------------------------------

describe('every change to an immutable field is a replacement naming that prop', () => {
  test.each(IMMUTABLE_CHANGES.map((c) => [c.prop, c] as const))('%s', (_prop, change) => {
    fc.assert(fc.property(propsArb, propsArb, variantArb, (p, other, v) => {
      const changed = change.apply(p, other);
      fc.pre(fieldDiffers(change.prop, p, changed));
      const live = liveOf(p, v);
      if (change.prop === 'replicatorName') fc.pre(!liveAlreadyNamedFor(changed, live));

      expect(replacementCauses(p, changed, live)).toEqual([change.prop]);
      expect(replacementCauses(p, changed)).toEqual([change.prop]);
      // the live replicator differs from the new properties in exactly that field
      expect(immutableDifferences(changed, live).map((d) => d.prop)).toEqual([change.prop]);
      // nothing of an immutable change leaks into an in-place update
      expect(planInPlaceUpdate(changed, live)).toBeUndefined();
      // a fixed name that stays the same blocks the replacement (names are unique), naming the field
      const blocker = replacementBlocker([change.prop], p, changed);
      if (changed.ReplicatorName !== undefined && changed.ReplicatorName === p.ReplicatorName) {
        expect(blocker).toContain(`\`${change.prop}\``);
        expect(blocker).toContain(changed.ReplicatorName);
      } else {
        expect(blocker).toBeUndefined();
      }
    }));
  });

  test('several immutable fields changed at once: each is named, in a stable order', () => {
    fc.assert(fc.property(propsArb, propsArb, variantArb, fc.subarray([...IMMUTABLE_CHANGES], { minLength: 2 }), (p, other, v, changes) => {
      const changed = changes.reduce((acc, c) => c.apply(acc, other), p);
      const live = liveOf(p, v);
      const expected = changes.filter((c) => fieldDiffers(c.prop, p, changed)).map((c) => c.prop);
      fc.pre(!expected.includes('replicatorName') || !liveAlreadyNamedFor(changed, live));
      expect(replacementCauses(p, changed, live)).toEqual(expected);
    }));
  });

  test('a live replicator that already has the new values (a rollback) needs no replacement', () => {
    fc.assert(fc.property(propsArb, propsArb, variantArb, (p, other, v) => {
      // the failed update left the replicator with `p`; the rollback asks for `p` again, coming from `other`
      const rolledBackFrom = { ...other, ReplicatorName: p.ReplicatorName, ReplicatorNamePrefix: p.ReplicatorNamePrefix };
      expect(replacementCauses(rolledBackFrom, p, liveOf(p, v))).toEqual([]);
    }));
  });
});

describe('a source with TLS turned off (TlsEncryption: false, as rendered for encryptionInTransit: false)', () => {
  /** `p` with an Apache Kafka source whose encryption in transit is off; the service then reports none. */
  const tlsOffArb = fc.tuple(propsArb, idArb).map(([p, id]): Props => ({
    ...p,
    Source: {
      ApacheKafkaClusterId: `kafka-${id}`,
      BootstrapBrokerString: 'b-1.kafka.example.com:9092',
      SubnetIds: p.Source.SubnetIds,
      SecurityGroupIds: p.Source.SecurityGroupIds,
      TlsEncryption: false,
    },
  }));

  test('the live replicator made from p shows no immutable drift', () => {
    fc.assert(fc.property(tlsOffArb, variantArb, (p, v) => {
      const live = liveOf(p, v);
      expect(live.KafkaClusters!.find((c) => c.ApacheKafkaCluster)!.EncryptionInTransit).toBeUndefined();
      expect(planInPlaceUpdate(p, live)).toBeUndefined();
      expect(immutableDifferences(p, live)).toEqual([]);
    }));
  });

  test('the rollback of a failed source change needs no replacement', () => {
    fc.assert(fc.property(tlsOffArb, variantArb, fc.uniqueArray(idArb.map((id) => `subnet-${id}`), { minLength: 1, maxLength: 3 }),
      (p, v, subnets) => {
        const failedUpdate: Props = { ...p, Source: { ...p.Source, SubnetIds: subnets } };
        fc.pre(JSON.stringify(subnets) !== JSON.stringify(p.Source.SubnetIds));
        // the replicator still has `p`; CloudFormation sends `p` back, coming from the failed update's props
        expect(replacementCauses(failedUpdate, p, liveOf(p, v))).toEqual([]);
      }));
  });
});

// ---------------------------------------------------------------------------------------------------------------
// (c) updatable fields
// ---------------------------------------------------------------------------------------------------------------

describe('every change to an updatable field is an in-place update with all required members', () => {
  test('topic and consumer group patterns and flags, log delivery', () => {
    fc.assert(fc.property(propsArb, updatableChangeArb, variantArb, (p, change, v) => {
      const changed = applyUpdatable(p, change);
      const { topicsChanged, groupsChanged, logsChanged } = updatableDifferences(p, changed);
      fc.pre(topicsChanged || groupsChanged || logsChanged);
      const live = liveOf(p, v);

      expect(replacementCauses(p, changed, live)).toEqual([]);
      expect(replacementCauses(p, changed)).toEqual([]);
      const request = planInPlaceUpdate(changed, live);
      expect(request).toBeDefined();
      expect(request!.ReplicatorArn).toBe(live.ReplicatorArn);
      expect(request!.CurrentVersion).toBe(live.CurrentVersion);
      // the endpoints name the clusters by ARN / id, as UpdateReplicationInfo wants them
      expect(request!.SourceKafkaClusterArn).toBe(p.Source.MskClusterArn);
      expect(request!.SourceKafkaClusterId).toBe(p.Source.ApacheKafkaClusterId);
      expect(request!.TargetKafkaClusterArn).toBe(p.Target.MskClusterArn);
      expect(request!.TargetKafkaClusterId).toBeUndefined();

      if (topicsChanged) {
        expect(Object.keys(request!.TopicReplication!).sort()).toEqual([...TOPIC_MEMBERS].sort());
        expect(request!.TopicReplication).toEqual(pick(changed.TopicReplication, TOPIC_MEMBERS));
      } else {
        expect(request!.TopicReplication).toBeUndefined();
      }
      if (groupsChanged) {
        expect(Object.keys(request!.ConsumerGroupReplication!).sort()).toEqual([...GROUP_MEMBERS].sort());
        expect(request!.ConsumerGroupReplication).toEqual(pick(changed.ConsumerGroupReplication, GROUP_MEMBERS));
      } else {
        expect(request!.ConsumerGroupReplication).toBeUndefined();
      }
      if (logsChanged) {
        const d = request!.LogDelivery!.ReplicatorLogDelivery!;
        // every destination is listed, so a removed one is turned off
        for (const destination of [d.CloudWatchLogs, d.Firehose, d.S3]) expect(typeof destination?.Enabled).toBe('boolean');
        const want = effectiveLogs(changed.LogDelivery);
        expect(d.CloudWatchLogs!.Enabled ? d.CloudWatchLogs!.LogGroup : undefined).toBe(want.cloudWatch);
        expect(d.Firehose!.Enabled ? d.Firehose!.DeliveryStream : undefined).toBe(want.firehose);
        expect(d.S3!.Enabled ? [d.S3!.Bucket, d.S3!.Prefix ?? ''] : undefined).toEqual(want.s3);
      } else {
        expect(request!.LogDelivery).toBeUndefined();
      }

      // once the service applied the request, there is nothing left to do
      expect(planInPlaceUpdate(changed, applyRequest(live, request!))).toBeUndefined();
    }));
  });

  test('drift made outside the stack is planned back although the template did not change', () => {
    fc.assert(fc.property(propsArb, updatableChangeArb, variantArb, (p, drift, v) => {
      const drifted = applyUpdatable(p, drift);
      const live = liveOf(drifted, v);
      const request = planInPlaceUpdate(p, live);
      const { topicsChanged, groupsChanged, logsChanged } = updatableDifferences(p, drifted);
      expect(request !== undefined).toBe(topicsChanged || groupsChanged || logsChanged);
      if (request) expect(planInPlaceUpdate(p, applyRequest(live, request))).toBeUndefined();
      expect(replacementCauses(p, p, live)).toEqual([]);
    }));
  });

  test('tags: the plan brings the live tags to the desired ones and removes only keys this resource managed', () => {
    fc.assert(fc.property(tagsArb, tagsArb, tagsArb, fc.string({ minLength: 1, maxLength: 8 }), (desiredUser, previous, liveUser, owner) => {
      const desired: Record<string, string> = { ...desiredUser, [OWNER_TAG_KEY]: owner };
      const live: Record<string, string> = { ...liveUser, [OWNER_TAG_KEY]: owner };
      const { toAdd, toRemove } = planTags(desired, { ...previous, [OWNER_TAG_KEY]: owner }, live);
      const after: Record<string, string> = { ...live, ...toAdd };
      for (const key of toRemove) delete after[key];

      for (const [key, value] of Object.entries(desired)) expect(after[key]).toBe(value);
      for (const key of toRemove) {
        expect(key in previous && !(key in desired) && key in live).toBe(true);
      }
      expect(toRemove).not.toContain(OWNER_TAG_KEY);
      expect([...toRemove].sort()).toEqual(toRemove);
      for (const [key, value] of Object.entries(toAdd)) expect(live[key]).not.toBe(value);
      // tags someone else added stay
      for (const key of Object.keys(live).filter((k) => !(k in previous) && !(k in desired))) expect(after[key]).toBe(live[key]);
    }));
  });
});

// ---------------------------------------------------------------------------------------------------------------
// (d) determinism
// ---------------------------------------------------------------------------------------------------------------

describe('plans are deterministic and leave their inputs alone', () => {
  test('same input, deeply equal output; inputs unchanged', () => {
    fc.assert(fc.property(propsArb, propsArb, updatableChangeArb, variantArb, tagsArb, tagsArb, tagsArb,
      (p, other, change, v, t1, t2, t3) => {
        const desired = applyUpdatable({ ...p, TargetCompressionType: other.TargetCompressionType }, change);
        const live = liveOf(p, v);
        const snapshot = structuredClone({ p, desired, live, t1, t2, t3 });
        const plan = () => ({
          update: planInPlaceUpdate(desired, live),
          causes: replacementCauses(p, desired, live),
          drift: immutableDrift(desired, live),
          blocker: replacementBlocker(replacementCauses(p, desired, live), p, desired),
          tags: planTags(t1, t2, t3),
        });
        const first = plan();
        expect(plan()).toEqual(first);
        // the same input built afresh plans the same
        const copy = structuredClone(snapshot);
        expect({
          update: planInPlaceUpdate(copy.desired, copy.live),
          causes: replacementCauses(copy.p, copy.desired, copy.live),
          drift: immutableDrift(copy.desired, copy.live),
          blocker: replacementBlocker(replacementCauses(copy.p, copy.desired, copy.live), copy.p, copy.desired),
          tags: planTags(copy.t1, copy.t2, copy.t3),
        }).toEqual(first);
        expect({ p, desired, live, t1, t2, t3 }).toEqual(snapshot);
      }));
  });
});

// ---------------------------------------------------------------------------------------------------------------
// (e) decoding what CloudFormation delivers
// ---------------------------------------------------------------------------------------------------------------

/** CloudFormation's rendering of custom resource properties: every scalar a string, undefined members absent. */
function cloudFormationStyle(value: unknown, dropEmptyLists: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => cloudFormationStyle(v, dropEmptyLists));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (v === undefined || (dropEmptyLists && Array.isArray(v) && v.length === 0)) continue;
      out[key] = cloudFormationStyle(v, dropEmptyLists);
    }
    return out;
  }
  return String(value);
}

const BOOLEAN_PATHS = [
  ['TopicReplication', 'CopyTopicConfigurations'],
  ['TopicReplication', 'CopyAccessControlListsForTopics'],
  ['TopicReplication', 'DetectAndCopyNewTopics'],
  ['ConsumerGroupReplication', 'SynchroniseConsumerGroupOffsets'],
  ['ConsumerGroupReplication', 'DetectAndCopyNewConsumerGroups'],
  ['WaitForRunning'],
] as const;

describe('decodeProperties', () => {
  test('round-trips properties after CloudFormation turned scalars into strings', () => {
    fc.assert(fc.property(propsArb, fc.boolean(), (p, dropEmptyLists) => {
      const delivered = cloudFormationStyle(p, dropEmptyLists) as Record<string, unknown>;
      // booleans arrive as "true" / "false"
      expect(['true', 'false']).toContain((delivered.TopicReplication as Record<string, unknown>).CopyTopicConfigurations);
      expect(['true', 'false']).toContain(delivered.WaitForRunning);
      expect(decodeProperties({ ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:x', ...delivered })).toEqual(p);
    }));
  });

  test('round-trips properties given with real booleans too', () => {
    fc.assert(fc.property(propsArb, (p) => {
      expect(decodeProperties(JSON.parse(JSON.stringify(p)))).toEqual(p);
    }));
  });

  test('rejects a boolean field that is neither "true" nor "false", naming it', () => {
    const notBoolean = fc.string({ maxLength: 6 }).filter((s) => s !== 'true' && s !== 'false');
    fc.assert(fc.property(propsArb, fc.constantFrom(...BOOLEAN_PATHS), notBoolean, (p, path, bad) => {
      const delivered = cloudFormationStyle(p, false) as Record<string, Record<string, unknown>>;
      if (path.length === 2) delivered[path[0]][path[1]] = bad;
      else (delivered as Record<string, unknown>)[path[0]] = bad;
      expect(() => decodeProperties(delivered)).toThrow(PropertiesError);
      expect(() => decodeProperties(delivered)).toThrow(`${path.join('.').replace(/^WaitForRunning$/, 'ResourceProperties.WaitForRunning')} must be true or false`);
    }));
  });
});
