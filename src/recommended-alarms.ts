import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/**
 * Options of `addRecommendedAlarms()`. Every alarm evaluates 1-minute periods.
 */
export interface RecommendedAlarmsOptions {
  /**
   * An action added to every alarm's ALARM state (for example an `SnsAction`).
   *
   * @default - no action
   */
  readonly alarmAction?: cloudwatch.IAlarmAction;

  /**
   * An action added to every alarm's OK state, so that recovery is reported too.
   *
   * @default - no action
   */
  readonly okAction?: cloudwatch.IAlarmAction;

  /**
   * `ReplicationLatency` (Maximum) above which the latency alarm fires. AWS's readiness guidance for a
   * migration with MSK Replicator names a sustained latency under 90 seconds.
   *
   * @default Duration.seconds(90)
   * @see https://aws.amazon.com/blogs/big-data/migrate-third-party-and-self-managed-apache-kafka-clusters-to-amazon-msk-express-brokers-with-amazon-msk-replicator/
   */
  readonly replicationLatencyThreshold?: Duration;

  /**
   * `MessageLag` (Sum) above which the lag alarm fires. AWS's readiness guidance for a migration with MSK
   * Replicator names a sustained lag under 1,000 messages.
   *
   * @default 1000
   * @see https://aws.amazon.com/blogs/big-data/migrate-third-party-and-self-managed-apache-kafka-clusters-to-amazon-msk-express-brokers-with-amazon-msk-replicator/
   */
  readonly messageLagThreshold?: number;

  /**
   * How many consecutive 1-minute periods the lag and latency must stay above their thresholds: both are
   * expected to rise briefly (for example after a source outage) and are alarming only when sustained.
   *
   * @default 5
   */
  readonly sustainedPeriods?: number;

  /**
   * Whether to alarm on `ConsumerGroupOffsetSyncFailure` (meaningful when consumer group offsets are
   * synchronised, the default).
   *
   * @default true
   */
  readonly offsetSyncFailureAlarm?: boolean;
}
