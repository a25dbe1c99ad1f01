import {
  ArnFormat, CfnResource, CustomResource, Duration, IResource, Lazy, Names, RemovalPolicy, Resource, Stack, TagManager, TagType,
  ITaggable, Token,
} from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as msk from 'aws-cdk-lib/aws-msk';
import { Construct } from 'constructs';
import { ReplicatorCluster } from './cluster';
import { ReplicatorClusterSide } from './cluster-side';
import { ReplicatorLogDelivery } from './log-delivery';
import { parseClusterArn } from './private/cluster-arns';
import { validationError, withScope } from './private/errors';
import { makeDefaultPolicyImmutable } from './private/immutable-policy';
import { defaultStatistic } from './private/metric-catalog';
import { acknowledgeServiceExecutionRole } from './private/nag-acknowledgements';
import { PropError } from './private/prop-error';
import { createRecommendedAlarms } from './private/recommended-alarms';
import { securityGroupFactory } from './private/replicator-network';
import { reservedTagViolations } from './private/reserved-tags';
import { tagViolations, validateReplicatorArn, validateSchemaConstraints } from './private/schema-constraints';
import { linkSourceClusterPolicy } from './private/source-cluster-policy-link';
import {
  reportAll, validateDescription, validateDistinctClusters, validateOffsetSyncMode, validatePatterns, validateReplicatorName,
  validateTargetRegion, validateTimeout, validateLogDelivery,
} from './private/validate';
import {
  validateClusterArn, validateSecurityGroupCount, validateSharedAvailabilityZones, validateSubnets,
} from './private/validate-network';
import {
  ATTR_CURRENT_VERSION, ATTR_REPLICATOR_ARN, ATTR_REPLICATOR_NAME, ATTR_SOURCE_CLUSTER_ALIAS, ATTR_TARGET_CLUSTER_ALIAS,
  ReplicatorProperties,
} from './provider/properties';
import { ReplicatorProvider } from './provider/replicator-provider';
import { ReplicatorProviderLogOptions } from './provider-logs';
import { RecommendedAlarmsOptions } from './recommended-alarms';
import {
  ConsumerGroupOffsetSyncMode, ConsumerGroupReplicationOptions, StartingPosition, TargetCompressionType,
  TopicNameConfiguration, TopicReplicationOptions,
} from './replication';

/** Actions that let a principal see a replicator: `grantRead`. */
const READ_ACTIONS = ['kafka:DescribeReplicator', 'kafka:ListTagsForResource'];

/**
 * An MSK Replicator, created by this library or imported.
 */
export interface IMskReplicator extends IResource, iam.IGrantable, msk.IReplicatorRef {
  /**
   * The ARN of the replicator.
   *
   * @attribute
   */
  readonly replicatorArn: string;

  /**
   * The name of the replicator.
   *
   * @attribute
   */
  readonly replicatorName: string;

  /**
   * Grants `actions` on this replicator to `grantee`.
   */
  grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant;

  /**
   * Grants `kafka:DescribeReplicator` and `kafka:ListTagsForResource` on this replicator.
   */
  grantRead(grantee: iam.IGrantable): iam.Grant;

  /**
   * A CloudWatch metric of this replicator: namespace `AWS/Kafka`, dimension `ReplicatorName`, in the
   * replicator's Region and account. The default statistic is the one AWS's metrics table names for
   * `metricName` (Average for a name not in the table).
   */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * A replicator metric for one topic (dimensions `ReplicatorName` and `Topic`), with the same default
   * statistic as the aggregate metric of that name.
   */
  metricForTopic(metricName: string, topic: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * A replicator metric for one of its clusters (dimensions `ReplicatorName` and `ClusterAlias`), the cluster
   * named by its side; the alias is the one MSK gave that cluster.
   */
  metricForCluster(metricName: string, side: ReplicatorClusterSide, props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * A replicator metric for a cluster alias (dimensions `ReplicatorName` and `ClusterAlias`).
   */
  metricForClusterAlias(metricName: string, clusterAlias: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Metric `ReplicationLatency` (Milliseconds), Maximum. */
  metricReplicationLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Metric `MessageLag` (Count), Sum. */
  metricMessageLag(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Metric `ReplicatorThroughput` (BytesPerSecond), Sum. */
  metricReplicatorThroughput(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Metric `ReplicatorBytesInPerSec` (BytesPerSecond), Sum. */
  metricReplicatorBytesInPerSec(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Metric `ReplicationFailures` (Count), Sum. */
  metricReplicationFailures(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Metric `ReplicatorFailure` (Count), Sum. */
  metricReplicatorFailure(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Metric `AuthError` (Count) of one cluster, Sum. */
  metricAuthError(side: ReplicatorClusterSide, props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Metric `ThrottleTime` (Milliseconds) of one cluster, Maximum. */
  metricThrottleTime(side: ReplicatorClusterSide, props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Metric `KafkaClusterPingSuccessCount` (Count) of one cluster, Sum. */
  metricKafkaClusterPingSuccessCount(side: ReplicatorClusterSide, props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Metric `ConsumerGroupCount` (Count), Sum. */
  metricConsumerGroupCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Metric `ConsumerGroupOffsetSyncFailure` (Count), Sum. */
  metricConsumerGroupOffsetSyncFailure(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * Creates the alarms AWS's replicator documentation points at (failures, authentication errors and
   * reachability of both clusters, lag, latency, offset synchronisation), as children of this replicator.
   */
  addRecommendedAlarms(options?: RecommendedAlarmsOptions): cloudwatch.Alarm[];
}

/**
 * Grants and metrics shared by created and imported replicators: they need only the ARN and the name.
 */
abstract class MskReplicatorBase extends Resource implements IMskReplicator {
  public abstract readonly replicatorArn: string;
  public abstract readonly replicatorName: string;
  public abstract readonly grantPrincipal: iam.IPrincipal;

  public get replicatorRef(): msk.ReplicatorReference {
    return { replicatorArn: this.replicatorArn };
  }

  public grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.replicatorArn] });
  }

  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, ...READ_ACTIONS);
  }

  /**
   * The alias MSK gave the cluster on `side`, if known.
   *
   * @internal
   */
  public abstract _clusterAlias(side: ReplicatorClusterSide): string | undefined;

  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    // The replicator's own environment (an imported replicator's comes from its ARN), so that a dashboard or
    // alarm in another stack still reads the right Region and account. The unit of each metric is documented
    // on its helper but not set as a filter: aws-cdk-lib's `MetricOptions.unit` filters datapoints by unit, and
    // its documentation recommends leaving it unset ("recommended in nearly all cases").
    const env = this.env;
    return new cloudwatch.Metric({
      namespace: 'AWS/Kafka',
      metricName,
      dimensionsMap: { ReplicatorName: this.replicatorName },
      statistic: defaultStatistic(metricName),
      region: Token.isUnresolved(env.region) ? undefined : env.region,
      account: Token.isUnresolved(env.account) ? undefined : env.account,
      ...props,
    }).attachTo(this);
  }

  /**
   * A replicator metric for one topic (dimensions `ReplicatorName` and `Topic`), for the metrics MSK publishes
   * per topic: `ReplicationLatency`, `MessageLag` and `ReplicatorThroughput` (AWS's metrics table). The
   * default statistic is the aggregate metric's.
   */
  public metricForTopic(metricName: string, topic: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(metricName, { ...props, dimensionsMap: { ReplicatorName: this.replicatorName, Topic: topic, ...props?.dimensionsMap } });
  }

  /**
   * A replicator metric for one of its clusters (dimensions `ReplicatorName` and `ClusterAlias`), for the
   * metrics MSK publishes per cluster: `AuthError`, `ThrottleTime` and `KafkaClusterPingSuccessCount` (AWS's
   * metrics table). The alias is the replicator's `sourceClusterAlias` or `targetClusterAlias`.
   */
  public metricForCluster(metricName: string, side: ReplicatorClusterSide, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    const alias = this._clusterAlias(side);
    if (alias === undefined) {
      const attribute = side === ReplicatorClusterSide.SOURCE ? 'sourceClusterAlias' : 'targetClusterAlias';
      throw validationError(this, `\`${metricName}\` is published per cluster alias, and the ${side.toLowerCase()} cluster's `
        + `alias of this imported replicator is unknown: pass \`${attribute}\` to MskReplicator.fromReplicatorAttributes, `
        + 'or use metricForClusterAlias()');
    }
    return this.metricForClusterAlias(metricName, alias, props);
  }

  /**
   * A replicator metric for a cluster alias (dimensions `ReplicatorName` and `ClusterAlias`).
   */
  public metricForClusterAlias(metricName: string, clusterAlias: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(metricName, {
      ...props, dimensionsMap: { ReplicatorName: this.replicatorName, ClusterAlias: clusterAlias, ...props?.dimensionsMap },
    });
  }

  /**
   * The time records take from the source to the target: from the record's produce time at the source to its
   * replication to the target. Also per topic: `metricForTopic('ReplicationLatency', topic)`.
   *
   * AWS's metrics table, row `ReplicationLatency`: dimensions `ReplicatorName` (and `ReplicatorName, Topic`),
   * unit Milliseconds, statistic Maximum.
   *
   * @see https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-metrics-ref.html
   */
  public metricReplicationLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ReplicationLatency', props);
  }

  /**
   * The number of messages produced to the source that the replicator has not consumed yet (not the lag
   * between source and target). Also per topic: `metricForTopic('MessageLag', topic)`.
   *
   * AWS's metrics table, row `MessageLag`: dimensions `ReplicatorName` (and `ReplicatorName, Topic`), unit
   * Count, statistic Sum.
   *
   * @see https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-metrics-ref.html
   */
  public metricMessageLag(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('MessageLag', props);
  }

  /**
   * Bytes replicated per second. Also per topic: `metricForTopic('ReplicatorThroughput', topic)`.
   *
   * AWS's metrics table, row `ReplicatorThroughput`: dimensions `ReplicatorName` (and `ReplicatorName, Topic`),
   * unit BytesPerSecond, statistic Sum.
   *
   * @see https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-metrics-ref.html
   */
  public metricReplicatorThroughput(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ReplicatorThroughput', props);
  }

  /**
   * Bytes per second the replicator processes: everything it receives, including what it filters out with
   * IDENTICAL topic names.
   *
   * AWS's metrics table, row `ReplicatorBytesInPerSec`: dimension `ReplicatorName`, unit BytesPerSecond,
   * statistic Sum.
   *
   * @see https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-metrics-ref.html
   */
  public metricReplicatorBytesInPerSec(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ReplicatorBytesInPerSec', props);
  }

  /**
   * The number of replication failures; 0 when replication is healthy.
   *
   * AWS's metrics table, row `ReplicationFailures`: dimension `ReplicatorName`, unit Count, statistic Sum.
   *
   * @see https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-metrics-ref.html
   */
  public metricReplicationFailures(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ReplicationFailures', props);
  }

  /**
   * The number of failures the replicator is experiencing.
   *
   * AWS's metrics table, row `ReplicatorFailure`: dimension `ReplicatorName`, unit Count, statistic Sum.
   *
   * @see https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-metrics-ref.html
   */
  public metricReplicatorFailure(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ReplicatorFailure', props);
  }

  /**
   * The number of connections to one cluster that failed authentication (not topic-level authorization
   * errors: AWS's note above the table).
   *
   * AWS's metrics table, row `AuthError`: dimensions `ReplicatorName, ClusterAlias`, unit Count, statistic Sum.
   *
   * @see https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-metrics-ref.html
   */
  public metricAuthError(side: ReplicatorClusterSide, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricForCluster('AuthError', side, props);
  }

  /**
   * The time requests of the replicator were throttled by the brokers of one cluster.
   *
   * AWS's metrics table, row `ThrottleTime`: dimensions `ReplicatorName, ClusterAlias`, unit Milliseconds,
   * statistic Maximum.
   *
   * @see https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-metrics-ref.html
   */
  public metricThrottleTime(side: ReplicatorClusterSide, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricForCluster('ThrottleTime', side, props);
  }

  /**
   * The health of the replicator's connection to one cluster: 1 healthy; 0 or no datapoint unhealthy.
   *
   * AWS's metrics table, row `KafkaClusterPingSuccessCount`: dimensions `ReplicatorName, ClusterAlias`, unit
   * Count, statistic Sum.
   *
   * @see https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-metrics-ref.html
   */
  public metricKafkaClusterPingSuccessCount(side: ReplicatorClusterSide, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricForCluster('KafkaClusterPingSuccessCount', side, props);
  }

  /**
   * The number of consumer groups being synchronised.
   *
   * AWS's metrics table, row `ConsumerGroupCount`: dimension `ReplicatorName`, unit Count, statistic Sum.
   *
   * @see https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-metrics-ref.html
   */
  public metricConsumerGroupCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ConsumerGroupCount', props);
  }

  /**
   * The number of failed consumer group offset synchronisations; 0 when healthy.
   *
   * AWS's metrics table, row `ConsumerGroupOffsetSyncFailure`: dimension `ReplicatorName`, unit Count,
   * statistic Sum.
   *
   * @see https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-metrics-ref.html
   */
  public metricConsumerGroupOffsetSyncFailure(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ConsumerGroupOffsetSyncFailure', props);
  }

  /**
   * Creates the alarms AWS's replicator documentation points at, as children of this replicator (construct
   * id `RecommendedAlarms`): `ReplicatorFailure` and `ReplicationFailures` above 0, `AuthError` above 0 and
   * `KafkaClusterPingSuccessCount` below 1 (missing data breaching) for each cluster, `MessageLag` and
   * `ReplicationLatency` above their thresholds, and `ConsumerGroupOffsetSyncFailure` above 0. Thresholds,
   * periods and the action are options; `cloudwatch.Alarm` objects are returned for further wiring.
   */
  public addRecommendedAlarms(options: RecommendedAlarmsOptions = {}): cloudwatch.Alarm[] {
    return createRecommendedAlarms(this, this, options);
  }
}

/**
 * Attributes of an existing replicator.
 */
export interface MskReplicatorAttributes {
  /**
   * The ARN of the replicator: `arn:<partition>:kafka:<region>:<account>:replicator/<name>/<uuid>`.
   */
  readonly replicatorArn: string;

  /**
   * The service execution role of the replicator.
   *
   * @default - unknown: `role` is undefined and grants to the replicator's principal do nothing
   */
  readonly role?: iam.IRole;

  /**
   * The alias MSK gave the source cluster (DescribeReplicator `ReplicationInfoList[0].SourceKafkaClusterAlias`):
   * the `ClusterAlias` dimension of the source side's per-cluster metrics.
   *
   * @default - unknown: the source side's per-cluster metrics and alarms cannot be created
   */
  readonly sourceClusterAlias?: string;

  /**
   * The alias MSK gave the target cluster (DescribeReplicator `ReplicationInfoList[0].TargetKafkaClusterAlias`):
   * the `ClusterAlias` dimension of the target side's per-cluster metrics.
   *
   * @default - unknown: the target side's per-cluster metrics and alarms cannot be created
   */
  readonly targetClusterAlias?: string;
}

/**
 * Properties of an `MskReplicator`.
 */
export interface MskReplicatorProps {
  /**
   * The name of the replicator: unique per account and Region, at most 128 characters, matching
   * `^[0-9A-Za-z][0-9A-Za-z-]*$`.
   *
   * A fixed name must change whenever a change requires a new replicator (the new one is created before the
   * old one is deleted); the update fails before any change otherwise.
   *
   * @default - a unique name derived from the construct path, regenerated on replacement
   */
  readonly replicatorName?: string;

  /**
   * A description, at most 1024 characters. Changing it replaces the replicator.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * The cluster to replicate from.
   */
  readonly source: ReplicatorCluster;

  /**
   * The cluster to replicate to: an MSK cluster in the stack's Region (the replicator lives there).
   */
  readonly target: ReplicatorCluster;

  /**
   * Which topics to replicate, and how.
   *
   * @default - all topics, copying configurations and ACLs, detecting new topics, from the latest offset,
   * with target topics prefixed by the source cluster alias
   */
  readonly topicReplication?: TopicReplicationOptions;

  /**
   * Which consumer groups to replicate, and how.
   *
   * @default - all consumer groups, with offset synchronisation (LEGACY) and detection of new groups
   */
  readonly consumerGroupReplication?: ConsumerGroupReplicationOptions;

  /**
   * Compression of the records written to the target. Changing it replaces the replicator.
   *
   * @default TargetCompressionType.NONE
   */
  readonly targetCompressionType?: TargetCompressionType;

  /**
   * The service execution role: assumed by MSK (`kafka.amazonaws.com`) to read from the source and write to
   * the target. A role you supply gets nothing added except what you grant (see
   * `ReplicatorCluster.grantReplicationSource` / `grantReplicationTarget`).
   *
   * @default - a role trusted by `kafka.amazonaws.com` (for this account only) with access scoped to the two clusters
   */
  readonly role?: iam.IRole;

  /**
   * Where the replicator delivers its logs. Changeable in place.
   *
   * @default - no log delivery
   */
  readonly logDelivery?: ReplicatorLogDelivery;

  /**
   * Tags of the replicator. `Tags.of(replicator).add()` works too. Changeable in place. Keys starting with
   * `cdk-msk-replicator:` (the handler's own) or `aws:` (reserved by AWS) are refused.
   *
   * @default - no tags
   */
  readonly tags?: { [key: string]: string };

  /**
   * What happens to the replicator when it is removed from the stack or the stack is deleted.
   * `RETAIN` leaves it running (and no longer managed).
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Whether a deployment waits until a new replicator is RUNNING (which takes up to about 30 minutes). When
   * false, the deployment completes once MSK accepted the replicator (CREATING), and a failure of the
   * creation is not reported by CloudFormation.
   *
   * @default true
   */
  readonly waitForRunning?: boolean;

  /**
   * How long a create or an update waits for the replicator to reach the desired state (RUNNING) before it fails.
   * A shorter timeout fails faster when something is wrong; creation normally takes up to about 30 minutes. On a
   * timeout the replicator is left as it is and CloudFormation rolls back. Deletes (a stack delete, and the rollback
   * and cleanup Deletes of a failed deployment) are not bounded by it: they wait, up to the provider's total, until
   * the replicator is gone, so that a replicator CloudFormation forgets is never left running. At most 50 minutes,
   * the provider's total, which fits CloudFormation's one-hour limit for a custom resource.
   *
   * @default Duration.minutes(50)
   */
  readonly timeout?: Duration;

  /**
   * Whether every deployment reconciles the live replicator with the template, even when the replicator's
   * properties did not change. Costs one DescribeReplicator per deployment and shows a change in every
   * `cdk diff`.
   *
   * @default false - the replicator is reconciled only when its properties change
   */
  readonly reconcileOnEveryDeployment?: boolean;

  /**
   * Whether a change that needs a new replicator (a change of `replicatorName`, `description`, `role`, `source`,
   * `target`, `targetCompressionType`, `topicReplication.startingPosition`, `topicReplication.topicNameConfiguration`
   * or `consumerGroupReplication.offsetSyncMode`) fails the deployment, before anything is created, instead of
   * replacing the replicator. A new replicator copies again from its starting position (with `EARLIEST`, every
   * retained record again: duplicates in the target topics) and starts consumer group offset synchronisation over.
   * To replace it anyway, deploy that change once with `false`, then set it back. `cdk-msk-replicator plan` shows a
   * protected replacement as refused before you deploy.
   *
   * @default true
   */
  readonly replacementProtection?: boolean;

  /**
   * Whether the first deployment takes over the existing replicator named `replicatorName` instead of creating one:
   * nothing is copied again. The replicator must match the template in everything that cannot change in place
   * (clusters, network, `role`, `description`, `targetCompressionType`, starting position, topic name configuration,
   * offset sync mode); otherwise the deployment fails, naming every difference, and changes nothing. Topics, consumer
   * groups, log delivery and tags are then brought to the template in place. If that first deployment fails, the
   * replicator is given back as it was found. From then on it is managed like a replicator this construct created:
   * `removalPolicy` applies to it (DESTROY deletes it with the stack, RETAIN keeps it). A replicator another
   * `MskReplicator` manages is refused. `cdk-msk-replicator plan` shows what the adoption will do.
   *
   * Only the resource's creation adopts: leaving it `true` afterwards, or removing it, changes nothing.
   *
   * @default false - a new replicator is created
   */
  readonly adoptExisting?: boolean;

  /**
   * Retention and removal of the log groups of the provider that the stack's replicators share (its two handler
   * functions, the custom-resources Provider framework's functions and its waiter). Set it on one replicator of the
   * stack, or on several with the same values: it applies to the stack's provider, whichever replicator sets it.
   *
   * @default - logs kept one year, and deleted with the stack
   */
  readonly providerLogs?: ReplicatorProviderLogOptions;
}

/**
 * An Amazon MSK Replicator, managed through a `Custom::MskReplicator` resource backed by a stack-singleton
 * provider.
 *
 * @resource Custom::MskReplicator
 */
export class MskReplicator extends MskReplicatorBase implements ITaggable {
  /**
   * Imports a replicator by ARN.
   */
  public static fromReplicatorArn(scope: Construct, id: string, replicatorArn: string): IMskReplicator {
    return MskReplicator.fromReplicatorAttributes(scope, id, { replicatorArn });
  }

  /**
   * Imports a replicator by its attributes.
   */
  public static fromReplicatorAttributes(scope: Construct, id: string, attrs: MskReplicatorAttributes): IMskReplicator {
    withScope(scope, () => validateReplicatorArn(attrs.replicatorArn));
    // arn:<partition>:kafka:<region>:<account>:replicator/<name>/<uuid>: the name is the first part of the resource name
    const arnComponents = Stack.of(scope).splitArn(attrs.replicatorArn, ArnFormat.SLASH_RESOURCE_NAME);
    class Import extends MskReplicatorBase {
      public readonly replicatorArn = attrs.replicatorArn;
      public readonly replicatorName = Token.isUnresolved(attrs.replicatorArn)
        ? arnComponents.resourceName!
        : arnComponents.resourceName!.split('/')[0];
      public readonly grantPrincipal: iam.IPrincipal = attrs.role ?? new iam.UnknownPrincipal({ resource: this });
      public _clusterAlias(side: ReplicatorClusterSide): string | undefined {
        return side === ReplicatorClusterSide.SOURCE ? attrs.sourceClusterAlias : attrs.targetClusterAlias;
      }
    }
    return new Import(scope, id, { environmentFromArn: attrs.replicatorArn });
  }

  /**
   * The ARN of the replicator.
   *
   * @attribute
   */
  public readonly replicatorArn: string;

  /**
   * The name of the replicator.
   *
   * @attribute
   */
  public readonly replicatorName: string;

  /**
   * The replicator's current version, which changes on every update.
   *
   * @attribute
   */
  public readonly currentVersion: string;

  /**
   * The alias MSK gave the source cluster (DescribeReplicator `SourceKafkaClusterAlias`): the `ClusterAlias`
   * dimension of the source side's per-cluster metrics.
   *
   * @attribute
   */
  public readonly sourceClusterAlias: string;

  /**
   * The alias MSK gave the target cluster (DescribeReplicator `TargetKafkaClusterAlias`): the `ClusterAlias`
   * dimension of the target side's per-cluster metrics.
   *
   * @attribute
   */
  public readonly targetClusterAlias: string;

  /**
   * The service execution role.
   */
  public readonly role: iam.IRole;

  /**
   * The principal that replicates: the service execution role.
   */
  public readonly grantPrincipal: iam.IPrincipal;

  /**
   * Tags of the replicator (`Tags.of()` reaches them).
   */
  public readonly tags: TagManager;

  /**
   * The security groups of the replicator's network interfaces on the source side (none for a source in another
   * Region: MSK reaches it through multi-VPC private connectivity).
   */
  public readonly sourceConnections: ec2.Connections;

  /**
   * The security groups of the replicator's network interfaces on the target side.
   */
  public readonly targetConnections: ec2.Connections;

  /** The user's fixed name, for the synth-time uniqueness check. */
  private readonly fixedName?: string;

  /** Whether the source is in another Region (it then has no security groups). */
  private readonly crossRegionSource: boolean;

  constructor(scope: Construct, id: string, props: MskReplicatorProps) {
    super(scope, id, { physicalName: props.replicatorName });
    this.fixedName = props.replicatorName;
    const topics = props.topicReplication ?? {};
    const groups = props.consumerGroupReplication ?? {};
    withScope(this, () => this.validateProps(props));
    const { source, target, crossRegionSource } = withScope(this, () => this.bindNetwork(props));
    this.crossRegionSource = crossRegionSource;
    const logDelivery = props.logDelivery;

    this.sourceConnections = new ec2.Connections({ securityGroups: source.securityGroups, defaultPort: ec2.Port.tcp(9098) });
    this.targetConnections = new ec2.Connections({ securityGroups: target.securityGroups, defaultPort: ec2.Port.tcp(9098) });
    this.role = props.role ?? this.createServiceExecutionRole(props);
    this.grantPrincipal = this.role;
    this.tags = new TagManager(TagType.MAP, 'Custom::MskReplicator', props.tags);

    const provider = ReplicatorProvider.getOrCreate(this);
    if (props.providerLogs !== undefined) provider.configureLogs(props.providerLogs, this);
    const namePrefix = props.replicatorName === undefined
      ? Names.uniqueResourceName(this, { maxLength: 100, separator: '-', allowedSpecialCharacters: '-' }).replace(/^[^0-9A-Za-z]+/, '')
      : undefined;
    const properties: ReplicatorProperties = {
      ReplicatorName: props.replicatorName,
      ReplicatorNamePrefix: namePrefix,
      Description: props.description,
      ServiceExecutionRoleArn: this.role.roleArn,
      Source: source.spec,
      Target: target.spec,
      TopicReplication: {
        TopicsToReplicate: topics.topicsToReplicate ?? ['.*'],
        TopicsToExclude: topics.topicsToExclude ?? [],
        CopyTopicConfigurations: topics.copyTopicConfigurations ?? true,
        CopyAccessControlListsForTopics: topics.copyAccessControlListsForTopics ?? true,
        DetectAndCopyNewTopics: topics.detectAndCopyNewTopics ?? true,
        StartingPosition: topics.startingPosition ?? StartingPosition.LATEST,
        TopicNameConfiguration: topics.topicNameConfiguration ?? TopicNameConfiguration.PREFIXED_WITH_SOURCE_CLUSTER_ALIAS,
      },
      ConsumerGroupReplication: {
        ConsumerGroupsToReplicate: groups.consumerGroupsToReplicate ?? ['.*'],
        ConsumerGroupsToExclude: groups.consumerGroupsToExclude ?? [],
        SynchroniseConsumerGroupOffsets: groups.synchroniseConsumerGroupOffsets ?? true,
        DetectAndCopyNewConsumerGroups: groups.detectAndCopyNewConsumerGroups ?? true,
        OffsetSyncMode: groups.offsetSyncMode ?? ConsumerGroupOffsetSyncMode.LEGACY,
      },
      TargetCompressionType: props.targetCompressionType ?? TargetCompressionType.NONE,
      LogDelivery: logDelivery && {
        CloudWatchLogGroup: logDelivery.cloudWatchLogGroup?.logGroupName,
        FirehoseDeliveryStream: logDelivery.firehoseDeliveryStream?.deliveryStreamName,
        S3Bucket: logDelivery.s3Bucket?.bucketName,
        S3Prefix: logDelivery.s3Prefix,
      },
      Tags: Lazy.any({ produce: () => this.tags.renderTags() }) as unknown as Record<string, string>,
      DeletionBehaviour: props.removalPolicy === RemovalPolicy.RETAIN ? 'retain' : 'destroy',
      WaitForRunning: props.waitForRunning ?? true,
      TimeoutSeconds: props.timeout?.toSeconds(),
      // A value that differs on every synth makes CloudFormation call the handler on every deployment.
      ReconcileNonce: props.reconcileOnEveryDeployment ? new Date().toISOString() : undefined,
      ReplacementProtection: props.replacementProtection ?? true,
      AdoptExisting: props.adoptExisting ? true : undefined,
    };

    withScope(this, () => validateSchemaConstraints(properties, props.tags ?? {}));
    const reserved = reservedTagViolations(props.tags ?? {});
    if (reserved.length > 0) throw validationError(this, reserved[0]);
    // Tags.of() adds tags after construction: their schema limits and reserved keys are checked on the final tags at synth.
    this.node.addValidation({
      validate: () => {
        const tags = this.tags.renderTags() ?? {};
        return [...tagViolations(tags), ...reservedTagViolations(tags)];
      },
    });

    provider.handlerPolicies.register({
      serviceExecutionRoleArn: this.role.roleArn,
      // Each side's own Region (the source Region for a cross-Region source; undefined: the stack's) and VPC.
      network: [source, target].map((side) => ({
        region: side.region !== undefined && side.region !== Stack.of(this).region ? side.region : undefined,
        vpcId: side.vpcId,
        subnetIds: side.spec.SubnetIds,
        securityGroupIds: side.spec.SecurityGroupIds,
      })),
    });
    // Present only while log delivery is set: see HandlerPolicies.logDeliveryPolicy.
    const logDeliveryPolicy = logDelivery && provider.handlerPolicies.logDeliveryPolicy(this, 'LogDeliveryPolicy', logDelivery);

    const resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::MskReplicator',
      properties: properties as unknown as Record<string, unknown>,
      // The provider's own timeout governs; CloudFormation's must not cut it short (see ReplicatorProvider.TOTAL_TIMEOUT).
      serviceTimeout: ReplicatorProvider.SERVICE_TIMEOUT,
    });
    // The handler runs with these permissions: CloudFormation must create or update them before the replicator,
    // and delete a removed one only after the replicator's own update or deletion.
    resource.node.addDependency(provider.handlerPolicies.onEventPolicy, provider.handlerPolicies.isCompletePolicy);
    if (logDeliveryPolicy) resource.node.addDependency(logDeliveryPolicy);
    // The service execution role and its policies must exist before MSK is asked to assume it. The role itself is
    // ordered by the GetAtt of its ARN in the properties; a DependsOn on it would only repeat that (cfn-lint W3005),
    // so the resource depends on the role's other resources: its policies.
    const roleResource = this.role.node.defaultChild;
    resource.node.addDependency(...this.role.node.findAll().filter((c) => c instanceof CfnResource && c !== roleResource));

    this.replicatorArn = resource.getAttString(ATTR_REPLICATOR_ARN);
    this.replicatorName = resource.getAttString(ATTR_REPLICATOR_NAME);
    this.currentVersion = resource.getAttString(ATTR_CURRENT_VERSION);
    this.sourceClusterAlias = resource.getAttString(ATTR_SOURCE_CLUSTER_ALIAS);
    this.targetClusterAlias = resource.getAttString(ATTR_TARGET_CLUSTER_ALIAS);
  }

  /** @internal */
  public _clusterAlias(side: ReplicatorClusterSide): string {
    return side === ReplicatorClusterSide.SOURCE ? this.sourceClusterAlias : this.targetClusterAlias;
  }

  /**
   * Allows the replicator's source-side network interfaces into a security group of the source cluster's
   * brokers, on `port` (9098: IAM authentication on MSK). Same Region only: a source in another Region has no
   * replicator security group, and this throws.
   */
  public allowSourceClusterAccess(clusterSecurityGroup: ec2.ISecurityGroup, port?: ec2.Port): void {
    if (this.crossRegionSource) {
      throw validationError(this, '`allowSourceClusterAccess()` cannot be used with a source in another Region: it has no '
        + 'replicator security group to allow, MSK reaches it through the source cluster\'s multi-VPC private connectivity '
        + '(see ReplicatorSourceClusterPolicy)');
    }
    clusterSecurityGroup.connections.allowFrom(this.sourceConnections, port ?? ec2.Port.tcp(9098),
      'MSK Replicator (source side)');
  }

  /**
   * Allows the replicator's target-side network interfaces into a security group of the target cluster's
   * brokers, on `port` (9098: IAM authentication on MSK).
   */
  public allowTargetClusterAccess(clusterSecurityGroup: ec2.ISecurityGroup, port?: ec2.Port): void {
    clusterSecurityGroup.connections.allowFrom(this.targetConnections, port ?? ec2.Port.tcp(9098),
      'MSK Replicator (target side)');
  }

  /**
   * Adds a statement to the service execution role's policy (when the role is one this library created,
   * or a mutable role you supplied).
   */
  public addToRolePolicy(statement: iam.PolicyStatement): void {
    this.role.addToPrincipalPolicy(statement);
  }

  /**
   * Binds both clusters' networks. A source whose Region (from its ARN, else its VPC) differs from the replicator's
   * is cross-Region: subnets of its own Region, no security group (MSK developer guide, "Network requirements":
   * https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-network-reqs.html). Same Region: a
   * security group per side, the subnets of both sides in shared Availability Zones.
   */
  private bindNetwork(props: MskReplicatorProps) {
    const stackRegion = Stack.of(this).region;
    if (props.source.clusterArn !== undefined) validateClusterArn('source.clusterArn', props.source.clusterArn, stackRegion);
    validateClusterArn('target.clusterArn', props.target.clusterArn!, stackRegion);
    const replicatorRegion = parseClusterArn(props.target.clusterArn!)?.region
      ?? (Token.isUnresolved(stackRegion) ? undefined : stackRegion);
    const sourceRegion = props.source._placement().region;
    const crossRegionSource = props.source.clusterArn !== undefined && sourceRegion !== undefined
      && replicatorRegion !== undefined && sourceRegion !== replicatorRegion;
    const source = props.source._bind(this, 'Source', { replicatorRegion, crossRegion: crossRegionSource, securityGroup: securityGroupFactory(this, 'Source') });
    const target = props.target._bind(this, 'Target', { replicatorRegion, crossRegion: false, securityGroup: securityGroupFactory(this, 'Target') });
    reportAll(
      () => validateSubnets('source', source.spec.SubnetIds),
      () => validateSubnets('target', target.spec.SubnetIds),
      () => { if (!crossRegionSource) validateSecurityGroupCount('source', source.spec.SecurityGroupIds); },
      () => validateSecurityGroupCount('target', target.spec.SecurityGroupIds),
    );
    if (source.region !== undefined && source.region === replicatorRegion) {
      validateSharedAvailabilityZones(source.availabilityZones, target.availabilityZones);
    }
    if (crossRegionSource) {
      linkSourceClusterPolicy(this, { clusterArn: props.source.clusterArn!, region: sourceRegion!, replicatorRegion: replicatorRegion! });
    }
    return { source, target, crossRegionSource };
  }

  /**
   * The synth-time checks that need no bound cluster: each throws naming the prop, the rule and the value.
   */
  private validateProps(props: MskReplicatorProps): void {
    const topics = props.topicReplication ?? {};
    const groups = props.consumerGroupReplication ?? {};
    validateReplicatorName(props.replicatorName);
    this.validateUniqueName(props.replicatorName);
    validateDescription(props.description);
    validatePatterns('topicReplication.topicsToReplicate', topics.topicsToReplicate, 249, true);
    validatePatterns('topicReplication.topicsToExclude', topics.topicsToExclude, 249, false);
    validatePatterns('consumerGroupReplication.consumerGroupsToReplicate', groups.consumerGroupsToReplicate, 256, false);
    validatePatterns('consumerGroupReplication.consumerGroupsToExclude', groups.consumerGroupsToExclude, 256, false);
    validateOffsetSyncMode(groups.offsetSyncMode, topics.topicNameConfiguration);
    validateDistinctClusters(props.source.clusterArn, props.target.clusterArn);
    validateTimeout(props.timeout, ReplicatorProvider.QUERY_INTERVAL, ReplicatorProvider.TOTAL_TIMEOUT);
    if (props.adoptExisting && props.replicatorName === undefined) {
      throw new PropError('`adoptExisting` needs `replicatorName`: the replicator to adopt is found by its name');
    }
    if (props.adoptExisting && props.role === undefined) {
      throw new PropError('`adoptExisting` needs `role`: a replicator keeps its service execution role (it cannot change '
        + 'in place), so pass the role it has, for example with iam.Role.fromRoleArn');
    }
    if (props.target.clusterArn === undefined) {
      throw new PropError('`target` must be an Amazon MSK cluster (ReplicatorCluster.fromMskCluster)');
    }
    validateTargetRegion(Stack.of(this).region, parseClusterArn(props.target.clusterArn)?.region, props.target.clusterArn);
    const logDelivery = props.logDelivery;
    validateLogDelivery(logDelivery && {
      cloudWatch: logDelivery.cloudWatchLogGroup !== undefined,
      firehose: logDelivery.firehoseDeliveryStream !== undefined,
      s3: logDelivery.s3Bucket !== undefined,
      s3Prefix: logDelivery.s3Prefix,
    });
  }

  /**
   * Two replicators with the same fixed name in one account and Region cannot both exist: fail at synth. When
   * a stack's account or Region is unknown, replicators are compared within that stack only.
   */
  private validateUniqueName(name: string | undefined): void {
    if (name === undefined || Token.isUnresolved(name)) return;
    const envKey = (stack: Stack) => (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)
      ? `stack:${stack.node.path}` : `${stack.account}/${stack.region}`);
    const mine = envKey(Stack.of(this));
    const clash = this.node.root.node.findAll().find((c) => c !== this && c instanceof MskReplicator
      && c.fixedName === name && envKey(Stack.of(c)) === mine);
    if (clash !== undefined) {
      throw validationError(this, `\`replicatorName\` must be unique per account and Region: "${name}" is already used by `
        + `${clash.node.path}`);
    }
  }

  private createServiceExecutionRole(props: MskReplicatorProps): iam.IRole {
    const role = new iam.Role(this, 'ServiceExecutionRole', {
      description: 'Service execution role of an MSK Replicator',
      assumedBy: new iam.ServicePrincipal('kafka.amazonaws.com', {
        // Confused-deputy protection: only replicators of this account may assume it.
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    });
    props.source.grantReplicationSource(role);
    props.target.grantReplicationTarget(role);
    acknowledgeServiceExecutionRole(role, [props.source.clusterArn, props.target.clusterArn]);
    // A change of cluster must not take the old clusters' grants from the replicator in service before the cleanup.
    makeDefaultPolicyImmutable(role);
    return role;
  }
}
