import { createHash } from 'crypto';
import { exampleProperties } from '../examples/orders-replication';
import { CloudFormationResource, Handler, loadBundledHandler, Properties } from '../local-aws/cloudformation/provider-framework';
import { VirtualClock } from '../local-aws/cloudformation/world-clock';
import { MskSimulator } from '../local-aws/msk-simulator';

/**
 * The open cases the hostile property test (cloudformation.property.test.ts) kept finding, replayed deterministically
 * at the provider's real scale: the waiter's 30-second polls, the replicator's `timeout`, the handler's grace periods
 * and waits all pass on one virtual clock that the simulator's visibility windows follow too.
 *
 * (a) A new replicator stays invisible (DescribeReplicator, DeleteReplicator and ListReplicators answer NotFound) for
 *     longer than the create waits, and the create fails: the rollback Delete took the NotFound for "gone", and the
 *     replicator appeared later, running untracked (property test seeds 222 and 4444, before).
 * (b) CreateReplicator's response is lost and ListReplicators leaves the new replicator out for longer than onEvent's
 *     adoption reads (31.5 s): onEvent failed, the framework answered FAILED with its CREATE_FAILED marker, and
 *     CloudFormation's rollback Delete for that marker never reaches the handler: the replicator ran untracked.
 */

const MINUTE = 60_000;
const OWNER_TAG = 'cdk-msk-replicator:owner';
const ACTIVE = new Set(['RUNNING', 'CREATING', 'UPDATING']);

let clock: VirtualClock;
let sim: MskSimulator;
let handler: Handler;
let logs: string[] = [];
let stacks = 0;

beforeAll(async () => {
  clock = new VirtualClock();
  // the service's Date header follows the world's clock too, as the handler's does (no clock skew for the SDK to correct)
  sim = await MskSimulator.start({
    clock: () => clock.now(),
    dateClock: () => clock.now(),
    timing: { creatingMs: 5 * MINUTE, updatingMs: 2 * MINUTE, deletingMs: 1 * MINUTE },
  });
});
afterAll(async () => {
  await sim.stop();
});
beforeEach(() => {
  handler = loadBundledHandler(sim.endpoint);
  logs = [];
  sim.resetCalls();
});
afterEach(() => {
  sim.clearFaults();
  sim.beHostile(undefined);
});

function props(overrides: Record<string, unknown> = {}): Properties {
  const p = exampleProperties({ topicReplication: { topicsToReplicate: ['orders\\..*'] }, replacementProtection: false }) as Record<string, unknown>;
  delete p.ReplicatorNamePrefix;
  return { ...p, ...overrides };
}

function newStack(): CloudFormationResource {
  stacks += 1;
  return new CloudFormationResource(handler, { clock, onLog: (line) => logs.push(line) },
    `arn:aws:cloudformation:us-east-1:123456789012:stack/LateVisibility${stacks}/0a1b2c3d-${stacks}`);
}

/** The resource's replicators that are running or about to (ground truth, not the lagging API), once time has passed. */
function activeOf(resource: CloudFormationResource, after = 30 * MINUTE): string[] {
  clock.advance(after);
  const owner = createHash('sha256').update(`${resource.stackId}|${resource.logicalResourceId}`).digest('hex').slice(0, 32);
  return sim.replicators().filter((r) => r.tags[OWNER_TAG] === owner && ACTIVE.has(r.state)).map((r) => `${r.name} ${r.state}`);
}

describe('(a) a new replicator invisible for longer than its create waits, whose create fails', () => {
  test('the user\'s `timeout` fails the create: the rollback Delete waits for the replicator to appear and deletes it', async () => {
    const resource = newStack();
    // invisible for 3 minutes: longer than the create's 2-minute visibility grace, and than its 1-minute `timeout`
    sim.hideNextCreation(3 * MINUTE);

    const result = await resource.create(props({ ReplicatorName: 'late-a1', TimeoutSeconds: '60' }));

    expect(result.status).toBe('FAILED');
    expect(result.reason).toMatch(/^Timed out waiting for arn:aws:kafka:.*late-a1/);
    expect(resource.status).toBe('ROLLBACK_COMPLETE');
    expect(sim.callsTo('DeleteReplicator').some((c) => c.status === 200)).toBe(true);
    expect(activeOf(resource)).toEqual([]);
  });

  test('the visibility grace fails the create ("disappeared"): the rollback Delete still deletes the replicator', async () => {
    const resource = newStack();
    // invisible for 4 minutes: the create gives up after its 2-minute grace, the rollback Delete starts after that
    sim.hideNextCreation(4 * MINUTE);

    const result = await resource.create(props({ ReplicatorName: 'late-a2' }));

    expect(result.status).toBe('FAILED');
    expect(result.reason).toMatch(/disappeared while it was being created/);
    expect(resource.status).toBe('ROLLBACK_COMPLETE');
    expect(activeOf(resource)).toEqual([]);
  });
});

/** The next CreateReplicator takes effect but its response is lost (the SDK's retry meets ConflictException). */
function loseNextCreateResponse(): void {
  sim.beforeNext('CreateReplicator', (s) => {
    s.beHostile({
      seed: 1, throttleRate: 0, serverErrorRate: 0, lostResponseRate: 1, staleReadRate: 0, spontaneousFailureRate: 0, shuffleLists: false,
    });
    // the retry's ConflictException sends the handler to ListReplicators: nothing after the create is lost
    s.beforeNext('ListReplicators', (t) => {
      t.beHostile(undefined);
    });
  });
}

describe('(b) a lost CreateReplicator response, while ListReplicators leaves the new replicator out', () => {
  test('for longer than onEvent\'s 31.5 s of reads: isComplete finds it by name and request, and CloudFormation tracks it', async () => {
    const resource = newStack();
    loseNextCreateResponse();
    // onEvent reads ListReplicators 7 times; the 10th read shows the replicator
    sim.lagListsAfterNextCreate(9);

    const result = await resource.create(props({ ReplicatorName: 'lost-b1' }));

    expect(sim.callsTo('CreateReplicator').map((c) => c.lostResponse ?? c.errorType)).toEqual([true, 'ConflictException']);
    expect(result.reason).toBeUndefined();
    expect(result.status).toBe('SUCCESS');
    expect(resource.physicalResourceId).toMatch(/^arn:aws:kafka:us-east-1:123456789012:replicator\/lost-b1\//);
    expect(result.data.ReplicatorArn).toBe(resource.physicalResourceId);
    expect(activeOf(resource)).toEqual(['lost-b1 RUNNING']);
    expect(sim.replicator(resource.physicalResourceId!)?.state).toBe('RUNNING');
  });

  test('for longer than the create waits: the create fails, and its rollback Delete finds the replicator and deletes it', async () => {
    const resource = newStack();
    loseNextCreateResponse();
    // longer than onEvent's 7 reads and isComplete's reads within the 2-minute visibility grace
    sim.lagListsAfterNextCreate(14);

    const result = await resource.create(props({ ReplicatorName: 'lost-b2' }));

    expect(sim.callsTo('CreateReplicator').map((c) => c.lostResponse ?? c.errorType)).toEqual([true, 'ConflictException']);
    expect(result.status).toBe('FAILED');
    expect(resource.status).toBe('ROLLBACK_COMPLETE');
    expect(activeOf(resource)).toEqual([]);
  });
});

describe('(b) under RETAIN', () => {
  test('the rollback Delete sent to the pending id deletes the replicator: it never deployed', async () => {
    const resource = newStack();
    loseNextCreateResponse();
    sim.lagListsAfterNextCreate(14);

    const result = await resource.create(props({ ReplicatorName: 'lost-b5', DeletionBehaviour: 'retain' }));

    expect(result.status).toBe('FAILED');
    expect(resource.history.map((h) => `${h.phase} ${h.physicalResourceId ?? '(new)'} ${h.result.status}`))
      .toEqual(['create (new) FAILED', `rollback ${result.physicalResourceId} SUCCESS`]);
    expect(result.physicalResourceId).toMatch(/^cdk-msk-replicator:pending-creation:[0-9a-f]{32}:lost-b5$/);
    expect(sim.callsTo('TagResource')).toEqual([]);
    expect(activeOf(resource)).toEqual([]);
  });
});

describe('(b) in a replacement: the rollback Update and the cleanup Delete are sent to the pending id', () => {
  test('the rollback returns to the original, and the cleanup deletes the replacement the failed update made', async () => {
    const resource = newStack();
    expect((await resource.create(props({ ReplicatorName: 'lost-b3' }))).status).toBe('SUCCESS');
    const original = resource.physicalResourceId!;
    loseNextCreateResponse();
    sim.lagListsAfterNextCreate(14);

    const result = await resource.update(props({ ReplicatorName: 'lost-b3-new' }));

    expect(sim.callsTo('CreateReplicator').map((c) => c.lostResponse ?? c.errorType)).toEqual([undefined, true, 'ConflictException']);
    expect(result.status).toBe('FAILED');
    expect(result.physicalResourceId).toMatch(/^cdk-msk-replicator:pending-creation:[0-9a-f]{32}:lost-b3-new$/);
    expect(resource.history.map((h) => `${h.phase} ${h.requestType} ${h.result.status}`))
      .toEqual(['create Create SUCCESS', 'update Update FAILED', 'rollback Update SUCCESS', 'cleanup Delete SUCCESS']);
    expect(resource.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(resource.physicalResourceId).toBe(original);
    expect(activeOf(resource)).toEqual(['lost-b3 RUNNING']);
  });
});

describe('(b) a lost CreateReplicator response whose retries all fail transiently', () => {
  test('onEvent does not fail on the transient error: isComplete finds the replicator, and CloudFormation tracks it', async () => {
    const resource = newStack();
    loseNextCreateResponse();
    // every retry the SDK makes is refused before it reaches the service (SDK maxAttempts 6, kafka-client.ts)
    sim.beforeNext('CreateReplicator', (s) => s.inject({ operation: 'CreateReplicator', error: 'ServiceUnavailableException', times: 5 }));

    const result = await resource.create(props({ ReplicatorName: 'lost-b4' }));

    expect(sim.callsTo('CreateReplicator').map((c) => c.lostResponse ?? c.errorType))
      .toEqual([true, ...Array(5).fill('ServiceUnavailableException')]);
    expect(result.reason).toBeUndefined();
    expect(result.status).toBe('SUCCESS');
    expect(resource.physicalResourceId).toMatch(/^arn:aws:kafka:us-east-1:123456789012:replicator\/lost-b4\//);
    expect(activeOf(resource)).toEqual(['lost-b4 RUNNING']);
  });
});
