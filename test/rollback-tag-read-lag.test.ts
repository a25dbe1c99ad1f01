import { TargetCompressionType } from '../src';
import { useRerunWorld } from './fixtures/rerun-world';

/**
 * CloudFormation's rollback of a completed replacement returns to the original (ownership.ts `replicatorToReturnTo`),
 * judged by its configuration and its owner tag. A tag read may lag behind a replicator's creation and answer
 * NotFound while DescribeReplicator already sees it: MSK documents no read-after-write consistency for
 * ListTagsForResource, and the simulator models the harsher behaviour (`lagListsAfterNextCreate`, with its sources).
 * The lag is counted in reads, not time: here it outlasts the stack's create and its update, as a read path that
 * stays behind would. One virtual clock for the waiter, the handler and the simulator (test/fixtures/rerun-world.ts).
 */

const world = useRerunWorld();

// Failed before the fix: the original, whose tag read answered NotFound, was judged not this resource's; the rollback
// created a third replicator and the original kept running beside it, untracked.
test('a rollback whose read of the original\'s tags answers NotFound returns to the original, creating nothing', async () => {
  const resource = world.newStack();
  // the original's list reads lag: the update's search for a replicator to return to, then the rollback's judge of it
  world.sim.lagListsAfterNextCreate(2);
  expect((await resource.create(world.props())).status).toBe('SUCCESS');
  const original = resource.physicalResourceId!;

  const update = await resource.updateThenRollBack(world.props({ targetCompressionType: TargetCompressionType.LZ4 }));

  const tagReads = world.sim.calls.filter((c) => c.operation === 'ListTagsForResource' && c.replicatorArn === original);
  expect(tagReads.map((c) => c.status).slice(0, 2)).toEqual([404, 404]);
  expect(update.status).toBe('SUCCESS');
  expect(resource.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(resource.physicalResourceId).toBe(original);
  expect(world.sim.callsTo('CreateReplicator')).toHaveLength(2);
  world.clock.advance(10 * 60_000);
  expect(world.active(resource).map((r) => r.arn)).toEqual([original]);
}, 120_000);

// Failed before the fix: onEvent returned to the original, and isComplete's reconciliation read its tags once more,
// strictly: NotFound failed the rollback (UPDATE_ROLLBACK_FAILED), the replacement left running beside the original.
test('a tag read of the original that lags through the rollback\'s onEvent and isComplete: back on the original', async () => {
  const resource = world.newStack();
  world.sim.lagListsAfterNextCreate(10);
  expect((await resource.create(world.props())).status).toBe('SUCCESS');
  const original = resource.physicalResourceId!;

  const update = await resource.updateThenRollBack(world.props({ targetCompressionType: TargetCompressionType.LZ4 }));

  expect(update.status).toBe('SUCCESS');
  expect(resource.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(resource.physicalResourceId).toBe(original);
  world.clock.advance(10 * 60_000);
  expect(world.active(resource).map((r) => r.arn)).toEqual([original]);
  // every read of the original's tags lagged
  const tagReads = world.sim.calls.filter((c) => c.operation === 'ListTagsForResource' && c.replicatorArn === original);
  expect(tagReads.length).toBeGreaterThanOrEqual(7);
  expect(tagReads.every((c) => c.status === 404)).toBe(true);
}, 120_000);
