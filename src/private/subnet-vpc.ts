import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';

/** Whether a construct is a VPC (an `ec2.IVpc`: a `vpcId` and subnet selection). */
function isVpc(c: IConstruct): c is ec2.IVpc {
  return typeof (c as Partial<ec2.IVpc>).vpcId === 'string' && typeof (c as Partial<ec2.IVpc>).selectSubnets === 'function';
}

/**
 * The id of the VPC that owns all of `subnets`, when the construct tree tells: the subnets of an `ec2.Vpc` and of
 * `Vpc.fromLookup` / `Vpc.fromVpcAttributes` are children of their VPC construct. Undefined when they are not (a
 * `Subnet.fromSubnetId`), or when they belong to different VPCs: the caller then grants per subnet.
 *
 * Interim: once each bound cluster side carries its VPC id, that is the better source.
 */
export function vpcIdOfSubnets(subnets: ec2.ISubnet[]): string | undefined {
  const owners = new Set<string>();
  for (const subnet of subnets) {
    const vpc = subnet.node.scopes.slice().reverse().find(isVpc);
    if (vpc === undefined) return undefined;
    owners.add(vpc.vpcId);
  }
  return owners.size === 1 ? [...owners][0] : undefined;
}
