import { RemovalPolicy } from 'aws-cdk-lib';
import { ServiceError } from '../local-aws/msk-simulator/http-protocol';
import { TargetCompressionType } from '../src';
import { CALM, useRerunWorld } from './fixtures/rerun-world';
import { MAX_ATTEMPTS } from '../src/provider/kafka-client';

/**
 * An isComplete poll makes several MSK calls in a row (a Describe, then a Delete or an Update, then tag writes), each
 * bounded by the one-call bound (kafka-client.ts CALL_BOUND_MS), and more than one such call does not fit the function's
 * timeout. Lambda then stops the function, and the Provider framework turns a stopped isComplete (a `FunctionError`)
 * into a FAILED answer at once (aws-cdk-lib custom-resources/lib/provider-framework/runtime/framework.js,
 * `invokeUserFunction`, in `safeHandler`), instead of polling again. For a cleanup Delete, CloudFormation ignores that
 * failure and forgets the replicator: the original keeps running beside its replacement, tracked by no stack.
 *
 * One virtual clock for the waiter, the handler and the simulator; a slow call is one whose request advances the clock
 * (`beforeNext`), as SDK attempts hung up to their request timeout would.
 */

const world = useRerunWorld();

describe('isComplete keeps within its invocation', () => {
  // Failed before the fix: the cleanup's first poll read the original in 50 s, sent DeleteReplicator, which took 15 s and
  // failed past the SDK's retries; Lambda stopped the function at its 60 s, the framework answered FAILED, and
  // CloudFormation, ignoring a failed cleanup, left the original running beside the replacement.
  test('a cleanup Delete whose first poll is slow: the original is deleted, no second replicator left running', async () => {
    const resource = world.newStack();
    expect((await resource.create(world.props())).status).toBe('SUCCESS');
    const original = resource.physicalResourceId!;
    // once the update has its answer, the cleanup Delete's first poll: DescribeReplicator takes 50 s, DeleteReplicator
    // 15 s, and then fails past the SDK's retries (transient): 65 s in all
    let armed = false;
    world.afterResponse = () => {
      if (armed) return;
      armed = true;
      // the first read is onEvent's (visibility.ts `seenAtDeleteStart`), the second the poll's
      world.slowNext('DescribeReplicator', 0, () => world.slowNext('DescribeReplicator', 50_000));
      world.slowNext('DeleteReplicator', 15_000, () => {
        world.sim.inject({ operation: 'DeleteReplicator', error: 'ServiceUnavailableException', times: MAX_ATTEMPTS - 1 });
        throw new ServiceError('ServiceUnavailableException', 'Service unavailable');
      });
    };

    const result = await resource.update(world.props({ targetCompressionType: TargetCompressionType.LZ4 }));

    expect(result.status).toBe('SUCCESS');
    const replacement = resource.physicalResourceId!;
    expect(replacement).not.toBe(original);
    expect(resource.cleanupFailures).toEqual([]);
    expect(world.sim.callsTo('DeleteReplicator').length).toBeGreaterThan(MAX_ATTEMPTS);
    world.clock.advance(10 * 60_000);
    expect(world.active(resource).map((r) => r.arn)).toEqual([replacement]);
    expect(world.sim.replicator(original)).toBeUndefined();
  }, 120_000);

  // Failed before the fix: the first poll's Delete, sent after a 44 s read, ran past the function's 60 s timeout; the
  // framework answered FAILED and the cleanup failed (here MSK had started the delete all the same). A poll now has room
  // for three calls at the one-call bound: a slow Describe and a slow Delete both fit.
  test('a cleanup whose DescribeReplicator and DeleteReplicator are both slow: the first poll deletes', async () => {
    const resource = world.newStack();
    expect((await resource.create(world.props())).status).toBe('SUCCESS');
    const original = resource.physicalResourceId!;
    const readsOfOriginal = () => world.sim.callsTo('DescribeReplicator').filter((c) => c.replicatorArn === original).length;
    let readsBefore = -1;
    let readsAtDelete = -1;
    let armed = false;
    world.afterResponse = () => {
      if (armed) return;
      armed = true;
      readsBefore = readsOfOriginal();
      // onEvent's read (visibility.ts `seenAtDeleteStart`), then the polls' reads
      world.slowNext('DescribeReplicator', 0, () => world.slowNext('DescribeReplicator', 44_000, () => world.slowNext('DescribeReplicator', 44_000)));
      world.slowNext('DeleteReplicator', 44_000, () => {
        readsAtDelete = readsOfOriginal();
      });
    };

    const result = await resource.update(world.props({ targetCompressionType: TargetCompressionType.LZ4 }));

    expect(result.status).toBe('SUCCESS');
    expect(resource.cleanupFailures).toEqual([]);
    // the Delete followed onEvent's read and the first poll's: in the same poll, not in a later one
    expect(readsAtDelete - readsBefore).toBe(2);
    world.clock.advance(10 * 60_000);
    expect(world.sim.replicator(original)).toBeUndefined();
  }, 120_000);

  // Failed before the fix: a poll that resolved a pending creation read the replicator (ListReplicators, then
  // DescribeReplicator), read it again to wait for RUNNING, and under RETAIN tagged it deployed: four calls, and only
  // three at the bound fit a poll. With every call slow, no poll ever reached the tag, and the request failed at the
  // ServiceTimeout guard with the replicator running.
  test('a pending creation under RETAIN, every call slow: a poll resolves it, sees it RUNNING and marks it deployed', async () => {
    const resource = world.newStack();
    const everySlow = (operation: 'ListReplicators' | 'DescribeReplicator' | 'TagResource') => {
      world.slowNext(operation, 44_000, () => everySlow(operation));
    };
    // CreateReplicator takes 35 s and effect, its answer lost; the SDK's retry meets ConflictException; from then on
    // every read and tag write takes 44 s, so onEvent's search answers a pending creation after its first read
    world.slowNext('CreateReplicator', 35_000, () => {
      world.sim.beHostile({ ...CALM, lostResponseRate: 1, seed: 7 });
      world.sim.beforeNext('CreateReplicator', () => {
        world.sim.beHostile(undefined);
        everySlow('ListReplicators');
        everySlow('DescribeReplicator');
        everySlow('TagResource');
      });
    });

    const result = await resource.create(world.props({ removalPolicy: RemovalPolicy.RETAIN }));

    expect(world.logs.some((l) => /isComplete goes on looking \(cdk-msk-replicator:pending-creation:/.test(l))).toBe(true);
    expect(result.reason).toBeUndefined();
    expect(result.status).toBe('SUCCESS');
    expect(world.sim.replicator(resource.physicalResourceId!)!.tags['cdk-msk-replicator:deployed']).toBe('true');
  }, 120_000);
});
