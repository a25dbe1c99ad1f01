import { createHash } from 'crypto';
import { RemovalPolicy } from 'aws-cdk-lib';
import { exampleProperties, ReplicatorOptions } from '../examples/orders-replication';
import { CloudFormationResource, Handler, loadBundledHandler, Properties, ProviderOptions } from '../local-aws/cloudformation/provider-framework';
import { replicatorProviderModel } from '../local-aws/cloudformation/provider-model';
import { VirtualClock } from '../local-aws/cloudformation/world-clock';
import { HostileOptions, InjectableError, MskSimulator, OperationName, ReplicatorRecord } from '../local-aws/msk-simulator';
import { TargetCompressionType } from '../src';
import { MAX_ATTEMPTS } from '../src/provider/kafka-client';

/**
 * onEvent meets a transient error (throttling, 5xx) that outlasts the SDK's retries, on every path: the rollback Update
 * of a replacement, the cleanup Delete and the stack's Delete under RETAIN, a Create whose CreateReplicator answer was
 * lost; and onEvent's waits under a function timeout lower than the one they were sized for. The Provider framework
 * fails the resource at once when onEvent fails (it retries only isComplete), so each of these used to leave the stack
 * failed, and some a replicator running that no stack tracks.
 *
 * One virtual clock for the waiter, the handler (`Date.now()`, its waits) and the simulator; the SDK's own backoff
 * between attempts is real time. A fault injected `MAX_ATTEMPTS` times makes exactly one SDK call give up.
 */

const MINUTE = 60_000;
const ACTIVE = new Set(['RUNNING', 'CREATING', 'UPDATING']);
const OWNER_TAG = 'cdk-msk-replicator:owner';
const RETAINED_TAG = 'cdk-msk-replicator:retained';
const CALM: Omit<HostileOptions, 'seed'> = {
  throttleRate: 0, serverErrorRate: 0, lostResponseRate: 0, staleReadRate: 0, spontaneousFailureRate: 0, shuffleLists: false,
};

let clock: VirtualClock;
let sim: MskSimulator;
let handler: Handler;
let logs: string[] = [];
let stacks = 0;
/** What the test does once CloudFormation has a response (set by a test, after its setup). */
let afterResponse: (() => void) | undefined;

beforeAll(async () => {
  clock = new VirtualClock();
  sim = await MskSimulator.start({ ...clock.forService(), timing: { creatingMs: 2 * MINUTE, updatingMs: MINUTE, deletingMs: MINUTE } });
});
afterAll(async () => {
  await sim.stop();
});
beforeEach(() => {
  // a cold Lambda per test (each load is a fresh module): the SDK client's state one test leaves does not carry over
  handler = loadBundledHandler(sim.endpoint);
  logs = [];
  sim.resetCalls();
});
afterEach(() => {
  afterResponse = undefined;
  sim.beHostile(undefined);
  sim.clearFaults();
});

const props = (options: ReplicatorOptions = {}): Properties => exampleProperties({
  topicReplication: { topicsToReplicate: ['orders\\..*'] }, replacementProtection: false, ...options,
});

function newStack(options: ProviderOptions = {}): CloudFormationResource {
  stacks += 1;
  return new CloudFormationResource(handler, { clock, onLog: (line) => logs.push(line), onResponse: () => afterResponse?.(), ...options },
    `arn:aws:cloudformation:us-east-1:123456789012:stack/OnEventTransient${stacks}/0a1b2c3d-${stacks}`);
}

/** The replicators of `resource` still replicating and not let go by RETAIN. */
function active(resource: CloudFormationResource): ReplicatorRecord[] {
  const owner = createHash('sha256').update(`${resource.stackId}|${resource.logicalResourceId}`).digest('hex').slice(0, 32);
  return sim.replicators().filter((r) => r.tags[OWNER_TAG] === owner && ACTIVE.has(r.state) && r.tags[RETAINED_TAG] === undefined);
}

/** `operation` answers `error` until one SDK call of it has used up every attempt. */
function outlastTheSdk(operation: OperationName, error: InjectableError): void {
  sim.inject({ operation, error, times: MAX_ATTEMPTS });
}

const statuses = (operation: OperationName) => sim.callsTo(operation).map((c) => c.status);

describe('the rollback Update of a failed replacement', () => {
  test('TooManyRequestsException outlasting the SDK\'s retries: the rollback returns to the original; the stack\'s delete leaves nothing', async () => {
    const resource = newStack();
    expect((await resource.create(props())).status).toBe('SUCCESS');
    const original = resource.physicalResourceId!;
    sim.failNextCreation('INSUFFICIENT_CAPACITY', 'No capacity');
    // the failed update's answer has arrived: CloudFormation's rollback Update comes next
    let responses = 0;
    afterResponse = () => { if (++responses === 1) outlastTheSdk('DescribeReplicator', 'TooManyRequestsException'); };
    sim.resetCalls();

    const result = await resource.update(props({ targetCompressionType: TargetCompressionType.LZ4 }));

    expect(result.status).toBe('FAILED');
    expect(statuses('DescribeReplicator').filter((s) => s === 429)).toHaveLength(MAX_ATTEMPTS);
    expect(resource.history.map((h) => [h.phase, h.requestType, h.result.status]).slice(1)).toEqual([
      ['update', 'Update', 'FAILED'], ['rollback', 'Update', 'SUCCESS'], ['cleanup', 'Delete', 'SUCCESS'],
    ]);
    expect(resource.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(resource.physicalResourceId).toBe(original);
    expect(logs.some((l) => /transient TooManyRequestsException .* running onEvent again/.test(l))).toBe(true);
    expect(active(resource).map((r) => r.arn)).toEqual([original]);

    expect((await resource.delete()).status).toBe('SUCCESS');
    clock.advance(10 * MINUTE);
    expect(active(resource)).toEqual([]);
  }, 120_000);
});

describe('Deletes under RETAIN', () => {
  test('the cleanup Delete of a rolled-back replacement, ListTagsForResource failing past the SDK\'s retries: the replacement is deleted', async () => {
    const resource = newStack();
    expect((await resource.create(props({ removalPolicy: RemovalPolicy.RETAIN }))).status).toBe('SUCCESS');
    const original = resource.physicalResourceId!;
    // the replacement completes; another resource fails; after the rollback's answer comes the cleanup Delete
    let responses = 0;
    afterResponse = () => { if (++responses === 2) outlastTheSdk('ListTagsForResource', 'ServiceUnavailableException'); };
    sim.resetCalls();

    const result = await resource.updateThenRollBack(props({
      removalPolicy: RemovalPolicy.RETAIN, targetCompressionType: TargetCompressionType.LZ4,
    }));

    expect(result.status).toBe('SUCCESS');
    const replacement = result.physicalResourceId;
    expect(statuses('ListTagsForResource').filter((s) => s === 503)).toHaveLength(MAX_ATTEMPTS);
    expect(resource.history.map((h) => [h.phase, h.requestType, h.result.status]).slice(1)).toEqual([
      ['update', 'Update', 'SUCCESS'], ['rollback', 'Update', 'SUCCESS'], ['cleanup', 'Delete', 'SUCCESS'],
    ]);
    expect(resource.cleanupFailures).toEqual([]);
    expect(resource.physicalResourceId).toBe(original);
    clock.advance(10 * MINUTE);
    expect(sim.replicator(replacement)).toBeUndefined();
    expect(active(resource).map((r) => r.arn)).toEqual([original]);
  }, 60_000);

  test('the stack\'s Delete, ListTagsForResource failing past the SDK\'s retries: the replicator is retained, the stack deleted', async () => {
    const resource = newStack();
    expect((await resource.create(props({ removalPolicy: RemovalPolicy.RETAIN }))).status).toBe('SUCCESS');
    const arn = resource.physicalResourceId!;
    outlastTheSdk('ListTagsForResource', 'InternalServerErrorException');

    const result = await resource.delete();

    expect(result.reason).toBeUndefined();
    expect(resource.status).toBe('DELETE_COMPLETE');
    expect(sim.replicator(arn)).toMatchObject({ state: 'RUNNING', tags: { [RETAINED_TAG]: 'true' } });
  }, 60_000);
});

describe('a Create whose CreateReplicator answer is lost', () => {
  test('ListReplicators failing past the SDK\'s retries while the create looks for its replicator: it is tracked, never left running alone', async () => {
    const resource = newStack();
    afterResponse = () => sim.beHostile(undefined);
    // CreateReplicator takes effect but its answer is lost; the SDK's retry meets ConflictException
    sim.beHostile({ seed: 7, ...CALM, lostResponseRate: 1 });
    outlastTheSdk('ListReplicators', 'ServiceUnavailableException');

    const result = await resource.create(props());

    expect(sim.callsTo('CreateReplicator')[0].lostResponse).toBe(true);
    expect(result.reason).toBeUndefined();
    expect(active(resource).map((r) => r.arn)).toEqual([resource.physicalResourceId]);
  }, 60_000);
});

describe("onEvent's waits under the function's own timeout (Lambda context)", () => {
  // A function of 50 s sends CreateReplicator with more than the one-call margin (45.5 s) left; the call takes 25 s
  // (its answer lost, the SDK's retry meeting ConflictException), which leaves less than the 31.5 s of waits the search
  // for the created replicator was sized for against 120 s.
  test('a 50-second onEvent: a create whose answer was lost, while the lists lag, answers a pending id instead of being stopped', async () => {
    const model = { ...replicatorProviderModel(), onEventTimeoutSeconds: 50 };
    const resource = newStack({ model });
    afterResponse = () => sim.beHostile(undefined);
    sim.beHostile({ seed: 7, ...CALM, lostResponseRate: 1 });
    sim.beforeNext('CreateReplicator', () => clock.advance(25_000));
    // the lists leave the new replicator out of 4 reads: with 25 s left, less than one call's bound, onEvent's search
    // sends none (on-event.ts `ownCreation`) where waits sized against 120 s read for 31.5 s; isComplete's search, one
    // read per 30-second poll, sees it on its 5th poll, within its 2 minutes
    sim.lagListsAfterNextCreate(4);

    const result = await resource.create(props());

    expect(sim.callsTo('CreateReplicator')[0].lostResponse).toBe(true);
    expect(result.reason).toBeUndefined();
    expect(result.status).toBe('SUCCESS');
    expect(logs.some((l) => /pending-creation/.test(l))).toBe(true);
    expect(active(resource).map((r) => r.arn)).toEqual([resource.physicalResourceId]);
  }, 60_000);
});
