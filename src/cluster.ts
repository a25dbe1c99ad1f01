import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { KafkaClusterAuthentication } from './authentication';
import { clusterChildArn, parseClusterArn, regionOfReferencedResource } from './private/cluster-arns';
import { ClusterBindContext, ClusterPlacement, ReplicatorClusterConfig } from './private/cluster-config';
import { unscopedValidationError } from './private/errors';
import { PropError } from './private/prop-error';
import { renderValue } from './private/render-value';
import { allowEgressToMskCluster, selectReplicatorSubnets } from './private/replicator-network';
import { allBrokenRules, brokenRules } from './private/validate';
import { validateNoCrossRegionSourceSecurityGroups, validateResourceRegion, validateSubnets } from './private/validate-network';

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
 *
 * Where the replicator's network interfaces go depends on the Regions (MSK developer guide, "Network requirements":
 * https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-network-reqs.html):
 * - same Region: subnets of the cluster's VPC that share Availability Zones with the other side, and security groups
 *   that reach the cluster's brokers on 9098;
 * - a SOURCE in another Region than the replicator: subnets of the SOURCE Region (give `vpc` imported with its
 *   `region`, or `subnetIds`) and no security group; the source cluster needs multi-VPC private connectivity with IAM
 *   and a cluster policy (see `ReplicatorSourceClusterPolicy`).
 */
export interface MskClusterOptions {
  /**
   * The ARN of the MSK cluster (provisioned or serverless).
   */
  readonly clusterArn: string;

  /**
   * The VPC of the cluster, where the replicator places its network interfaces. For a source in another Region,
   * a VPC of that Region: for example `Vpc.fromVpcAttributes(this, 'SourceVpc', { region: 'eu-west-1', ... })`.
   *
   * @default - none: `subnetIds` must be given
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The ids of the subnets for the replicator's network interfaces (2 or 3), when no `vpc` is at hand, typically
   * the subnets of a source cluster in another Region. Exclusive with `vpc`.
   *
   * @default - the subnets selected from `vpc` by `vpcSubnets`
   */
  readonly subnetIds?: string[];

  /**
   * The subnets of the VPC where the replicator places its network interfaces. In the same Region as the
   * other cluster, they must share Availability Zones with it.
   *
   * @default - the VPC's private subnets, or its isolated subnets when it has no private ones
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups for the replicator's network interfaces. They must be allowed to reach the cluster's
   * brokers on port 9098 (IAM authentication). Not allowed for a source in another Region: MSK takes no
   * security group for it.
   *
   * @default - one is created for this side (each side gets its own, also when both sides are in the same VPC) with
   * egress to `clusterSecurityGroups` on TCP 9098, else to the VPC's CIDR block, else to any IPv4 address on TCP 9098
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * The security groups of the cluster's brokers. When given, they get ingress on TCP 9098 from the replicator's
   * security groups on this side, and a created security group gets its egress to them only.
   *
   * @default - the cluster's security groups are left unchanged; use `MskReplicator.allowSourceClusterAccess` /
   * `allowTargetClusterAccess` to open them
   */
  readonly clusterSecurityGroups?: ec2.ISecurityGroup[];
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
  public abstract _placement(): ClusterPlacement;

  /** @internal */
  public abstract _bind(scope: Construct, side: 'Source' | 'Target', context: ClusterBindContext): ReplicatorClusterConfig;
}

/** The Region of a resource (its stack's, or the one it was imported with), when known at synth. */
function regionOf(resource: { env: { region: string } } | undefined): string | undefined {
  return resource !== undefined && !Token.isUnresolved(resource.env.region) ? resource.env.region : undefined;
}

/** The stack's Region is required of a same-Region side's VPC and security groups. */
function validateInReplicatorRegion(prop: string, options: {
  vpc?: ec2.IVpc;
  securityGroups?: ec2.ISecurityGroup[];
  clusterSecurityGroups?: ec2.ISecurityGroup[];
}, replicatorRegion: string | undefined): void {
  const why = 'the replicator\'s Region: same-Region network interfaces are created there';
  validateResourceRegion(`${prop}.vpc`, regionOf(options.vpc), replicatorRegion, why);
  options.securityGroups?.forEach((group, i) => validateResourceRegion(`${prop}.securityGroups[${i}]`, regionOf(group), replicatorRegion, why));
  options.clusterSecurityGroups?.forEach((group, i) =>
    validateResourceRegion(`${prop}.clusterSecurityGroups[${i}]`, regionOf(group), replicatorRegion, why));
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

  public _placement(): ClusterPlacement {
    // The ARN's Region, else the Region of the stack of the resource a deploy-time ARN refers to (a cluster of the
    // app), else the VPC's: a same-stack CfnCluster is in the stack's Region whatever the VPC was imported with.
    return {
      region: parseClusterArn(this.clusterArn)?.region ?? regionOfReferencedResource(this.clusterArn) ?? regionOf(this.options.vpc),
    };
  }

  public _bind(scope: Construct, side: 'Source' | 'Target', context: ClusterBindContext): ReplicatorClusterConfig {
    const prop = side.toLowerCase();
    const { vpc, subnetIds } = this.options;
    if ((vpc === undefined) === (subnetIds === undefined)) {
      throw new PropError(`Exactly one of \`${prop}.vpc\` and \`${prop}.subnetIds\` must be given for ${renderValue(this.clusterArn)}, `
        + `got ${vpc === undefined ? 'neither' : 'both'}`);
    }
    const region = this._placement().region;
    const selected = vpc !== undefined ? selectReplicatorSubnets(vpc, this.options.vpcSubnets, `${prop}.vpcSubnets`) : undefined;
    const subnets = {
      subnetIds: selected?.subnetIds ?? subnetIds!,
      availabilityZones: selected?.availabilityZones ?? [],
      vpcId: vpc?.vpcId,
    };
    if (context.crossRegion) {
      // Cross-Region source: subnets of the source Region, no security group (the MSK "Network requirements" page).
      validateNoCrossRegionSourceSecurityGroups(`${prop}.securityGroups`, this.options.securityGroups?.length ?? 0, region!, context.replicatorRegion!);
      validateNoCrossRegionSourceSecurityGroups(`${prop}.clusterSecurityGroups`, this.options.clusterSecurityGroups?.length ?? 0,
        region!, context.replicatorRegion!);
      validateResourceRegion(`${prop}.vpc`, regionOf(vpc), region,
        'the source cluster\'s Region: a cross-Region source takes subnets of its own Region; import its VPC with `region`');
      return this.config(subnets, [], region);
    }
    validateInReplicatorRegion(prop, this.options, context.replicatorRegion);
    const port = ec2.Port.tcp(MSK_IAM_PORT);
    let securityGroups = this.options.securityGroups;
    if (securityGroups === undefined) {
      if (vpc === undefined) {
        // with the subnet count, so that both mistakes are reported at once
        throw allBrokenRules([
          ...brokenRules(() => validateSubnets(prop, subnets.subnetIds)),
          `\`${prop}.securityGroups\` is required when \`${prop}.subnetIds\` is given in the replicator's Region: `
            + 'a security group cannot be created without `vpc`',
        ]);
      }
      const group = context.securityGroup(vpc);
      allowEgressToMskCluster(scope, group, vpc, this.options.clusterSecurityGroups, port, prop);
      securityGroups = [group];
    } else {
      // The cluster's brokers must accept the replicator's groups (MSK "Network requirements").
      const replicator = new ec2.Connections({ securityGroups });
      this.options.clusterSecurityGroups?.forEach((clusterGroup) =>
        clusterGroup.connections.allowFrom(replicator, port, `MSK Replicator (${prop} side)`));
    }
    return this.config(subnets, securityGroups, region);
  }

  private config(subnets: { subnetIds: string[]; availabilityZones: string[]; vpcId?: string },
    securityGroups: ec2.ISecurityGroup[], region: string | undefined): ReplicatorClusterConfig {
    return {
      clusterArn: this.clusterArn,
      region,
      vpcId: subnets.vpcId,
      securityGroups,
      availabilityZones: subnets.availabilityZones,
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
      throw unscopedValidationError('`rootCaCertificate` requires `encryptionInTransit` (TLS) on the Apache Kafka cluster '
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
    throw unscopedValidationError('`grantReplicationTarget()` needs an Amazon MSK cluster: a replicator\'s target must be one, and '
      + `${this.clusterId} is a self-managed Apache Kafka cluster`);
  }

  public _placement(): ClusterPlacement {
    return { region: regionOf(this.options.vpc) };
  }

  public _bind(_scope: Construct, side: 'Source' | 'Target', context: ClusterBindContext): ReplicatorClusterConfig {
    const ports = brokerPorts(this.options.bootstrapBrokers);
    if (ports === undefined && this.options.securityGroups === undefined) {
      throw new PropError(`\`securityGroups\` is required for the Apache Kafka cluster ${this.clusterId}: the broker ports `
        + `cannot be read from \`bootstrapBrokers\` (${renderValue(this.options.bootstrapBrokers)}) to create one`);
    }
    const subnets = selectReplicatorSubnets(this.options.vpc, this.options.vpcSubnets, `${side.toLowerCase()}.vpcSubnets`);
    let securityGroups = this.options.securityGroups;
    if (securityGroups === undefined) {
      // Self-managed brokers may sit outside the VPC (on premises, peered): allow their ports only, to any address.
      const group = context.securityGroup(this.options.vpc);
      for (const port of ports!) group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(port), 'Kafka brokers');
      securityGroups = [group];
    }
    const auth = this.options.authentication;
    const tls = this.options.encryptionInTransit ?? true;
    return {
      region: regionOf(this.options.vpc),
      vpcId: this.options.vpc.vpcId,
      securityGroups,
      availabilityZones: subnets.availabilityZones,
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
