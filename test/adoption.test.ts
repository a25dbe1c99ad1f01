import * as fs from 'fs';
import * as path from 'path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CreateReplicatorCommand, KafkaClient, UpdateReplicationInfoCommand } from '@aws-sdk/client-kafka';
import * as cdk from 'aws-cdk-lib';
import { App, CfnResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import {
  ACCOUNT, clusterVpc, REGION, ReplicatorOptions, SOURCE_CLUSTER_ARN, synthesizedProperties, TARGET_CLUSTER_ARN,
} from '../examples/orders-replication';
import { CfnTemplate } from '../local-aws/cloudformation/stack';
import { VirtualClock } from '../local-aws/cloudformation/world-clock';
import { MskSimulator } from '../local-aws/msk-simulator';
import { MskReplicator, ReplicatorCluster, TargetCompressionType } from '../src';
import { AdoptionWorld, adoptingStack, NAME, readmeAdoption, replicatorIdOf, synth, TIMING } from './fixtures/adoption-world';
import { EXIT_PLAN_REFUSED, EXIT_PLAN_SAFE } from '../src/cli/plan-arguments';
import { planExitCode, planText } from '../src/cli/plan-report';
import { planStack } from '../src/cli/stack-plan';
import { decodeFoundState, FOUND_AS_TAG_PREFIX } from '../src/provider/adoption';
import { MANAGED_BY_TAG_KEY, OWNER_TAG_KEY, RETAINED_TAG_KEY } from '../src/provider/lifecycle';
import { decodeProperties } from '../src/provider/properties';
import { createReplicatorRequest } from '../src/provider/requests';

/**
 * Adoption end to end: synthesized stacks deployed to the local world (the stack emulator with IAM enforced on every
 * MSK and CloudFormation call of the handler, the Provider framework's own runtime, the bundled handler, the MSK
 * simulator over HTTP), against a replicator made outside the stack (as the console or the CLI would make it).
 */

let adoption: AdoptionWorld;
let sim: MskSimulator;
let clock: VirtualClock;
let operator: KafkaClient;
beforeAll(async () => {
  adoption = await AdoptionWorld.start('Adopting');
  ({ sim, clock, operator } = adoption);
});
afterAll(async () => sim?.stop());
afterEach(async () => adoption.cleanup());

const app = adoptingStack;
const world = (template: CfnTemplate) => adoption.world(template);
const existingReplicator = (options?: ReplicatorOptions, tags?: Record<string, string>) => adoption.existingReplicator(options, tags);
const changes = () => sim.calls.filter((c) => ['CreateReplicator', 'UpdateReplicationInfo', 'DeleteReplicator', 'TagResource', 'UntagResource']
  .includes(c.operation)).map((c) => c.operation);
const snapshot = (arn: string) => {
  const r = sim.replicator(arn)!;
  return { state: r.state, replicationInfo: r.replicationInfo, logDelivery: r.logDelivery, tags: r.tags, description: r.description };
};

test('an identical replicator is adopted with one write: the ownership and the record of how it was found', async () => {
  const arn = await existingReplicator();
  sim.resetCalls();
  const template = synth(app());
  const { stack } = await world(template);
  expect(await stack.deploy(template)).toBe('CREATE_COMPLETE');
  expect(changes()).toEqual(['TagResource']);
  expect(stack.resource(replicatorIdOf(template))!.physicalId).toBe(arn);
  const tags = sim.replicator(arn)!.tags;
  expect(tags.team).toBe('payments');
  expect(tags[OWNER_TAG_KEY]).toMatch(/^[0-9a-f]{32}$/);
  expect(tags[MANAGED_BY_TAG_KEY]).toBe(`Adopting${adoption.count}/${replicatorIdOf(template)}`);
  expect(decodeFoundState(tags)?.topics.TopicsToReplicate).toEqual(['.*']);
  expect(sim.replicators()).toHaveLength(1);
});

test('a replicator whose topics differ is adopted with one UpdateReplicationInfo; the next deployment drops the record', async () => {
  const arn = await existingReplicator({ topicReplication: { topicsToReplicate: ['orders'] } });
  sim.resetCalls();
  const template = synth(app());
  const { stack } = await world(template);
  expect(await stack.deploy(template)).toBe('CREATE_COMPLETE');
  expect(changes().filter((c) => c !== 'TagResource')).toEqual(['UpdateReplicationInfo']);
  expect(sim.replicator(arn)!.replicationInfo.topicReplication.topicsToReplicate).toEqual(['.*']);
  expect(decodeFoundState(sim.replicator(arn)!.tags)?.topics.TopicsToReplicate).toEqual(['orders']);
  // an Update means the adoption's deployment succeeded: the record has served its purpose
  const next = synth(app({ tags: { stage: 'prod' } }));
  expect(await stack.deploy(next)).toBe('UPDATE_COMPLETE');
  expect(Object.keys(sim.replicator(arn)!.tags).filter((k) => k.startsWith(FOUND_AS_TAG_PREFIX))).toEqual([]);
  expect(sim.replicator(arn)!.tags.stage).toBe('prod');
});

test('a replicator whose compression differs is refused, naming the difference, and nothing is written', async () => {
  const arn = await existingReplicator({ targetCompressionType: TargetCompressionType.GZIP });
  const before = snapshot(arn);
  sim.resetCalls();
  const template = synth(app());
  const { stack } = await world(template);
  expect(await stack.deploy(template)).toBe('ROLLBACK_COMPLETE');
  const failure = stack.events.find((e) => e.status === 'FAILED');
  expect(failure?.reason).toMatch(/cannot be adopted: .*targetCompressionType \(template "NONE", replicator "GZIP"\)/);
  expect(failure?.reason).toMatch(/Nothing was changed/);
  expect(changes()).toEqual([]);
  expect(snapshot(arn)).toEqual(before);
});

test('a first deployment that fails after the adoption gives the replicator back exactly as it was, RUNNING', async () => {
  const arn = await existingReplicator({ topicReplication: { topicsToReplicate: ['orders'] } }, { team: 'payments', stage: 'dev' });
  const before = snapshot(arn);
  const template = synth(app({ tags: { stage: 'prod' } }, (stack, first) => {
    // a second replicator of the same stack, created after the adoption, fails
    const second = new MskReplicator(stack, 'Second', {
      source: ReplicatorCluster.fromMskCluster({ clusterArn: SOURCE_CLUSTER_ARN, vpc: stack.node.findChild('PrimaryVpc') as ec2.IVpc }),
      target: ReplicatorCluster.fromMskCluster({ clusterArn: TARGET_CLUSTER_ARN, vpc: stack.node.findChild('DrVpc') as ec2.IVpc }),
    });
    (second.node.findChild('Resource').node.defaultChild as CfnResource).addDependency(first.node.findChild('Resource').node.defaultChild as CfnResource);
  }));
  const { stack, api } = await world(template);
  sim.failNextCreation('INSUFFICIENT_CAPACITY', 'No capacity in subnet-0dra');
  expect(await stack.deploy(template)).toBe('ROLLBACK_COMPLETE');
  // the adoption had applied the template (topics, tags) before the other replicator failed
  expect(sim.callsTo('UpdateReplicationInfo').length).toBeGreaterThanOrEqual(2);
  expect(snapshot(arn)).toEqual(before);
  expect(sim.replicators().map((r) => r.arn)).toEqual([arn]);
  // read by each isComplete poll of the Delete, and allowed to the handler's role at that moment
  const statuses = api.calls.filter((c) => c.action === 'DescribeStacks').map((c) => c.status);
  expect(statuses.length).toBeGreaterThan(0);
  expect(new Set(statuses)).toEqual(new Set([200]));
});

test('adoption waits for a replicator that is UPDATING and records it as it is once the update settled', async () => {
  const arn = await existingReplicator();
  const live = sim.replicator(arn)!;
  await operator.send(new UpdateReplicationInfoCommand({
    ReplicatorArn: arn,
    CurrentVersion: live.currentVersion,
    SourceKafkaClusterArn: SOURCE_CLUSTER_ARN,
    TargetKafkaClusterArn: TARGET_CLUSTER_ARN,
    TopicReplication: {
      TopicsToReplicate: ['payments'], TopicsToExclude: [], CopyTopicConfigurations: true, CopyAccessControlListsForTopics: true, DetectAndCopyNewTopics: true,
    },
  }));
  expect(sim.replicator(arn)!.state).toBe('UPDATING');
  const template = synth(app());
  const { stack } = await world(template);
  expect(await stack.deploy(template)).toBe('CREATE_COMPLETE');
  // recorded as the operator's update left it, then brought to the template
  expect(decodeFoundState(sim.replicator(arn)!.tags)?.topics.TopicsToReplicate).toEqual(['payments']);
  expect(sim.replicator(arn)!.replicationInfo.topicReplication.topicsToReplicate).toEqual(['.*']);
});

test('a FAILED replicator is not adopted, and nothing is written', async () => {
  const arn = await existingReplicator();
  sim.setState(arn, 'FAILED', { code: 'AUTHENTICATION_FAILED', message: 'The replicator cannot reach the source cluster' });
  const before = snapshot(arn);
  sim.resetCalls();
  const template = synth(app());
  const { stack } = await world(template);
  expect(await stack.deploy(template)).toBe('ROLLBACK_COMPLETE');
  expect(stack.events.find((e) => e.status === 'FAILED')?.reason).toMatch(/is FAILED \(AUTHENTICATION_FAILED: .*\) and is not adopted/);
  expect(changes()).toEqual([]);
  expect(snapshot(arn)).toEqual(before);
});

test('a replicator another MskReplicator manages is refused, naming that stack and resource', async () => {
  const owner = synth(app({ adoptExisting: undefined }));
  const first = await world(owner);
  expect(await first.stack.deploy(owner)).toBe('CREATE_COMPLETE');
  const ownerName = `Adopting${adoption.count}/${replicatorIdOf(owner)}`;
  const arn = first.stack.resource(replicatorIdOf(owner))!.physicalId;
  const before = snapshot(arn);
  sim.resetCalls();
  const template = synth(app());
  const { stack } = await world(template);
  expect(await stack.deploy(template)).toBe('ROLLBACK_COMPLETE');
  expect(stack.events.find((e) => e.status === 'FAILED')?.reason).toMatch(new RegExp(`already managed by another MskReplicator \\(${ownerName}\\)`));
  expect(changes()).toEqual([]);
  expect(snapshot(arn)).toEqual(before);
});

test('adopting a name no replicator has fails clearly and creates nothing', async () => {
  const template = synth(app());
  const { stack } = await world(template);
  expect(await stack.deploy(template)).toBe('ROLLBACK_COMPLETE');
  expect(stack.events.find((e) => e.status === 'FAILED')?.reason).toMatch(/No replicator named "orders-dr" exists .* nothing to adopt/);
  expect(sim.replicators()).toEqual([]);
});

test('cdk destroy deletes an adopted replicator under DESTROY', async () => {
  const arn = await existingReplicator();
  const template = synth(app());
  const { stack, api } = await world(template);
  expect(await stack.deploy(template)).toBe('CREATE_COMPLETE');
  adoption.logs.length = 0;
  expect(await stack.destroy()).toBe('DELETE_COMPLETE');
  if (process.env.ADOPTION_LOG) console.log(adoption.logs.join('\n'));
  expect(sim.replicator(arn)).toBeUndefined();
  // read by each isComplete poll of the Delete, and allowed to the handler's role at that moment
  const statuses = api.calls.filter((c) => c.action === 'DescribeStacks').map((c) => c.status);
  expect(statuses.length).toBeGreaterThan(0);
  expect(new Set(statuses)).toEqual(new Set([200]));
});

test('cdk destroy keeps an adopted replicator under RETAIN, marked retained and without the adoption record', async () => {
  const arn = await existingReplicator();
  const template = synth(app({ removalPolicy: RemovalPolicy.RETAIN }));
  const { stack } = await world(template);
  expect(await stack.deploy(template)).toBe('CREATE_COMPLETE');
  expect(await stack.destroy()).toBe('DELETE_COMPLETE');
  const tags = sim.replicator(arn)!.tags;
  expect(sim.replicator(arn)!.state).toBe('RUNNING');
  expect(tags[RETAINED_TAG_KEY]).toBe('true');
  expect(Object.keys(tags).filter((k) => k.startsWith(FOUND_AS_TAG_PREFIX))).toEqual([]);
  // and another stack may adopt it now
  const next = synth(app());
  const other = await world(next);
  expect(await other.stack.deploy(next)).toBe('CREATE_COMPLETE');
  expect(other.stack.resource(replicatorIdOf(next))!.physicalId).toBe(arn);
  expect(sim.replicator(arn)!.tags[RETAINED_TAG_KEY]).toBeUndefined();
});

/** The lines `plan` printed in the tests below: the README quotes them. */
const planLines: string[] = [];

describe('cdk-msk-replicator plan before an adoption', () => {
  async function planOf(template: CfnTemplate) {
    const { stack, api } = await world(template);
    const cloudFormation = new CloudFormationClient({ region: REGION, endpoint: api.endpoint, credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'example' } });
    const plan = await planStack({ stackName: stack.stackId.split('/')[1], template: template as never, region: REGION, account: ACCOUNT, cloudFormation, kafka: operator });
    planLines.push(...planText(plan).split('\n'));
    return { plan: plan.replicators.find((r) => r.logicalId === replicatorIdOf(template))!, stack };
  }

  test('adopt, with the in-place changes it will apply, and the deployment then does exactly that', async () => {
    await existingReplicator({ topicReplication: { topicsToReplicate: ['orders'] } });
    const template = synth(app({ tags: { stage: 'prod' } }));
    const { plan, stack } = await planOf(template);
    expect(plan.verdict).toBe('adopt');
    expect(plan.summary).toMatch(/^adopt orders-dr \(RUNNING\), nothing copied again; in place: TopicReplication/);
    expect(plan.details).toEqual(expect.arrayContaining(['topicReplication.topicsToReplicate: +.* -orders', 'tags.stage: undefined -> "prod"']));
    expect(planExitCode({ stackName: 's', region: REGION, replicators: [plan] })).toBe(EXIT_PLAN_SAFE);
    sim.resetCalls();
    expect(await stack.deploy(template)).toBe('CREATE_COMPLETE');
    expect(sim.callsTo('UpdateReplicationInfo')).toHaveLength(1);
    expect(sim.callsTo('CreateReplicator')).toHaveLength(0);
  });

  test('refused, naming each create-only difference, exactly when the deployment would be refused', async () => {
    await existingReplicator({ targetCompressionType: TargetCompressionType.GZIP, description: 'made in the console' });
    const template = synth(app());
    const { plan, stack } = await planOf(template);
    expect(plan.verdict).toBe('refuse');
    expect(plan.causes).toEqual(['description', 'targetCompressionType']);
    expect(plan.details).toEqual(['description: replicator "made in the console", template ""', 'targetCompressionType: replicator "GZIP", template "NONE"']);
    expect(planExitCode({ stackName: 's', region: REGION, replicators: [plan] })).toBe(EXIT_PLAN_REFUSED);
    expect(await stack.deploy(template)).toBe('ROLLBACK_COMPLETE');
  });
});

describe('the adoptExisting prop', () => {
  test('renders AdoptExisting only when true, so templates without adoption stay as they were', () => {
    const props = (stack: Stack) => Object.values(Template.fromStack(stack).findResources('Custom::MskReplicator'))[0].Properties;
    expect(props(app()).AdoptExisting).toBe(true);
    expect(props(app({ adoptExisting: undefined }))).not.toHaveProperty('AdoptExisting');
    expect(props(app({ adoptExisting: false }))).not.toHaveProperty('AdoptExisting');
  });

  test('needs replicatorName and role, named in the error', () => {
    expect(() => app({ replicatorName: undefined })).toThrow(/`adoptExisting` needs `replicatorName`: the replicator to adopt is found by its name/);
    const stack = new Stack(new App(), 'NoRole', { env: { account: ACCOUNT, region: REGION } });
    expect(() => new MskReplicator(stack, 'Replicator', {
      source: ReplicatorCluster.fromMskCluster({ clusterArn: SOURCE_CLUSTER_ARN, vpc: clusterVpc(stack, 'PrimaryVpc', '10.1.0.0/16', '0primary') }),
      target: ReplicatorCluster.fromMskCluster({ clusterArn: TARGET_CLUSTER_ARN, vpc: clusterVpc(stack, 'DrVpc', '10.2.0.0/16', '0dr') }),
      replicatorName: NAME,
      adoptExisting: true,
    })).toThrow(/`adoptExisting` needs `role`: a replicator keeps its service execution role/);
  });
});

// Failed before the fix: the budget counted the tags after the adoption's removals, while its TagResource comes first
// (adoption-steps.ts recordAdoption): 49 tags, with an earlier life's three marks to remove, passed through 51 and MSK
// refused the TagResource midway, with its own message, instead of the adoption being refused before any write.
test('an adoption whose tags fit MSK\'s 50 only after its removals is refused before any write: its TagResource comes first', async () => {
  const many = Object.fromEntries(Array.from({ length: 44 }, (_, i) => [`cost-center-${i}`, `cc${i}`]));
  // a replicator another stack let go under RETAIN: its ownership, request, deployed and retained marks
  const earlierLife = {
    'cdk-msk-replicator:owner': 'f'.repeat(32),
    'cdk-msk-replicator:managed-by': 'EarlierStack/Replicator',
    'cdk-msk-replicator:request': 'a'.repeat(32),
    'cdk-msk-replicator:deployed': 'true',
    'cdk-msk-replicator:retained': 'true',
  };
  const arn = await existingReplicator({}, { ...many, ...earlierLife });
  const before = snapshot(arn);
  sim.resetCalls();
  const template = synth(app());
  const { stack } = await world(template);
  expect(await stack.deploy(template)).toBe('ROLLBACK_COMPLETE');
  expect(stack.events.find((e) => e.status === 'FAILED')?.reason)
    .toMatch(/it would carry 51 tags while its tags are written, more than the 50 MSK allows per replicator/);
  expect(changes()).toEqual([]);
  expect(snapshot(arn)).toEqual(before);
});

test('an adoption whose tags would pass MSK\'s 50 per replicator is refused before any write', async () => {
  const many = Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`cost-center-${i}`, `cc${i}`]));
  const arn = await existingReplicator({}, many);
  const before = snapshot(arn);
  sim.resetCalls();
  const template = synth(app());
  const { stack } = await world(template);
  expect(await stack.deploy(template)).toBe('ROLLBACK_COMPLETE');
  expect(stack.events.find((e) => e.status === 'FAILED')?.reason).toMatch(/the record of how it was found \(2 tags of 255 characters: .*\), it would carry 52 tags, more than the 50 MSK allows per replicator/);
  expect(changes()).toEqual([]);
  expect(snapshot(arn)).toEqual(before);
});

describe('the README\'s migration guide, played against the local world', () => {
  const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');

  /** The README's adoption example in a stack of the local world's account and Region. */
  function readmeStack(options: { removalPolicy?: RemovalPolicy; tags?: Record<string, string> } = {}) {
    const stack = new Stack(new App(), 'OrdersReplication', { env: { account: ACCOUNT, region: REGION } });
    const replicator = readmeAdoption(stack);
    if (options.removalPolicy) (replicator.node.findChild('Resource') as cdk.CustomResource).applyRemovalPolicy(options.removalPolicy);
    for (const [k, v] of Object.entries(options.tags ?? {})) cdk.Tags.of(replicator).add(k, v);
    return stack;
  }

  test('a replicator CfnReplicator (or the console) made, with other topics and tags: planned adopt, deployed with one update, then managed like any other', async () => {
    // the replicator as the L1 created it: the same clusters, network and role, other topics and tags
    const props = decodeProperties(synthesizedProperties(readmeStack()));
    const made = { ...props, TopicReplication: { ...props.TopicReplication, TopicsToReplicate: ['orders', 'payments'] } };
    const created = await operator.send(new CreateReplicatorCommand(createReplicatorRequest(made, 'orders-dr', { owner: 'data-platform' })));
    const arn = created.ReplicatorArn!;
    await clock.sleep(TIMING.creatingMs + 1);
    const template = synth(readmeStack({ tags: { stage: 'prod' } }));
    const { stack, api } = await world(template);
    const cloudFormation = new CloudFormationClient({ region: REGION, endpoint: api.endpoint, credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'example' } });
    const plan = await planStack({ stackName: stack.stackId.split('/')[1], template: template as never, region: REGION, account: ACCOUNT, cloudFormation, kafka: operator });
    const text = planText(plan);
    expect(text).toContain(`${replicatorIdOf(template)}: adopt\n  adopt orders-dr (RUNNING), nothing copied again; in place: TopicReplication`);
    expect(text).toContain('topicReplication.topicsToReplicate: +.* -orders -payments');
    sim.resetCalls();
    expect(await stack.deploy(template)).toBe('CREATE_COMPLETE');
    // the template's tags go with the ownership in the adoption's one TagResource
    expect(changes()).toEqual(['TagResource', 'UpdateReplicationInfo']);
    expect(sim.replicator(arn)!.tags).toMatchObject({ owner: 'data-platform', stage: 'prod' });
    expect(await stack.deploy(synth(readmeStack({ tags: { stage: 'production' } })))).toBe('UPDATE_COMPLETE');
    expect(Object.keys(sim.replicator(arn)!.tags).filter((k) => k.startsWith(FOUND_AS_TAG_PREFIX))).toEqual([]);
    expect(await stack.destroy()).toBe('DELETE_COMPLETE');
    expect(sim.replicator(arn)).toBeUndefined();
  });

  test('the README\'s plan output is what the command prints for those two cases', async () => {
    const block = /```text\n(Replicator2A97E487: adopt[\s\S]*?)```/.exec(README)![1];
    for (const line of block.split('\n').filter((l) => l.trim() !== '')) expect(planLines).toContain(line);
  });
});
