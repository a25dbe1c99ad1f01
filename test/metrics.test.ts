import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { exampleStack } from '../examples/orders-replication';
import { MskReplicator, ReplicatorClusterSide } from '../src';
import { REPLICATOR_METRICS } from '../src/private/metric-catalog';

/**
 * The metric helpers against AWS's table (MSK developer guide, "Metrics reference" of MSK Replicator,
 * https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-metrics-ref.html), transcribed here
 * row by row: metric, dimensions, statistic ("Raw Metric Aggregation Stat").
 */
const AWS_TABLE: Array<[string, string[], string, string]> = [
  ['ReplicationLatency', ['ReplicatorName'], 'Maximum', 'Milliseconds'],
  ['MessageLag', ['ReplicatorName'], 'Sum', 'Count'],
  ['ReplicatorBytesInPerSec', ['ReplicatorName'], 'Sum', 'Bytes/Second'],
  ['ReplicatorThroughput', ['ReplicatorName'], 'Sum', 'Bytes/Second'],
  ['ReplicationFailures', ['ReplicatorName'], 'Sum', 'Count'],
  ['AuthError', ['ReplicatorName', 'ClusterAlias'], 'Sum', 'Count'],
  ['ThrottleTime', ['ReplicatorName', 'ClusterAlias'], 'Maximum', 'Milliseconds'],
  ['ReplicatorFailure', ['ReplicatorName'], 'Sum', 'Count'],
  ['KafkaClusterPingSuccessCount', ['ReplicatorName', 'ClusterAlias'], 'Sum', 'Count'],
  ['ConsumerGroupCount', ['ReplicatorName'], 'Sum', 'Count'],
  ['ConsumerGroupOffsetSyncFailure', ['ReplicatorName'], 'Sum', 'Count'],
];

function metricOf(replicator: MskReplicator, name: string, side = ReplicatorClusterSide.SOURCE): cloudwatch.Metric {
  const helper = `metric${name}` as keyof MskReplicator;
  const fn = replicator[helper] as unknown as (...args: unknown[]) => cloudwatch.Metric;
  return REPLICATOR_METRICS[name].dimensions === 'cluster' ? fn.call(replicator, side) : fn.call(replicator);
}

describe('metric helpers follow AWS metrics table', () => {
  test('the catalog holds exactly the rows of the table', () => {
    expect(Object.keys(REPLICATOR_METRICS).sort()).toEqual(AWS_TABLE.map(([name]) => name).sort());
  });

  test.each(AWS_TABLE)('%s: dimensions %j, statistic %s, unit %s', (name, dimensions, statistic, unit) => {
    const { stack, replicator } = exampleStack();
    const metric = metricOf(replicator, name);
    expect(metric.metricName).toBe(name);
    expect(metric.namespace).toBe('AWS/Kafka');
    expect(metric.statistic).toBe(statistic);
    expect(Object.keys(metric.dimensions ?? {}).sort()).toEqual([...dimensions].sort());
    expect(metric.region).toBe('us-east-1');
    // the unit is the table's, documented, and deliberately not a filter: aws-cdk-lib's MetricOptions.unit drops
    // datapoints published with any other unit (its documentation recommends leaving it unset)
    expect(REPLICATOR_METRICS[name].unit).toBe(unit);
    expect(metric.unit).toBeUndefined();
    // the generic helper defaults to the same statistic
    expect(replicator.metric(name).statistic).toBe(statistic);
    expect(stack.resolve(metric.dimensions?.ReplicatorName)).toEqual(stack.resolve(replicator.replicatorName));
  });

  test.each(['ReplicationLatency', 'MessageLag', 'ReplicatorThroughput'])(
    '%s per topic has the same default statistic as the aggregate', (name) => {
      const { replicator } = exampleStack();
      expect(replicator.metricForTopic(name, 'orders').statistic).toBe(REPLICATOR_METRICS[name].statistic);
      expect(replicator.metricForTopic(name, 'orders').dimensions).toMatchObject({ Topic: 'orders' });
    });

  test.each([
    [ReplicatorClusterSide.SOURCE, 'SourceClusterAlias'],
    [ReplicatorClusterSide.TARGET, 'TargetClusterAlias'],
  ])('per-cluster metrics of the %s side use the replicator attribute %s', (side, attribute) => {
    const { stack, replicator } = exampleStack();
    for (const name of ['AuthError', 'ThrottleTime', 'KafkaClusterPingSuccessCount']) {
      const dimensions = stack.resolve(metricOf(replicator, name, side).dimensions);
      expect(dimensions.ClusterAlias).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Replicator/), attribute] });
    }
  });

  test('an imported replicator takes its cluster aliases from its attributes', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '111111111111', region: 'eu-west-1' } });
    const imported = MskReplicator.fromReplicatorAttributes(stack, 'I', {
      replicatorArn: 'arn:aws:kafka:eu-west-1:111111111111:replicator/orders-dr/abcd-1234',
      sourceClusterAlias: 'msk-cluster-orders-primary',
      targetClusterAlias: 'msk-cluster-orders-dr',
    });
    expect(imported.metricAuthError(ReplicatorClusterSide.TARGET).dimensions).toEqual({
      ReplicatorName: 'orders-dr', ClusterAlias: 'msk-cluster-orders-dr',
    });
  });

  test('fails if a per-cluster metric is asked of an import without that alias', () => {
    const stack = new Stack(new App(), 'S');
    const imported = MskReplicator.fromReplicatorArn(stack, 'I', 'arn:aws:kafka:eu-west-1:111111111111:replicator/orders-dr/abcd-1234');
    expect(() => imported.metricAuthError(ReplicatorClusterSide.SOURCE)).toThrow(
      /`AuthError` is published per cluster alias.*pass `sourceClusterAlias` to MskReplicator.fromReplicatorAttributes/);
  });
});

test('the README table of metrics states the dimensions, unit and statistic of each helper as AWS\'s table does', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  for (const [name, , statistic, unit] of AWS_TABLE) {
    const row = readme.split('\n').find((line) => line.startsWith('| `metric') && line.includes(`metric${name}(`));
    expect([name, row]).toEqual([name, expect.stringContaining(`| ${unit.replace('Bytes/Second', 'BytesPerSecond')} | ${statistic} |`)]);
  }
});

describe('addRecommendedAlarms', () => {
  function alarms(options = {}) {
    const { stack, replicator } = exampleStack();
    const topic = new sns.Topic(stack, 'Alarms');
    const created = replicator.addRecommendedAlarms({ alarmAction: new cloudwatchActions.SnsAction(topic), ...options });
    return { stack, replicator, created, template: Template.fromStack(stack), topicRef: stack.resolve(topic.topicArn) };
  }

  function alarmFor(template: Template, metricName: string, clusterAttribute?: string) {
    const found = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((r) => r.Properties.MetricName === metricName
      && (clusterAttribute === undefined || JSON.stringify(r.Properties.Dimensions).includes(clusterAttribute)));
    expect(found).toHaveLength(1);
    return found[0].Properties;
  }

  test.each([
    // metric, cluster alias attribute, statistic, operator, threshold, evaluation periods, missing data
    ['ReplicatorFailure', undefined, 'Sum', 'GreaterThanThreshold', 0, 1, 'notBreaching'],
    ['ReplicationFailures', undefined, 'Sum', 'GreaterThanThreshold', 0, 1, 'notBreaching'],
    ['AuthError', 'SourceClusterAlias', 'Sum', 'GreaterThanThreshold', 0, 1, 'notBreaching'],
    ['AuthError', 'TargetClusterAlias', 'Sum', 'GreaterThanThreshold', 0, 1, 'notBreaching'],
    ['KafkaClusterPingSuccessCount', 'SourceClusterAlias', 'Sum', 'LessThanThreshold', 1, 5, 'breaching'],
    ['KafkaClusterPingSuccessCount', 'TargetClusterAlias', 'Sum', 'LessThanThreshold', 1, 5, 'breaching'],
    ['MessageLag', undefined, 'Sum', 'GreaterThanThreshold', 1000, 5, 'notBreaching'],
    ['ReplicationLatency', undefined, 'Maximum', 'GreaterThanThreshold', 90_000, 5, 'notBreaching'],
    ['ConsumerGroupOffsetSyncFailure', undefined, 'Sum', 'GreaterThanThreshold', 0, 1, 'notBreaching'],
  ] as const)('%s %s: %s %s %d over %d minute(s), missing data %s, with the action',
    (metricName, attribute, statistic, operator, threshold, periods, missing) => {
      const { template, topicRef, stack, replicator } = alarms();
      const alarm = alarmFor(template, metricName, attribute);
      expect(alarm).toMatchObject({
        Namespace: 'AWS/Kafka',
        Statistic: statistic,
        ComparisonOperator: operator,
        Threshold: threshold,
        EvaluationPeriods: periods,
        Period: 60,
        TreatMissingData: missing,
        AlarmActions: [topicRef],
      });
      const dimensions = Object.fromEntries(alarm.Dimensions.map((d: { Name: string; Value: unknown }) => [d.Name, d.Value]));
      expect(dimensions.ReplicatorName).toEqual(stack.resolve(replicator.replicatorName));
      expect(Object.keys(dimensions).sort()).toEqual(attribute ? ['ClusterAlias', 'ReplicatorName'] : ['ReplicatorName']);
      if (attribute) expect(JSON.stringify(dimensions.ClusterAlias)).toContain(attribute);
    });

  test('thresholds, sustained periods and the offset sync alarm are options', () => {
    const { template, created } = alarms({
      replicationLatencyThreshold: Duration.minutes(5), messageLagThreshold: 50_000, sustainedPeriods: 3, offsetSyncFailureAlarm: false,
    });
    expect(alarmFor(template, 'ReplicationLatency')).toMatchObject({ Threshold: 300_000, EvaluationPeriods: 3 });
    expect(alarmFor(template, 'MessageLag')).toMatchObject({ Threshold: 50_000, EvaluationPeriods: 3 });
    expect(template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'ConsumerGroupOffsetSyncFailure' } })).toEqual({});
    expect(created).toHaveLength(8);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 8);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmDescription: Match.stringLikeRegexp('sustained above 5 minutes') });
  });

  test('fails if sustainedPeriods is below 1 or called twice', () => {
    const { replicator } = exampleStack();
    expect(() => replicator.addRecommendedAlarms({ sustainedPeriods: 0 })).toThrow(
      '`sustainedPeriods` must be a number of at least 1, got: 0');
    replicator.addRecommendedAlarms();
    expect(() => replicator.addRecommendedAlarms()).toThrow(/must be called once per replicator/);
  });
});
