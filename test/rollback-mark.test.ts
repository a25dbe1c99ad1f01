import { exampleProperties } from '../examples/orders-replication';
import { CloudFormationResource, loadBundledHandler, Properties, ProviderOptions } from '../local-aws/cloudformation/provider-framework';
import { MskSimulator, ReplicatorRecord } from '../local-aws/msk-simulator';
import { ROLLED_BACK_TAG_KEY } from '../src/provider/lifecycle';

/**
 * The rollback of a replacement that succeeded, while the write of the rolled-back-to mark meets transient errors
 * past the SDK's retries.
 *
 * Found by the hostile-mode property test (cloudformation.property.test.ts, PROPERTY_SEED=1255102434 at d9701be, the
 * 37th history; shrunk to [create {generated name, role r2}] -> [update {role r1}, fault otherResourceFails], hostile
 * seed 876002413): the replacement ran, another resource failed, and CloudFormation's rollback Update, sent to the
 * replacement, returned to the original; onEvent tags the replacement with the mark (on-event.ts `originalToReturnTo`)
 * and that TagResource met InternalServerErrorException and a lost response. The SDK made 3 attempts, not 6: its
 * client-side retry quota (500 tokens, 5 per retry, refilled only by successes; @smithy/core retry
 * `StandardRetryStrategy`, and the AWS SDKs and Tools Reference Guide, "Retry behavior",
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html) belongs to the client, which lives as
 * long as the Lambda execution environment and had been drained by the transient errors of earlier invocations.
 * onEvent failed, so the Provider framework failed the rollback (runtime framework.js: an error thrown by onEvent
 * fails the request at once): UPDATE_ROLLBACK_FAILED, the stack tracking the replacement, the original running
 * untracked beside it; two replicators writing the same target topics. A handler defect: transient errors are in the
 * API model's `errors` of TagResource (kafka-api-model.json), and no number of SDK attempts is promised.
 *
 * Replayed deterministically: the transient errors are injected for TagResource once CloudFormation has the
 * replacement's response (so only the rollback meets them), more of them than the SDK's attempts of one call.
 */

const POLL_MS = 10;
const ACTIVE = new Set(['RUNNING', 'CREATING', 'UPDATING']);
const ROLE_2 = 'arn:aws:iam::123456789012:role/ReplicatorServiceExecutionRole2F00D123';
const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/RollbackMark/1';
/** More than the SDK's attempts of one call (kafka-client.ts MAX_ATTEMPTS = 6): onEvent's TagResource fails. */
const FAILING_TAG_WRITES = 8;

let now = 1_000_000;
let sim: MskSimulator;
let handler: ReturnType<typeof loadBundledHandler>;

beforeAll(async () => {
  sim = await MskSimulator.start({ clock: () => now, timing: { creatingMs: 20, updatingMs: 10, deletingMs: 10 } });
  handler = loadBundledHandler(sim.endpoint);
});
afterAll(async () => {
  await sim.stop();
});
beforeEach(() => {
  sim.resetCalls();
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

/** The provider's options: once the replacement's response is in, TagResource fails FAILING_TAG_WRITES times. */
function failingMarkWrites(): ProviderOptions {
  let responses = 0;
  return {
    queryIntervalMs: 2,
    maxPolls: 400,
    onPoll: () => {
      now += POLL_MS;
    },
    onResponse: () => {
      responses += 1;
      if (responses === 1) sim.inject({ operation: 'TagResource', error: 'InternalServerErrorException', times: FAILING_TAG_WRITES });
    },
  };
}

describe.each([
  ['destroy', 'MarkDestroy'],
  ['retain', 'MarkRetain'],
])('a rollback to the original whose mark meets transient errors past the SDK\'s retries (%s)', (deletionBehaviour, prefix) => {
  it('returns to the original, and the cleanup deletes the replacement', async () => {
    const original = template(prefix, { DeletionBehaviour: deletionBehaviour });
    const created = new CloudFormationResource(handler, { queryIntervalMs: 2, maxPolls: 400, onPoll: () => { now += POLL_MS; } }, STACK_ID);
    expect((await created.create(original)).status).toBe('SUCCESS');
    const originalArn = created.physicalResourceId!;

    const resource = new CloudFormationResource(handler, failingMarkWrites(), STACK_ID);
    resource.physicalResourceId = originalArn;
    resource.properties = created.properties;
    resource.status = created.status;
    const update = await resource.updateThenRollBack(template(prefix, { DeletionBehaviour: deletionBehaviour, ServiceExecutionRoleArn: ROLE_2 }));
    expect(update.status).toBe('SUCCESS');
    const replacementArn = update.physicalResourceId!;
    expect(replacementArn).not.toBe(originalArn);
    expect(resource.history.map((h) => `${h.phase} ${h.result.status}`)).toEqual(['update SUCCESS', 'rollback SUCCESS', 'cleanup SUCCESS']);
    expect(resource.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(resource.physicalResourceId).toBe(originalArn);
    expect(active(prefix).map((r) => r.arn)).toEqual([originalArn]);
    // every injected error was met: more than the SDK's attempts of one TagResource
    expect(sim.callsTo('TagResource').filter((c) => c.errorType === 'InternalServerErrorException')).toHaveLength(FAILING_TAG_WRITES);
    // the mark was written before the cleanup: under RETAIN it is what makes the cleanup delete the replacement
    const marked = sim.callsTo('TagResource').filter((c) => (c.status === 200 || c.status === 204) && c.replicatorArn === replacementArn
      && (c.input.tags as Record<string, string>)[ROLLED_BACK_TAG_KEY] === originalArn);
    expect(marked).toHaveLength(1);
    expect(sim.replicator(replacementArn)?.state ?? 'gone').not.toMatch(/RUNNING|CREATING|UPDATING/);
  });
});
