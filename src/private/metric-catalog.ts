import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/**
 * The MSK Replicator metrics as AWS publishes them: namespace `AWS/Kafka`, in the target cluster's Region
 * (MSK developer guide, "Monitor replication" and its "Metrics reference" table,
 * https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-metrics-ref.html).
 *
 * Each entry is one row of that table: the dimensions MSK publishes the metric with, its unit, and the
 * statistic the table names ("Raw Metric Aggregation Stat"), which is the default statistic of the helper, of
 * `metric(name)` and of `metricForTopic(name, topic)` alike.
 */
export interface MetricRow {
  /** `replicator`: `ReplicatorName` (some also per `Topic`); `cluster`: `ReplicatorName` + `ClusterAlias`. */
  readonly dimensions: 'replicator' | 'cluster';
  /** Whether MSK also publishes it per topic (dimensions `ReplicatorName`, `Topic`). */
  readonly perTopic: boolean;
  readonly unit: cloudwatch.Unit;
  readonly statistic: string;
}

export const REPLICATOR_METRICS: Readonly<Record<string, MetricRow>> = {
  ReplicationLatency: { dimensions: 'replicator', perTopic: true, unit: cloudwatch.Unit.MILLISECONDS, statistic: cloudwatch.Stats.MAXIMUM },
  MessageLag: { dimensions: 'replicator', perTopic: true, unit: cloudwatch.Unit.COUNT, statistic: cloudwatch.Stats.SUM },
  ReplicatorBytesInPerSec: { dimensions: 'replicator', perTopic: false, unit: cloudwatch.Unit.BYTES_PER_SECOND, statistic: cloudwatch.Stats.SUM },
  ReplicatorThroughput: { dimensions: 'replicator', perTopic: true, unit: cloudwatch.Unit.BYTES_PER_SECOND, statistic: cloudwatch.Stats.SUM },
  ReplicationFailures: { dimensions: 'replicator', perTopic: false, unit: cloudwatch.Unit.COUNT, statistic: cloudwatch.Stats.SUM },
  AuthError: { dimensions: 'cluster', perTopic: false, unit: cloudwatch.Unit.COUNT, statistic: cloudwatch.Stats.SUM },
  ThrottleTime: { dimensions: 'cluster', perTopic: false, unit: cloudwatch.Unit.MILLISECONDS, statistic: cloudwatch.Stats.MAXIMUM },
  ReplicatorFailure: { dimensions: 'replicator', perTopic: false, unit: cloudwatch.Unit.COUNT, statistic: cloudwatch.Stats.SUM },
  KafkaClusterPingSuccessCount: { dimensions: 'cluster', perTopic: false, unit: cloudwatch.Unit.COUNT, statistic: cloudwatch.Stats.SUM },
  ConsumerGroupCount: { dimensions: 'replicator', perTopic: false, unit: cloudwatch.Unit.COUNT, statistic: cloudwatch.Stats.SUM },
  ConsumerGroupOffsetSyncFailure: { dimensions: 'replicator', perTopic: false, unit: cloudwatch.Unit.COUNT, statistic: cloudwatch.Stats.SUM },
};

/** The default statistic of a metric: the table's, or Average (CloudWatch's own default) for other names. */
export function defaultStatistic(metricName: string): string {
  return REPLICATOR_METRICS[metricName]?.statistic ?? cloudwatch.Stats.AVERAGE;
}
