import { createHash } from 'crypto';
import { exampleProperties, ReplicatorOptions } from '../examples/orders-replication';
import { CloudFormationResource, Handler, loadBundledHandler, Properties } from '../local-aws/cloudformation/provider-framework';
import { VirtualClock } from '../local-aws/cloudformation/world-clock';
import { HostileOptions, MskSimulator, OperationName, ReplicatorRecord } from '../local-aws/msk-simulator';
import { TargetCompressionType } from '../src';
import { MAX_ATTEMPTS } from '../src/provider/kafka-client';

/**
 * onEvent run again after a transient error (transient-retry.ts) starts with less time than a first run: as little as
 * the margin for ONE call (invocation-deadline.ts, DEADLINE_MARGIN_MS) plus the wait, while a whole onEvent path makes
 * several calls before its write. A run again whose calls before CreateReplicator are slow (each within the one-call
 * bound) sends CreateReplicator with less than that margin left; Lambda stops the function after the replicator was
 * created, the Provider framework answers FAILED, and CloudFormation rolls back to the original: the replacement keeps
 * running beside it, tracked by no stack. Without the run again, the first run's transient failed the update before
 * anything was written.
 *
 * One virtual clock for the waiter, the handler and the simulator; a slow call is one whose request advances the clock
 * (`beforeNext`), as SDK attempts hung up to their request timeout would.
 */

const MINUTE = 60_000;
const ACTIVE = new Set(['RUNNING', 'CREATING', 'UPDATING']);
const OWNER_TAG = 'cdk-msk-replicator:owner';
const RETAINED_TAG = 'cdk-msk-replicator:retained';
const ROLLED_BACK_TAG = 'cdk-msk-replicator:rolled-back-to';
const CALM: Omit<HostileOptions, 'seed'> = {
  throttleRate: 0, serverErrorRate: 0, lostResponseRate: 0, staleReadRate: 0, spontaneousFailureRate: 0, shuffleLists: false,
};

let clock: VirtualClock;
let sim: MskSimulator;
let handler: Handler;
let logs: string[] = [];
let stacks = 0;
/** What the test does once CloudFormation has a response (set by a test). */
let afterResponse: (() => void) | undefined;

beforeAll(async () => {
  clock = new VirtualClock();
  sim = await MskSimulator.start({ clock: () => clock.now(), timing: { creatingMs: 2 * MINUTE, updatingMs: MINUTE, deletingMs: MINUTE } });
});
afterAll(async () => {
  await sim.stop();
});
/** The test running: a `beforeNext` hook a test leaves unused acts only within that test. */
let current = 0;
beforeEach(() => {
  current += 1;
  // a fresh module per test, as a cold Lambda (loadBundledHandler isolates it)
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

function newStack(): CloudFormationResource {
  stacks += 1;
  return new CloudFormationResource(handler, { clock, onLog: (line) => logs.push(line), onResponse: () => afterResponse?.() },
    `arn:aws:cloudformation:us-east-1:123456789012:stack/OnEventRerunTime${stacks}/0a1b2c3d-${stacks}`);
}

/**
 * The next request of `operation` takes `ms` of world time, then `then` runs. A hook the test leaves unused (a call
 * never sent once fixed) outlives it in the simulator, so it acts only within the test that set it.
 */
function slowNext(operation: OperationName, ms: number, then?: () => void): void {
  const mine = current;
  sim.beforeNext(operation, () => {
    if (current !== mine) return;
    clock.advance(ms);
    then?.();
  });
}

/** The replicators of `resource` still replicating and not let go by RETAIN. */
function active(resource: CloudFormationResource): ReplicatorRecord[] {
  const owner = createHash('sha256').update(`${resource.stackId}|${resource.logicalResourceId}`).digest('hex').slice(0, 32);
  return sim.replicators().filter((r) => r.tags[OWNER_TAG] === owner && ACTIVE.has(r.state) && r.tags[RETAINED_TAG] === undefined);
}

describe('onEvent run again after a transient error, short of time', () => {
  // Failed before the fix: the run again sent CreateReplicator with less than the one-call margin left; Lambda stopped it
  // after the replicator was created, and the rollback left that replacement running untracked beside the original.
  test('a replacement whose run again is slow before CreateReplicator: no replicator is created that the rollback forgets', async () => {
    const resource = newStack();
    expect((await resource.create(props())).status).toBe('SUCCESS');
    const original = resource.physicalResourceId!;
    sim.resetCalls();
    // first run: DescribeReplicator takes 50 s, then ListTagsForResource fails past the SDK's retries (transient);
    // the run again, from about 69 s left: DescribeReplicator takes 30 s, CreateReplicator 45 s (each under the
    // one-call bound of 61 s)
    slowNext('DescribeReplicator', 50_000, () => slowNext('DescribeReplicator', 30_000));
    sim.inject({ operation: 'ListTagsForResource', error: 'ServiceUnavailableException', times: MAX_ATTEMPTS });
    slowNext('CreateReplicator', 45_000);

    const result = await resource.update(props({ targetCompressionType: TargetCompressionType.LZ4 }));

    expect(logs.some((l) => /transient ServiceUnavailableException .* running onEvent again/.test(l))).toBe(true);
    expect(result.status).toBe('FAILED');
    expect(resource.physicalResourceId).toBe(original);
    expect(active(resource).map((r) => r.arn)).toEqual([original]);
    expect(sim.callsTo('CreateReplicator')).toEqual([]);
    expect(resource.history[1].result.reason).toMatch(/ran again after a transient error .* CreateReplicator .* was not sent again/);
  }, 120_000);

  // Failed before the fix: the run again found the replacement the first run created (its answer lost) among this
  // resource's replicators with the requested configuration and took it for an original to return to (on-event.ts
  // `originalToReturnTo`): it marked the replicator in service `rolled-back-to` that replacement before it answered.
  // When that answer never reached CloudFormation (here the TagResource's own answer lost too, with no time left to run
  // again), CloudFormation rolled back to the replicator in service, which kept the mark (under RETAIN a later Delete
  // deletes it instead of retaining it), and the replacement ran beside it, tracked by no stack.
  test('a replacement created by the first run (its answer lost), the run again slow: no mark on the replicator in service, '
    + 'no replicator left untracked', async () => {
    const resource = newStack();
    expect((await resource.create(props())).status).toBe('SUCCESS');
    sim.resetCalls();
    // first run: DescribeReplicator takes 50 s; CreateReplicator takes effect but its answer is lost, the SDK's retry
    // meets ConflictException, and the search for it (ListReplicators) fails past the SDK's retries (transient); the
    // run again, from about 69 s left: DescribeReplicator takes 15 s
    slowNext('DescribeReplicator', 50_000);
    sim.beHostile({ seed: 7, ...CALM, lostResponseRate: 1 });
    afterResponse = () => sim.beHostile(undefined);
    slowNext('CreateReplicator', 0, () => {
      sim.inject({ operation: 'ListReplicators', error: 'ServiceUnavailableException', times: MAX_ATTEMPTS });
      // the next DescribeReplicator is the run again's
      slowNext('DescribeReplicator', 15_000);
    });

    const result = await resource.update(props({ targetCompressionType: TargetCompressionType.LZ4 }));

    expect(result.status).toBe('SUCCESS');
    expect(sim.callsTo('CreateReplicator')[0].lostResponse).toBe(true);
    expect(logs.some((l) => /transient ServiceUnavailableException .* running onEvent again/.test(l))).toBe(true);
    const tracked = resource.physicalResourceId!;
    clock.advance(10 * MINUTE);
    expect(sim.replicator(tracked)!.tags[ROLLED_BACK_TAG]).toBeUndefined();
    expect(active(resource).map((r) => r.arn)).toEqual([tracked]);
  }, 120_000);
});
