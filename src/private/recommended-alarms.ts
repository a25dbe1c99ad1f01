import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { ReplicatorClusterSide } from '../cluster-side';
import type { RecommendedAlarmsOptions } from '../recommended-alarms';
import type { IMskReplicator } from '../replicator';
import { validationError, withScope } from './errors';
import { durationIn } from './validate';

/**
 * The alarms AWS's MSK Replicator documentation points at. Sources:
 * - "Metrics reference" (https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-metrics-ref.html):
 *   ReplicationFailures "should be 0 for healthy replication"; ConsumerGroupOffsetSyncFailure "should be 0";
 *   KafkaClusterPingSuccessCount "if the value is 0 or no datapoint, the connection is unhealthy", per ClusterAlias;
 *   AuthError "if this metric is above 0 ..." per ClusterAlias.
 * - "Troubleshoot MSK Replicator" (msk-replicator-troubleshooting.html): AuthError above 0, KafkaClusterPingSuccessCount
 *   0 or no datapoint, ReplicatorFailure above 0 are the checks for a replicator that does not replicate.
 * - "Failover to the secondary AWS Region" (msk-replicator-when-planned-failover.html): monitor replication latency.
 * - AWS Big Data Blog, "Migrate third-party and self-managed Apache Kafka clusters to Amazon MSK Express brokers with
 *   Amazon MSK Replicator" (https://aws.amazon.com/blogs/big-data/migrate-third-party-and-self-managed-apache-kafka-clusters-to-amazon-msk-express-brokers-with-amazon-msk-replicator/), readiness:
 *   MessageLag < 1,000 and ReplicationLatency < 90 seconds, sustained. These are the default thresholds.
 * Periods are 1 minute. MSK pushes cluster metrics to CloudWatch at 1-minute intervals (MSK developer guide,
 * "Amazon MSK metrics for monitoring Express brokers with CloudWatch"); the replicator table names no interval.
 * With the table's statistic Sum, a longer period would add up several datapoints of gauges like MessageLag.
 */
const PERIOD = Duration.minutes(1);

interface AlarmSpec {
  readonly id: string;
  readonly metric: cloudwatch.Metric;
  readonly threshold: number;
  readonly comparisonOperator: cloudwatch.ComparisonOperator;
  readonly evaluationPeriods: number;
  readonly treatMissingData: cloudwatch.TreatMissingData;
  readonly description: string;
}

function checkCount(scope: Construct, prop: string, value: number | undefined, min: number): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isFinite(value) || value < min) {
    throw validationError(scope, `\`${prop}\` must be a number of at least ${min}, got: ${JSON.stringify(value)}`);
  }
}

export function createRecommendedAlarms(
  scope: Construct, replicator: IMskReplicator, options: RecommendedAlarmsOptions,
): cloudwatch.Alarm[] {
  checkCount(scope, 'messageLagThreshold', options.messageLagThreshold, 0);
  checkCount(scope, 'sustainedPeriods', options.sustainedPeriods, 1);
  const sustained = options.sustainedPeriods ?? 5;
  const above = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD;
  const name = replicator.node.path;
  const specs: AlarmSpec[] = [
    {
      id: 'ReplicatorFailure',
      metric: replicator.metricReplicatorFailure({ period: PERIOD }),
      threshold: 0,
      comparisonOperator: above,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      description: `${name}: the replicator reports failures (ReplicatorFailure > 0); check the service execution role's topic-level permissions`,
    },
    {
      id: 'ReplicationFailures',
      metric: replicator.metricReplicationFailures({ period: PERIOD }),
      threshold: 0,
      comparisonOperator: above,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      description: `${name}: records failed to replicate (ReplicationFailures > 0): message size, timestamp or batch size limits`,
    },
  ];
  for (const side of [ReplicatorClusterSide.SOURCE, ReplicatorClusterSide.TARGET]) {
    const label = side === ReplicatorClusterSide.SOURCE ? 'Source' : 'Target';
    specs.push({
      id: `${label}AuthError`,
      metric: replicator.metricAuthError(side, { period: PERIOD }),
      threshold: 0,
      comparisonOperator: above,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      description: `${name}: connections to the ${side.toLowerCase()} cluster fail authentication (AuthError > 0); check the service execution role`,
    }, {
      id: `${label}Unreachable`,
      metric: replicator.metricKafkaClusterPingSuccessCount(side, { period: PERIOD }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: sustained,
      // AWS: "If the value is 0 or no datapoint, the connection is unhealthy."
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      description: `${name}: the ${side.toLowerCase()} cluster is unreachable (KafkaClusterPingSuccessCount < 1 or missing); check network and IAM`,
    });
  }
  const latency = options.replicationLatencyThreshold ?? Duration.seconds(90);
  const latencyMillis = withScope(scope, () => durationIn('replicationLatencyThreshold', latency, 'millis'));
  specs.push({
    id: 'MessageLag',
    metric: replicator.metricMessageLag({ period: PERIOD }),
    threshold: options.messageLagThreshold ?? 1000,
    comparisonOperator: above,
    evaluationPeriods: sustained,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    description: `${name}: the replicator falls behind the source (MessageLag sustained above the threshold)`,
  }, {
    id: 'ReplicationLatency',
    metric: replicator.metricReplicationLatency({ period: PERIOD }),
    threshold: latencyMillis,
    comparisonOperator: above,
    evaluationPeriods: sustained,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    description: `${name}: replication latency sustained above ${Token.isUnresolved(latencyMillis) ? 'the threshold' : latency.toHumanString()}`,
  });
  if (options.offsetSyncFailureAlarm ?? true) {
    specs.push({
      id: 'ConsumerGroupOffsetSyncFailure',
      metric: replicator.metricConsumerGroupOffsetSyncFailure({ period: PERIOD }),
      threshold: 0,
      comparisonOperator: above,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      description: `${name}: consumer group offsets fail to synchronise (ConsumerGroupOffsetSyncFailure > 0)`,
    });
  }

  if (scope.node.tryFindChild('RecommendedAlarms') !== undefined) {
    throw validationError(scope, '`addRecommendedAlarms()` must be called once per replicator: it was called before');
  }
  const container = new Construct(scope, 'RecommendedAlarms');
  return specs.map((spec) => {
    const alarm = spec.metric.createAlarm(container, spec.id, {
      threshold: spec.threshold,
      comparisonOperator: spec.comparisonOperator,
      evaluationPeriods: spec.evaluationPeriods,
      treatMissingData: spec.treatMissingData,
      alarmDescription: spec.description,
    });
    if (options.alarmAction) alarm.addAlarmAction(options.alarmAction);
    if (options.okAction) alarm.addOkAction(options.okAction);
    return alarm;
  });
}
