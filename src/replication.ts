/**
 * Where a replicator starts reading the source topics when it is created.
 *
 * Changing it after creation requires a new replicator.
 *
 * @see https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-how-it-works.html
 */
export enum StartingPosition {
  /** Start from the newest messages: only messages produced after the replicator starts are copied. */
  LATEST = 'LATEST',
  /** Start from the oldest messages still retained in the source topics. */
  EARLIEST = 'EARLIEST',
}

/**
 * How topics are named on the target cluster.
 *
 * Changing it after creation requires a new replicator.
 */
export enum TopicNameConfiguration {
  /**
   * Target topics are named `<sourceClusterAlias>.<topic>`.
   * Safe for bidirectional replication without loops.
   */
  PREFIXED_WITH_SOURCE_CLUSTER_ALIAS = 'PREFIXED_WITH_SOURCE_CLUSTER_ALIAS',
  /**
   * Target topics keep the source topic names, so clients fail over without renaming.
   * Required by `ConsumerGroupOffsetSyncMode.ENHANCED`.
   */
  IDENTICAL = 'IDENTICAL',
}

/**
 * How consumer group offsets are synchronised to the target cluster.
 *
 * Changing it after creation requires a new replicator.
 */
export enum ConsumerGroupOffsetSyncMode {
  /** One-way offset translation from source to target. */
  LEGACY = 'LEGACY',
  /**
   * Bidirectional offset synchronisation for active-active setups and failback.
   * Requires `TopicNameConfiguration.IDENTICAL` and a replicator in the reverse direction.
   */
  ENHANCED = 'ENHANCED',
}

/**
 * Compression applied to the records the replicator writes to the target cluster.
 *
 * Changing it after creation requires a new replicator.
 */
export enum TargetCompressionType {
  /** No compression. */
  NONE = 'NONE',
  /** gzip. */
  GZIP = 'GZIP',
  /** Snappy. */
  SNAPPY = 'SNAPPY',
  /** LZ4. */
  LZ4 = 'LZ4',
  /** Zstandard. */
  ZSTD = 'ZSTD',
}

/**
 * Which topics are replicated, and how.
 *
 * Patterns are Java regular expressions matched against whole topic names (for example `orders\..*`).
 */
export interface TopicReplicationOptions {
  /**
   * Regular expressions of the topics to replicate. At most 100 patterns of at most 249 characters each.
   *
   * Changeable in place.
   *
   * @default ['.*'] - all topics
   */
  readonly topicsToReplicate?: string[];

  /**
   * Regular expressions of the topics not to replicate. At most 100 patterns of at most 249 characters each.
   *
   * Changeable in place.
   *
   * @default [] - no exclusions
   */
  readonly topicsToExclude?: string[];

  /**
   * Whether topic configurations (partitions, retention, ...) are copied to the target.
   *
   * Changeable in place.
   *
   * @default true
   */
  readonly copyTopicConfigurations?: boolean;

  /**
   * Whether the ACLs of replicated topics are copied to the target.
   *
   * Changeable in place.
   *
   * @default true
   */
  readonly copyAccessControlListsForTopics?: boolean;

  /**
   * Whether new topics matching the patterns are detected and replicated.
   *
   * Changeable in place.
   *
   * @default true
   */
  readonly detectAndCopyNewTopics?: boolean;

  /**
   * Where replication starts when the replicator is created.
   *
   * Changing it replaces the replicator.
   *
   * @default StartingPosition.LATEST
   */
  readonly startingPosition?: StartingPosition;

  /**
   * How topics are named on the target cluster.
   *
   * Changing it replaces the replicator.
   *
   * @default TopicNameConfiguration.PREFIXED_WITH_SOURCE_CLUSTER_ALIAS
   */
  readonly topicNameConfiguration?: TopicNameConfiguration;
}

/**
 * Which consumer groups are replicated, and how.
 *
 * Patterns are Java regular expressions matched against whole consumer group names.
 */
export interface ConsumerGroupReplicationOptions {
  /**
   * Regular expressions of the consumer groups to replicate. At most 100 patterns of at most
   * 256 characters each. An empty list replicates no consumer group (topic-only replication).
   *
   * Changeable in place.
   *
   * @default ['.*'] - all consumer groups
   */
  readonly consumerGroupsToReplicate?: string[];

  /**
   * Regular expressions of the consumer groups not to replicate.
   *
   * Changeable in place.
   *
   * @default [] - no exclusions
   */
  readonly consumerGroupsToExclude?: string[];

  /**
   * Whether consumer group offsets are synchronised to the target.
   *
   * Changeable in place.
   *
   * @default true
   */
  readonly synchroniseConsumerGroupOffsets?: boolean;

  /**
   * Whether new consumer groups matching the patterns are detected and replicated.
   *
   * Changeable in place.
   *
   * @default true
   */
  readonly detectAndCopyNewConsumerGroups?: boolean;

  /**
   * How offsets are synchronised.
   *
   * Changing it replaces the replicator.
   *
   * @default ConsumerGroupOffsetSyncMode.LEGACY
   */
  readonly offsetSyncMode?: ConsumerGroupOffsetSyncMode;
}
