import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { MskReplicator, ReplicatorCluster, TopicNameConfiguration } from '../src';

/**
 * Integration test: a replicator between two existing MSK clusters (given by context, with their VPCs),
 * asserted RUNNING through DescribeReplicator after deployment.
 *
 *   cdk deploy --app 'npx ts-node test/integ.replicator.ts' -c sourceClusterArn=... -c targetClusterArn=... \
 *     -c sourceVpcId=... -c targetVpcId=...   (or run it with integ-runner)
 *
 * Without context it synthesizes placeholders, which is what the committed snapshot holds.
 */
const app = new App();
const context = (key: string, placeholder: string): string => app.node.tryGetContext(key) ?? placeholder;
const account = context('account', '123456789012');
const region = context('region', 'us-east-1');
const stack = new Stack(app, 'MskReplicatorInteg', { env: { account, region } });

const vpc = (id: string, vpcId: string, prefix: string) => ec2.Vpc.fromVpcAttributes(stack, id, {
  vpcId,
  vpcCidrBlock: '10.0.0.0/16',
  availabilityZones: [`${region}a`, `${region}b`],
  privateSubnetIds: [`subnet-${prefix}a`, `subnet-${prefix}b`],
});

const replicator = new MskReplicator(stack, 'Replicator', {
  source: ReplicatorCluster.fromMskCluster({
    clusterArn: context('sourceClusterArn', `arn:aws:kafka:${region}:${account}:cluster/integ-source/00000000-0000-0000-0000-000000000001-1`),
    vpc: vpc('SourceVpc', context('sourceVpcId', 'vpc-0a1b2c3d4e5f60101'), '0source'),
  }),
  target: ReplicatorCluster.fromMskCluster({
    clusterArn: context('targetClusterArn', `arn:aws:kafka:${region}:${account}:cluster/integ-target/00000000-0000-0000-0000-000000000002-1`),
    vpc: vpc('TargetVpc', context('targetVpcId', 'vpc-0a1b2c3d4e5f60102'), '0target'),
  }),
  topicReplication: { topicsToReplicate: ['integ\\..*'], topicNameConfiguration: TopicNameConfiguration.IDENTICAL },
  consumerGroupReplication: { consumerGroupsToReplicate: [] },
  tags: { purpose: 'integ' },
});

const integ = new IntegTest(app, 'MskReplicatorIntegTest', {
  testCases: [stack],
  // in the replicator's environment, so the assertion can read its attributes
  assertionStack: new Stack(app, 'MskReplicatorIntegAssertions', { env: { account, region } }),
});
integ.assertions
  .awsApiCall('Kafka', 'describeReplicator', { ReplicatorArn: replicator.replicatorArn })
  .expect(ExpectedResult.objectLike({ ReplicatorState: 'RUNNING', ReplicatorName: replicator.replicatorName }));

app.synth();
