import type { DescribeReplicatorResponse, LogDelivery, UpdateReplicationInfoRequest } from '@aws-sdk/client-kafka';
import type { ClusterSpec, ReplicatorProperties } from './properties';
import {
  consumerGroupReplicationUpdate,
  logDelivery,
  replicationEndpoints,
  topicReplicationUpdate,
} from './requests';

/**
 * The update planner: pure functions, no client.
 *
 * - Whether an Update needs a new replicator is decided from the old and new properties (what the user changed).
 * - What an in-place update sends is decided from the new properties and the LIVE replicator, so a replicator
 *   that drifted (console, CLI, a partly applied update) is brought back, and an update whose result already
 *   holds sends nothing (the API rejects identical updates).
 */

/** Deep equality for the JSON-like values of the contract (key order does not matter). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  }
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null) {
    const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
    const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
    return ka.length === kb.length
      && ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}

/**
 * A list whose order carries no meaning, as a set: sorted, without repeats. The API model gives none of these lists an
 * order (local-aws/msk-simulator/kafka-api-model.json: `TopicReplication.TopicsToReplicate` / `TopicsToExclude` and
 * `ConsumerGroupReplication.ConsumerGroupsToReplicate` / `ConsumerGroupsToExclude` are "List of regular expression
 * patterns" of which a topic or group matches any; `KafkaClusterClientVpcConfig.SubnetIds` / `SecurityGroupIds` are the
 * subnets and security groups the replicator's network interfaces use), and the service may report them in another
 * order than they were sent: compared in order, the same replicator would look different and a rollback would create a
 * third replicator instead of returning to it.
 */
export function asSet(list: readonly string[] | undefined): string[] {
  return [...new Set(list ?? [])].sort();
}

/** The part of a generated name before its per-request suffix: what every name generated from `prefix` starts with. */
export function generatedNameStem(prefix: string): string {
  return `${prefix.slice(0, 128 - GENERATED_SUFFIX_LENGTH - 1).replace(/-+$/, '')}-`;
}

/** Hexadecimal digits of the per-request suffix of a generated name. */
export const GENERATED_SUFFIX_LENGTH = 12;

/**
 * Whether `name` was generated from `prefix` (on-event.ts `generatedName`): the stem, then exactly the suffix's
 * lowercase hexadecimal digits. Starting with the stem is not enough: `orders-eu-0123456789ab`, generated from the
 * prefix `orders-eu`, starts with `orders-`, the stem of `orders`.
 */
export function isGeneratedFrom(prefix: string, name: string): boolean {
  const stem = generatedNameStem(prefix);
  return name.length === stem.length + GENERATED_SUFFIX_LENGTH
    && name.startsWith(stem)
    && /^[0-9a-f]+$/.test(name.slice(stem.length));
}

/** A field whose change requires a new replicator, named as the construct's prop. */
interface ImmutableField {
  readonly prop: string;
  readonly read: (p: ReplicatorProperties) => unknown;
  /** The same value as the live replicator reports it; undefined when Describe does not report it. */
  readonly live: (live: DescribeReplicatorResponse) => unknown;
}

/** A side of the live replicator in the form of the properties' cluster (subnets and security groups as sets). */
export function liveClusterSpec(live: DescribeReplicatorResponse, side: 'Source' | 'Target'): ClusterSpec | undefined {
  const info = liveInfo(live);
  const alias = side === 'Source' ? info?.SourceKafkaClusterAlias : info?.TargetKafkaClusterAlias;
  const cluster = live.KafkaClusters?.find((c) => c.KafkaClusterAlias === alias);
  if (alias === undefined || cluster === undefined) return undefined;
  const auth = cluster.ClientAuthentication;
  return comparableCluster({
    MskClusterArn: cluster.AmazonMskCluster?.MskClusterArn,
    ApacheKafkaClusterId: cluster.ApacheKafkaCluster?.ApacheKafkaClusterId,
    BootstrapBrokerString: cluster.ApacheKafkaCluster?.BootstrapBrokerString,
    SubnetIds: cluster.VpcConfig?.SubnetIds ?? [],
    SecurityGroupIds: cluster.VpcConfig?.SecurityGroupIds ?? [],
    SaslScramMechanism: auth?.SaslScram?.Mechanism,
    SaslScramSecretArn: auth?.SaslScram?.SecretArn,
    MtlsSecretArn: auth?.MTLS?.SecretArn,
    TlsEncryption: cluster.EncryptionInTransit?.EncryptionType === 'TLS' ? true : undefined,
    RootCaCertificate: cluster.EncryptionInTransit?.RootCaCertificate,
  });
}

/**
 * A cluster in the form both sides are compared in: TLS turned off is reported as no encryption setting at all, and
 * subnets and security groups are sets.
 */
function comparableCluster(spec: ClusterSpec): ClusterSpec {
  return {
    ...spec,
    SubnetIds: asSet(spec.SubnetIds),
    SecurityGroupIds: asSet(spec.SecurityGroupIds),
    TlsEncryption: spec.TlsEncryption ? true : undefined,
  };
}

const IMMUTABLE_FIELDS: readonly ImmutableField[] = [
  {
    prop: 'replicatorName',
    read: (p) => p.ReplicatorName ?? `generated:${p.ReplicatorNamePrefix}`,
    // a generated name is the prefix plus a suffix: compare in the same form
    live: (l) => l.ReplicatorName,
  },
  { prop: 'description', read: (p) => p.Description ?? '', live: (l) => l.ReplicatorDescription ?? '' },
  { prop: 'role', read: (p) => p.ServiceExecutionRoleArn, live: (l) => l.ServiceExecutionRoleArn },
  { prop: 'source', read: (p) => comparableCluster(p.Source), live: (l) => liveClusterSpec(l, 'Source') },
  { prop: 'target', read: (p) => comparableCluster(p.Target), live: (l) => liveClusterSpec(l, 'Target') },
  { prop: 'targetCompressionType', read: (p) => p.TargetCompressionType, live: (l) => liveInfo(l)?.TargetCompressionType },
  {
    prop: 'topicReplication.startingPosition',
    read: (p) => p.TopicReplication.StartingPosition,
    live: (l) => liveInfo(l)?.TopicReplication?.StartingPosition?.Type,
  },
  {
    prop: 'topicReplication.topicNameConfiguration',
    read: (p) => p.TopicReplication.TopicNameConfiguration,
    live: (l) => liveInfo(l)?.TopicReplication?.TopicNameConfiguration?.Type,
  },
  {
    prop: 'consumerGroupReplication.offsetSyncMode',
    read: (p) => p.ConsumerGroupReplication.OffsetSyncMode,
    live: (l) => liveInfo(l)?.ConsumerGroupReplication?.ConsumerGroupOffsetSyncMode,
  },
];

/** Whether the live replicator confirms that it already has `props`' value of `field`. */
function liveHas(field: ImmutableField, props: ReplicatorProperties, live: DescribeReplicatorResponse): boolean {
  const have = field.live(live);
  if (have === undefined) return false;
  if (field.prop === 'replicatorName' && props.ReplicatorName === undefined) {
    // the stem the name was generated from, not the prefix: a prefix ending in a dash loses it in the stem, and one
    // too long is cut
    return typeof have === 'string' && isGeneratedFrom(props.ReplicatorNamePrefix!, have);
  }
  return sameValue(field.read(props), have);
}

/**
 * The props whose change requires a new replicator: those the user changed (old vs new properties) that
 * the live replicator does not already have. The second condition makes CloudFormation's rollback of a
 * failed update, which sends the old properties back, a no-op instead of a second replacement.
 */
export function replacementCauses(
  oldProps: ReplicatorProperties,
  newProps: ReplicatorProperties,
  live?: DescribeReplicatorResponse,
): string[] {
  return IMMUTABLE_FIELDS
    .filter((f) => !sameValue(f.read(oldProps), f.read(newProps)))
    .filter((f) => live === undefined || !liveHas(f, newProps, live))
    .map((f) => f.prop);
}

/** A field that cannot change in place, as desired and as the live replicator reports it. */
export interface ImmutableDifference {
  readonly prop: string;
  readonly desired: unknown;
  readonly live: unknown;
}

/**
 * Fields that cannot change in place where the live replicator (as far as Describe reports them) differs from
 * the desired properties. During an update whose template did not change them, this is drift: the handler
 * reports it and never replaces a replicator on its own.
 */
export function immutableDifferences(desired: ReplicatorProperties, live: DescribeReplicatorResponse): ImmutableDifference[] {
  return IMMUTABLE_FIELDS
    .filter((f) => f.live(live) !== undefined && !liveHas(f, desired, live))
    .map((f) => ({ prop: f.prop, desired: f.read(desired), live: f.live(live) }));
}

/** `immutableDifferences` as log lines. */
export function immutableDrift(desired: ReplicatorProperties, live: DescribeReplicatorResponse): string[] {
  return immutableDifferences(desired, live)
    .map((d) => `${d.prop} (desired ${JSON.stringify(d.desired)}, live ${JSON.stringify(d.live)})`);
}

/**
 * Why a replacement cannot go ahead, or undefined when it can: a replacement creates the new replicator
 * before CloudFormation deletes the old one, and names are unique, so a fixed name must change too.
 */
export function replacementBlocker(
  causes: string[],
  oldProps: Pick<ReplicatorProperties, 'ReplicatorName'>,
  newProps: ReplicatorProperties,
) {
  if (causes.length === 0 || newProps.ReplicatorName === undefined) return undefined;
  if (newProps.ReplicatorName !== oldProps.ReplicatorName) return undefined;
  return `Changing ${causes.map((c) => `\`${c}\``).join(', ')} requires a new replicator, which is created before `
    + 'the old one is deleted, and replicator names are unique per account and Region: also change `replicatorName` '
    + `(currently "${newProps.ReplicatorName}") or remove it so that a unique name is generated. Nothing was changed.`;
}

/** The desired log delivery in canonical form; `undefined` in the props means every destination disabled. */
function canonicalLogDelivery(value: LogDelivery | undefined) {
  const d = value?.ReplicatorLogDelivery;
  return {
    cloudWatchLogs: d?.CloudWatchLogs?.Enabled ? d.CloudWatchLogs.LogGroup ?? '' : undefined,
    firehose: d?.Firehose?.Enabled ? d.Firehose.DeliveryStream ?? '' : undefined,
    s3: d?.S3?.Enabled ? `${d.S3.Bucket ?? ''}/${d.S3.Prefix ?? ''}` : undefined,
  };
}

/** The live replicator's replication info (the construct always makes exactly one). */
function liveInfo(live: DescribeReplicatorResponse) {
  return live.ReplicationInfoList?.[0];
}

/**
 * The UpdateReplicationInfo request that brings the live replicator to the desired properties, holding only
 * the parts that differ, with all the members each part requires; undefined when nothing differs.
 */
export function planInPlaceUpdate(
  desired: ReplicatorProperties,
  live: DescribeReplicatorResponse,
): UpdateReplicationInfoRequest | undefined {
  const info = liveInfo(live);
  const wantTopics = topicReplicationUpdate(desired);
  const haveTopics = info?.TopicReplication;
  const topicsDiffer = haveTopics === undefined || !sameValue({
    ...wantTopics,
    TopicsToReplicate: asSet(wantTopics.TopicsToReplicate),
    TopicsToExclude: asSet(wantTopics.TopicsToExclude),
  }, {
    TopicsToReplicate: asSet(haveTopics.TopicsToReplicate),
    TopicsToExclude: asSet(haveTopics.TopicsToExclude),
    CopyTopicConfigurations: haveTopics.CopyTopicConfigurations,
    CopyAccessControlListsForTopics: haveTopics.CopyAccessControlListsForTopics,
    DetectAndCopyNewTopics: haveTopics.DetectAndCopyNewTopics,
  });
  const wantGroups = consumerGroupReplicationUpdate(desired);
  const haveGroups = info?.ConsumerGroupReplication;
  const groupsDiffer = haveGroups === undefined || !sameValue({
    ...wantGroups,
    ConsumerGroupsToReplicate: asSet(wantGroups.ConsumerGroupsToReplicate),
    ConsumerGroupsToExclude: asSet(wantGroups.ConsumerGroupsToExclude),
  }, {
    ConsumerGroupsToReplicate: asSet(haveGroups.ConsumerGroupsToReplicate),
    ConsumerGroupsToExclude: asSet(haveGroups.ConsumerGroupsToExclude),
    SynchroniseConsumerGroupOffsets: haveGroups.SynchroniseConsumerGroupOffsets,
    DetectAndCopyNewConsumerGroups: haveGroups.DetectAndCopyNewConsumerGroups,
  });
  const wantLogs = logDelivery(desired.LogDelivery);
  const logsDiffer = !sameValue(canonicalLogDelivery(wantLogs), canonicalLogDelivery(live.LogDelivery));
  if (!topicsDiffer && !groupsDiffer && !logsDiffer) return undefined;
  return {
    ReplicatorArn: live.ReplicatorArn,
    CurrentVersion: live.CurrentVersion,
    ...replicationEndpoints(desired),
    TopicReplication: topicsDiffer ? wantTopics : undefined,
    ConsumerGroupReplication: groupsDiffer ? wantGroups : undefined,
    LogDelivery: logsDiffer ? wantLogs : undefined,
  };
}

/** Names of the parts an update request changes, for logs. */
export function describeUpdate(request: UpdateReplicationInfoRequest): string[] {
  return (['TopicReplication', 'ConsumerGroupReplication', 'LogDelivery'] as const).filter((k) => request[k] !== undefined);
}

/** The tag key the handler sets on every replicator it creates, to recognise its own on a retried create. */
export const OWNER_TAG_KEY = 'cdk-msk-replicator:owner';

/**
 * Whether `value` has the form of an owner tag value (ownership.ts `ownerTagValue`: 32 lowercase hex digits): only such a
 * value says a replicator is some resource's; a removed or rewritten one proves nothing either way.
 */
export function isOwnerValue(value: string | undefined): boolean {
  return value !== undefined && /^[0-9a-f]{32}$/.test(value);
}

/**
 * The tag key naming the request that created a replicator: a create adopts an existing replicator of the same
 * name only when this very request created it (a retried delivery, or a response lost on the way back).
 */
export const REQUEST_TAG_KEY = 'cdk-msk-replicator:request';

/**
 * The tag key a replacement carries with the ARN of the replicator it replaces, so that CloudFormation's
 * rollback (an Update sent to the replacement's ARN with the old properties) can return to the original.
 */
export const REPLACES_TAG_KEY = 'cdk-msk-replicator:replaces';

/** The tag key marking a replicator left running by a RETAIN removal policy: no longer managed by the stack. */
export const RETAINED_TAG_KEY = 'cdk-msk-replicator:retained';

/**
 * The tag key marking a replicator that completed a deployment while the template said RETAIN: a replicator of this
 * handler without it never deployed (its create or replacement failed or timed out), and the Delete CloudFormation
 * sends for it (a rollback) deletes it despite RETAIN. Only set under RETAIN, so DESTROY costs no extra write.
 */
export const DEPLOYED_TAG_KEY = 'cdk-msk-replicator:deployed';

/**
 * The tag key a rollback writes on the replicator it leaves, with the ARN of the replicator it returned to (the
 * original): the positive mark that the cleanup Delete CloudFormation sends next deletes it even under RETAIN.
 */
export const ROLLED_BACK_TAG_KEY = 'cdk-msk-replicator:rolled-back-to';

/**
 * The tag naming, in words, the resource that manages a replicator (`<stack name>/<logical id>`): what an adoption
 * refused because of another owner names (adoption.ts). The owner tag itself is a hash, which names no one.
 */
export const MANAGED_BY_TAG_KEY = 'cdk-msk-replicator:managed-by';

/** Tags the handler sets for itself: never removed by a template change. */
export const HANDLER_TAG_KEYS: readonly string[] = [
  OWNER_TAG_KEY, REQUEST_TAG_KEY, REPLACES_TAG_KEY, RETAINED_TAG_KEY, DEPLOYED_TAG_KEY, ROLLED_BACK_TAG_KEY, MANAGED_BY_TAG_KEY,
];
