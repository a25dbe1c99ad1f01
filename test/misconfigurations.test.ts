import { App, Annotations as CoreAnnotations, CfnParameter, CfnResource, Errors, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as msk from 'aws-cdk-lib/aws-msk';
import { MskReplicator, ReplicatorCluster, ReplicatorSourceClusterPolicy } from '../src';
import { addStackDependency } from '../src/private/stack-dependency';

/**
 * Two misconfigurations that used to synthesize silently and fail at deploy time.
 *
 * 1. A source cluster created in the same stack (`CfnCluster.attrArn`, known only at deploy time) lives in the stack's
 *    Region: a source VPC imported with another `region` must not turn it into a cross-Region source (no security
 *    group, subnets of the other Region), which MSK would reject.
 * 2. A cross-Region source needs a cluster policy that lets MSK create the replicator's connection (MSK developer guide,
 *    "Network requirements", https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-network-reqs.html):
 *    without a `ReplicatorSourceClusterPolicy` of that cluster in the app, a warning says so; with one, the replicator's
 *    stack deploys after the policy's stack.
 */

const ACCOUNT = '111111111111';
const PRIMARY_ARN = `arn:aws:kafka:eu-west-1:${ACCOUNT}:cluster/orders-primary/11111111-2222-3333-4444-555555555555-1`;
const DR_ARN = `arn:aws:kafka:eu-central-1:${ACCOUNT}:cluster/orders-dr/66666666-7777-8888-9999-000000000000-2`;
const WARNING_ID = 'cdk-msk-replicator:sourceClusterPolicyMissing';

function vpc(stack: Stack, id: string, region: string | undefined, prefix: string): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(stack, id, {
    ...(region !== undefined ? { region } : {}),
    vpcId: `vpc-0${prefix}00000000000001`,
    vpcCidrBlock: '10.0.0.0/16',
    availabilityZones: [`${region ?? stack.region}a`, `${region ?? stack.region}b`],
    privateSubnetIds: [`subnet-0${prefix}0000000000001`, `subnet-0${prefix}0000000000002`],
  });
}

function drStack(app: App): Stack {
  return new Stack(app, 'OrdersDr', { env: { account: ACCOUNT, region: 'eu-central-1' } });
}

/** A replicator in eu-central-1 reading from the eu-west-1 cluster. */
function crossRegionReplicator(stack: Stack): MskReplicator {
  return new MskReplicator(stack, 'Replicator', {
    source: ReplicatorCluster.fromMskCluster({ clusterArn: PRIMARY_ARN, vpc: vpc(stack, 'PrimaryVpc', 'eu-west-1', 'a') }),
    target: ReplicatorCluster.fromMskCluster({ clusterArn: DR_ARN, vpc: vpc(stack, 'DrVpc', undefined, 'b') }),
  });
}

const policyWarnings = (stack: Stack) => Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('ReplicatorSourceClusterPolicy'));

describe('a source cluster of the same stack, with a VPC imported with another Region', () => {
  test('fails: the cluster is in the stack\'s Region, so its VPC must be too', () => {
    const stack = drStack(new App());
    const cluster = new msk.CfnCluster(stack, 'Orders', {
      clusterName: 'orders',
      kafkaVersion: '3.6.0',
      numberOfBrokerNodes: 2,
      brokerNodeGroupInfo: { instanceType: 'kafka.m5.large', clientSubnets: ['subnet-0b0000000000001', 'subnet-0b0000000000002'] },
    });
    let thrown: unknown;
    try {
      new MskReplicator(stack, 'Replicator', {
        source: ReplicatorCluster.fromMskCluster({ clusterArn: cluster.attrArn, vpc: vpc(stack, 'WestVpc', 'eu-west-1', 'a') }),
        target: ReplicatorCluster.fromMskCluster({ clusterArn: DR_ARN, vpc: vpc(stack, 'DrVpc', undefined, 'b') }),
      });
    } catch (error) {
      thrown = error;
    }
    expect(Errors.isValidationError(thrown)).toBe(true);
    expect((thrown as Error).message).toBe('`source.vpc` must be in eu-central-1 (the replicator\'s Region: same-Region network '
      + 'interfaces are created there), got a resource of eu-west-1');
  });

  test('with a VPC of the stack\'s Region it is a same-Region source: a security group, subnets of that VPC', () => {
    const stack = drStack(new App());
    const cluster = new msk.CfnCluster(stack, 'Orders', {
      clusterName: 'orders',
      kafkaVersion: '3.6.0',
      numberOfBrokerNodes: 2,
      brokerNodeGroupInfo: { instanceType: 'kafka.m5.large', clientSubnets: ['subnet-0c0000000000001', 'subnet-0c0000000000002'] },
    });
    new MskReplicator(stack, 'Replicator', {
      source: ReplicatorCluster.fromMskCluster({ clusterArn: cluster.attrArn, vpc: vpc(stack, 'SourceVpc', undefined, 'c') }),
      target: ReplicatorCluster.fromMskCluster({ clusterArn: DR_ARN, vpc: vpc(stack, 'DrVpc', undefined, 'b') }),
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('Custom::MskReplicator', {
      Source: { MskClusterArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Orders'), 'Arn'] }, SubnetIds: ['subnet-0c0000000000001', 'subnet-0c0000000000002'], SecurityGroupIds: [Match.anyValue()] },
    });
    template.resourceCountIs('AWS::EC2::SecurityGroup', 2);
    expect(policyWarnings(stack)).toEqual([]);
  });
});

describe('a deploy-time cluster ARN that does not come from an MSK cluster of the app', () => {
  // A parameter, an import or another resource's attribute is a token too, but it can hold an ARN of any Region:
  // only a reference to an AWS::MSK::Cluster or AWS::MSK::ServerlessCluster resource places the cluster in its stack.
  test('a CfnParameter: the Region comes from the VPC imported with its Region (a cross-Region source)', () => {
    const stack = drStack(new App());
    const sourceArn = new CfnParameter(stack, 'SourceClusterArn', { type: 'String' }).valueAsString;
    new MskReplicator(stack, 'Replicator', {
      source: ReplicatorCluster.fromMskCluster({ clusterArn: sourceArn, vpc: vpc(stack, 'WestVpc', 'eu-west-1', 'a') }),
      target: ReplicatorCluster.fromMskCluster({ clusterArn: DR_ARN, vpc: vpc(stack, 'DrVpc', undefined, 'b') }),
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('Custom::MskReplicator', {
      Source: { MskClusterArn: { Ref: 'SourceClusterArn' }, SubnetIds: ['subnet-0a0000000000001', 'subnet-0a0000000000002'], SecurityGroupIds: [] },
    });
  });

  test('another resource\'s attribute (a custom resource returning an ARN): the VPC\'s Region decides, as for a parameter', () => {
    const stack = drStack(new App());
    const lookup = new CfnResource(stack, 'ClusterArnLookup', { type: 'Custom::ClusterArnLookup', properties: { ServiceToken: 'arn:aws:lambda:eu-central-1:111111111111:function:lookup' } });
    new MskReplicator(stack, 'Replicator', {
      source: ReplicatorCluster.fromMskCluster({ clusterArn: lookup.getAtt('Arn').toString(), vpc: vpc(stack, 'WestVpc', 'eu-west-1', 'a') }),
      target: ReplicatorCluster.fromMskCluster({ clusterArn: DR_ARN, vpc: vpc(stack, 'DrVpc', undefined, 'b') }),
    });
    Template.fromStack(stack).hasResourceProperties('Custom::MskReplicator', {
      Source: { SubnetIds: ['subnet-0a0000000000001', 'subnet-0a0000000000002'], SecurityGroupIds: [] },
    });
  });
});

describe('a cross-Region source and its cluster policy', () => {
  test('without a ReplicatorSourceClusterPolicy of the source cluster in the app: a warning naming the cluster and what to do', () => {
    const app = new App();
    const stack = drStack(app);
    crossRegionReplicator(stack);
    const warnings = Annotations.fromStack(stack).findWarning('/OrdersDr/Replicator/Resource', Match.stringLikeRegexp(`^The source cluster "${PRIMARY_ARN}" is in eu-west-1`));
    expect(warnings).toHaveLength(1);
    const text = JSON.stringify(warnings[0].entry.data);
    expect(text).toContain('kafka:CreateVpcConnection, kafka:GetBootstrapBrokers and kafka:DescribeClusterV2');
    expect(text).toContain('Add a ReplicatorSourceClusterPolicy to a stack of eu-west-1');
    expect(text).toContain(`acknowledgeWarning('${WARNING_ID}', reason)`);
    expect(stack.dependencies).toEqual([]);
  });

  test('the warning can be acknowledged, for a cluster policy managed elsewhere', () => {
    const stack = drStack(new App());
    const replicator = crossRegionReplicator(stack);
    CoreAnnotations.of(replicator).acknowledgeWarning(WARNING_ID, 'the platform team manages the cluster policy');
    expect(policyWarnings(stack)).toEqual([]);
  });

  test.each([
    ['before', true],
    ['after', false],
  ])('with the policy declared %s the replicator: no warning, and the replicator\'s stack deploys after the policy\'s', (_when, policyFirst) => {
    const app = new App();
    const declarePolicy = () => new ReplicatorSourceClusterPolicy(
      new Stack(app, 'OrdersPrimary', { env: { account: ACCOUNT, region: 'eu-west-1' } }), 'ReplicatorAccess', { clusterArn: PRIMARY_ARN });
    if (policyFirst) declarePolicy();
    const stack = drStack(app);
    crossRegionReplicator(stack);
    if (!policyFirst) declarePolicy();
    expect(policyWarnings(stack)).toEqual([]);
    app.synth();
    expect(stack.dependencies.map((d) => d.stackName)).toEqual(['OrdersPrimary']);
  });

  test('a same-Region source needs no cluster policy: no warning', () => {
    const stack = drStack(new App());
    new MskReplicator(stack, 'Replicator', {
      source: ReplicatorCluster.fromMskCluster({
        clusterArn: `arn:aws:kafka:eu-central-1:${ACCOUNT}:cluster/orders/11111111-2222-3333-4444-555555555555-1`, vpc: vpc(stack, 'V1', undefined, 'c'),
      }),
      target: ReplicatorCluster.fromMskCluster({ clusterArn: DR_ARN, vpc: vpc(stack, 'DrVpc', undefined, 'b') }),
    });
    expect(policyWarnings(stack)).toEqual([]);
  });

  test('fails if the policy\'s stack already depends on the replicator\'s: the policy could never deploy first', () => {
    const app = new App();
    const policyStack = new Stack(app, 'OrdersPrimary', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    new ReplicatorSourceClusterPolicy(policyStack, 'ReplicatorAccess', { clusterArn: PRIMARY_ARN });
    const stack = drStack(app);
    crossRegionReplicator(stack);
    addStackDependency(policyStack, stack, 'the test\'s own order');
    expect(() => app.synth()).toThrow(/^The replicator's stack OrdersDr must deploy after the stack OrdersPrimary of the source cluster's policy OrdersPrimary\/ReplicatorAccess, but that order is impossible: /);
  });
});
