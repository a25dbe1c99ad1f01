import { exampleProperties } from '../examples/orders-replication';
import { CloudFormationResource, loadBundledHandler, Properties } from '../local-aws/cloudformation/provider-framework';
import { VirtualClock } from '../local-aws/cloudformation/world-clock';
import { MskSimulator } from '../local-aws/msk-simulator';
import { TargetCompressionType } from '../src';
import { CALL_BOUND_MS } from '../src/provider/kafka-client';

/**
 * CloudFormation starts a request's ServiceTimeout when it sends the request ("The maximum time, in seconds, that can
 * elapse before a custom resource operation times out",
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudformation-customresource.html), but
 * isComplete's guard (src/provider/service-deadline.ts) counted from `RequestedAt`, which onEvent stamps as it
 * returns, after all of its own calls. What onEvent spent (up to its function's 120-second timeout) was missing from
 * the reserve: slow calls in onEvent and slow polls after it carried the answer past the ServiceTimeout, and the
 * replacement was left outside the stack, the case the guard exists for.
 */

const MINUTE = 60_000;
const OWNER_TAG = 'cdk-msk-replicator:owner';
/** What each DescribeReplicator takes: within one call's bound (kafka-client.ts CALL_BOUND_MS). */
const SLOW_CALL_MS = 44_000;

let clock: VirtualClock;
let sim: MskSimulator;

beforeAll(async () => {
  clock = new VirtualClock();
  sim = await MskSimulator.start({ ...clock.forService(), timing: { creatingMs: 25 * MINUTE, updatingMs: 2 * MINUTE, deletingMs: 3 * MINUTE } });
});
afterAll(async () => {
  await sim.stop();
});

const props = (options: Parameters<typeof exampleProperties>[0] = {}): Properties => exampleProperties({ replacementProtection: false, ...options });

// Defect (issue 18, review): the ServiceTimeout guard's clock started at the end of onEvent, not at CloudFormation's request.
test('a replacement whose onEvent and polls are slow: the guard\'s answer still arrives within the ServiceTimeout', async () => {
  expect(SLOW_CALL_MS).toBeLessThan(CALL_BOUND_MS);
  const handler = loadBundledHandler(sim.endpoint);
  const resource = new CloudFormationResource(handler, { clock }, 'arn:aws:cloudformation:us-east-1:123456789012:stack/SlowOnEvent/0a1b2c3d-1');
  expect((await resource.create(props())).status).toBe('SUCCESS');
  const original = resource.physicalResourceId!;
  let slow = true;
  const slowDescribe = () => sim.beforeNext('DescribeReplicator', async () => {
    if (!slow) return;
    slowDescribe();
    clock.advance(SLOW_CALL_MS);
  });
  slowDescribe();
  // the replacement's CreateReplicator is slow too: onEvent spends two slow calls before it stamps RequestedAt
  sim.beforeNext('CreateReplicator', async () => clock.advance(SLOW_CALL_MS));
  sim.setTiming({ creatingMs: 65 * MINUTE });

  const result = await resource.update(props({ targetCompressionType: TargetCompressionType.LZ4 }));
  slow = false;

  // CloudFormation recorded the guard's FAILED answer with the replacement's id, so its rollback and cleanup know of it
  expect(result.serviceTimedOut).toBeUndefined();
  expect(result.status).toBe('FAILED');
  expect(result.reason).toMatch(/ServiceTimeout of 3600 s for this request is nearly over/);
  expect(result.physicalResourceId).not.toBe(original);
  expect(resource.physicalResourceId).toBe(original);
  const owner = sim.replicator(original)!.tags[OWNER_TAG];
  const beside = sim.replicators().filter((r) => r.arn !== original && r.tags[OWNER_TAG] === owner && r.state !== 'DELETING');
  expect(beside).toEqual([]);
}, 120_000);
