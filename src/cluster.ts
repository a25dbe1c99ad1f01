import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { KafkaClusterAuthentication } from './authentication';
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

/** The broker port of MSK clusters with IAM access control. */
const MSK_IAM_PORT = 9098;

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
 * A self-managed Apache Kafka cluster used as the source of a replicator (a replicator's target must be MSK).
 */
export interface ApacheKafkaClusterOptions {
  /**
   * The cluster id of the Apache Kafka cluster (for example as shown by `kafka-cluster.sh cluster-id`).
   * The replicator addresses the cluster by this id in its replication info.
   */
  readonly clusterId: string;

  /**
   * The bootstrap brokers, as `host:port` pairs separated by commas.
   */
  readonly bootstrapBrokers: string;

  /**
   * The VPC from which the replicator reaches the brokers (connected to them by peering, Transit Gateway,
   * VPN or Direct Connect when they are not in it).
   */
  readonly vpc: ec2.IVpc;

  /**
   * The subnets where the replicator places its network interfaces (2 or 3).
   *
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups for the replicator's network interfaces (1 to 16).
   *
   * @default - a security group is created that allows outbound TCP to the ports of `bootstrapBrokers`
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * How the replicator authenticates to the brokers.
   *
   * @default - no client authentication
   */
  readonly authentication?: KafkaClusterAuthentication;

  /**
   * Whether the connection to the brokers is encrypted with TLS.
   *
   * @default true
   */
  readonly encryptionInTransit?: boolean;

  /**
   * A secret holding the root CA certificate (PEM) that signed the brokers' certificates, when it is not a
   * public CA. Requires `encryptionInTransit`.
   *
   * @default - the brokers' certificates are verified against public CAs
   */
  readonly rootCaCertificate?: secretsmanager.ISecret;
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
   * A self-managed Apache Kafka cluster, as a source only.
   */
  public static fromApacheKafkaCluster(options: ApacheKafkaClusterOptions): ReplicatorCluster {
    return new ApacheKafkaReplicatorCluster(options);
  }

  /**
   * The ARN of the MSK cluster, or undefined for a self-managed Apache Kafka cluster.
   */
  public abstract readonly clusterArn?: string;

  /**
   * The cluster id of a self-managed Apache Kafka cluster, or undefined for an MSK cluster.
   */
  public abstract readonly clusterId?: string;

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

/**
 * The replicator's network interfaces on one side: the selected subnets, and the given security groups or
 * one created with egress only to `egressPeer` on `ports`.
 */
function bindNetwork(
  scope: Construct,
  side: 'Source' | 'Target',
  options: { vpc: ec2.IVpc; vpcSubnets?: ec2.SubnetSelection; securityGroups?: ec2.ISecurityGroup[] },
  egressPeer: ec2.IPeer,
  ports: ec2.Port[],
) {
  const subnets = options.vpc.selectSubnets(options.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
  let securityGroups = options.securityGroups;
  if (securityGroups === undefined) {
    const group = new ec2.SecurityGroup(scope, `${side}SecurityGroup`, {
      vpc: options.vpc,
      description: `MSK Replicator network interfaces (${side.toLowerCase()} side)`,
      allowAllOutbound: false,
    });
    for (const port of ports) group.addEgressRule(egressPeer, port, 'Kafka brokers');
    securityGroups = [group];
  }
  return { subnets, securityGroups };
}

class MskReplicatorCluster extends ReplicatorCluster {
  public readonly clusterArn: string;
  public readonly clusterId = undefined;

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
    // IAM-authenticated MSK brokers listen on 9098 inside the cluster's VPC.
    const { subnets, securityGroups } = bindNetwork(scope, side, this.options,
      ec2.Peer.ipv4(this.options.vpc.vpcCidrBlock), [ec2.Port.tcp(MSK_IAM_PORT)]);
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

/** The distinct ports of a resolved `host:port,host:port` bootstrap broker string. */
function brokerPorts(bootstrapBrokers: string): number[] | undefined {
  if (Token.isUnresolved(bootstrapBrokers)) return undefined;
  const ports = bootstrapBrokers.split(',').map((b) => Number(b.trim().split(':').pop()));
  return ports.every((p) => Number.isInteger(p) && p > 0 && p < 65536) ? [...new Set(ports)].sort((a, b) => a - b) : undefined;
}

class ApacheKafkaReplicatorCluster extends ReplicatorCluster {
  public readonly clusterArn = undefined;
  public readonly clusterId: string;

  constructor(private readonly options: ApacheKafkaClusterOptions) {
    super();
    this.clusterId = options.clusterId;
    if (options.rootCaCertificate !== undefined && options.encryptionInTransit === false) {
      throw new Error('`rootCaCertificate` requires `encryptionInTransit` (TLS) on the Apache Kafka cluster '
        + `${options.clusterId}, but encryptionInTransit is false`);
    }
  }

  /**
   * A self-managed cluster is authorised by its own ACLs: the role only needs the credentials.
   * Grants `secretsmanager:GetSecretValue` and `DescribeSecret` on the authentication and root CA secrets,
   * and `kms:Decrypt` on their customer managed keys.
   */
  public grantReplicationSource(grantee: iam.IGrantable): iam.Grant {
    const secrets = [this.options.authentication?.secret, this.options.rootCaCertificate]
      .filter((secret): secret is secretsmanager.ISecret => secret !== undefined);
    if (secrets.length === 0) return iam.Grant.drop(grantee, 'a self-managed cluster without secrets needs no IAM permission');
    return secrets.map((secret) => secret.grantRead(grantee)).reduce((a, b) => a.combine(b));
  }

  public grantReplicationTarget(_grantee: iam.IGrantable): iam.Grant {
    throw new Error(`A replicator's target must be an Amazon MSK cluster; ${this.clusterId} is a self-managed Apache Kafka cluster`);
  }

  public _bind(scope: Construct, side: 'Source' | 'Target'): ReplicatorClusterConfig {
    const ports = brokerPorts(this.options.bootstrapBrokers);
    if (ports === undefined && this.options.securityGroups === undefined) {
      throw new Error(`\`securityGroups\` is required for the Apache Kafka cluster ${this.clusterId}: the broker ports `
        + `cannot be read from \`bootstrapBrokers\` (${this.options.bootstrapBrokers}) to create one`);
    }
    // Self-managed brokers may sit outside the VPC (on premises, peered): allow their ports only, to any address.
    const { subnets, securityGroups } = bindNetwork(scope, side, this.options, ec2.Peer.anyIpv4(),
      (ports ?? []).map((port) => ec2.Port.tcp(port)));
    const auth = this.options.authentication;
    const tls = this.options.encryptionInTransit ?? true;
    return {
      securityGroups,
      subnets,
      spec: {
        ApacheKafkaClusterId: this.clusterId,
        BootstrapBrokerString: this.options.bootstrapBrokers,
        SubnetIds: subnets.subnetIds,
        SecurityGroupIds: securityGroups.map((g) => g.securityGroupId),
        SaslScramMechanism: auth?.mechanism,
        SaslScramSecretArn: auth?.mechanism !== undefined ? auth.secret.secretArn : undefined,
        MtlsSecretArn: auth !== undefined && auth.mechanism === undefined ? auth.secret.secretArn : undefined,
        TlsEncryption: tls,
        RootCaCertificate: this.options.rootCaCertificate?.secretArn,
      },
    };
  }
}
