import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  ACCOUNT, clusterVpc, EXAMPLE_SUBNET_VPCS, REGION, ReplicatorOptions, SOURCE_CLUSTER_ARN, TARGET_CLUSTER_ARN,
} from '../examples/orders-replication';
import { iamEnforcingStack, networkOf } from '../local-aws/cloudformation/iam-enforcing-stack';
import { loadBundledHandler } from '../local-aws/cloudformation/provider-framework';
import { CfnTemplate, CloudFormationStack } from '../local-aws/cloudformation/stack';
import { MskSimulator } from '../local-aws/msk-simulator';
import { MskReplicator, ReplicatorCluster } from '../src';

/**
 * The replicator's OWN access to its clusters through a deployment: the local MSK checks, at every moment it looks
 * (every request, every policy change CloudFormation makes), that each RUNNING or UPDATING replicator's service
 * execution role grants what it needs on its source and target clusters (local-aws/msk-simulator/service-role-access.ts).
 * A change of cluster is a replacement: the replicator in service must keep its grants until the cleanup deletes it,
 * and a failed replacement must leave the original with its grants throughout.
 */
let sim: MskSimulator;

beforeAll(async () => {
  sim = await MskSimulator.start({ timing: { creatingMs: 30, updatingMs: 20, deletingMs: 20 } });
});
afterAll(async () => {
  sim.enforceIam(undefined);
  await sim.stop();
});

const OTHER_SOURCE_ARN = `arn:aws:kafka:${REGION}:${ACCOUNT}:cluster/orders-primary-v2/abababab-2222-3333-4444-555555555555-1`;

interface Pair {
  readonly source?: string;
  readonly target?: string;
  /** A role of the stack, made by `role(stack)`, with the grant helpers called on it. */
  readonly role?: (stack: Stack, source: ReplicatorCluster, target: ReplicatorCluster) => iam.IRole;
}

function synth(pair: Pair = {}, options: ReplicatorOptions = {}): CfnTemplate {
  const stack = new Stack(new App(), 'OrdersReplication', { env: { account: ACCOUNT, region: REGION } });
  const source = ReplicatorCluster.fromMskCluster({
    clusterArn: pair.source ?? SOURCE_CLUSTER_ARN, vpc: clusterVpc(stack, 'PrimaryVpc', '10.1.0.0/16', '0primary'),
  });
  const target = ReplicatorCluster.fromMskCluster({
    clusterArn: pair.target ?? TARGET_CLUSTER_ARN, vpc: clusterVpc(stack, 'DrVpc', '10.2.0.0/16', '0dr'),
  });
  new MskReplicator(stack, 'Replicator', { source, target, role: pair.role?.(stack, source, target), replacementProtection: false, ...options });
  return Template.fromStack(stack).toJSON() as CfnTemplate;
}

function iamStack(template: CfnTemplate): CloudFormationStack {
  return iamEnforcingStack(sim, loadBundledHandler(sim.endpoint), networkOf(template, EXAMPLE_SUBNET_VPCS, { region: REGION, account: ACCOUNT }),
    { provider: { queryIntervalMs: 5 }, stackName: 'OrdersReplication' });
}

const REPLICATOR = Object.entries(synth().Resources).find(([, r]) => r.Type === 'Custom::MskReplicator')![0];
const gapsOf = (arn: string) => sim.accessGaps().filter((gap) => gap.replicatorArn === arn);
const denied = () => sim.calls.filter((c) => c.status === 403).map((c) => `${c.operation}: ${c.errorMessage}`);

async function deployed(first: CfnTemplate): Promise<{ stack: CloudFormationStack; arn: string }> {
  const stack = iamStack(first);
  await expect(stack.deploy(first)).resolves.toBe('CREATE_COMPLETE');
  const arn = stack.resource(REPLICATOR)!.physicalId;
  expect(sim.replicator(arn)?.state).toBe('RUNNING');
  return { stack, arn };
}

beforeEach(() => sim.resetCalls());

test('the world is not a no-op: a replicator whose role does not grant its clusters is recorded as cut off', async () => {
  const template = synth();
  const policy = Object.values(template.Resources).find((r) => r.Type === 'AWS::IAM::Policy'
    && JSON.stringify(r.Properties!.PolicyDocument).includes('kafka-cluster:ReadData'))!;
  const document = policy.Properties!.PolicyDocument as { Statement: Array<{ Action: string | string[] }> };
  // the role may connect to both clusters but not read the source's topics
  document.Statement = document.Statement.filter((s) => !([] as string[]).concat(s.Action).includes('kafka-cluster:ReadData'));
  const { stack, arn } = await deployed(template);
  const [gap] = gapsOf(arn);
  expect(gap?.missing).toEqual(expect.arrayContaining([expect.stringMatching(/^kafka-cluster:ReadData on arn:aws:kafka:.*:topic\/orders-primary\//)]));
  await stack.destroy();
  // closed when the replicator went out of service
  expect(gapsOf(arn)[0].until).toBeDefined();
});

test('changing the source cluster: the replicator in service keeps its grants until the cleanup deletes it', async () => {
  const { stack, arn } = await deployed(synth());
  await expect(stack.deploy(synth({ source: OTHER_SOURCE_ARN }))).resolves.toBe('UPDATE_COMPLETE');
  const now = stack.resource(REPLICATOR)!.physicalId;
  expect(now).not.toBe(arn);
  expect(sim.replicator(arn)).toBeUndefined();
  expect(sim.replicator(now)?.replicationInfo.sourceKafkaClusterArn).toBe(OTHER_SOURCE_ARN);
  expect(gapsOf(arn)).toEqual([]);
  expect(gapsOf(now)).toEqual([]);
  expect(denied()).toEqual([]);
  expect(stack.cleanupFailures).toEqual([]);
  await expect(stack.destroy()).resolves.toBe('DELETE_COMPLETE');
});

test('changing the target cluster, and the replacement fails: the original keeps its grants through the rollback', async () => {
  const { stack, arn } = await deployed(synth());
  sim.failNextCreation('REPLICATOR_CREATION_FAILED', 'The replicator could not reach the target cluster');
  const otherTarget = `arn:aws:kafka:${REGION}:${ACCOUNT}:cluster/orders-dr-v2/cdcdcdcd-7777-8888-9999-000000000000-2`;
  await expect(stack.deploy(synth({ target: otherTarget }))).resolves.toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(stack.resource(REPLICATOR)!.physicalId).toBe(arn);
  expect(sim.replicator(arn)?.state).toBe('RUNNING');
  expect(gapsOf(arn)).toEqual([]);
  expect(denied()).toEqual([]);
  await expect(stack.destroy()).resolves.toBe('DELETE_COMPLETE');
});

test('after the replacement, the role holds only the new clusters\' grants (the old policy goes in the cleanup)', async () => {
  const { stack } = await deployed(synth());
  await expect(stack.deploy(synth({ source: OTHER_SOURCE_ARN }))).resolves.toBe('UPDATE_COMPLETE');
  const [role] = stack.rolePolicies().filter((r) => JSON.stringify(r.policies).includes('kafka-cluster:'));
  const granted = JSON.stringify(role.policies);
  expect(granted).toContain('cluster/orders-primary-v2/');
  expect(granted).not.toContain('cluster/orders-primary/');
  await stack.destroy();
});

/** The template as a version without the content hash made it: the role's policy named by its construct path alone. */
function withoutPolicyHash(template: CfnTemplate): CfnTemplate {
  const text = JSON.stringify(template);
  const hashed = /ReplicatorServiceExecutionRoleDefaultPolicy[0-9A-F]{8}([0-9A-F]{8})/.exec(text)!;
  return JSON.parse(text.split(hashed[0]).join(hashed[0].slice(0, -8))) as CfnTemplate;
}

test('upgrading from a version without the hashed policy id: the policy is replaced before the old one is deleted, no gap', async () => {
  const { stack, arn } = await deployed(withoutPolicyHash(synth()));
  const from = stack.events.length;
  await expect(stack.deploy(synth())).resolves.toBe('UPDATE_COMPLETE');
  // no change to the replicator itself: only the policy, created first and the old one removed in the cleanup
  expect(stack.events.slice(from).map((e) => `${e.phase} ${e.action} ${e.type}`)).toEqual([
    'deploy Create AWS::IAM::Policy', 'cleanup Delete AWS::IAM::Policy',
  ]);
  expect(stack.resource(REPLICATOR)!.physicalId).toBe(arn);
  expect(gapsOf(arn)).toEqual([]);
  await stack.destroy();
});

describe('a role of your own, granted with the grant helpers', () => {
  /** The role's construct id names its cluster pair: a change of cluster makes a new role, the old one goes in cleanup. */
  const rolePerPair: Pair['role'] = (stack, source, target) => {
    const pair = [source.clusterArn, target.clusterArn].map((arn) => arn!.split('/')[1]).join('-to-');
    const role = new iam.Role(stack, `ReplicatorRole-${pair}`, { assumedBy: new iam.ServicePrincipal('kafka.amazonaws.com') });
    source.grantReplicationSource(role);
    target.grantReplicationTarget(role);
    return role;
  };
  /** One role whatever the clusters: its policy is rewritten in place. */
  const oneRole: Pair['role'] = (stack, source, target) => {
    const role = new iam.Role(stack, 'ReplicatorRole', { assumedBy: new iam.ServicePrincipal('kafka.amazonaws.com') });
    source.grantReplicationSource(role);
    target.grantReplicationTarget(role);
    return role;
  };

  test('a role per cluster pair (the README\'s advice): no moment without access', async () => {
    const { stack, arn } = await deployed(synth({ role: rolePerPair }));
    await expect(stack.deploy(synth({ source: OTHER_SOURCE_ARN, role: rolePerPair }))).resolves.toBe('UPDATE_COMPLETE');
    expect(sim.replicator(arn)).toBeUndefined();
    expect(gapsOf(arn)).toEqual([]);
    expect(gapsOf(stack.resource(REPLICATOR)!.physicalId)).toEqual([]);
    expect(denied()).toEqual([]);
    await stack.destroy();
  });

  test('one role whose policy the grant helpers rewrite in place: the world shows the gap the README warns of', async () => {
    const { stack, arn } = await deployed(synth({ role: oneRole }));
    await expect(stack.deploy(synth({ source: OTHER_SOURCE_ARN, role: oneRole }))).resolves.toBe('UPDATE_COMPLETE');
    const [gap] = gapsOf(arn);
    expect(gap.missing).toEqual(expect.arrayContaining([expect.stringContaining('cluster/orders-primary/')]));
    // it lasted until the old replicator left service, in the cleanup
    expect(gap.until).toBeDefined();
    await stack.destroy();
  });
});
