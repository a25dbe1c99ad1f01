import { App, CfnParameter, Duration, Errors, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { clusterVpc, exampleStack, TARGET_CLUSTER_ARN } from '../examples/orders-replication';
import {
  ActiveActiveClusterOptions, ActiveActiveReplication, ActiveActiveReplicationProps, MskReplicator, ReplicatorCluster,
  ReplicatorSourceClusterPolicy,
} from '../src';

/**
 * The errors of the public API beyond MskReplicator's props: every one is an aws-cdk-lib validation error
 * (`Errors.isValidationError()`), names the prop as the user wrote it, and says which rule is broken with the value.
 */

const ACCOUNT = '111111111111';
const ARN_A = `arn:aws:kafka:eu-west-1:${ACCOUNT}:cluster/orders-a/0a1b2c3d-0000-4000-8000-000000000001-1`;
const ARN_B = `arn:aws:kafka:eu-central-1:${ACCOUNT}:cluster/orders-b/0a1b2c3d-0000-4000-8000-000000000002-1`;

/** The error `fn` throws (the test fails if it throws none). */
function errorOf(fn: () => unknown): Error & { constructPath?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error, none was thrown');
}

function expectValidationError(fn: () => unknown, message: string | RegExp, constructPath?: string): void {
  const error = errorOf(fn);
  expect({ validation: Errors.isValidationError(error), message: error.message }).toEqual({
    validation: true, message: typeof message === 'string' ? message : expect.stringMatching(message),
  });
  if (constructPath !== undefined) expect(error.constructPath).toBe(constructPath);
}

describe('ReplicatorSourceClusterPolicy', () => {
  test('fails if the cluster is not of the stack\'s Region: a validation error naming `clusterArn`', () => {
    const stack = new Stack(new App(), 'Primary', { env: { account: ACCOUNT, region: 'eu-central-1' } });
    expectValidationError(() => new ReplicatorSourceClusterPolicy(stack, 'Access', { clusterArn: ARN_A }),
      `\`clusterArn\` must be a cluster of this stack's Region eu-central-1 (a cluster policy is attached in the cluster's Region), got a cluster of eu-west-1: ${ARN_A}`,
      'Primary/Access');
  });

  test('fails if clusterArn is not a cluster ARN', () => {
    const stack = new Stack(new App(), 'Primary', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    expectValidationError(() => new ReplicatorSourceClusterPolicy(stack, 'Access', { clusterArn: 'orders-a' }),
      /^`clusterArn` must be an MSK cluster ARN .*got: "orders-a"$/);
  });
});

describe('ActiveActiveReplication', () => {
  function stacks() {
    const app = new App();
    const ireland = new Stack(app, 'OrdersIreland', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    const frankfurt = new Stack(app, 'OrdersFrankfurt', { env: { account: ACCOUNT, region: 'eu-central-1' } });
    return { app, ireland, frankfurt };
  }
  const vpc = (stack: Stack, id: string) => ec2.Vpc.fromVpcAttributes(stack, id, {
    vpcId: `vpc-0${id.toLowerCase()}000000000001`,
    vpcCidrBlock: '10.10.0.0/16',
    availabilityZones: [`${stack.region}a`, `${stack.region}b`],
    privateSubnetIds: [`subnet-0${id.toLowerCase()}00000000001`, `subnet-0${id.toLowerCase()}00000000002`],
  });
  const cluster = (stack: Stack, clusterArn: string, id: string): ActiveActiveClusterOptions => ({ stack, clusterArn, vpc: vpc(stack, id) });

  test('fails if the two stacks are swapped: the message names `clusterA` and `clusterB`, not an internal prop', () => {
    const { app, ireland, frankfurt } = stacks();
    expectValidationError(() => new ActiveActiveReplication(app, 'Orders', {
      clusterA: cluster(frankfurt, ARN_A, 'a'), clusterB: cluster(ireland, ARN_B, 'b'),
    }), '`clusterA.clusterArn` is a cluster of eu-west-1 and `clusterB.clusterArn` one of eu-central-1, but `clusterA.stack` is in '
      + 'eu-central-1 and `clusterB.stack` in eu-west-1: each cluster\'s `stack` must be in that cluster\'s Region (it holds the '
      + 'replicator that writes into the cluster); swap the two stacks, or the two ARNs', 'Orders');
  });

  test('fails if one cluster is not of its stack\'s Region, naming that cluster', () => {
    const { app, ireland, frankfurt } = stacks();
    const otherArn = `arn:aws:kafka:us-east-1:${ACCOUNT}:cluster/orders-c/0a1b2c3d-0000-4000-8000-000000000003-1`;
    expectValidationError(() => new ActiveActiveReplication(app, 'Orders', {
      clusterA: cluster(ireland, ARN_A, 'a'), clusterB: cluster(frankfurt, otherArn, 'b'),
    }), `\`clusterB.clusterArn\` must be a cluster of \`clusterB.stack\`'s Region eu-central-1 (that stack holds the replicator that writes into it), got a cluster of us-east-1: ${otherArn}`);
  });

  test('fails if a cluster\'s VPC is of another Region than its stack, naming that VPC', () => {
    const { app, ireland, frankfurt } = stacks();
    expectValidationError(() => new ActiveActiveReplication(app, 'Orders', {
      clusterA: { stack: ireland, clusterArn: ARN_A, vpc: vpc(frankfurt, 'a') }, clusterB: cluster(frankfurt, ARN_B, 'b'),
    }), '`clusterA.vpc` must be a VPC of `clusterA.stack`\'s Region eu-west-1 (import it into that stack), got a VPC of eu-central-1');
  });

  test('fails if the two stacks share a Region, as a validation error', () => {
    const { app, ireland } = stacks();
    const other = new Stack(app, 'Other', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    expectValidationError(() => new ActiveActiveReplication(app, 'Orders', { clusterA: cluster(ireland, ARN_A, 'a'), clusterB: cluster(other, ARN_B, 'b') }),
      '`clusterA.stack` and `clusterB.stack` must be in two different Regions known at synth (set their `env.region`), got eu-west-1 and eu-west-1');
  });

  test('a mistake the replicators find is reported with the props of ActiveActiveReplication', () => {
    const { app, ireland, frankfurt } = stacks();
    const props: ActiveActiveReplicationProps = {
      clusterA: cluster(ireland, ARN_A, 'a'), clusterB: cluster(frankfurt, ARN_B, 'b'), topicsToReplicate: ['orders.(*'],
    };
    expectValidationError(() => new ActiveActiveReplication(app, 'Orders', props),
      '`topicsToReplicate[0]` must be a valid regular expression, got: orders.(* (in the replicator from clusterA to clusterB)', 'Orders');
    const { app: app2, ireland: i2, frankfurt: f2 } = stacks();
    expectValidationError(() => new ActiveActiveReplication(app2, 'Orders', {
      clusterA: { ...cluster(i2, ARN_A, 'a'), vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } }, clusterB: cluster(f2, ARN_B, 'b'),
    }), /^`clusterA.vpcSubnets` selects no usable subnets of the VPC .* \(in the replicator from clusterA to clusterB\)$/);
  });

  test('clusterAPolicyStack: cluster A\'s policy goes to the stack given, which B\'s stack depends on', () => {
    const { app, ireland, frankfurt } = stacks();
    const network = new Stack(app, 'IrelandNetwork', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    const pair = new ActiveActiveReplication(app, 'Orders', {
      clusterA: cluster(ireland, ARN_A, 'a'), clusterB: cluster(frankfurt, ARN_B, 'b'), clusterAPolicyStack: network,
    });
    expect(pair.clusterAPolicyStack).toBe(network);
    expect(pair.sourceClusterPolicyA!.node.scope).toBe(network);
    app.synth();
    expect(app.node.children.filter((c) => c instanceof Stack).map((s) => (s as Stack).stackName).sort())
      .toEqual(['IrelandNetwork', 'OrdersFrankfurt', 'OrdersIreland']);
    expect(frankfurt.dependencies).toEqual([network]);
  });

  test.each([
    ['is cluster A\'s own stack', (s: ReturnType<typeof stacks>) => s.ireland,
      '`clusterAPolicyStack` must not be `clusterA.stack`: A\'s stack deploys after B\'s stack, and cluster A\'s policy must exist before B\'s stack creates the replicator from A to B'],
    ['is of another Region', (s: ReturnType<typeof stacks>) => s.frankfurt,
      '`clusterAPolicyStack` must be in cluster A\'s Region eu-west-1 (a cluster policy is attached in the cluster\'s Region), got eu-central-1: OrdersFrankfurt'],
  ])('fails if clusterAPolicyStack %s', (_case, policyStack, message) => {
    const s = stacks();
    expectValidationError(() => new ActiveActiveReplication(s.app, 'Orders', {
      clusterA: cluster(s.ireland, ARN_A, 'a'), clusterB: cluster(s.frankfurt, ARN_B, 'b'), clusterAPolicyStack: policyStack(s),
    }), message);
  });
});

describe('MskReplicator and ReplicatorCluster', () => {
  test('a name that is too long says which rule and how long it is', () => {
    expectValidationError(() => exampleStack({ replicatorName: 'a'.repeat(135) }),
      `\`replicatorName\` must be at most 128 characters long (it is 135 characters long), got: ${'a'.repeat(135)}`);
  });

  test('a name that breaks both rules names both', () => {
    expectValidationError(() => exampleStack({ replicatorName: `orders_${'a'.repeat(140)}` }),
      /^`replicatorName` must match \^\[0-9A-Za-z\]\[0-9A-Za-z-\]\*\$ \(letters, digits and hyphens, starting with a letter or a digit\) and be at most 128 characters long \(it is 147 characters long\), got: orders_a+… \(147 characters\)$/);
  });

  test('four subnets without a security group: both problems at once', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });
    expectValidationError(() => new MskReplicator(stack, 'Replicator', {
      source: ReplicatorCluster.fromMskCluster({
        clusterArn: 'arn:aws:kafka:us-east-1:123456789012:cluster/orders/11111111-2222-3333-4444-555555555555-1',
        subnetIds: ['subnet-1', 'subnet-2', 'subnet-3', 'subnet-4'],
      }),
      target: ReplicatorCluster.fromMskCluster({ clusterArn: TARGET_CLUSTER_ARN, vpc: clusterVpc(stack, 'DrVpc', '10.2.0.0/16', '0dr') }),
    }), '2 problems: (1) `source.vpcSubnets` must select 2 or 3 subnets, selected 4: subnet-1, subnet-2, subnet-3, subnet-4; '
      + '(2) `source.securityGroups` is required when `source.subnetIds` is given in the replicator\'s Region: a security group '
      + 'cannot be created without `vpc`', 'S/Replicator');
  });

  test('a timeout known only at deploy time: named, and accepted in seconds', () => {
    const app = new App();
    const parameterStack = () => new Stack(app, `S${app.node.children.length}`, { env: { account: '123456789012', region: 'us-east-1' } });
    const minutes = () => {
      const stack = parameterStack();
      return Duration.minutes(new CfnParameter(stack, 'Minutes', { type: 'Number' }).valueAsNumber);
    };
    expectValidationError(() => exampleStack({ timeout: minutes() }, new App()),
      '`timeout` must be given as Duration.seconds(...) when its value is known only at deploy time, got Duration.minutes((resolved at deploy time))');
    const { stack } = exampleStack({});
    const seconds = Duration.seconds(new CfnParameter(stack, 'TimeoutSeconds', { type: 'Number' }).valueAsNumber);
    expect(() => new MskReplicator(stack, 'WithParameter', {
      source: ReplicatorCluster.fromMskCluster({ clusterArn: 'arn:aws:kafka:us-east-1:123456789012:cluster/c/1', vpc: clusterVpc(stack, 'V3', '10.3.0.0/16', 'c') }),
      target: ReplicatorCluster.fromMskCluster({ clusterArn: 'arn:aws:kafka:us-east-1:123456789012:cluster/d/2', vpc: clusterVpc(stack, 'V4', '10.4.0.0/16', 'd') }),
      timeout: seconds,
    })).not.toThrow();
  });

  test('a replication latency threshold known only at deploy time is named', () => {
    const { stack, replicator } = exampleStack();
    const threshold = Duration.seconds(new CfnParameter(stack, 'LatencySeconds', { type: 'Number' }).valueAsNumber);
    expectValidationError(() => replicator.addRecommendedAlarms({ replicationLatencyThreshold: threshold }),
      '`replicationLatencyThreshold` must be given as Duration.millis(...) when its value is known only at deploy time, got Duration.seconds((resolved at deploy time))',
      'OrdersReplication/Replicator');
  });

  test('a rootCaCertificate without TLS, and a self-managed cluster as a target, are validation errors', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });
    const vpc = clusterVpc(stack, 'OnPrem', '10.1.0.0/16', 'onprem');
    const rootCaCertificate = secretsmanager.Secret.fromSecretNameV2(stack, 'RootCa', 'root-ca');
    expectValidationError(() => ReplicatorCluster.fromApacheKafkaCluster({
      clusterId: 'onprem', bootstrapBrokers: 'b-1:9096', vpc, rootCaCertificate, encryptionInTransit: false,
    }), '`rootCaCertificate` requires `encryptionInTransit` (TLS) on the Apache Kafka cluster onprem, but encryptionInTransit is false');
    const selfManaged = ReplicatorCluster.fromApacheKafkaCluster({ clusterId: 'onprem', bootstrapBrokers: 'b-1:9096', vpc });
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.ServicePrincipal('kafka.amazonaws.com') });
    expectValidationError(() => selfManaged.grantReplicationTarget(role), '`grantReplicationTarget()` needs an Amazon MSK cluster: a replicator\'s target must be one, and onprem is a self-managed Apache Kafka cluster');
  });
});
