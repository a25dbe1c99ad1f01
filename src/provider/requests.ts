import type {
  ConsumerGroupReplicationUpdate,
  CreateReplicatorRequest,
  KafkaCluster,
  LogDelivery,
  TopicReplicationUpdate,
} from '@aws-sdk/client-kafka';
import type { ClusterSpec, LogDeliverySpec, ReplicatorProperties } from './properties';

/**
 * Maps the construct's contract onto MSK API request shapes. Pure functions: no client, no I/O.
 */

function kafkaCluster(spec: ClusterSpec): KafkaCluster {
  const auth = spec.SaslScramSecretArn !== undefined
    ? { SaslScram: { Mechanism: spec.SaslScramMechanism as 'SHA256' | 'SHA512', SecretArn: spec.SaslScramSecretArn } }
    : spec.MtlsSecretArn !== undefined
      ? { MTLS: { SecretArn: spec.MtlsSecretArn } }
      : undefined;
  return {
    AmazonMskCluster: spec.MskClusterArn !== undefined ? { MskClusterArn: spec.MskClusterArn } : undefined,
    ApacheKafkaCluster: spec.ApacheKafkaClusterId !== undefined
      ? { ApacheKafkaClusterId: spec.ApacheKafkaClusterId, BootstrapBrokerString: spec.BootstrapBrokerString }
      : undefined,
    VpcConfig: {
      SubnetIds: spec.SubnetIds,
      SecurityGroupIds: spec.SecurityGroupIds.length > 0 ? spec.SecurityGroupIds : undefined,
    },
    ClientAuthentication: auth,
    EncryptionInTransit: spec.TlsEncryption
      ? { EncryptionType: 'TLS', RootCaCertificate: spec.RootCaCertificate }
      : undefined,
  };
}

/** The cluster references of the replication info: ARNs for MSK clusters, ids for Apache Kafka clusters. */
export function replicationEndpoints(props: ReplicatorProperties) {
  return {
    SourceKafkaClusterArn: props.Source.MskClusterArn,
    SourceKafkaClusterId: props.Source.ApacheKafkaClusterId,
    TargetKafkaClusterArn: props.Target.MskClusterArn,
    TargetKafkaClusterId: props.Target.ApacheKafkaClusterId,
  };
}

/**
 * Log delivery as the API wants it. Every destination is always listed, disabled when unused, so that
 * removing a destination from the props turns it off in place.
 */
export function logDelivery(spec: LogDeliverySpec | undefined): LogDelivery {
  return {
    ReplicatorLogDelivery: {
      CloudWatchLogs: spec?.CloudWatchLogGroup !== undefined
        ? { Enabled: true, LogGroup: spec.CloudWatchLogGroup }
        : { Enabled: false },
      Firehose: spec?.FirehoseDeliveryStream !== undefined
        ? { Enabled: true, DeliveryStream: spec.FirehoseDeliveryStream }
        : { Enabled: false },
      S3: spec?.S3Bucket !== undefined
        ? { Enabled: true, Bucket: spec.S3Bucket, Prefix: spec.S3Prefix }
        : { Enabled: false },
    },
  };
}

/** The five members `TopicReplicationUpdate` requires. */
export function topicReplicationUpdate(props: ReplicatorProperties): TopicReplicationUpdate {
  const t = props.TopicReplication;
  return {
    TopicsToReplicate: t.TopicsToReplicate,
    TopicsToExclude: t.TopicsToExclude,
    CopyTopicConfigurations: t.CopyTopicConfigurations,
    CopyAccessControlListsForTopics: t.CopyAccessControlListsForTopics,
    DetectAndCopyNewTopics: t.DetectAndCopyNewTopics,
  };
}

/** The four members `ConsumerGroupReplicationUpdate` requires. */
export function consumerGroupReplicationUpdate(props: ReplicatorProperties): ConsumerGroupReplicationUpdate {
  const g = props.ConsumerGroupReplication;
  return {
    ConsumerGroupsToReplicate: g.ConsumerGroupsToReplicate,
    ConsumerGroupsToExclude: g.ConsumerGroupsToExclude,
    SynchroniseConsumerGroupOffsets: g.SynchroniseConsumerGroupOffsets,
    DetectAndCopyNewConsumerGroups: g.DetectAndCopyNewConsumerGroups,
  };
}

/** The CreateReplicator request for a replicator of the given name and tags. */
export function createReplicatorRequest(
  props: ReplicatorProperties,
  replicatorName: string,
  tags: Record<string, string>,
): CreateReplicatorRequest {
  return {
    ReplicatorName: replicatorName,
    Description: props.Description,
    ServiceExecutionRoleArn: props.ServiceExecutionRoleArn,
    KafkaClusters: [kafkaCluster(props.Source), kafkaCluster(props.Target)],
    ReplicationInfoList: [{
      ...replicationEndpoints(props),
      TargetCompressionType: props.TargetCompressionType as 'NONE',
      TopicReplication: {
        ...topicReplicationUpdate(props),
        StartingPosition: { Type: props.TopicReplication.StartingPosition as 'LATEST' },
        TopicNameConfiguration: { Type: props.TopicReplication.TopicNameConfiguration as 'IDENTICAL' },
      },
      ConsumerGroupReplication: {
        ...consumerGroupReplicationUpdate(props),
        ConsumerGroupOffsetSyncMode: props.ConsumerGroupReplication.OffsetSyncMode as 'LEGACY',
      },
    }],
    // Sent only when used: an all-disabled block is what the API means by "no log delivery" anyway.
    LogDelivery: props.LogDelivery !== undefined ? logDelivery(props.LogDelivery) : undefined,
    Tags: tags,
  };
}
