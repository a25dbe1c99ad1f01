import type { DescribeReplicatorResponse } from '@aws-sdk/client-kafka';
import { exampleProperties, SOURCE_CLUSTER_ARN, TARGET_CLUSTER_ARN } from '../examples/orders-replication';
import { asSet, immutableDifferences, planInPlaceUpdate, replacementCauses } from '../src/provider/lifecycle';
import { decodeProperties, ReplicatorProperties } from '../src/provider/properties';

/**
 * The planner compares lists whose order carries no meaning as sets (topic and consumer group patterns, subnets,
 * security groups): the service may report them in another order than they were sent, and the same replicator must
 * not look different (no update sent, no replacement, a rollback returns to it).
 */

const desired = decodeProperties(exampleProperties({
  topicReplication: { topicsToReplicate: ['orders\\..*', 'payments\\..*'], topicsToExclude: ['.*\\.tmp', '.*\\.internal'] },
  consumerGroupReplication: { consumerGroupsToReplicate: ['orders-.*', 'payments-.*'], consumerGroupsToExclude: ['tmp-.*', 'test-.*'] },
}));

const reversed = (list: string[]) => [...list].reverse();

/** The replicator as Describe reports `props`, every unordered list in reverse order. */
function liveReversed(props: ReplicatorProperties): DescribeReplicatorResponse {
  const cluster = (alias: string, spec: ReplicatorProperties['Source']) => ({
    KafkaClusterAlias: alias,
    AmazonMskCluster: { MskClusterArn: spec.MskClusterArn },
    VpcConfig: { SubnetIds: reversed(spec.SubnetIds), SecurityGroupIds: reversed(spec.SecurityGroupIds) },
  });
  const t = props.TopicReplication;
  const g = props.ConsumerGroupReplication;
  return {
    ReplicatorArn: 'arn:aws:kafka:us-east-1:123456789012:replicator/orders-dr/aaaa-bbbb',
    ReplicatorName: `${props.ReplicatorNamePrefix}-0123456789ab`,
    ReplicatorState: 'RUNNING',
    CurrentVersion: 'V1',
    ServiceExecutionRoleArn: props.ServiceExecutionRoleArn,
    KafkaClusters: [cluster('src', props.Source), cluster('tgt', props.Target)],
    ReplicationInfoList: [{
      SourceKafkaClusterAlias: 'src',
      TargetKafkaClusterAlias: 'tgt',
      TargetCompressionType: props.TargetCompressionType as 'NONE',
      TopicReplication: {
        TopicsToReplicate: reversed(t.TopicsToReplicate),
        TopicsToExclude: reversed(t.TopicsToExclude),
        CopyTopicConfigurations: t.CopyTopicConfigurations,
        CopyAccessControlListsForTopics: t.CopyAccessControlListsForTopics,
        DetectAndCopyNewTopics: t.DetectAndCopyNewTopics,
        StartingPosition: { Type: t.StartingPosition as 'LATEST' },
        TopicNameConfiguration: { Type: t.TopicNameConfiguration as 'IDENTICAL' },
      },
      ConsumerGroupReplication: {
        ConsumerGroupsToReplicate: reversed(g.ConsumerGroupsToReplicate),
        ConsumerGroupsToExclude: reversed(g.ConsumerGroupsToExclude),
        SynchroniseConsumerGroupOffsets: g.SynchroniseConsumerGroupOffsets,
        DetectAndCopyNewConsumerGroups: g.DetectAndCopyNewConsumerGroups,
        ConsumerGroupOffsetSyncMode: g.OffsetSyncMode as 'LEGACY',
      },
    }],
  };
}

test('the example has two subnets per side, so reversing them changes their order', () => {
  expect(desired.Source.SubnetIds).toHaveLength(2);
  expect(desired.Source.MskClusterArn).toBe(SOURCE_CLUSTER_ARN);
  expect(desired.Target.MskClusterArn).toBe(TARGET_CLUSTER_ARN);
});

test('lists reported in another order: no immutable difference, no in-place update', () => {
  const live = liveReversed(desired);

  expect(immutableDifferences(desired, live)).toEqual([]);
  expect(planInPlaceUpdate(desired, live)).toBeUndefined();
});

test('a rollback to properties whose lists the live replicator holds in another order needs no replacement', () => {
  // the failed update changed the source subnets; the rollback returns to the original, which reports them reversed
  const failed: ReplicatorProperties = { ...desired, Source: { ...desired.Source, SubnetIds: ['subnet-0primarya', 'subnet-0primaryc'] } };
  const live = liveReversed(desired);

  expect(replacementCauses(failed, desired, live)).toEqual([]);
});

test('a different member is still a difference', () => {
  const live = liveReversed(desired);
  live.ReplicationInfoList![0].TopicReplication!.TopicsToReplicate = ['orders\\..*'];
  live.KafkaClusters![0].VpcConfig!.SubnetIds = ['subnet-0primarya', 'subnet-0primaryc'];

  expect(planInPlaceUpdate(desired, live)?.TopicReplication?.TopicsToReplicate).toEqual(desired.TopicReplication.TopicsToReplicate);
  expect(immutableDifferences(desired, live).map((d) => d.prop)).toEqual(['source']);
});

test('asSet: sorted, without repeats', () => {
  expect(asSet(['b', 'a', 'b'])).toEqual(['a', 'b']);
  expect(asSet(undefined)).toEqual([]);
});
