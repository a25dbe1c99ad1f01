import { createHash } from 'crypto';
import { Duration } from 'aws-cdk-lib';
import { exampleProperties, ReplicatorOptions } from '../examples/orders-replication';
import { invokeLambda } from '../local-aws/cloudformation/lambda-invoke';
import { CloudFormationResource, Handler, loadBundledHandler, NO_RESPONSE_REASON, Properties, ProviderOptions } from '../local-aws/cloudformation/provider-framework';
import { replicatorProviderModel } from '../local-aws/cloudformation/provider-model';
import { VirtualClock } from '../local-aws/cloudformation/world-clock';
import { MskSimulator, ReplicatorRecord } from '../local-aws/msk-simulator';
import { TargetCompressionType } from '../src';

/**
 * The provider's clocks at their real scale: the waiter's 30-second interval and its total, the replicator's
 * `timeout`, the handler's grace periods and CloudFormation's ServiceTimeout, all on one virtual clock that the
 * waiter, the handler (`Date.now()`) and the simulator's state transitions share. An hour of deployment runs in
 * about a second.
 */

const MINUTE = 60_000;
const OWNER_TAG = 'cdk-msk-replicator:owner';

let clock: VirtualClock;
let sim: MskSimulator;
let handler: Handler;
let logs: string[] = [];
let stacks = 0;

beforeAll(async () => {
  clock = new VirtualClock();
  // creation takes 25 minutes: longer than a 10-minute `timeout`, well within the provider's total
  sim = await MskSimulator.start({ ...clock.forService(), timing: { creatingMs: 25 * MINUTE, updatingMs: 2 * MINUTE, deletingMs: 3 * MINUTE } });
});
afterAll(async () => {
  await sim.stop();
});
beforeEach(() => {
  handler = loadBundledHandler(sim.endpoint);
  logs = [];
});
afterEach(() => {
  sim.clearFaults();
  sim.holdState('*', false);
});

const props = (options: ReplicatorOptions = {}): Properties => exampleProperties({ topicReplication: { topicsToReplicate: ['orders\\..*'] }, replacementProtection: false, ...options });

function newStack(options: ProviderOptions = {}, using: Handler = handler): CloudFormationResource {
  stacks += 1;
  return new CloudFormationResource(using, { clock, onLog: (line) => logs.push(line), ...options },
    `arn:aws:cloudformation:us-east-1:123456789012:stack/VirtualTime${stacks}/0a1b2c3d-${stacks}`);
}

/**
 * `handler` with onEvent's RequestedAt and ReceivedAt dropped from its answers, as a handler without a ServiceTimeout
 * guard would.
 */
function withoutRequestedAt(wrapped: Handler): Handler {
  return {
    onEventHandler: async (event, context) => {
      const response = await wrapped.onEventHandler(event, context);
      const { RequestedAt: _dropped, ReceivedAt: _alsoDropped, ...data } = response.Data;
      return { ...response, Data: data };
    },
    isCompleteHandler: (event) => wrapped.isCompleteHandler(event),
  };
}

function ownedBy(resource: CloudFormationResource): ReplicatorRecord[] {
  const owner = createHash('sha256').update(`${resource.stackId}|${resource.logicalResourceId}`).digest('hex').slice(0, 32);
  return sim.replicators().filter((r) => r.tags[OWNER_TAG] === owner);
}

describe('the waiter runs at its synthesized scale', () => {
  test('a replicator that takes 25 minutes to create completes, polled every 30 seconds of virtual time', async () => {
    const resource = newStack();
    const started = clock.now();

    const result = await resource.create(props());

    expect(result.status).toBe('SUCCESS');
    const elapsed = clock.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(25 * MINUTE);
    expect(elapsed).toBeLessThan(26 * MINUTE);
    expect(result.polls).toBe(Math.ceil((25 * MINUTE) / (replicatorProviderModel().waiter.intervalSeconds * 1000)) + 1);
  });

  test('a replicator held CREATING: the framework gives up after MaxAttempts retries (onTimeout), before the ServiceTimeout', async () => {
    let answeredAt: number | undefined;
    const resource = newStack({ onResponse: () => { answeredAt ??= clock.now(); } });
    sim.holdState('*', true);
    const started = clock.now();
    const { waiter } = replicatorProviderModel();

    const result = await resource.create(props());

    expect(result.status).toBe('FAILED');
    expect(result.reason).toBe('Operation timed out');
    expect(result.serviceTimedOut).toBeUndefined();
    expect(result.polls).toBe(waiter.maxAttempts + 1);
    expect(answeredAt! - started).toBeGreaterThanOrEqual(waiter.maxAttempts * waiter.intervalSeconds * 1000);
    expect(answeredAt! - started).toBeLessThan(3600 * 1000);
  });

  test('a ServiceTimeout shorter than the waiter: CloudFormation fails the resource without a response and records no id', async () => {
    // The emulator's side alone: the handler's own guard (service-deadline.ts, next test) needs onEvent's ReceivedAt or RequestedAt,
    // which this handler's answers drop, as a handler without the guard would not have it.
    const resource = newStack({}, withoutRequestedAt(handler));
    sim.holdState('*', true);

    const result = await resource.create({ ...props(), ServiceTimeout: '600' });

    expect(result.serviceTimedOut).toBe(true);
    expect(result.reason).toBe(NO_RESPONSE_REASON.replace('%s', resource.history[0].requestId));
    // nothing recorded, so no rollback Delete is sent: the replicator is left behind (why the waiter must answer first)
    expect(resource.history.map((h) => h.phase)).toEqual(['create']);
    expect(ownedBy(resource).map((r) => r.state)).toEqual(['CREATING']);
  });

  test('the same with the handler: isComplete fails the request before the ServiceTimeout, so the replicator\'s id is recorded', async () => {
    const resource = newStack();
    sim.holdState('*', true);

    const result = await resource.create({ ...props(), ServiceTimeout: '600' });

    expect(result.serviceTimedOut).toBeUndefined();
    expect(result.status).toBe('FAILED');
    expect(result.reason).toMatch(/ServiceTimeout of 600 s for this request is nearly over/);
    const [created] = ownedBy(resource);
    expect(result.physicalResourceId).toBe(created.arn);
    // the id recorded, CloudFormation's rollback sends its Delete to it
    expect(resource.history.map((h) => h.phase)).toEqual(['create', 'rollback']);
  });
});

describe("the handler's clock", () => {
  test('a replicator invisible for less than the grace period is waited for', async () => {
    const resource = newStack();
    sim.hideNextCreation(90_000);

    const result = await resource.create(props());

    expect(result.status).toBe('SUCCESS');
    expect(logs.some((l) => /is not visible yet/.test(l))).toBe(true);
  });

  test('a replicator invisible for longer than the grace period fails the create', async () => {
    const resource = newStack();
    sim.hideNextCreation(10 * MINUTE);

    const result = await resource.create(props());

    expect(result.status).toBe('FAILED');
    expect(result.reason).toMatch(/disappeared while it was being created/);
  });
});

describe('the Lambda context object', () => {
  const payload = (result: { Payload: Uint8Array }) => JSON.parse(new TextDecoder().decode(result.Payload));

  test('getRemainingTimeInMillis counts the function\'s Timeout down on the world clock', async () => {
    const result = await invokeLambda(async (context) => {
      const before = context.getRemainingTimeInMillis();
      clock.advance(90_000);
      return [before, context.getRemainingTimeInMillis()];
    }, 120, clock, undefined);

    const [before, after] = payload(result) as number[];
    expect(before).toBeGreaterThan(119_000);
    expect(before - after).toBeGreaterThanOrEqual(90_000);
    expect(after).toBeLessThanOrEqual(30_000);
  });

  test('a function whose world time passes its Timeout is stopped: whatever it returns is lost', async () => {
    const result = await invokeLambda(async () => {
      clock.advance(121_000);
      return 'done';
    }, 120, clock, undefined);

    expect(result.FunctionError).toBe('Unhandled');
    expect(payload(result)).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 120.00 seconds' });
  });
});

describe('defect: `timeout` bounded the Deletes of rollback and cleanup', () => {
  test('a replacement that times out is rolled back, and the cleanup deletes the new replicator once it leaves CREATING', async () => {
    const resource = newStack();
    expect((await resource.create(props())).status).toBe('SUCCESS');
    const original = resource.physicalResourceId!;

    const result = await resource.update(props({ targetCompressionType: TargetCompressionType.LZ4, timeout: Duration.minutes(10) }));

    expect(result.status).toBe('FAILED');
    expect(result.reason).toMatch(/^Timed out waiting for .* \(the replicator's `timeout` elapsed\)/);
    const replacement = result.physicalResourceId;
    expect(replacement).not.toBe(original);
    expect(resource.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(resource.physicalResourceId).toBe(original);
    expect(resource.history.map((h) => [h.phase, h.requestType, h.result.status]).slice(1)).toEqual([
      ['update', 'Update', 'FAILED'], ['rollback', 'Update', 'SUCCESS'], ['cleanup', 'Delete', 'SUCCESS'],
    ]);
    expect(resource.cleanupFailures).toEqual([]);
    expect(sim.replicator(replacement)?.state ?? 'GONE').toMatch(/^(DELETING|GONE)$/);
    // long after: the original alone, never a second replicator RUNNING beside it
    clock.advance(60 * MINUTE);
    expect(ownedBy(resource).map((r) => [r.arn, r.state])).toEqual([[original, 'RUNNING']]);
  });

  test('a create that times out: the rollback Delete waits for the replicator to leave CREATING and deletes it', async () => {
    const resource = newStack();

    const result = await resource.create(props({ timeout: Duration.minutes(10) }));

    expect(result.reason).toMatch(/^Timed out waiting for/);
    expect(resource.status).toBe('ROLLBACK_COMPLETE');
    expect(resource.history.map((h) => [h.phase, h.result.status])).toEqual([['create', 'FAILED'], ['rollback', 'SUCCESS']]);
    clock.advance(60 * MINUTE);
    expect(ownedBy(resource)).toEqual([]);
  });

  test('a Delete of the stack is not bounded by `timeout` either', async () => {
    // someone else's change keeps the replicator UPDATING for 40 minutes (80 polls), longer than its `timeout`
    let polls = 0;
    const resource = newStack({ onPoll: () => { if (++polls === 80) sim.setState(resource.physicalResourceId!, 'RUNNING'); } });
    expect((await resource.create(props({ timeout: Duration.minutes(30) }))).status).toBe('SUCCESS');
    sim.setState(resource.physicalResourceId!, 'UPDATING');
    polls = 0;

    const result = await resource.delete();

    expect(result.status).toBe('SUCCESS');
    expect(result.polls).toBeGreaterThan(80);
    clock.advance(60 * MINUTE);
    expect(ownedBy(resource)).toEqual([]);
  });
});
