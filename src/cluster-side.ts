/**
 * One of the two clusters of a replicator, for the metrics MSK publishes per cluster (dimension `ClusterAlias`).
 */
export enum ReplicatorClusterSide {
  /** The cluster the replicator reads from. */
  SOURCE = 'SOURCE',
  /** The cluster the replicator writes to. */
  TARGET = 'TARGET',
}
