import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { clusterChildArn } from './private/cluster-arns';
import { ReplicatorClusterConfig } from './private/cluster-config';

/**
 * Actions the replicator needs on the SOURCE cluster: connect, read topics and their configuration, and use
 * its own consumer group there. `WriteDataIdempotently` is granted on both sides, as the service requires.
 */
const SOURCE_CLUSTER_ACTIONS = ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster', 'kafka-cluster:WriteDataIdempotently'];
const SOURCE_TOPIC_ACTIONS = ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData', 'kafka-cluster:DescribeTopicDynamicConfiguration'];
const SOURCE_GROUP_ACTIONS = ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'];

/**
 * Actions the replicator needs on the TARGET cluster: create and configure topics, write records, read its
 * own internal topics, and write translated consumer group offsets.
 */
const TARGET_CLUSTER_ACTIONS = [
  'kafka-cluster:Connect', 'kafka-cluster:DescribeCluster', 'kafka-cluster:AlterCluster', 'kafka-cluster:WriteDataIdempotently',
];
const TARGET_TOPIC_ACTIONS = [
  'kafka-cluster:DescribeTopic', 'kafka-cluster:CreateTopic', 'kafka-cluster:AlterTopic', 'kafka-cluster:WriteData',
  'kafka-cluster:ReadData', 'kafka-cluster:DescribeTopicDynamicConfiguration', 'kafka-cluster:AlterTopicDynamicConfiguration',
];
const TARGET_GROUP_ACTIONS = ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'];

/**
 * An Amazon MSK cluster used as the source or target of a replicator.
 */
export interface MskClusterOptions {
  /**
   * The ARN of the MSK cluster (provisioned or serverless).
   */
  readonly clusterArn: string;

  /**
   * The VPC of the cluster. The replicator places its network interfaces in it.
   */
  readonly vpc: ec2.IVpc;

  /**
   * The subnets of the VPC where the replicator places its network interfaces. In the same Region as the
   * other cluster, they must share Availability Zones with it.
   *
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups for the replicator's network interfaces. They must be allowed to reach the cluster's
   * brokers on port 9098 (IAM authentication).
   *
   * @default - a security group is created that allows outbound TCP 9098 to the VPC's CIDR block
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
}

/**
 * A Kafka cluster that a replicator reads from (source) or writes to (target).
 */
export abstract class ReplicatorCluster {
  /**
   * An Amazon MSK cluster, authenticated with IAM.
   */
  public static fromMskCluster(options: MskClusterOptions): ReplicatorCluster {
    return new MskReplicatorCluster(options);
  }

  /**
   * The ARN of the MSK cluster, or undefined for a self-managed Apache Kafka cluster.
   */
  public abstract readonly clusterArn?: string;

  /**
   * Grants what a replicator's service execution role needs to read from this cluster as a source:
   * `kafka-cluster:Connect`, `DescribeCluster`, `WriteDataIdempotently` on the cluster; `DescribeTopic`,
   * `ReadData`, `DescribeTopicDynamicConfiguration` on its topics; `DescribeGroup`, `AlterGroup` on its
   * consumer groups. Scoped to this cluster, never `*`.
   */
  public abstract grantReplicationSource(grantee: iam.IGrantable): iam.Grant;

  /**
   * Grants what a replicator's service execution role needs to write to this cluster as a target:
   * `kafka-cluster:Connect`, `DescribeCluster`, `AlterCluster`, `WriteDataIdempotently` on the cluster;
   * `DescribeTopic`, `CreateTopic`, `AlterTopic`, `WriteData`, `ReadData`, `DescribeTopicDynamicConfiguration`,
   * `AlterTopicDynamicConfiguration` on its topics; `DescribeGroup`, `AlterGroup` on its consumer groups.
   */
  public abstract grantReplicationTarget(grantee: iam.IGrantable): iam.Grant;

  /** @internal */
  public abstract _bind(scope: Construct, side: 'Source' | 'Target'): ReplicatorClusterConfig;
}

class MskReplicatorCluster extends ReplicatorCluster {
  public readonly clusterArn: string;

  constructor(private readonly options: MskClusterOptions) {
    super();
    this.clusterArn = options.clusterArn;
  }

  public grantReplicationSource(grantee: iam.IGrantable): iam.Grant {
    return this.grantActions(grantee, SOURCE_CLUSTER_ACTIONS, SOURCE_TOPIC_ACTIONS, SOURCE_GROUP_ACTIONS);
  }

  public grantReplicationTarget(grantee: iam.IGrantable): iam.Grant {
    return this.grantActions(grantee, TARGET_CLUSTER_ACTIONS, TARGET_TOPIC_ACTIONS, TARGET_GROUP_ACTIONS);
  }

  public _bind(scope: Construct, side: 'Source' | 'Target'): ReplicatorClusterConfig {
    const { vpc } = this.options;
    const subnets = vpc.selectSubnets(this.options.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
    let securityGroups = this.options.securityGroups;
    if (securityGroups === undefined) {
      const group = new ec2.SecurityGroup(scope, `${side}SecurityGroup`, {
        vpc,
        description: `MSK Replicator network interfaces (${side.toLowerCase()} side)`,
        allowAllOutbound: false,
      });
      group.addEgressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(9098), 'Kafka brokers, IAM authentication');
      securityGroups = [group];
    }
    return {
      clusterArn: this.clusterArn,
      securityGroups,
      subnets,
      spec: {
        MskClusterArn: this.clusterArn,
        SubnetIds: subnets.subnetIds,
        SecurityGroupIds: securityGroups.map((g) => g.securityGroupId),
      },
    };
  }

  private grantActions(grantee: iam.IGrantable, clusterActions: string[], topicActions: string[], groupActions: string[]) {
    const cluster = iam.Grant.addToPrincipal({ grantee, actions: clusterActions, resourceArns: [this.clusterArn] });
    const topics = iam.Grant.addToPrincipal({
      grantee, actions: topicActions, resourceArns: [clusterChildArn(this.clusterArn, 'topic', '*')],
    });
    const groups = iam.Grant.addToPrincipal({
      grantee, actions: groupActions, resourceArns: [clusterChildArn(this.clusterArn, 'group', '*')],
    });
    return cluster.combine(topics).combine(groups);
  }
}
