import { createHash } from 'crypto';
import { RemovalPolicy } from 'aws-cdk-lib';
import { exampleProperties, ReplicatorOptions } from '../examples/orders-replication';
import {
  CloudFormationResource,
  Handler,
  loadBundledHandler,
  Properties,
  ProviderOptions,
  ProviderResult,
  RESPONSE_LIMIT_BYTES,
} from '../local-aws/cloudformation/provider-framework';
import { MskSimulator, ReplicatorRecord } from '../local-aws/msk-simulator';
import { TargetCompressionType } from '../src';

/**
 * Whole CloudFormation sequences (deploy, failed update, rollback, cleanup, delete) played by the faithful
 * emulator (local-aws/cloudformation/provider-framework.ts) against the simulator: the six cases of the failure
 * semantics the Provider framework and CloudFormation really have. Each ends with exactly one replicator, the
 * one CloudFormation tracks, holding the configuration of the template CloudFormation considers deployed.
 */

const OWNER_TAG = 'cdk-msk-replicator:owner';
const TOPICS_V1 = ['orders\\..*'];
const TOPICS_V2 = ['orders\\..*', 'payments\\..*'];

let sim: MskSimulator;
let handler: Handler;
let logs: string[] = [];
let stackCount = 0;

beforeAll(async () => {
  sim = await MskSimulator.start({ timing: { creatingMs: 60, updatingMs: 40, deletingMs: 40 } });
});
afterAll(async () => {
  await sim.stop();
});
beforeEach(() => {
  handler = loadBundledHandler(sim.endpoint);
  sim.resetCalls();
  logs = [];
});
afterEach(() => {
  sim.clearFaults();
  sim.holdState('*', false);
});

// These sequences replace replicators on purpose: protection off (it is tested in replacement-protection.test.ts).
const props = (options: ReplicatorOptions = {}): Properties =>
  exampleProperties({ topicReplication: { topicsToReplicate: TOPICS_V1 }, replacementProtection: false, ...options });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A stack of its own per test (its own owner tag), so replicators of other tests never count. */
function newStack(options: ProviderOptions = {}): CloudFormationResource {
  stackCount += 1;
  // the same object, so that a test may change maxPolls once CloudFormation has a response
  const all = Object.assign(options, { queryIntervalMs: options.queryIntervalMs ?? 10, onLog: (line: string) => logs.push(line) });
  return new CloudFormationResource(handler, all,
    `arn:aws:cloudformation:us-east-1:123456789012:stack/Sequences${stackCount}/0a1b2c3d-${stackCount}`);
}

/** Every replicator carrying this stack's owner tag. */
function ownedBy(resource: CloudFormationResource): ReplicatorRecord[] {
  const owner = createHash('sha256').update(`${resource.stackId}|${resource.logicalResourceId}`)
    .digest('hex').slice(0, 32);
  return sim.replicators().filter((r) => r.tags[OWNER_TAG] === owner);
}

/** Waits until pending deletions are over, then returns what the stack owns. */
async function settledOwnedBy(resource: CloudFormationResource): Promise<ReplicatorRecord[]> {
  for (let i = 0; i < 50 && ownedBy(resource).some((r) => r.state === 'DELETING'); i++) await sleep(20);
  return ownedBy(resource);
}

function phases(resource: CloudFormationResource): string[][] {
  return resource.history.map((h) => [h.phase, h.requestType, h.result.status]);
}

async function deployed(options: ReplicatorOptions = {}, provider: ProviderOptions = {}) {
  const resource = newStack(provider);
  const result = await resource.create(props(options));
  expect(result.reason).toBeUndefined();
  const arn = resource.physicalResourceId!;
  const before = sim.replicator(arn)!;
  sim.resetCalls();
  return { resource, arn, before };
}

/** The reason as CloudFormation shows it: the handler's message first, the framework's log line last. */
function expectConciseReason(result: ProviderResult): void {
  expect(result.reason).toMatch(/\n\nLogs: \/aws\/lambda\/DemoStack-ReplicatorProvider(OnEvent|IsComplete)Handler-\w+\n$/);
  expect(result.reason).not.toMatch(/^\s+at /m);
}

describe('1. a replacement that does not complete', () => {
  test('new replicator ends FAILED: the rollback returns to the original, the cleanup deletes the failed one', async () => {
    const { resource, arn: original, before } = await deployed();
    sim.failNextCreation('INSUFFICIENT_CAPACITY', 'No capacity for the replicator in subnet-0dra');

    const result = await resource.update(props({ targetCompressionType: TargetCompressionType.LZ4 }));

    expect(result.status).toBe('FAILED');
    expect(result.reason).toMatch(/^Replicator \S+ failed to create: INSUFFICIENT_CAPACITY: No capacity for the replicator in subnet-0dra/);
    expectConciseReason(result);
    const failed = result.physicalResourceId;
    expect(failed).not.toBe(original);
    expect(phases(resource).slice(1)).toEqual([
      ['update', 'Update', 'FAILED'], ['rollback', 'Update', 'SUCCESS'], ['cleanup', 'Delete', 'SUCCESS'],
    ]);
    // the rollback went to the recorded (failed) id and answered with the original's ARN; cleanup deleted the failed one
    expect(resource.history[2].physicalResourceId).toBe(failed);
    expect(resource.history[3].physicalResourceId).toBe(failed);
    expect(resource.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(resource.physicalResourceId).toBe(original);
    expect(resource.attributes.ReplicatorArn).toBe(original);
    const owned = await settledOwnedBy(resource);
    expect(owned.map((r) => r.arn)).toEqual([original]);
    expect(owned[0].replicationInfo.targetCompressionType).toBe('NONE');
    expect(owned[0].currentVersion).toBe(before.currentVersion);
    expect(sim.callsTo('CreateReplicator')).toHaveLength(1);
    expect(sim.callsTo('UpdateReplicationInfo')).toEqual([]);

    expect((await resource.delete()).status).toBe('SUCCESS');
    expect(await settledOwnedBy(resource)).toEqual([]);
  });

  test('the framework times out while the new replicator is CREATING: the same clean path', async () => {
    const { resource, arn: original } = await deployed({}, { maxPolls: 20, onResponse: () => sim.holdState('*', false) });
    sim.holdState('*', true);

    const result = await resource.update(props({ targetCompressionType: TargetCompressionType.LZ4 }));

    expect(result.status).toBe('FAILED');
    expect(result.reason).toBe('Operation timed out');
    expect(result.physicalResourceId).not.toBe(original);
    expect(phases(resource).slice(1)).toEqual([
      ['update', 'Update', 'FAILED'], ['rollback', 'Update', 'SUCCESS'], ['cleanup', 'Delete', 'SUCCESS'],
    ]);
    expect(resource.physicalResourceId).toBe(original);
    const owned = await settledOwnedBy(resource);
    expect(owned.map((r) => [r.arn, r.replicationInfo.targetCompressionType])).toEqual([[original, 'NONE']]);
  });

  test('the new replicator runs but the rollback comes anyway (another resource failed): back to the original', async () => {
    const { resource, arn: original } = await deployed();
    const oldProps = resource.properties!;
    const newProps = props({ targetCompressionType: TargetCompressionType.LZ4 });
    const replaced = await resource.send({
      ...resource.createEvent(newProps),
      RequestType: 'Update',
      PhysicalResourceId: original,
      OldResourceProperties: oldProps,
    }, 'update');
    expect(replaced.status).toBe('SUCCESS');
    expect(replaced.physicalResourceId).not.toBe(original);

    // CloudFormation rolls the stack back before the cleanup phase: an Update of the new id back to the old properties
    const rollback = await resource.send({
      ...resource.createEvent(oldProps),
      RequestType: 'Update',
      PhysicalResourceId: replaced.physicalResourceId,
      OldResourceProperties: newProps,
    }, 'rollback');

    expect(rollback.status).toBe('SUCCESS');
    expect(rollback.physicalResourceId).toBe(original);
    expect(sim.callsTo('CreateReplicator')).toHaveLength(1);
  });
});

describe('2. a replicator that turned FAILED', () => {
  async function failedReplicator(options: ReplicatorOptions = {}) {
    sim.failNextCreation('KAFKA_CLUSTER_NOT_REACHABLE', 'The replicator could not reach broker b-1 on port 9098');
    // held CREATING until the create has answered (waitForRunning: false answers at the first poll, however slow)
    sim.holdState('*', true);
    const deployment = await deployed({ waitForRunning: false, ...options });
    sim.holdState('*', false);
    for (let i = 0; i < 50 && sim.replicator(deployment.arn)!.state !== 'FAILED'; i++) await sleep(20);
    expect(sim.replicator(deployment.arn)!.state).toBe('FAILED');
    return deployment;
  }

  test('a tag-only update still succeeds, and the tags are applied', async () => {
    const { resource, arn } = await failedReplicator();

    const result = await resource.update(props({ waitForRunning: false, tags: { team: 'streaming' } }));

    expect(result.reason).toBeUndefined();
    expect(resource.status).toBe('UPDATE_COMPLETE');
    expect(sim.replicator(arn)!.tags.team).toBe('streaming');
    expect(logs.some((l) => /is FAILED \(KAFKA_CLUSTER_NOT_REACHABLE/.test(l))).toBe(true);
  });

  test('reconcileOnEveryDeployment: the next deployment succeeds', async () => {
    const { resource } = await failedReplicator({ reconcileOnEveryDeployment: true });

    const result = await resource.update(props({ waitForRunning: false, reconcileOnEveryDeployment: true }));

    expect(result.reason).toBeUndefined();
    expect(result.status).toBe('SUCCESS');
  });

  test('a real in-place change fails with the service\'s reason and what to do; the rollback succeeds', async () => {
    const { resource, arn } = await failedReplicator();

    const result = await resource.update(props({ waitForRunning: false, topicReplication: { topicsToReplicate: TOPICS_V2 } }));

    expect(result.status).toBe('FAILED');
    expect(result.reason).toMatch(/^Replicator \S+ is FAILED \(KAFKA_CLUSTER_NOT_REACHABLE: The replicator could not reach broker b-1 on port 9098\)/);
    expect(result.reason).toMatch(/new replicator/);
    expectConciseReason(result);
    expect(resource.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(resource.physicalResourceId).toBe(arn);
    expect(ownedBy(resource).map((r) => r.arn)).toEqual([arn]);
  });

  test('an immutable change replaces the FAILED replicator; the cleanup deletes it', async () => {
    const { resource, arn } = await failedReplicator();

    const result = await resource.update(props({ targetCompressionType: TargetCompressionType.LZ4 }));

    expect(result.reason).toBeUndefined();
    const owned = await settledOwnedBy(resource);
    expect(owned.map((r) => [r.arn, r.state, r.replicationInfo.targetCompressionType])).toEqual([[result.physicalResourceId, 'RUNNING', 'LZ4']]);
    expect(owned[0].arn).not.toBe(arn);
  });
});

describe('3. a failed update whose new properties cannot be decoded', () => {
  test('the rollback still succeeds: OldResourceProperties are read leniently', async () => {
    const { resource, arn, before } = await deployed();
    // a parameter that resolved to '' in a hand-written or imported template
    const broken = { ...props({ topicReplication: { topicsToReplicate: TOPICS_V2 } }), ServiceExecutionRoleArn: '' };

    const result = await resource.update(broken);

    expect(result.status).toBe('FAILED');
    expect(result.reason).toMatch(/^Invalid Custom::MskReplicator properties: ResourceProperties.ServiceExecutionRoleArn must be a non-empty string/);
    expectConciseReason(result);
    expect(phases(resource).slice(1)).toEqual([['update', 'Update', 'FAILED'], ['rollback', 'Update', 'SUCCESS']]);
    expect(resource.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    const owned = ownedBy(resource);
    expect(owned.map((r) => r.arn)).toEqual([arn]);
    expect(owned[0].currentVersion).toBe(before.currentVersion);
    expect(sim.calls.filter((c) => c.method !== 'GET').map((c) => c.operation)).toEqual([]);
  });
});

describe('4. reusing a fixed name', () => {
  test('a retained replicator of that name is not adopted: the update fails clearly and rolls back', async () => {
    const base = { removalPolicy: RemovalPolicy.RETAIN };
    const { resource, arn: first } = await deployed({ ...base, replicatorName: `seq-dr-a-${stackCount + 1}` });
    const nameA = sim.replicator(first)!.name;
    const nameB = nameA.replace('dr-a', 'dr-b');
    expect((await resource.update(props({ ...base, replicatorName: nameB }))).status).toBe('SUCCESS');
    const second = resource.physicalResourceId!;
    // the cleanup Delete of the first replicator retained it
    expect(sim.replicator(first)!.state).toBe('RUNNING');

    const result = await resource.update(props({ ...base, replicatorName: nameA, targetCompressionType: TargetCompressionType.LZ4 }));

    expect(result.status).toBe('FAILED');
    expect(result.reason).toMatch(new RegExp(`^A replicator named "${nameA}" already exists`));
    expectConciseReason(result);
    expect(resource.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(resource.physicalResourceId).toBe(second);
    // the retained replicator keeps its old configuration and is not what the stack tracks
    expect(sim.replicator(first)!.replicationInfo.targetCompressionType).toBe('NONE');
    expect(sim.replicators().filter((r) => r.name === nameA).map((r) => r.arn)).toEqual([first]);
    expect(sim.replicator(second)!.name).toBe(nameB);
  });
});

describe('5. a replicator not yet visible right after CreateReplicator', () => {
  test('create: NotFound is "not yet", the create completes with one replicator', async () => {
    sim.hideNextCreation(300);
    const resource = newStack();

    const result = await resource.create(props());

    expect(result.reason).toBeUndefined();
    expect(result.status).toBe('SUCCESS');
    expect(sim.callsTo('DescribeReplicator').some((c) => c.errorType === 'NotFoundException')).toBe(true);
    expect(ownedBy(resource).map((r) => r.arn)).toEqual([result.physicalResourceId]);
  });

  test('replacement: the new replicator is awaited, the old one is deleted in the cleanup', async () => {
    const { resource, arn: original } = await deployed();
    sim.hideNextCreation(300);

    const result = await resource.update(props({ targetCompressionType: TargetCompressionType.LZ4 }));

    expect(result.reason).toBeUndefined();
    const owned = await settledOwnedBy(resource);
    expect(owned.map((r) => [r.arn, r.replicationInfo.targetCompressionType])).toEqual([[result.physicalResourceId, 'LZ4']]);
    expect(owned[0].arn).not.toBe(original);
  });
});

describe('6. failure reasons', () => {
  test('the reason is the cause, then the log group: no stack trace', async () => {
    sim.failNextCreation('KAFKA_CLUSTER_NOT_REACHABLE', 'The replicator could not reach broker b-1 on port 9098');
    const resource = newStack();

    const result = await resource.create(props());

    expect(result.reason).toMatch(/^Replicator \S+ failed to create: KAFKA_CLUSTER_NOT_REACHABLE: The replicator could not reach broker b-1 on port 9098/);
    expectConciseReason(result);
    expect(resource.status).toBe('ROLLBACK_COMPLETE');
    expect(await settledOwnedBy(resource)).toEqual([]);
  });

  test('a very long service message still reaches CloudFormation (the response stays under 4,096 bytes)', async () => {
    const detail = 'broker b-1 refused the connection; '.repeat(150);
    sim.failNextCreation('KAFKA_CLUSTER_NOT_REACHABLE', detail);
    const resource = newStack();

    const result = await resource.create(props());

    expect(result.responseRejected).toBeUndefined();
    expect(result.reason).toMatch(/^Replicator \S+ failed to create: KAFKA_CLUSTER_NOT_REACHABLE: broker b-1 refused/);
    expect(Buffer.byteLength(result.reason!)).toBeLessThan(RESPONSE_LIMIT_BYTES);
    expectConciseReason(result);
    // the rollback Delete reached the replicator: nothing is left
    expect(await settledOwnedBy(resource)).toEqual([]);
  });
});

describe('RETAIN keeps only what deployed (found by the property test)', () => {
  const retain = { removalPolicy: RemovalPolicy.RETAIN };

  test('a create that times out: the rollback Delete deletes the half-made replicator despite RETAIN', async () => {
    // the framework gives up after 3 polls; once CloudFormation has the failure, the replicator may progress again
    const options = {
      maxPolls: 3,
      onResponse: () => {
        sim.holdState('*', false);
        options.maxPolls = 400;
      },
    };
    const resource = newStack(options);
    sim.holdState('*', true);

    const result = await resource.create(props(retain));

    expect(result.reason).toBe('Operation timed out');
    expect(phases(resource)).toEqual([['create', 'Create', 'FAILED'], ['rollback', 'Delete', 'SUCCESS']]);
    expect(logs.some((l) => /never completed a deployment .* deleted despite the RETAIN removal policy/.test(l))).toBe(true);
    expect(await settledOwnedBy(resource)).toEqual([]);
  });

  test('a replacement that times out: the cleanup deletes the replacement despite RETAIN, the original stays', async () => {
    const { resource, arn: original } = await deployed(retain, { maxPolls: 20, onResponse: () => sim.holdState('*', false) });
    sim.holdState('*', true);

    const result = await resource.update(props({ ...retain, targetCompressionType: TargetCompressionType.LZ4 }));

    expect(result.reason).toBe('Operation timed out');
    expect(resource.physicalResourceId).toBe(original);
    expect((await settledOwnedBy(resource)).map((r) => r.arn)).toEqual([original]);
  });

  test('a deployed replicator is retained when the stack is deleted', async () => {
    const { resource, arn } = await deployed(retain);

    expect((await resource.delete()).status).toBe('SUCCESS');

    expect(sim.replicator(arn)!.state).toBe('RUNNING');
    expect(sim.replicator(arn)!.tags['cdk-msk-replicator:retained']).toBe('true');
  });
});
