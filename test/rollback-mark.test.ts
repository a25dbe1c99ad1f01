import { exampleProperties } from '../examples/orders-replication';
import { CloudFormationResource, Handler, loadBundledHandler, Properties } from '../local-aws/cloudformation/provider-framework';
import { VirtualClock } from '../local-aws/cloudformation/world-clock';
import { MskSimulator, ReplicatorRecord } from '../local-aws/msk-simulator';
import { MAX_ATTEMPTS } from '../src/provider/kafka-client';
import { ROLLED_BACK_TAG_KEY } from '../src/provider/lifecycle';
import { ON_EVENT_RETRY_WAITS_MS } from '../src/provider/transient-retry';

/**
 * The rollback of a replacement that succeeded, while the write of the rolled-back-to mark meets transient errors
 * for longer than onEvent can retry.
 *
 * Found by the hostile-mode property test (cloudformation.property.test.ts, PROPERTY_SEED=1255102434 on the code of
 * d9701be, its 37th history; shrunk to [create {generated name, role r2}] -> [update {role r1}, fault
 * otherResourceFails], hostile seed 876002413): the replacement ran, another resource failed, and CloudFormation's
 * rollback Update, sent to the replacement, returned to the original; onEvent tags the replacement with the mark
 * (on-event.ts `originalToReturnTo`) and that TagResource met InternalServerErrorException and a lost response. The
 * SDK made 3 attempts, not 6: its retry quota (500 tokens, 5 per retry, refilled only by successes; @smithy/core
 * `StandardRetryStrategy`; AWS SDKs and Tools Reference Guide, "Retry behavior",
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html) belongs to the client, which lives as
 * long as the Lambda execution environment, and the transient errors of earlier invocations had drained it (the
 * handler's own retry strategy, retry-strategy.ts, keeps no quota since; nothing bounds how long an error lasts). onEvent
 * failed, so the Provider framework failed the rollback at once (runtime framework.js): UPDATE_ROLLBACK_FAILED, the
 * stack tracking the replacement, the original running untracked beside it; two replicators writing the same target
 * topics. A handler defect: the API model lists the transient errors for TagResource (kafka-api-model.json), and
 * nothing bounds how long they last.
 *
 * onEvent now runs again after a transient error (transient-retry.ts), within its invocation; the mark must survive
 * errors that outlast that too, as every other step of a rollback does in isComplete, which the waiter polls until the
 * provider's total timeout. Replayed deterministically: TagResource answers InternalServerErrorException, from the
 * moment CloudFormation has the replacement's response (so only the rollback meets it), as many times as onEvent's
 * runs and their SDK attempts can meet. One virtual clock for the waiter, the handler and the simulator; the SDK's own
 * backoff between attempts is real time.
 */

const MINUTE = 60_000;
const ACTIVE = new Set(['RUNNING', 'CREATING', 'UPDATING']);
const ROLE_2 = 'arn:aws:iam::123456789012:role/ReplicatorServiceExecutionRole2F00D123';
/** Every attempt of every run of onEvent (the first and one per retry wait) meets the error. */
const FAILING_TAG_WRITES = (ON_EVENT_RETRY_WAITS_MS.length + 1) * MAX_ATTEMPTS;

let clock: VirtualClock;
let sim: MskSimulator;
let handler: Handler;
let stacks = 0;

beforeAll(async () => {
  clock = new VirtualClock();
  sim = await MskSimulator.start({ ...clock.forService(), timing: { creatingMs: 2 * MINUTE, updatingMs: MINUTE, deletingMs: MINUTE } });
});
afterAll(async () => {
  await sim.stop();
});
beforeEach(() => {
  // a cold Lambda per test (loadBundledHandler loads a fresh module)
  handler = loadBundledHandler(sim.endpoint);
  sim.resetCalls();
});
afterEach(() => {
  sim.clearFaults();
});

function template(prefix: string, overrides: Record<string, unknown> = {}): Properties {
  const p = exampleProperties({ topicReplication: { topicsToReplicate: ['orders\\..*'] }, replacementProtection: false }) as Record<string, unknown>;
  delete p.ReplicatorName;
  return { ...p, ReplicatorNamePrefix: prefix, Tags: { team: 'x' }, ...overrides };
}

function active(prefix: string): ReplicatorRecord[] {
  return sim.replicators().filter((r) => r.name.startsWith(`${prefix}-`) && ACTIVE.has(r.state));
}

describe.each([
  ['destroy', 'MarkDestroy'],
  ['retain', 'MarkRetain'],
])('a rollback to the original whose mark meets transient errors longer than onEvent retries (%s)', (deletionBehaviour, prefix) => {
  it('returns to the original, and the cleanup deletes the replacement', async () => {
    let responses = 0;
    const resource = new CloudFormationResource(handler, {
      clock,
      onResponse: () => {
        // the replacement's answer has arrived (the create's is the first): the rollback comes next
        if (++responses === 2) sim.inject({ operation: 'TagResource', error: 'InternalServerErrorException', times: FAILING_TAG_WRITES });
      },
    }, `arn:aws:cloudformation:us-east-1:123456789012:stack/RollbackMark${++stacks}/1`);
    expect((await resource.create(template(prefix, { DeletionBehaviour: deletionBehaviour }))).status).toBe('SUCCESS');
    const originalArn = resource.physicalResourceId!;

    const update = await resource.updateThenRollBack(template(prefix, { DeletionBehaviour: deletionBehaviour, ServiceExecutionRoleArn: ROLE_2 }));
    expect(update.status).toBe('SUCCESS');
    const replacementArn = update.physicalResourceId!;
    expect(replacementArn).not.toBe(originalArn);

    expect(resource.history.map((h) => `${h.phase} ${h.result.status}`)).toEqual(['create SUCCESS', 'update SUCCESS', 'rollback SUCCESS', 'cleanup SUCCESS']);
    expect(resource.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(resource.physicalResourceId).toBe(originalArn);
    clock.advance(10 * MINUTE);
    expect(active(prefix).map((r) => r.arn)).toEqual([originalArn]);
    expect(sim.replicator(replacementArn)).toBeUndefined();
    // every injected error was met, and the mark was written once, before the cleanup: under RETAIN it is what makes
    // the cleanup delete the replacement
    expect(sim.callsTo('TagResource').filter((c) => c.errorType === 'InternalServerErrorException')).toHaveLength(FAILING_TAG_WRITES);
    const marked = sim.callsTo('TagResource').filter((c) => (c.status === 200 || c.status === 204) && c.replicatorArn === replacementArn
      && (c.input.tags as Record<string, string>)[ROLLED_BACK_TAG_KEY] === originalArn);
    expect(marked).toHaveLength(1);
  }, 120_000);
});
