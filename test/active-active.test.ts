import * as fs from 'fs';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { resolveIntrinsics, stringifyScalars } from '../local-aws/cloudformation/intrinsics';
import { CloudFormationResource, Handler, loadBundledHandler, Properties } from '../local-aws/cloudformation/provider-framework';
import { MskSimulator } from '../local-aws/msk-simulator';
import * as lib from '../src';
import { readmeSection, runReadmeExample } from './readme-examples';

/**
 * Active-active replication, declared once with `ActiveActiveReplication`: the README example synthesized as
 * written (account 111111111111, eu-west-1 and eu-central-1, as it names them), then both replicators played
 * through the Provider framework emulator against one MSK simulator per Region.
 *
 * AWS: https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-active-active.html (create B to A after
 * A to B), https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-network-reqs.html (cross-Region
 * source: its own Region's subnets, no security group, a cluster policy).
 */

const ACCOUNT = '111111111111';
const ARN_A = 'arn:aws:kafka:eu-west-1:111111111111:cluster/orders-a/0a1b2c3d-0000-4000-8000-000000000001-1';
const ARN_B = 'arn:aws:kafka:eu-central-1:111111111111:cluster/orders-b/0a1b2c3d-0000-4000-8000-000000000002-1';

/** The README's "Active-active" example, run with a fresh app. */
function readmeApp(): App {
  const app = new App();
  const [example] = readmeSection('Active-active');
  runReadmeExample(example, { ...lib, ...cdk, ec2, app });
  return app;
}

function stacksOf(app: App) {
  const stack = (id: string) => app.node.findChild(id) as Stack;
  return { a: stack('OrdersIreland'), b: stack('OrdersFrankfurt'), access: stack('OrdersIrelandOrdersSourceAccess') };
}

/** What CloudFormation hands the handler for a stack's one replicator, in that stack's Region. */
function handlerProperties(stack: Stack): Properties {
  const [resource] = Object.values(Template.fromStack(stack).findResources('Custom::MskReplicator'));
  const { ServiceToken: _token, ...props } = resource.Properties as Record<string, unknown>;
  return stringifyScalars(resolveIntrinsics(props as never, { region: stack.region, account: stack.account }) as never) as Properties;
}

describe('synth', () => {
  test('A to B in B\'s stack and B to A in A\'s stack: IDENTICAL names, ENHANCED offsets, cross-Region sources without security groups', () => {
    const { a, b } = stacksOf(readmeApp());
    const direction = (source: string, sourceSubnets: string[], target: string, targetSubnets: string[]) => ({
      Source: { MskClusterArn: source, SubnetIds: sourceSubnets, SecurityGroupIds: [] },
      Target: { MskClusterArn: target, SubnetIds: targetSubnets, SecurityGroupIds: [Match.objectLike({ 'Fn::GetAtt': Match.anyValue() })] },
      TopicReplication: Match.objectLike({ TopicsToReplicate: ['orders\\..*'], TopicNameConfiguration: 'IDENTICAL' }),
      ConsumerGroupReplication: Match.objectLike({ OffsetSyncMode: 'ENHANCED', SynchroniseConsumerGroupOffsets: true }),
    });
    const subnetsA = ['subnet-0a00000000000a001', 'subnet-0a00000000000a002'];
    const subnetsB = ['subnet-0b00000000000b001', 'subnet-0b00000000000b002'];
    Template.fromStack(b).hasResourceProperties('Custom::MskReplicator', direction(ARN_A, subnetsA, ARN_B, subnetsB));
    Template.fromStack(a).hasResourceProperties('Custom::MskReplicator', direction(ARN_B, subnetsB, ARN_A, subnetsA));
    // one security group per stack: the target side's, in the target VPC
    Template.fromStack(b).resourcePropertiesCountIs('AWS::EC2::SecurityGroup', { VpcId: 'vpc-0b0000000000000b1' }, 1);
    Template.fromStack(b).resourceCountIs('AWS::EC2::SecurityGroup', 1);
    Template.fromStack(a).resourcePropertiesCountIs('AWS::EC2::SecurityGroup', { VpcId: 'vpc-0a0000000000000a1' }, 1);
    Template.fromStack(a).resourceCountIs('AWS::EC2::SecurityGroup', 1);
  });

  test('each cluster gets its source cluster policy in its own Region', () => {
    const { a, b, access } = stacksOf(readmeApp());
    expect(access.region).toBe('eu-west-1');
    const policy = (arn: string) => ({
      ClusterArn: arn,
      Policy: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'kafka.amazonaws.com' }, Resource: arn })] }),
    });
    Template.fromStack(access).hasResourceProperties('AWS::MSK::ClusterPolicy', policy(ARN_A));
    Template.fromStack(b).hasResourceProperties('AWS::MSK::ClusterPolicy', policy(ARN_B));
    Template.fromStack(a).resourceCountIs('AWS::MSK::ClusterPolicy', 0);
  });

  test('deployment order: A\'s policy, then B\'s stack (A to B), then A\'s stack (B to A); the app synthesizes', () => {
    const app = readmeApp();
    const { a, b, access } = stacksOf(app);
    expect(b.dependencies).toEqual([access]);
    expect(a.dependencies).toEqual([b]);
    expect(access.dependencies).toEqual([]);
    const assembly = app.synth();
    expect(assembly.stacks.map((s) => s.stackName).sort()).toEqual(['OrdersFrankfurt', 'OrdersIreland', 'OrdersIrelandOrdersSourceAccess']);
  });

  test('the README names the three stacks the example makes, in the order they deploy', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Active-active'), readme.indexOf('### A self-managed Apache Kafka source'));
    const assembly = readmeApp().synth();
    const names = assembly.stacks.map((s) => s.stackName);
    expect(names.sort()).toEqual(['OrdersFrankfurt', 'OrdersIreland', 'OrdersIrelandOrdersSourceAccess']);
    // each named, in deployment order: the policy's stack, then B's, then A's
    expect(section).toMatch(/^1\. `<A's stack id><id>SourceAccess` \(here `OrdersIrelandOrdersSourceAccess`\), in A's Region: A's cluster policy/m);
    expect(section).toMatch(/^2\. B's stack \(`OrdersFrankfurt`\): B's cluster policy and the replicator A to B/m);
    expect(section).toMatch(/^3\. A's stack \(`OrdersIreland`\): the replicator B to A\./m);
  });

  test('without source cluster policies: no extra stack, B to A still after A to B', () => {
    const app = new App();
    const stackA = new Stack(app, 'A', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    const stackB = new Stack(app, 'B', { env: { account: ACCOUNT, region: 'eu-central-1' } });
    new lib.ActiveActiveReplication(app, 'Orders', {
      clusterA: { stack: stackA, clusterArn: ARN_A, vpc: vpc(stackA, 'a', 'eu-west-1') },
      clusterB: { stack: stackB, clusterArn: ARN_B, vpc: vpc(stackB, 'b', 'eu-central-1') },
      createSourceClusterPolicies: false,
    });
    expect(app.node.children.filter((c) => c instanceof Stack)).toHaveLength(2);
    expect(stackA.dependencies).toEqual([stackB]);
    expect(stackB.dependencies).toEqual([]);
    Template.fromStack(stackB).resourceCountIs('AWS::MSK::ClusterPolicy', 0);
    // the policies are managed elsewhere, as the prop says: the replicators do not warn about them
    for (const stack of [stackA, stackB]) {
      expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('ReplicatorSourceClusterPolicy'))).toEqual([]);
    }
  });

  test('providerLogs applies to the provider log groups of both clusters\' stacks', () => {
    const app = new App();
    const stackA = new Stack(app, 'A', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    const stackB = new Stack(app, 'B', { env: { account: ACCOUNT, region: 'eu-central-1' } });
    new lib.ActiveActiveReplication(app, 'Orders', {
      clusterA: { stack: stackA, clusterArn: ARN_A, vpc: vpc(stackA, 'a', 'eu-west-1') },
      clusterB: { stack: stackB, clusterArn: ARN_B, vpc: vpc(stackB, 'b', 'eu-central-1') },
      providerLogs: { retention: cdk.aws_logs.RetentionDays.ONE_MONTH, removalPolicy: cdk.RemovalPolicy.RETAIN },
    });
    for (const stack of [stackA, stackB]) {
      const groups = Template.fromStack(stack).findResources('AWS::Logs::LogGroup');
      expect(Object.keys(groups)).toHaveLength(4);
      for (const group of Object.values(groups)) {
        expect(group.Properties.RetentionInDays).toBe(30);
        expect(group.DeletionPolicy).toBe('Retain');
      }
    }
  });

  test('fails if the two stacks are not in two different Regions known at synth', () => {
    const app = new App();
    const one = new Stack(app, 'One', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    const two = new Stack(app, 'Two', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    expect(() => new lib.ActiveActiveReplication(app, 'Orders', {
      clusterA: { stack: one, clusterArn: ARN_A, vpc: vpc(one, 'a', 'eu-west-1') },
      clusterB: { stack: two, clusterArn: ARN_B, vpc: vpc(two, 'b', 'eu-west-1') },
    })).toThrow('`clusterA.stack` and `clusterB.stack` must be in two different Regions known at synth (set their `env.region`), '
      + 'got eu-west-1 and eu-west-1');
    const agnostic = new Stack(app, 'Agnostic');
    expect(() => new lib.ActiveActiveReplication(app, 'OrdersAgnostic', {
      clusterA: { stack: one, clusterArn: ARN_A, vpc: vpc(one, 'a2', 'eu-west-1') },
      clusterB: { stack: agnostic, clusterArn: ARN_B, vpc: vpc(agnostic, 'b', 'eu-central-1') },
    })).toThrow(/got eu-west-1 and \(resolved at deploy time\)/);
  });
});

/**
 * The bundled handler of one Region's Lambda function: each load is a fresh module (loadBundledHandler), so one SDK
 * client per Region, as two Lambda functions would have.
 */
function regionHandler(endpoint: string, region: string): Handler {
  return loadBundledHandler(endpoint, region);
}

function vpc(stack: Stack, name: string, region: string): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(stack, `Vpc${name}`, {
    vpcId: `vpc-0${name}`,
    vpcCidrBlock: '10.0.0.0/16',
    availabilityZones: [`${region}a`, `${region}b`],
    privateSubnetIds: [`subnet-0${name}1`, `subnet-0${name}2`],
  });
}

describe('lifecycle of both replicators against the simulator (one per Region)', () => {
  const sims: MskSimulator[] = [];
  afterAll(async () => Promise.all(sims.map((s) => s.stop())));

  async function regionSimulator(region: string): Promise<MskSimulator> {
    const sim = await MskSimulator.start({ region, account: ACCOUNT, timing: { creatingMs: 40, updatingMs: 30, deletingMs: 30 } });
    sims.push(sim);
    return sim;
  }

  test('A to B is created in B\'s Region, then B to A in A\'s Region; both RUNNING with what was synthesized; both deleted', async () => {
    const { a, b } = stacksOf(readmeApp());
    const simA = await regionSimulator('eu-west-1');
    const simB = await regionSimulator('eu-central-1');

    // B's stack deploys first: A to B, in eu-central-1
    const aToB = new CloudFormationResource(regionHandler(simB.endpoint, 'eu-central-1'), { queryIntervalMs: 5 },
      'arn:aws:cloudformation:eu-central-1:111111111111:stack/OrdersFrankfurt/1', 'OrdersAToB');
    const createdAToB = await aToB.create(handlerProperties(b));
    expect(createdAToB.reason).toBeUndefined();
    expect(createdAToB.status).toBe('SUCCESS');

    // then A's stack: B to A, in eu-west-1
    const bToA = new CloudFormationResource(regionHandler(simA.endpoint, 'eu-west-1'), { queryIntervalMs: 5 },
      'arn:aws:cloudformation:eu-west-1:111111111111:stack/OrdersIreland/1', 'OrdersBToA');
    const createdBToA = await bToA.create(handlerProperties(a));
    expect(createdBToA.reason).toBeUndefined();
    expect(createdBToA.status).toBe('SUCCESS');

    const expectCreate = (sim: MskSimulator, source: string, sourceSubnets: string[], target: string, targetSubnets: string[]) => {
      const [create] = sim.callsTo('CreateReplicator');
      expect(create.input).toMatchObject({
        kafkaClusters: [
          { amazonMskCluster: { mskClusterArn: source }, vpcConfig: { subnetIds: sourceSubnets } },
          { amazonMskCluster: { mskClusterArn: target }, vpcConfig: { subnetIds: targetSubnets, securityGroupIds: [expect.stringMatching(/^sg-/)] } },
        ],
        replicationInfoList: [{
          sourceKafkaClusterArn: source,
          targetKafkaClusterArn: target,
          topicReplication: expect.objectContaining({ topicsToReplicate: ['orders\\..*'], topicNameConfiguration: { type: 'IDENTICAL' } }),
          consumerGroupReplication: expect.objectContaining({ consumerGroupOffsetSyncMode: 'ENHANCED' }),
        }],
      });
      // a cross-Region source is sent without security groups (MSK "Network requirements")
      const sourceVpc = (create.input as { kafkaClusters: Array<{ vpcConfig: object }> }).kafkaClusters[0].vpcConfig;
      expect(sourceVpc).not.toHaveProperty('securityGroupIds');
    };
    const subnetsA = ['subnet-0a00000000000a001', 'subnet-0a00000000000a002'];
    const subnetsB = ['subnet-0b00000000000b001', 'subnet-0b00000000000b002'];
    expectCreate(simB, ARN_A, subnetsA, ARN_B, subnetsB);
    expectCreate(simA, ARN_B, subnetsB, ARN_A, subnetsA);
    const [liveAToB] = simB.replicators();
    const [liveBToA] = simA.replicators();
    expect(liveAToB.arn).toMatch(/^arn:aws:kafka:eu-central-1:111111111111:replicator\/OrdersFrankfurt-OrdersAToB-/);
    expect(liveBToA.arn).toMatch(/^arn:aws:kafka:eu-west-1:111111111111:replicator\/OrdersIreland-OrdersBToA-/);
    expect([liveAToB.state, liveBToA.state]).toEqual(['RUNNING', 'RUNNING']);
    expect(aToB.attributes.ReplicatorArn).toBe(liveAToB.arn);
    expect(bToA.attributes.ReplicatorArn).toBe(liveBToA.arn);

    // destroyed in reverse order: A's stack (B to A), then B's (A to B); each Region's handler loaded afresh
    const deleteWith = async (resource: CloudFormationResource, endpoint: string, region: string) => {
      const fresh = new CloudFormationResource(regionHandler(endpoint, region), { queryIntervalMs: 5 }, resource.stackId, resource.logicalResourceId);
      fresh.physicalResourceId = resource.physicalResourceId;
      fresh.properties = resource.properties;
      return fresh.delete();
    };
    expect((await deleteWith(bToA, simA.endpoint, 'eu-west-1')).status).toBe('SUCCESS');
    expect((await deleteWith(aToB, simB.endpoint, 'eu-central-1')).status).toBe('SUCCESS');
    expect([...simA.replicators(), ...simB.replicators()]).toEqual([]);
  });
});
