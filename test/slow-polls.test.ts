import { createHash } from 'crypto';
import { exampleProperties } from '../examples/orders-replication';
import { CloudFormationResource, loadBundledHandler } from '../local-aws/cloudformation/provider-framework';
import { replicatorProviderModel } from '../local-aws/cloudformation/provider-model';
import { VirtualClock } from '../local-aws/cloudformation/world-clock';
import { MskSimulator } from '../local-aws/msk-simulator';
import { CALL_BOUND_MS } from '../src/provider/kafka-client';

/**
 * The provider's time budget (replicator-provider.ts TOTAL_TIMEOUT) counts polls, not time: the waiter retries
 * isComplete MaxAttempts times, IntervalSeconds apart, however long each poll takes (aws-cdk-lib
 * custom-resources/lib/provider-framework/waiter-state-machine.js; Step Functions retriers wait IntervalSeconds after
 * each failed attempt). The budget allows 3 s per poll and keeps 177 s in hand, so polls that each take longer (a
 * slow or throttled MSK: every call still within its bound, CALL_BOUND_MS) push the framework's answer past
 * CloudFormation's ServiceTimeout, which then fails the resource itself and records no physical id: the replicator
 * being created is left behind, outside the stack (test/virtual-time.test.ts shows the same for a short
 * ServiceTimeout).
 */

const MINUTE = 60_000;
const OWNER_TAG = 'cdk-msk-replicator:owner';
/** What each DescribeReplicator takes: well within one call's bound, as throttled or hung attempts make it. */
const SLOW_CALL_MS = 40_000;

let clock: VirtualClock;
let sim: MskSimulator;

beforeAll(async () => {
  clock = new VirtualClock();
  sim = await MskSimulator.start({ ...clock.forService(), timing: { creatingMs: 25 * MINUTE, updatingMs: 2 * MINUTE, deletingMs: 3 * MINUTE } });
});
afterAll(async () => {
  await sim.stop();
});

// Issue 18, defect 6, the time budget: the waiter's answer is only bounded while every poll stays within
// POLL_ROUND_TRIP_ALLOWANCE; slow polls that each stay within the call bound reached the ServiceTimeout, which left the
// replicator outside the stack. isComplete now fails the request itself before it (src/provider/service-deadline.ts).
test('polls slowed by an MSK that answers each call within its bound: the answer still arrives before the ServiceTimeout', async () => {
  expect(SLOW_CALL_MS).toBeLessThan(CALL_BOUND_MS);
  const handler = loadBundledHandler(sim.endpoint);
  const resource = new CloudFormationResource(handler, { clock },
    'arn:aws:cloudformation:us-east-1:123456789012:stack/SlowPolls/0a1b2c3d-1');
  const slowDescribe = () => sim.beforeNext('DescribeReplicator', async () => {
    slowDescribe();
    clock.advance(SLOW_CALL_MS);
  });
  slowDescribe();
  // a creation slower than the usual half hour: the slow polls reach the ServiceTimeout before it ends
  sim.setTiming({ creatingMs: 65 * MINUTE });
  const { waiter } = replicatorProviderModel();

  const result = await resource.create(exampleProperties({ replacementProtection: false }));

  const owner = createHash('sha256').update(`${resource.stackId}|${resource.logicalResourceId}`).digest('hex').slice(0, 32);
  const left = sim.replicators().filter((r) => r.tags[OWNER_TAG] === owner && r.state !== 'DELETING');
  expect(waiter.maxAttempts).toBeGreaterThan(0);
  expect(result.serviceTimedOut).toBeUndefined();
  expect(result.status).toBe('FAILED');
  expect(result.reason).toMatch(/ServiceTimeout of 3600 s for this request is nearly over/);
  expect(left).toEqual([]);
}, 120_000);
