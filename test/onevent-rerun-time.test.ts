import { TargetCompressionType } from '../src';
import { CALM, MINUTE, ROLLED_BACK_TAG, useRerunWorld } from './fixtures/rerun-world';
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

const world = useRerunWorld();

describe('onEvent run again after a transient error, short of time', () => {
  // Failed before the fix: the run again sent CreateReplicator with less than the one-call margin left; Lambda stopped it
  // after the replicator was created, and the rollback left that replacement running untracked beside the original.
  test('a replacement whose run again is slow before CreateReplicator: no replicator is created that the rollback forgets', async () => {
    const resource = world.newStack();
    expect((await resource.create(world.props())).status).toBe('SUCCESS');
    const original = resource.physicalResourceId!;
    world.sim.resetCalls();
    // first run: DescribeReplicator takes 50 s, then ListTagsForResource fails past the SDK's retries (transient);
    // the run again, from about 69 s left: DescribeReplicator takes 30 s, CreateReplicator 45 s (each under the
    // one-call bound of 61 s)
    world.slowNext('DescribeReplicator', 50_000, () => world.slowNext('DescribeReplicator', 30_000));
    world.sim.inject({ operation: 'ListTagsForResource', error: 'ServiceUnavailableException', times: MAX_ATTEMPTS });
    world.slowNext('CreateReplicator', 45_000);

    const result = await resource.update(world.props({ targetCompressionType: TargetCompressionType.LZ4 }));

    expect(world.logs.some((l) => /transient ServiceUnavailableException .* running onEvent again/.test(l))).toBe(true);
    expect(result.status).toBe('FAILED');
    expect(resource.physicalResourceId).toBe(original);
    expect(world.active(resource).map((r) => r.arn)).toEqual([original]);
    expect(world.sim.callsTo('CreateReplicator')).toEqual([]);
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
    const resource = world.newStack();
    expect((await resource.create(world.props())).status).toBe('SUCCESS');
    world.sim.resetCalls();
    // first run: DescribeReplicator takes 50 s; CreateReplicator takes effect but its answer is lost, the SDK's retry
    // meets ConflictException, and the search for it (ListReplicators) fails past the SDK's retries (transient); the
    // run again, from about 69 s left: DescribeReplicator takes 15 s
    world.slowNext('DescribeReplicator', 50_000);
    world.sim.beHostile({ seed: 7, ...CALM, lostResponseRate: 1 });
    world.afterResponse = () => world.sim.beHostile(undefined);
    world.slowNext('CreateReplicator', 0, () => {
      world.sim.inject({ operation: 'ListReplicators', error: 'ServiceUnavailableException', times: MAX_ATTEMPTS });
      // the next DescribeReplicator is the run again's
      world.slowNext('DescribeReplicator', 15_000);
    });

    const result = await resource.update(world.props({ targetCompressionType: TargetCompressionType.LZ4 }));

    expect(result.status).toBe('SUCCESS');
    expect(world.sim.callsTo('CreateReplicator')[0].lostResponse).toBe(true);
    expect(world.logs.some((l) => /transient ServiceUnavailableException .* running onEvent again/.test(l))).toBe(true);
    const tracked = resource.physicalResourceId!;
    world.clock.advance(10 * MINUTE);
    expect(world.sim.replicator(tracked)!.tags[ROLLED_BACK_TAG]).toBeUndefined();
    expect(world.active(resource).map((r) => r.arn)).toEqual([tracked]);
  }, 120_000);

  // Failed before the fix: only a run again kept the one-call margin before CreateReplicator. A first run whose reads
  // were slow sent it with 40 s left; it took 45 s, Lambda stopped the function after the replicator was created, and the
  // rollback left that replacement running untracked beside the original.
  test('a first run slow before CreateReplicator: no replicator is created that the rollback forgets', async () => {
    const resource = world.newStack();
    expect((await resource.create(world.props())).status).toBe('SUCCESS');
    const original = resource.physicalResourceId!;
    world.sim.resetCalls();
    // DescribeReplicator takes 50 s, ListReplicators 30 s: 40 s left of the function's 120 s; CreateReplicator 45 s
    world.slowNext('DescribeReplicator', 50_000);
    world.slowNext('ListReplicators', 30_000);
    world.slowNext('CreateReplicator', 45_000);

    const result = await resource.update(world.props({ targetCompressionType: TargetCompressionType.LZ4 }));

    expect(world.logs.some((l) => /running onEvent again/.test(l))).toBe(false);
    expect(result.status).toBe('FAILED');
    expect(resource.physicalResourceId).toBe(original);
    world.clock.advance(10 * MINUTE);
    expect(world.active(resource).map((r) => r.arn)).toEqual([original]);
    expect(world.sim.callsTo('CreateReplicator')).toEqual([]);
  }, 120_000);

  // Failed before the fix: the margin was kept before CreateReplicator only. Its first attempt was processed and its
  // answer lost, the SDK's retry met ConflictException, and the reads that look for the replicator this request created
  // (on-event.ts `ownCreation`) ran past the function's 120 s: `Task timed out`, and after the rollback the replacement
  // ran untracked beside the original.
  test('a first run that met ConflictException after a lost answer, its reads slow: the replacement is tracked', async () => {
    const resource = world.newStack();
    expect((await resource.create(world.props())).status).toBe('SUCCESS');
    world.sim.resetCalls();
    // before the create: DescribeReplicator 40 s, ListReplicators 30 s: 50 s left, more than the 45.5 s margin
    world.slowNext('DescribeReplicator', 40_000);
    world.slowNext('ListReplicators', 30_000);
    // CreateReplicator's first attempt is processed and its answer lost; the SDK's retry gets ConflictException; then
    // the search's ListReplicators takes 40 s, and ListTagsForResource 40 s (each within the one-call bound)
    world.slowNext('CreateReplicator', 0, () => {
      world.sim.beHostile({ ...CALM, lostResponseRate: 1, seed: 7 });
      world.sim.beforeNext('CreateReplicator', () => {
        world.sim.beHostile(undefined);
      });
      world.slowNext('ListReplicators', 40_000);
      world.slowNext('ListTagsForResource', 40_000);
    });

    const result = await resource.update(world.props({ targetCompressionType: TargetCompressionType.LZ4 }));

    expect(world.sim.callsTo('CreateReplicator').map((c) => c.errorType)).toEqual(['ConnectionReset', 'ConflictException']);
    expect(result.status).toBe('SUCCESS');
    expect(world.logs.some((l) => /isComplete goes on looking \(cdk-msk-replicator:pending-creation:/.test(l))).toBe(true);
    world.clock.advance(10 * MINUTE);
    expect(world.active(resource).map((r) => r.arn)).toEqual([resource.physicalResourceId]);
  }, 120_000);
});
