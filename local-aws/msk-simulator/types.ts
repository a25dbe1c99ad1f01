/**
 * Wire-level types of the MSK Replicator API as the rest-json protocol puts
 * them on the wire (camelCase `locationName`s from the service model), plus
 * the public types of the simulator's test API.
 */

/** Operations the simulator implements. */
export const SUPPORTED_OPERATIONS = [
  'CreateReplicator',
  'DescribeReplicator',
  'UpdateReplicationInfo',
  'DeleteReplicator',
  'ListReplicators',
  'TagResource',
  'UntagResource',
  'ListTagsForResource',
] as const;

export type OperationName = typeof SUPPORTED_OPERATIONS[number];

export type ReplicatorState = 'RUNNING' | 'CREATING' | 'UPDATING' | 'DELETING' | 'FAILED';

export type ServiceErrorName =
  | 'BadRequestException'
  | 'NotFoundException'
  | 'ConflictException'
  | 'TooManyRequestsException'
  | 'InternalServerErrorException'
  | 'ServiceUnavailableException'
  | 'ForbiddenException'
  | 'UnknownOperationException'
  | 'InvalidSignatureException';

export type InjectableError =
  | 'TooManyRequestsException'
  | 'InternalServerErrorException'
  | 'ServiceUnavailableException'
  | 'ConnectionReset';

// ---------------------------------------------------------------------------
// Request / stored configuration shapes (camelCase, as on the wire)
// ---------------------------------------------------------------------------

export interface AmazonMskClusterRef {
  mskClusterArn: string;
}

export interface ApacheKafkaClusterRef {
  apacheKafkaClusterId: string;
  bootstrapBrokerString: string;
}

export interface KafkaClusterVpcConfig {
  securityGroupIds?: string[];
  subnetIds: string[];
}

export interface KafkaClusterClientAuthentication {
  saslScram?: { mechanism: 'SHA256' | 'SHA512'; secretArn: string };
  mTLS?: { secretArn: string };
}

export interface KafkaClusterEncryptionInTransit {
  encryptionType: 'TLS';
  rootCaCertificate?: string;
}

export interface KafkaClusterConfig {
  amazonMskCluster?: AmazonMskClusterRef;
  apacheKafkaCluster?: ApacheKafkaClusterRef;
  vpcConfig?: KafkaClusterVpcConfig;
  clientAuthentication?: KafkaClusterClientAuthentication;
  encryptionInTransit?: KafkaClusterEncryptionInTransit;
}

export type StartingPositionType = 'LATEST' | 'EARLIEST';
export type TopicNameConfigurationType = 'PREFIXED_WITH_SOURCE_CLUSTER_ALIAS' | 'IDENTICAL';
export type ConsumerGroupOffsetSyncMode = 'LEGACY' | 'ENHANCED';
export type TargetCompressionType = 'NONE' | 'GZIP' | 'SNAPPY' | 'LZ4' | 'ZSTD';

/** TopicReplication as sent in CreateReplicator (only topicsToReplicate is required). */
export interface TopicReplicationInput {
  topicsToReplicate: string[];
  topicsToExclude?: string[];
  copyTopicConfigurations?: boolean;
  copyAccessControlListsForTopics?: boolean;
  detectAndCopyNewTopics?: boolean;
  startingPosition?: { type?: StartingPositionType };
  topicNameConfiguration?: { type?: TopicNameConfigurationType };
}

/** ConsumerGroupReplication as sent in CreateReplicator. */
export interface ConsumerGroupReplicationInput {
  consumerGroupsToReplicate: string[];
  consumerGroupsToExclude?: string[];
  synchroniseConsumerGroupOffsets?: boolean;
  detectAndCopyNewConsumerGroups?: boolean;
  consumerGroupOffsetSyncMode?: ConsumerGroupOffsetSyncMode;
}

/** TopicReplication after the simulator applied its defaults: every member present. */
export interface StoredTopicReplication {
  topicsToReplicate: string[];
  topicsToExclude: string[];
  copyTopicConfigurations: boolean;
  copyAccessControlListsForTopics: boolean;
  detectAndCopyNewTopics: boolean;
  startingPosition: { type: StartingPositionType };
  topicNameConfiguration: { type: TopicNameConfigurationType };
}

/** ConsumerGroupReplication after the simulator applied its defaults. */
export interface StoredConsumerGroupReplication {
  consumerGroupsToReplicate: string[];
  consumerGroupsToExclude: string[];
  synchroniseConsumerGroupOffsets: boolean;
  detectAndCopyNewConsumerGroups: boolean;
  consumerGroupOffsetSyncMode: ConsumerGroupOffsetSyncMode;
}

/** The members UpdateReplicationInfo may change (all required by the model). */
export type TopicReplicationUpdate = Pick<StoredTopicReplication,
'topicsToReplicate' | 'topicsToExclude' | 'copyTopicConfigurations' | 'copyAccessControlListsForTopics' | 'detectAndCopyNewTopics'>;

export type ConsumerGroupReplicationUpdate = Pick<StoredConsumerGroupReplication,
'consumerGroupsToReplicate' | 'consumerGroupsToExclude' | 'synchroniseConsumerGroupOffsets' | 'detectAndCopyNewConsumerGroups'>;

export interface ReplicationInfoInput {
  sourceKafkaClusterArn?: string;
  sourceKafkaClusterId?: string;
  targetKafkaClusterArn?: string;
  targetKafkaClusterId?: string;
  targetCompressionType: TargetCompressionType;
  topicReplication: TopicReplicationInput;
  consumerGroupReplication: ConsumerGroupReplicationInput;
}

export interface StoredReplicationInfo {
  sourceKafkaClusterArn?: string;
  sourceKafkaClusterId?: string;
  targetKafkaClusterArn?: string;
  targetKafkaClusterId?: string;
  targetCompressionType: TargetCompressionType;
  topicReplication: StoredTopicReplication;
  consumerGroupReplication: StoredConsumerGroupReplication;
}

export interface LogDelivery {
  replicatorLogDelivery?: {
    cloudWatchLogs?: { enabled: boolean; logGroup?: string };
    firehose?: { enabled: boolean; deliveryStream?: string };
    s3?: { enabled: boolean; bucket?: string; prefix?: string };
  };
}

export interface CreateReplicatorInput {
  replicatorName: string;
  description?: string;
  serviceExecutionRoleArn: string;
  kafkaClusters: KafkaClusterConfig[];
  replicationInfoList: ReplicationInfoInput[];
  logDelivery?: LogDelivery;
  tags?: Record<string, string>;
}

export interface UpdateReplicationInfoInput {
  replicatorArn: string;
  currentVersion: string;
  sourceKafkaClusterArn?: string;
  sourceKafkaClusterId?: string;
  targetKafkaClusterArn?: string;
  targetKafkaClusterId?: string;
  topicReplication?: TopicReplicationUpdate;
  consumerGroupReplication?: ConsumerGroupReplicationUpdate;
  logDelivery?: LogDelivery;
}

export interface StateInfo {
  code: string;
  message: string;
}

// ---------------------------------------------------------------------------
// Simulator test API
// ---------------------------------------------------------------------------

export interface MskSimulatorTiming {
  /** How long a new replicator stays CREATING. */
  readonly creatingMs: number;
  /** How long a replicator stays UPDATING after UpdateReplicationInfo. */
  readonly updatingMs: number;
  /** How long a replicator stays DELETING before it disappears. */
  readonly deletingMs: number;
}

export interface MskSimulatorOptions {
  /** Region used in generated ARNs. @default 'us-east-1' */
  readonly region?: string;
  /** Account used in generated ARNs. @default '123456789012' */
  readonly account?: string;
  /** State transition durations. @default { creatingMs: 150, updatingMs: 100, deletingMs: 100 } */
  readonly timing?: Partial<MskSimulatorTiming>;
  /**
   * Time source for state transitions, so tests can drive the clock by hand.
   * @default Date.now
   */
  readonly clock?: () => number;
  /**
   * The clock of the `Date` header on every answer, as a service's own clock stamps it (RFC 9110, 6.6.1 "Date"). The
   * SDK estimates the caller's clock skew from that header and, once the estimate exceeds 4 minutes and changes, marks
   * the error it came with `clockSkewCorrected` and counts it TRANSIENT (@smithy/core submodules/retry, @aws-sdk/core
   * AwsSdkSigV4Signer `errorHandler`): the handler's retry strategy retries such a 4xx once (retry-strategy.ts). A world whose handler reads a virtual clock
   * (world-clock.ts `VirtualClock`) passes that clock here, so the service and the caller agree on the time.
   * @default the real time (Node's http server stamps it)
   */
  readonly dateClock?: () => number;
}

export interface RecordedCall {
  /** The operation the request was routed to, or 'Unknown' for an unmatched route. */
  readonly operation: OperationName | 'Unknown';
  readonly method: string;
  /** The raw request path (still URL-encoded). */
  readonly path: string;
  /** The replicator ARN from the path (replicatorArn or resourceArn label), decoded. */
  readonly replicatorArn?: string;
  /** The parsed JSON body merged with the querystring members. */
  readonly input: Record<string, unknown>;
  /** HTTP status answered; 0 when the connection was reset without a response. */
  readonly status: number;
  /** Error type answered (x-amzn-errortype), or 'ConnectionReset'. */
  readonly errorType?: string;
  readonly errorMessage?: string;
  /** Hostile mode: the write succeeded (the state changed) but its response was lost (`errorType` is what the client saw). */
  readonly lostResponse?: boolean;
}

export interface FaultSpec {
  readonly operation: OperationName | '*';
  readonly error: InjectableError;
  /** How many matching requests fail. @default 1 */
  readonly times?: number;
}

export interface OutOfBandChange {
  readonly topicReplication?: Partial<StoredTopicReplication>;
  readonly consumerGroupReplication?: Partial<StoredConsumerGroupReplication>;
  /** Replaces the log delivery configuration; `null` removes it. */
  readonly logDelivery?: LogDelivery | null;
  /** Merged into the tags. */
  readonly tags?: Record<string, string>;
  readonly removeTagKeys?: string[];
}

/** Snapshot of one replicator as the simulator stores it (ARNs, not aliases). */
export interface ReplicatorRecord {
  readonly name: string;
  readonly arn: string;
  readonly state: ReplicatorState;
  readonly currentVersion: string;
  readonly creationTime: string;
  readonly stateInfo?: StateInfo;
  readonly description?: string;
  readonly serviceExecutionRoleArn: string;
  readonly kafkaClusters: KafkaClusterConfig[];
  readonly replicationInfo: StoredReplicationInfo;
  readonly logDelivery?: LogDelivery;
  readonly tags: Record<string, string>;
}
