/**
 * The typed contract between the `MskReplicator` construct (which renders these properties into the
 * `Custom::MskReplicator` resource) and the provider's handler (which decodes them).
 *
 * The construct always renders every field with its default filled in, so the handler compares complete
 * specifications and never has to guess what "omitted" meant. CloudFormation delivers every scalar of a
 * custom resource as a string, so `decodeProperties` parses booleans explicitly.
 *
 * This file must not import the AWS SDK: the construct library loads it at synth time.
 */

/** One side of the replication. Exactly one of `MskClusterArn` / `ApacheKafkaClusterId` is set. */
export interface ClusterSpec {
  readonly MskClusterArn?: string;
  readonly ApacheKafkaClusterId?: string;
  readonly BootstrapBrokerString?: string;
  readonly SubnetIds: string[];
  readonly SecurityGroupIds: string[];
  readonly SaslScramMechanism?: string;
  readonly SaslScramSecretArn?: string;
  readonly MtlsSecretArn?: string;
  readonly TlsEncryption?: boolean;
  readonly RootCaCertificate?: string;
}

export interface TopicReplicationSpec {
  readonly TopicsToReplicate: string[];
  readonly TopicsToExclude: string[];
  readonly CopyTopicConfigurations: boolean;
  readonly CopyAccessControlListsForTopics: boolean;
  readonly DetectAndCopyNewTopics: boolean;
  readonly StartingPosition: string;
  readonly TopicNameConfiguration: string;
}

export interface ConsumerGroupReplicationSpec {
  readonly ConsumerGroupsToReplicate: string[];
  readonly ConsumerGroupsToExclude: string[];
  readonly SynchroniseConsumerGroupOffsets: boolean;
  readonly DetectAndCopyNewConsumerGroups: boolean;
  readonly OffsetSyncMode: string;
}

export interface LogDeliverySpec {
  readonly CloudWatchLogGroup?: string;
  readonly FirehoseDeliveryStream?: string;
  readonly S3Bucket?: string;
  readonly S3Prefix?: string;
}

/** What the handler does with the replicator when the custom resource is deleted. */
export type DeletionBehaviour = 'destroy' | 'retain';

/** The resource properties of `Custom::MskReplicator`, as the construct renders them. */
export interface ReplicatorProperties {
  /** The user's fixed name. Exactly one of `ReplicatorName` / `ReplicatorNamePrefix` is set. */
  readonly ReplicatorName?: string;
  /** Prefix of a generated name; the handler appends a suffix unique to the creating request. */
  readonly ReplicatorNamePrefix?: string;
  readonly Description?: string;
  readonly ServiceExecutionRoleArn: string;
  readonly Source: ClusterSpec;
  readonly Target: ClusterSpec;
  readonly TopicReplication: TopicReplicationSpec;
  readonly ConsumerGroupReplication: ConsumerGroupReplicationSpec;
  readonly TargetCompressionType: string;
  readonly LogDelivery?: LogDeliverySpec;
  readonly Tags?: Record<string, string>;
  readonly DeletionBehaviour: DeletionBehaviour;
  /** When false, a create completes as soon as the service accepted it (CREATING). */
  readonly WaitForRunning: boolean;
  /** Seconds a request may take before isComplete gives up; absent: the provider's total timeout. */
  readonly TimeoutSeconds?: number;
  /** Changes on every synth when reconciliation on every deployment is enabled; otherwise absent. */
  readonly ReconcileNonce?: string;
  /**
   * When true, an update that needs a new replicator fails before anything is created (update-decision.ts). The
   * construct always renders it; absent (a template of a version without it) means no protection.
   */
  readonly ReplacementProtection?: boolean;
  /**
   * When true, the resource's Create takes over the existing replicator named `ReplicatorName` instead of creating one
   * (adoption.ts). Rendered only when true, so that templates without adoption stay as they were.
   */
  readonly AdoptExisting?: boolean;
}

/** The attributes the resource returns (`Fn::GetAtt`). */
export const ATTR_REPLICATOR_ARN = 'ReplicatorArn';
export const ATTR_REPLICATOR_NAME = 'ReplicatorName';
export const ATTR_CURRENT_VERSION = 'CurrentVersion';
/**
 * The aliases MSK gave the two clusters (DescribeReplicator `ReplicationInfoList[0].SourceKafkaClusterAlias` /
 * `TargetKafkaClusterAlias`, API model `ReplicationInfoDescription`): the `ClusterAlias` dimension of the
 * per-cluster metrics (MSK developer guide, "Metrics reference" of MSK Replicator: AuthError, ThrottleTime,
 * KafkaClusterPingSuccessCount).
 */
export const ATTR_SOURCE_CLUSTER_ALIAS = 'SourceClusterAlias';
export const ATTR_TARGET_CLUSTER_ALIAS = 'TargetClusterAlias';

/** Thrown when the properties CloudFormation delivered do not match the contract. */
export class PropertiesError extends Error {
  constructor(message: string) {
    super(`Invalid Custom::MskReplicator properties: ${message}`);
    this.name = 'PropertiesError';
  }
}

type Raw = Record<string, unknown>;

function record(value: unknown, path: string): Raw {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PropertiesError(`${path} must be an object`);
  }
  return value as Raw;
}

function str(raw: Raw, key: string, path: string): string {
  const value = raw[key];
  if (typeof value !== 'string' || value === '') throw new PropertiesError(`${path}.${key} must be a non-empty string`);
  return value;
}

function optStr(raw: Raw, key: string, path: string): string | undefined {
  return raw[key] === undefined || raw[key] === '' ? undefined : str(raw, key, path);
}

/** CloudFormation turns `true` into `"true"`; accept both, reject anything else. */
function bool(raw: Raw, key: string, path: string): boolean {
  const value = raw[key];
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new PropertiesError(`${path}.${key} must be true or false, got ${JSON.stringify(value)}`);
}

function optBool(raw: Raw, key: string, path: string): boolean | undefined {
  return raw[key] === undefined ? undefined : bool(raw, key, path);
}

function optPositiveNumber(raw: Raw, key: string, path: string): number | undefined {
  if (raw[key] === undefined) return undefined;
  const value = Number(raw[key]);
  if (!Number.isFinite(value) || value <= 0) throw new PropertiesError(`${path}.${key} must be a positive number, got ${JSON.stringify(raw[key])}`);
  return value;
}

/** An empty list may arrive as `[]` or be dropped altogether; both mean empty. */
function strList(raw: Raw, key: string, path: string): string[] {
  const value = raw[key];
  if (value === undefined || value === '') return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new PropertiesError(`${path}.${key} must be a list of strings`);
  }
  return [...value] as string[];
}

function decodeCluster(value: unknown, path: string): ClusterSpec {
  const raw = record(value, path);
  const cluster: ClusterSpec = {
    MskClusterArn: optStr(raw, 'MskClusterArn', path),
    ApacheKafkaClusterId: optStr(raw, 'ApacheKafkaClusterId', path),
    BootstrapBrokerString: optStr(raw, 'BootstrapBrokerString', path),
    SubnetIds: strList(raw, 'SubnetIds', path),
    SecurityGroupIds: strList(raw, 'SecurityGroupIds', path),
    SaslScramMechanism: optStr(raw, 'SaslScramMechanism', path),
    SaslScramSecretArn: optStr(raw, 'SaslScramSecretArn', path),
    MtlsSecretArn: optStr(raw, 'MtlsSecretArn', path),
    TlsEncryption: optBool(raw, 'TlsEncryption', path),
    RootCaCertificate: optStr(raw, 'RootCaCertificate', path),
  };
  if ((cluster.MskClusterArn === undefined) === (cluster.ApacheKafkaClusterId === undefined)) {
    throw new PropertiesError(`${path} must set exactly one of MskClusterArn and ApacheKafkaClusterId`);
  }
  return cluster;
}

function decodeTags(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === '') return undefined;
  const raw = record(value, 'Tags');
  const tags: Record<string, string> = {};
  for (const [key, tagValue] of Object.entries(raw)) {
    if (typeof tagValue !== 'string') throw new PropertiesError(`Tags.${key} must be a string`);
    tags[key] = tagValue;
  }
  return tags;
}

function decodeLogDelivery(value: unknown): LogDeliverySpec | undefined {
  if (value === undefined || value === '') return undefined;
  const raw = record(value, 'LogDelivery');
  return {
    CloudWatchLogGroup: optStr(raw, 'CloudWatchLogGroup', 'LogDelivery'),
    FirehoseDeliveryStream: optStr(raw, 'FirehoseDeliveryStream', 'LogDelivery'),
    S3Bucket: optStr(raw, 'S3Bucket', 'LogDelivery'),
    S3Prefix: optStr(raw, 'S3Prefix', 'LogDelivery'),
  };
}

/**
 * Parses the `ResourceProperties` (or `OldResourceProperties`) of a CloudFormation event.
 * `ServiceToken` and unknown keys are ignored.
 */
export function decodeProperties(value: unknown): ReplicatorProperties {
  const raw = record(value, 'ResourceProperties');
  const topics = record(raw.TopicReplication, 'TopicReplication');
  const groups = record(raw.ConsumerGroupReplication, 'ConsumerGroupReplication');
  const props: ReplicatorProperties = {
    ReplicatorName: optStr(raw, 'ReplicatorName', 'ResourceProperties'),
    ReplicatorNamePrefix: optStr(raw, 'ReplicatorNamePrefix', 'ResourceProperties'),
    Description: optStr(raw, 'Description', 'ResourceProperties'),
    ServiceExecutionRoleArn: str(raw, 'ServiceExecutionRoleArn', 'ResourceProperties'),
    Source: decodeCluster(raw.Source, 'Source'),
    Target: decodeCluster(raw.Target, 'Target'),
    TopicReplication: {
      TopicsToReplicate: strList(topics, 'TopicsToReplicate', 'TopicReplication'),
      TopicsToExclude: strList(topics, 'TopicsToExclude', 'TopicReplication'),
      CopyTopicConfigurations: bool(topics, 'CopyTopicConfigurations', 'TopicReplication'),
      CopyAccessControlListsForTopics: bool(topics, 'CopyAccessControlListsForTopics', 'TopicReplication'),
      DetectAndCopyNewTopics: bool(topics, 'DetectAndCopyNewTopics', 'TopicReplication'),
      StartingPosition: str(topics, 'StartingPosition', 'TopicReplication'),
      TopicNameConfiguration: str(topics, 'TopicNameConfiguration', 'TopicReplication'),
    },
    ConsumerGroupReplication: {
      ConsumerGroupsToReplicate: strList(groups, 'ConsumerGroupsToReplicate', 'ConsumerGroupReplication'),
      ConsumerGroupsToExclude: strList(groups, 'ConsumerGroupsToExclude', 'ConsumerGroupReplication'),
      SynchroniseConsumerGroupOffsets: bool(groups, 'SynchroniseConsumerGroupOffsets', 'ConsumerGroupReplication'),
      DetectAndCopyNewConsumerGroups: bool(groups, 'DetectAndCopyNewConsumerGroups', 'ConsumerGroupReplication'),
      OffsetSyncMode: str(groups, 'OffsetSyncMode', 'ConsumerGroupReplication'),
    },
    TargetCompressionType: str(raw, 'TargetCompressionType', 'ResourceProperties'),
    LogDelivery: decodeLogDelivery(raw.LogDelivery),
    Tags: decodeTags(raw.Tags),
    DeletionBehaviour: raw.DeletionBehaviour === 'retain' ? 'retain' : 'destroy',
    WaitForRunning: raw.WaitForRunning === undefined ? true : bool(raw, 'WaitForRunning', 'ResourceProperties'),
    TimeoutSeconds: optPositiveNumber(raw, 'TimeoutSeconds', 'ResourceProperties'),
    ReconcileNonce: optStr(raw, 'ReconcileNonce', 'ResourceProperties'),
    ReplacementProtection: optBool(raw, 'ReplacementProtection', 'ResourceProperties'),
    AdoptExisting: optBool(raw, 'AdoptExisting', 'ResourceProperties'),
  };
  if ((props.ReplicatorName === undefined) === (props.ReplicatorNamePrefix === undefined)) {
    throw new PropertiesError('exactly one of ReplicatorName and ReplicatorNamePrefix must be set');
  }
  if (props.AdoptExisting && props.ReplicatorName === undefined) {
    throw new PropertiesError('AdoptExisting needs ReplicatorName: the replicator to adopt is found by its name');
  }
  return props;
}

/**
 * Parses `OldResourceProperties` leniently: undefined when they do not match the contract. They describe the
 * template of the previous request, which may be the very update that failed because its properties were
 * invalid (CloudFormation's rollback sends them back as OldResourceProperties). Failing on them would make
 * the rollback fail too (UPDATE_ROLLBACK_FAILED); the live replicator is the better witness anyway.
 */
export function decodePreviousProperties(value: unknown): ReplicatorProperties | undefined {
  if (value === undefined) return undefined;
  try {
    return decodeProperties(value);
  } catch (error) {
    if (error instanceof PropertiesError) return undefined;
    throw error;
  }
}
