import * as cdk from 'aws-cdk-lib';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as msk from 'aws-cdk-lib/aws-msk';
import * as lib from '../src';
import { readmeSection, runReadmeExample } from './readme-examples';

/**
 * The README's "Cross-Region: two stacks" examples synthesized as written, with the Regions they name (source
 * eu-west-1, target eu-central-1) and a fake account, checked against the MSK developer guide's "Network
 * requirements" (https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-network-reqs.html): source
 * subnets of the source Region, no source security group, the source cluster policy in the source Region.
 */

const ACCOUNT = '111111111111';
const PRIMARY_ARN = `arn:aws:kafka:eu-west-1:${ACCOUNT}:cluster/orders-primary/11111111-2222-3333-4444-555555555555-1`;
const DR_ARN = `arn:aws:kafka:eu-central-1:${ACCOUNT}:cluster/orders-dr/66666666-7777-8888-9999-000000000000-2`;

/** The fixture's names (rosetta/default.ts-fixture) with values of the Regions the example names. */
function fixture(app: App) {
  const drNetwork = new Stack(app, 'DrNetwork', { env: { account: ACCOUNT, region: 'eu-central-1' } });
  return {
    ...lib,
    ...cdk,
    ec2,
    msk,
    app,
    primaryClusterArn: PRIMARY_ARN,
    drClusterArn: DR_ARN,
    drVpc: ec2.Vpc.fromVpcAttributes(drNetwork, 'DrVpc', {
      vpcId: 'vpc-0dr',
      vpcCidrBlock: '10.2.0.0/16',
      availabilityZones: ['eu-central-1a', 'eu-central-1b'],
      privateSubnetIds: ['subnet-0dra', 'subnet-0drb'],
    }),
    drClusterSecurityGroup: ec2.SecurityGroup.fromSecurityGroupId(drNetwork, 'DrBrokers', 'sg-0drbrokers'),
  };
}

test('the replicator stack: source subnets of eu-west-1 and no source security group; the target reaches its brokers on 9098', () => {
  const app = new App();
  const [replicatorExample] = readmeSection('Cross-Region: two stacks');
  runReadmeExample(replicatorExample, fixture(app));
  const targetStack = app.node.findChild('OrdersDr') as Stack;
  const template = Template.fromStack(targetStack);
  template.hasResourceProperties('Custom::MskReplicator', {
    Source: { MskClusterArn: PRIMARY_ARN, SubnetIds: ['subnet-0a1b2c3d4e5f60011', 'subnet-0a1b2c3d4e5f60012'], SecurityGroupIds: [] },
    Target: { MskClusterArn: DR_ARN, SubnetIds: ['subnet-0dra', 'subnet-0drb'], SecurityGroupIds: [Match.anyValue()] },
  });
  template.resourceCountIs('AWS::EC2::SecurityGroup', 1);
  template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { DestinationSecurityGroupId: 'sg-0drbrokers', FromPort: 9098, ToPort: 9098 });
  template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { GroupId: 'sg-0drbrokers', FromPort: 9098, ToPort: 9098 });
  // the handler may create network interfaces in the source Region's subnets
  const rendered = JSON.stringify(template.toJSON());
  expect(rendered).toContain(':ec2:eu-west-1:111111111111:subnet/*');
  expect(rendered).toContain(':ec2:eu-west-1:111111111111:vpc/vpc-0a1b2c3d4e5f60001');
  expect(targetStack.dependencies.map((s) => s.stackName)).toEqual(['OrdersPrimary']);
  expect(() => app.synth()).not.toThrow();
});

test('the source stack: the cluster policy of the source cluster, in eu-west-1', () => {
  const app = new App();
  const [replicatorExample] = readmeSection('Cross-Region: two stacks');
  runReadmeExample(replicatorExample, fixture(app));
  const sourceStack = app.node.findChild('OrdersPrimary') as Stack;
  expect(sourceStack.region).toBe('eu-west-1');
  Template.fromStack(sourceStack).hasResourceProperties('AWS::MSK::ClusterPolicy', {
    ClusterArn: PRIMARY_ARN,
    Policy: {
      Version: '2012-10-17',
      Statement: [{
        Sid: 'MskReplicatorCrossRegionSource',
        Effect: 'Allow',
        Principal: { Service: 'kafka.amazonaws.com' },
        Action: ['kafka:CreateVpcConnection', 'kafka:GetBootstrapBrokers', 'kafka:DescribeClusterV2'],
        Resource: PRIMARY_ARN,
      }],
    },
  });
});

test('multi-VPC private connectivity with IAM on a CfnCluster, as the README shows it', () => {
  const app = new App();
  const sourceStack = new Stack(app, 'OrdersPrimary', { env: { account: ACCOUNT, region: 'eu-west-1' } });
  const [, connectivityExample] = readmeSection('Cross-Region: two stacks');
  runReadmeExample(connectivityExample, { msk, sourceStack, primarySubnetIds: ['subnet-1', 'subnet-2', 'subnet-3'] });
  // AWS::MSK::Cluster BrokerNodeGroupInfo.ConnectivityInfo.VpcConnectivity (the CloudFormation resource's schema)
  Template.fromStack(sourceStack).hasResourceProperties('AWS::MSK::Cluster', {
    ClientAuthentication: { Sasl: { Iam: { Enabled: true } } },
    BrokerNodeGroupInfo: Match.objectLike({
      ConnectivityInfo: { VpcConnectivity: { ClientAuthentication: { Sasl: { Iam: { Enabled: true } } } } },
    }),
  });
});

test('a user who imports the source VPC without its Region is told to import it with `region`', () => {
  const app = new App();
  const stack = new Stack(app, 'OrdersDr', { env: { account: ACCOUNT, region: 'eu-central-1' } });
  const { drVpc } = fixture(app);
  expect(() => new lib.MskReplicator(stack, 'Replicator', {
    source: lib.ReplicatorCluster.fromMskCluster({
      clusterArn: PRIMARY_ARN,
      vpc: ec2.Vpc.fromVpcAttributes(stack, 'PrimaryVpc', {
        vpcId: 'vpc-0a1b2c3d4e5f60001',
        availabilityZones: ['eu-west-1a', 'eu-west-1b'],
        privateSubnetIds: ['subnet-0a1b2c3d4e5f60011', 'subnet-0a1b2c3d4e5f60012'],
      }),
    }),
    target: lib.ReplicatorCluster.fromMskCluster({ clusterArn: DR_ARN, vpc: drVpc }),
  })).toThrow(/^`source.vpc` must be in eu-west-1 .*import its VPC with `region`\), got a resource of eu-central-1$/);
});
