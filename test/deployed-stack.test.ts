import { CloudFormationClient, DescribeStackResourceCommand } from '@aws-sdk/client-cloudformation';
import { Template } from 'aws-cdk-lib/assertions';
import { ACCOUNT, clusterVpc, exampleStack, REGION } from '../examples/orders-replication';
import { loadBundledHandler } from '../local-aws/cloudformation/provider-framework';
import { LocalCloudFormationApi } from '../local-aws/cloudformation/query-api';
import { CfnTemplate, CloudFormationStack } from '../local-aws/cloudformation/stack';
import { MskSimulator } from '../local-aws/msk-simulator';
import { MskReplicator, ReplicatorCluster } from '../src';
import { deployedReplicatorArn, deployedReplicators, deployedResource } from '../src/cli/deployed-stack';

/**
 * The stack look-up the drift command (and the plan command) build on, with the real @aws-sdk/client-cloudformation
 * against the local CloudFormation API (local-aws/cloudformation/query-api.ts) over HTTP: the example app, with a
 * second replicator, deployed through the stack emulator against the MSK simulator.
 */

let sim: MskSimulator;
let api: LocalCloudFormationApi;
let stack: CloudFormationStack;
let template: CfnTemplate;

const replicatorIds = () => Object.entries(template.Resources).filter(([, r]) => r.Type === 'Custom::MskReplicator').map(([id]) => id).sort();
const client = (region = REGION) => new CloudFormationClient({
  region, endpoint: api.endpoint, credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'example-secret' }, maxAttempts: 1,
});

beforeAll(async () => {
  sim = await MskSimulator.start({ region: REGION, timing: { creatingMs: 10, updatingMs: 10, deletingMs: 10 } });
  const { stack: app } = exampleStack();
  new MskReplicator(app, 'Second', {
    source: ReplicatorCluster.fromMskCluster({
      clusterArn: `arn:aws:kafka:${REGION}:${ACCOUNT}:cluster/orders-second/11111111-2222-3333-4444-555555555556-1`,
      vpc: clusterVpc(app, 'V3', '10.3.0.0/16', '0third'),
    }),
    target: ReplicatorCluster.fromMskCluster({
      clusterArn: `arn:aws:kafka:${REGION}:${ACCOUNT}:cluster/orders-second-dr/11111111-2222-3333-4444-555555555557-1`,
      vpc: clusterVpc(app, 'V4', '10.4.0.0/16', '0fourth'),
    }),
  });
  template = Template.fromStack(app).toJSON() as CfnTemplate;
  stack = new CloudFormationStack(loadBundledHandler(sim.endpoint), { region: REGION, account: ACCOUNT, stackName: 'OrdersReplication', provider: { queryIntervalMs: 5 } });
  expect(await stack.deploy(template)).toBe('CREATE_COMPLETE');
  // pages of 5 resources: the look-up must follow NextToken through several
  api = await LocalCloudFormationApi.start({ region: REGION, stacks: [stack], pageSize: 5 });
}, 120_000);
afterAll(async () => {
  await api?.stop();
  await sim?.stop();
});

test('the replicator of a Custom::MskReplicator is its physical id, by stack name and by stack id', async () => {
  for (const logicalId of replicatorIds()) {
    const arn = await deployedReplicatorArn(client(), 'OrdersReplication', logicalId);
    expect(arn).toBe(stack.resource(logicalId)!.physicalId);
    expect(sim.replicator(arn)?.state).toBe('RUNNING');
    expect(await deployedReplicatorArn(client(), stack.stackId, logicalId)).toBe(arn);
  }
});

test('every replicator of the stack, over all pages of ListStackResources', async () => {
  const found = await deployedReplicators(client(), 'OrdersReplication');
  expect(found.map((r) => r.logicalId).sort()).toEqual(replicatorIds());
  expect(found.every((r) => r.status === 'CREATE_COMPLETE' && r.physicalId?.startsWith(`arn:aws:kafka:${REGION}:`))).toBe(true);
  const pages = api.calls.filter((c) => c.action === 'ListStackResources' && c.status === 200);
  expect(pages.filter((c) => c.params.NextToken === undefined).length).toBeGreaterThan(0);
  expect(pages.some((c) => c.params.NextToken !== undefined)).toBe(true);
});

test('a stack CloudFormation does not know: the message names the stack and the Region to check', async () => {
  await expect(deployedReplicatorArn(client(), 'OrdersReplicaton', replicatorIds()[0])).rejects.toThrow(
    `CloudFormation has no stack OrdersReplicaton in ${REGION} (in the account of the credentials in use): check the stack name (as \`cdk list\` shows it) and the Region (--region)`);
  await expect(deployedReplicators(client(), 'Nope')).rejects.toThrow(/^CloudFormation has no stack Nope in us-east-1/);
});

test('a logical id the stack does not have: the message lists its replicators', async () => {
  await expect(deployedReplicatorArn(client(), 'OrdersReplication', 'ReplicatorOld1234')).rejects.toThrow(
    `Stack OrdersReplication has no resource ReplicatorOld1234; its Custom::MskReplicator resources: ${replicatorIds().join(', ')} `
    + '(was the template synthesized from another version of the app?)');
});

test('a resource that is not a replicator is refused', async () => {
  const [roleId] = Object.entries(template.Resources).find(([, r]) => r.Type === 'AWS::IAM::Role')!;
  await expect(deployedReplicatorArn(client(), 'OrdersReplication', roleId)).rejects.toThrow(
    `Resource ${roleId} of stack OrdersReplication is a AWS::IAM::Role, not a Custom::MskReplicator`);
  expect((await deployedResource(client(), 'OrdersReplication', roleId)).type).toBe('AWS::IAM::Role');
});

test('the API speaks awsQuery as the SDK sends it, and refuses a request signed for another Region', async () => {
  const logicalId = replicatorIds()[0];
  const { StackResourceDetail: detail } = await client().send(new DescribeStackResourceCommand({ StackName: 'OrdersReplication', LogicalResourceId: logicalId }));
  expect(detail).toMatchObject({
    StackName: 'OrdersReplication',
    StackId: stack.stackId,
    LogicalResourceId: logicalId,
    ResourceType: 'Custom::MskReplicator',
    ResourceStatus: 'CREATE_COMPLETE',
    PhysicalResourceId: stack.resource(logicalId)!.physicalId,
  });
  expect(detail?.LastUpdatedTimestamp).toBeInstanceOf(Date);
  const call = api.calls[api.calls.length - 1];
  expect(call.params).toEqual({ Action: 'DescribeStackResource', Version: '2010-05-15', StackName: 'OrdersReplication', LogicalResourceId: logicalId });
  await expect(client('eu-west-1').send(new DescribeStackResourceCommand({ StackName: 'OrdersReplication', LogicalResourceId: logicalId })))
    .rejects.toMatchObject({ name: 'SignatureDoesNotMatch', message: 'Credential should be scoped to a valid region, not \'eu-west-1\'.' });
});
