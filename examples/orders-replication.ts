import { createHash } from 'crypto';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { resolveIntrinsics, stringifyScalars } from '../local-aws/cloudformation/intrinsics';
import type { Properties } from '../local-aws/cloudformation/provider-framework';
import { MskReplicator, MskReplicatorProps, ReplicatorCluster } from '../src';

/** A disaster-recovery topology: two MSK clusters in two VPCs of us-east-1 (ARNs and ids are concrete). */
export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const SOURCE_CLUSTER_ARN = `arn:aws:kafka:${REGION}:${ACCOUNT}:cluster/orders-primary/11111111-2222-3333-4444-555555555555-1`;
export const TARGET_CLUSTER_ARN = `arn:aws:kafka:${REGION}:${ACCOUNT}:cluster/orders-dr/66666666-7777-8888-9999-000000000000-2`;

/**
 * The VPC id of the examples' VPC named by `subnetPrefix`: made up, but shaped like an EC2 id (17 hexadecimal digits), as
 * the resource schemas' `AWS::EC2::VPC.Id` format requires (cfn-lint E1151 checks it in the example templates).
 */
export function exampleVpcId(subnetPrefix: string): string {
  return `vpc-${createHash('sha256').update(subnetPrefix).digest('hex').slice(0, 17)}`;
}

export function clusterVpc(scope: Stack, id: string, cidr: string, subnetPrefix: string): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(scope, id, {
    vpcId: exampleVpcId(subnetPrefix),
    vpcCidrBlock: cidr,
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    privateSubnetIds: [`subnet-${subnetPrefix}a`, `subnet-${subnetPrefix}b`],
  });
}

/** The VPC of each subnet of the example (what EC2 would answer for the `ec2:Vpc` condition key). */
export const EXAMPLE_SUBNET_VPCS: Record<string, string> = {
  'subnet-0primarya': exampleVpcId('0primary'),
  'subnet-0primaryb': exampleVpcId('0primary'),
  'subnet-0dra': exampleVpcId('0dr'),
  'subnet-0drb': exampleVpcId('0dr'),
};

export type ReplicatorOptions = Omit<MskReplicatorProps, 'source' | 'target'>;

/** A stack with one replicator from the primary to the DR cluster, with `options` on top. */
export function exampleStack(options: ReplicatorOptions = {}, app = new App()): { stack: Stack; replicator: MskReplicator } {
  const stack = new Stack(app, 'OrdersReplication', { env: { account: ACCOUNT, region: REGION } });
  const replicator = new MskReplicator(stack, 'Replicator', {
    source: ReplicatorCluster.fromMskCluster({
      clusterArn: SOURCE_CLUSTER_ARN,
      vpc: clusterVpc(stack, 'PrimaryVpc', '10.1.0.0/16', '0primary'),
    }),
    target: ReplicatorCluster.fromMskCluster({
      clusterArn: TARGET_CLUSTER_ARN,
      vpc: clusterVpc(stack, 'DrVpc', '10.2.0.0/16', '0dr'),
    }),
    ...options,
  });
  return { stack, replicator };
}

/**
 * The properties CloudFormation would hand the handler for the stack's `Custom::MskReplicator`: intrinsics
 * resolved to made-up physical values, scalars turned into strings, the ServiceToken dropped.
 */
export function synthesizedProperties(stack: Stack): Properties {
  const resources = Template.fromStack(stack).findResources('Custom::MskReplicator');
  const [resource] = Object.values(resources);
  const { ServiceToken: _token, ...props } = resource.Properties as Record<string, unknown>;
  return stringifyScalars(resolveIntrinsics(props as never, { region: REGION, account: ACCOUNT }) as never) as Properties;
}

/** Shorthand: the handler's properties of `exampleStack(options)`. */
export function exampleProperties(options: ReplicatorOptions = {}): Properties {
  return synthesizedProperties(exampleStack(options).stack);
}
