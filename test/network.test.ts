import * as fs from 'fs';
import * as path from 'path';
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { clusterVpc, exampleVpcId, SOURCE_CLUSTER_ARN, TARGET_CLUSTER_ARN } from '../examples/orders-replication';
import { MskClusterOptions, MskReplicator, ReplicatorCluster, ReplicatorSourceClusterPolicy } from '../src';
import { renderValue } from '../src/private/render-value';

/**
 * Every AWS networking rule of MSK Replicator as a synth test. The rules come from the MSK developer guide:
 * - NETWORK_REQS: "Network requirements", https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-network-reqs.html
 * - CREATE_CONSOLE: "Create replicator using the AWS console in the target cluster Region",
 *   https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-create-console.html
 * - PREPARE_SOURCE: "Prepare the Amazon MSK source cluster",
 *   https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-prepare-cluster.html
 */

const ACCOUNT = '123456789012';
const WEST_SOURCE_ARN = `arn:aws:kafka:us-west-2:${ACCOUNT}:cluster/orders-west/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee-3`;

function replicaStack(region = 'us-east-1'): Stack {
  return new Stack(new App(), 'Replica', { env: { account: ACCOUNT, region } });
}

/** A VPC of the source Region, imported into the replicator's stack with its Region. */
function westVpc(stack: Stack, options: { region?: string; zones?: string[] } = {}): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(stack, 'WestVpc', {
    ...(options.region !== undefined ? { region: options.region } : {}),
    vpcId: 'vpc-0west',
    vpcCidrBlock: '10.3.0.0/16',
    availabilityZones: options.zones ?? ['us-west-2a', 'us-west-2b'],
    privateSubnetIds: ['subnet-0westa', 'subnet-0westb'],
  });
}

function replicate(stack: Stack, source: MskClusterOptions, target?: Partial<MskClusterOptions>): MskReplicator {
  return new MskReplicator(stack, 'Replicator', {
    source: ReplicatorCluster.fromMskCluster(source),
    target: ReplicatorCluster.fromMskCluster({ clusterArn: TARGET_CLUSTER_ARN, vpc: clusterVpc(stack, 'DrVpc', '10.2.0.0/16', '0dr'), ...target }),
  });
}

describe('cross-Region source (NETWORK_REQS, CREATE_CONSOLE)', () => {
  test('a source VPC imported with its Region gives subnets of the source Region and no security group', () => {
    const stack = replicaStack();
    replicate(stack, { clusterArn: WEST_SOURCE_ARN, vpc: westVpc(stack, { region: 'us-west-2' }) });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('Custom::MskReplicator', {
      Source: { MskClusterArn: WEST_SOURCE_ARN, SubnetIds: ['subnet-0westa', 'subnet-0westb'], SecurityGroupIds: [] },
      Target: { MskClusterArn: TARGET_CLUSTER_ARN, SubnetIds: ['subnet-0dra', 'subnet-0drb'], SecurityGroupIds: [Match.anyValue()] },
    });
    // only the target side's group exists, in the target VPC
    template.resourceCountIs('AWS::EC2::SecurityGroup', 1);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', { VpcId: exampleVpcId('0dr') });
  });

  test('subnet ids of the source Region work without a VPC object', () => {
    const stack = replicaStack();
    replicate(stack, { clusterArn: WEST_SOURCE_ARN, subnetIds: ['subnet-0westa', 'subnet-0westb', 'subnet-0westc'] });
    Template.fromStack(stack).hasResourceProperties('Custom::MskReplicator', {
      Source: { SubnetIds: ['subnet-0westa', 'subnet-0westb', 'subnet-0westc'], SecurityGroupIds: [] },
    });
  });

  test('the handler may create network interfaces in the source Region\'s subnets', () => {
    const stack = replicaStack();
    replicate(stack, { clusterArn: WEST_SOURCE_ARN, vpc: westVpc(stack, { region: 'us-west-2' }) });
    // granted by VPC (handler-policy.ts): subnets of each side's Region, in that side's VPC of that Region
    const statement = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Sid?: string; Resource: unknown; Condition: unknown }>)
      .find((s) => s.Sid === 'CreateNetworkInterfacesInReplicatorVpcs')!;
    const resources = JSON.stringify(stack.resolve(statement.Resource));
    const vpcs = JSON.stringify(stack.resolve(statement.Condition));
    expect(resources).toContain(':ec2:us-west-2:123456789012:subnet/*');
    expect(resources).toContain(':ec2:us-east-1:123456789012:subnet/*');
    expect(vpcs).toContain(':ec2:us-west-2:123456789012:vpc/vpc-0west');
    expect(vpcs).toContain(`:ec2:us-east-1:123456789012:vpc/${exampleVpcId('0dr')}`);
    expect(vpcs).not.toContain(':ec2:us-east-1:123456789012:vpc/vpc-0west');
  });

  test('fails if a cross-Region source is given security groups ("You do not need to provide security groups for the source cluster")', () => {
    const stack = replicaStack();
    const group = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-0west');
    expect(() => replicate(stack, { clusterArn: WEST_SOURCE_ARN, vpc: westVpc(stack, { region: 'us-west-2' }), securityGroups: [group] }))
      .toThrow(/^`source.securityGroups` must not be given for a source in another Region \(source in us-west-2, replicator in us-east-1\)/);
  });

  test('fails if the source VPC is a VPC of the replicator\'s Region (imported without `region`)', () => {
    const stack = replicaStack();
    expect(() => replicate(stack, { clusterArn: WEST_SOURCE_ARN, vpc: westVpc(stack) }))
      .toThrow('`source.vpc` must be in us-west-2 (the source cluster\'s Region: a cross-Region source takes subnets of its own '
        + 'Region; import its VPC with `region`), got a resource of us-east-1');
  });

  test('fails if the source is given the target VPC, as the old README did', () => {
    const stack = replicaStack();
    const drVpc = clusterVpc(stack, 'SameDrVpc', '10.2.0.0/16', '0dr');
    expect(() => replicate(stack, { clusterArn: WEST_SOURCE_ARN, vpc: drVpc })).toThrow(/^`source.vpc` must be in us-west-2/);
  });

  test('subnets of two Regions are never compared for shared Availability Zones', () => {
    const stack = replicaStack();
    expect(() => replicate(stack, { clusterArn: WEST_SOURCE_ARN, vpc: westVpc(stack, { region: 'us-west-2' }) })).not.toThrow();
  });

  test('allowSourceClusterAccess fails for a cross-Region source: it has no security group', () => {
    const stack = replicaStack();
    const replicator = replicate(stack, { clusterArn: WEST_SOURCE_ARN, vpc: westVpc(stack, { region: 'us-west-2' }) });
    expect(() => replicator.allowSourceClusterAccess(ec2.SecurityGroup.fromSecurityGroupId(stack, 'Brokers', 'sg-0brokers')))
      .toThrow(/^`allowSourceClusterAccess\(\)` cannot be used with a source in another Region: it has no replicator security group to allow/);
  });

  test('fails if neither or both of vpc and subnetIds are given', () => {
    const stack = replicaStack();
    expect(() => replicate(stack, { clusterArn: WEST_SOURCE_ARN })).toThrow(/Exactly one of `source.vpc` and `source.subnetIds` must be given .* got neither/);
  });
});

describe('same Region (NETWORK_REQS)', () => {
  const primary = (stack: Stack, vpc?: ec2.IVpc): MskClusterOptions => ({
    clusterArn: SOURCE_CLUSTER_ARN, vpc: vpc ?? clusterVpc(stack, 'PrimaryVpc', '10.1.0.0/16', '0primary'),
  });

  test('two VPCs: one security group per side, construct ids unchanged, egress to each VPC CIDR on 9098', () => {
    const stack = replicaStack();
    const replicator = replicate(stack, primary(stack));
    expect(replicator.node.tryFindChild('SourceSecurityGroup')).toBeDefined();
    expect(replicator.node.tryFindChild('TargetSecurityGroup')).toBeDefined();
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::SecurityGroup', 2);
    for (const [vpcId, cidr] of [[exampleVpcId('0primary'), '10.1.0.0/16'], [exampleVpcId('0dr'), '10.2.0.0/16']]) {
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        VpcId: vpcId,
        SecurityGroupEgress: [{ CidrIp: cidr, IpProtocol: 'tcp', FromPort: 9098, ToPort: 9098, Description: 'Kafka brokers' }],
      });
    }
  });

  test('one VPC for both sides: still a group per side with the ids of the first release (no replacement on upgrade)', () => {
    const stack = replicaStack();
    const shared = clusterVpc(stack, 'SharedVpc', '10.9.0.0/16', '0shared');
    const replicator = replicate(stack, primary(stack, shared), { vpc: shared });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::SecurityGroup', 2);
    const groupId = (side: string) => stack.resolve((replicator.node.findChild(`${side}SecurityGroup`) as ec2.SecurityGroup).securityGroupId);
    template.hasResourceProperties('Custom::MskReplicator', {
      Source: { SecurityGroupIds: [groupId('Source')] }, Target: { SecurityGroupIds: [groupId('Target')] },
    });
  });

  test('the API reference says so: the `securityGroups` default is one group per side, never shared', () => {
    const apiMd = fs.readFileSync(path.join(__dirname, '..', 'API.md'), 'utf8');
    const section = apiMd.slice(apiMd.indexOf('id="cdk-msk-replicator.MskClusterOptions.property.securityGroups"'));
    const defaultLine = /^- \*Default:\* (.*)$/m.exec(section)![1];
    expect(defaultLine).toMatch(/^one is created for this side \(each side gets its own, also when both sides are in the same VPC\)/);
    expect(apiMd).not.toMatch(/shared by both sides/);
  });

  test('egress goes to the cluster\'s security groups when known, and they get ingress from the replicator on 9098', () => {
    const stack = replicaStack();
    const brokers = new ec2.SecurityGroup(stack, 'PrimaryBrokers', { vpc: clusterVpc(stack, 'BrokerVpc', '10.1.0.0/16', '0primary') });
    const replicator = replicate(stack, { ...primary(stack), clusterSecurityGroups: [brokers] });
    const sourceGroup = replicator.node.findChild('SourceSecurityGroup') as ec2.SecurityGroup;
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: stack.resolve(sourceGroup.securityGroupId),
      DestinationSecurityGroupId: stack.resolve(brokers.securityGroupId),
      IpProtocol: 'tcp',
      FromPort: 9098,
      ToPort: 9098,
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: stack.resolve(brokers.securityGroupId),
      SourceSecurityGroupId: stack.resolve(sourceGroup.securityGroupId),
      IpProtocol: 'tcp',
      FromPort: 9098,
      ToPort: 9098,
    });
    // no CIDR egress on the source side once the cluster's groups are known
    const sourceProps = template.toJSON().Resources[stack.getLogicalId(sourceGroup.node.defaultChild as ec2.CfnSecurityGroup)].Properties;
    expect(JSON.stringify(sourceProps.SecurityGroupEgress ?? [])).not.toContain('10.1.0.0/16');
  });

  test('given security groups and the cluster\'s groups: the cluster\'s groups get ingress from them', () => {
    const stack = replicaStack();
    const mine = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Mine', 'sg-0mine');
    const brokers = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Brokers', 'sg-0brokers');
    replicate(stack, { ...primary(stack), securityGroups: [mine], clusterSecurityGroups: [brokers] });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: 'sg-0brokers', SourceSecurityGroupId: 'sg-0mine', FromPort: 9098, ToPort: 9098,
    });
  });

  test('a VPC imported without vpcCidrBlock does not crash: given groups are used as they are', () => {
    const stack = replicaStack();
    const noCidr = ec2.Vpc.fromVpcAttributes(stack, 'NoCidr', {
      vpcId: 'vpc-0nocidr', availabilityZones: ['us-east-1a', 'us-east-1b'], privateSubnetIds: ['subnet-0nca', 'subnet-0ncb'],
    });
    const mine = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Mine', 'sg-0mine');
    replicate(stack, { ...primary(stack, noCidr), securityGroups: [mine] });
    Template.fromStack(stack).hasResourceProperties('Custom::MskReplicator', { Source: { SecurityGroupIds: ['sg-0mine'] } });
  });

  test('a VPC imported without vpcCidrBlock and no groups: a created group allows 9098 only, with a warning', () => {
    const stack = replicaStack();
    const noCidr = ec2.Vpc.fromVpcAttributes(stack, 'NoCidr', {
      vpcId: 'vpc-0nocidr', availabilityZones: ['us-east-1a', 'us-east-1b'], privateSubnetIds: ['subnet-0nca', 'subnet-0ncb'],
    });
    replicate(stack, primary(stack, noCidr));
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroup', {
      VpcId: 'vpc-0nocidr',
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 9098, ToPort: 9098 })],
    });
    Annotations.fromStack(stack).hasWarning('/Replica/Replicator', Match.stringLikeRegexp('imported without vpcCidrBlock.*source.clusterSecurityGroups'));
  });

  test('a VPC with isolated subnets only: the isolated subnets are used', () => {
    const stack = replicaStack();
    const isolated = ec2.Vpc.fromVpcAttributes(stack, 'Isolated', {
      vpcId: 'vpc-0iso', vpcCidrBlock: '10.4.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'], isolatedSubnetIds: ['subnet-0isoa', 'subnet-0isob'],
    });
    replicate(stack, primary(stack, isolated));
    Template.fromStack(stack).hasResourceProperties('Custom::MskReplicator', { Source: { SubnetIds: ['subnet-0isoa', 'subnet-0isob'] } });
  });

  test('fails naming vpcSubnets if the VPC has neither private nor isolated subnets, with a readable VPC id', () => {
    const stack = replicaStack();
    const publicOnly = new ec2.Vpc(stack, 'PublicOnly', { subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }] });
    expect(() => replicate(stack, primary(stack, publicOnly))).toThrow(
      '`source.vpcSubnets` must be given: the VPC (resolved at deploy time) has no private or isolated subnets to default to '
      + '(select its subnets explicitly, for example { subnetType: SubnetType.PUBLIC })');
  });

  test('fails naming vpcSubnets if the selection matches no subnet', () => {
    const stack = replicaStack();
    expect(() => replicate(stack, { ...primary(stack), vpcSubnets: { subnetGroupName: 'nope' } }))
      .toThrow(new RegExp(`^\`source.vpcSubnets\` selects no usable subnets of the VPC "${exampleVpcId('0primary')}": `));
  });

  test('fails if source and target subnets share no Availability Zone ("must be in the same Availability Zones")', () => {
    const stack = replicaStack();
    const otherZones = ec2.Vpc.fromVpcAttributes(stack, 'OtherZones', {
      vpcId: 'vpc-0z', vpcCidrBlock: '10.5.0.0/16', availabilityZones: ['us-east-1c', 'us-east-1d'], privateSubnetIds: ['subnet-0zc', 'subnet-0zd'],
    });
    expect(() => replicate(stack, primary(stack, otherZones))).toThrow('In the same Region, `source.vpcSubnets` and `target.vpcSubnets` must '
      + 'share at least one Availability Zone, got source zones us-east-1c, us-east-1d and target zones us-east-1a, us-east-1b');
  });

  test('fails if the target VPC is of another Region than the stack', () => {
    const stack = replicaStack();
    expect(() => replicate(stack, primary(stack), { vpc: westVpc(stack, { region: 'us-west-2' }) }))
      .toThrow('`target.vpc` must be in us-east-1 (the replicator\'s Region: same-Region network interfaces are created there), got a resource of us-west-2');
  });

  test('fails if a security group is of another Region than the stack', () => {
    const app = new App();
    const stack = new Stack(app, 'Replica', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const west = new Stack(app, 'West', { env: { account: ACCOUNT, region: 'us-west-2' } });
    const westGroup = ec2.SecurityGroup.fromSecurityGroupId(west, 'WestSg', 'sg-0west');
    expect(() => replicate(stack, { ...primary(stack), securityGroups: [westGroup] }))
      .toThrow(/^`source.securityGroups\[0\]` must be in us-east-1 .* got a resource of us-west-2$/);
    const other = new Stack(app, 'Replica2', { env: { account: ACCOUNT, region: 'us-east-1' } });
    expect(() => replicate(other, primary(other), { clusterSecurityGroups: [westGroup] })).toThrow(/`target.clusterSecurityGroups\[0\]` must be in us-east-1/);
  });
});

describe('cluster ARNs', () => {
  test('fails if clusterArn is not an MSK cluster ARN', () => {
    const stack = replicaStack();
    expect(() => replicate(stack, { clusterArn: 'orders-primary', vpc: clusterVpc(stack, 'P', '10.1.0.0/16', 'p') })).toThrow(
      '`source.clusterArn` must be an MSK cluster ARN (arn:<partition>:kafka:<region>:<account>:cluster/<name>/<uuid>), got: "orders-primary"');
    expect(() => replicate(replicaStack(), { clusterArn: SOURCE_CLUSTER_ARN.replace(':cluster/', ':replicator/'), subnetIds: ['a', 'b'] }))
      .toThrow(/`source.clusterArn` must be an MSK cluster ARN/);
  });

  test('fails if clusterArn is of another partition than the stack\'s Region', () => {
    const stack = replicaStack();
    expect(() => replicate(stack, { clusterArn: SOURCE_CLUSTER_ARN.replace('arn:aws:', 'arn:aws-cn:'), vpc: clusterVpc(stack, 'P', '10.1.0.0/16', 'p') }))
      .toThrow(/^`source.clusterArn` must be in the partition of the stack's Region us-east-1 \(aws\), got partition aws-cn/);
  });

  test('a clusterArn known only at deploy time is not checked', () => {
    const stack = replicaStack();
    const arn = new CfnParameter(stack, 'SourceArn').valueAsString;
    expect(() => replicate(stack, { clusterArn: arn, vpc: clusterVpc(stack, 'P', '10.1.0.0/16', '0primary') })).not.toThrow();
  });

  test('tokens render readably in messages', () => {
    const stack = replicaStack();
    expect(renderValue(new CfnParameter(stack, 'P').valueAsString)).toBe('(resolved at deploy time)');
    expect(renderValue('vpc-1')).toBe('"vpc-1"');
  });
});

describe('ReplicatorSourceClusterPolicy (NETWORK_REQS, PREPARE_SOURCE)', () => {
  test('allows kafka.amazonaws.com exactly CreateVpcConnection, GetBootstrapBrokers and DescribeClusterV2 on the cluster', () => {
    const stack = new Stack(new App(), 'West', { env: { account: ACCOUNT, region: 'us-west-2' } });
    new ReplicatorSourceClusterPolicy(stack, 'Policy', { clusterArn: WEST_SOURCE_ARN });
    Template.fromStack(stack).hasResourceProperties('AWS::MSK::ClusterPolicy', {
      ClusterArn: WEST_SOURCE_ARN,
      Policy: {
        Version: '2012-10-17',
        Statement: [{
          Sid: 'MskReplicatorCrossRegionSource',
          Effect: 'Allow',
          Principal: { Service: 'kafka.amazonaws.com' },
          Action: ['kafka:CreateVpcConnection', 'kafka:GetBootstrapBrokers', 'kafka:DescribeClusterV2'],
          Resource: WEST_SOURCE_ARN,
        }],
      },
    });
  });

  test('fails if the cluster is not in the stack\'s Region (a cluster policy is attached in the cluster\'s Region)', () => {
    const stack = new Stack(new App(), 'East', { env: { account: ACCOUNT, region: 'us-east-1' } });
    expect(() => new ReplicatorSourceClusterPolicy(stack, 'Policy', { clusterArn: WEST_SOURCE_ARN }))
      .toThrow(/^`clusterArn` must be a cluster of this stack's Region us-east-1/);
  });
});
