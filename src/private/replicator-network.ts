import { Annotations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { PropError } from './prop-error';
import { renderValue } from './render-value';

/**
 * The replicator's network interfaces: subnet selection and the security groups created for them.
 *
 * MSK developer guide, "Network requirements"
 * (https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-network-reqs.html): same Region, the
 * replicator's security groups need egress to the cluster's security groups on 9098 and the cluster's groups
 * ingress from them; cross-Region, the source gets no security group.
 */

/**
 * The subnets of `vpc` for the replicator: `selection` when given; by default the private subnets, else the
 * isolated ones (a VPC without NAT); a VPC with neither must be given `vpcSubnets`, named by `prop`.
 */
export function selectReplicatorSubnets(vpc: ec2.IVpc, selection: ec2.SubnetSelection | undefined, prop: string): ec2.SelectedSubnets {
  if (selection !== undefined) {
    try {
      return vpc.selectSubnets(selection);
    } catch (error) {
      throw new PropError(`\`${prop}\` selects no usable subnets of the VPC ${renderValue(vpc.vpcId)}: ${(error as Error).message}`);
    }
  }
  if (vpc.privateSubnets.length > 0) return vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
  if (vpc.isolatedSubnets.length > 0) return vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED });
  throw new PropError(`\`${prop}\` must be given: the VPC ${renderValue(vpc.vpcId)} has no private or isolated subnets to `
    + 'default to (select its subnets explicitly, for example { subnetType: SubnetType.PUBLIC })');
}

/** The VPC's CIDR block, or undefined for a VPC imported without `vpcCidrBlock` (whose getter throws). */
export function knownVpcCidr(vpc: ec2.IVpc): string | undefined {
  try {
    return vpc.vpcCidrBlock;
  } catch {
    return undefined;
  }
}

/**
 * Opens a created security group's egress to an MSK cluster on `port`: to the cluster's security groups when
 * known (and their ingress from it, which MSK also requires), else to the VPC's CIDR block, else to any IPv4
 * address on that port only (with a warning), which still works.
 */
export function allowEgressToMskCluster(
  scope: Construct,
  group: ec2.SecurityGroup,
  vpc: ec2.IVpc,
  clusterSecurityGroups: ec2.ISecurityGroup[] | undefined,
  port: ec2.Port,
  prop: string,
): void {
  if (clusterSecurityGroups !== undefined && clusterSecurityGroups.length > 0) {
    for (const clusterGroup of clusterSecurityGroups) group.connections.allowTo(clusterGroup, port, 'MSK Replicator to the cluster brokers');
    return;
  }
  const cidr = knownVpcCidr(vpc);
  if (cidr !== undefined) {
    group.addEgressRule(ec2.Peer.ipv4(cidr), port, 'Kafka brokers');
    return;
  }
  group.addEgressRule(ec2.Peer.anyIpv4(), port, 'Kafka brokers (the VPC CIDR block is unknown)');
  Annotations.of(scope).addWarningV2('cdk-msk-replicator:egressToAnyAddress',
    `The security group ${group.node.path} allows ${port.toString()} to any IPv4 address: the VPC ${renderValue(vpc.vpcId)} `
    + `was imported without vpcCidrBlock. Give \`${prop}.clusterSecurityGroups\` (or import the VPC with vpcCidrBlock) to narrow it.`);
}

/**
 * Creates a side's security group on demand, with the construct ids `SourceSecurityGroup` / `TargetSecurityGroup`
 * of the first release. Both sides keep a group of their own even when they share a VPC: one shared group would
 * change the `SecurityGroupIds` of every deployed same-VPC replicator, and a change of its VPC configuration
 * replaces a replicator (UpdateReplicationInfo cannot change it), so an upgrade of the library would replace
 * replicators that the user did not touch.
 */
export function securityGroupFactory(scope: Construct, side: 'Source' | 'Target'): (vpc: ec2.IVpc) => ec2.SecurityGroup {
  return (vpc) => new ec2.SecurityGroup(scope, `${side}SecurityGroup`, {
    vpc,
    description: `MSK Replicator network interfaces (${side.toLowerCase()} side)`,
    allowAllOutbound: false,
  });
}
