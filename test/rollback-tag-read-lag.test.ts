import { RemovalPolicy } from 'aws-cdk-lib';
import { TargetCompressionType } from '../src';
import { OWNER_TAG, useRerunWorld } from './fixtures/rerun-world';

/**
 * CloudFormation's rollback of a completed replacement returns to the original (ownership.ts `replicatorToReturnTo`),
 * judged by its configuration and its owner tag. A tag read may lag behind a replicator's creation and answer
 * NotFound while DescribeReplicator already sees it: MSK documents no read-after-write consistency for
 * ListTagsForResource, and the simulator models the harsher behaviour (`lagListsAfterNextCreate`, with its sources).
 * The lag is counted in reads, not time: here it outlasts the stack's create and its update, as a read path that
 * stays behind would. One virtual clock for the waiter, the handler and the simulator (test/fixtures/rerun-world.ts).
 */

const world = useRerunWorld();

/**
 * A stack whose original's list reads lag for `reads` reads (from its creation on), through an update that replaces it
 * and the rollback of that update. Returns the original, the update's result and the original's tag reads.
 */
async function rollBackWithOriginalTagsLagging(reads: number) {
  const resource = world.newStack();
  world.sim.lagListsAfterNextCreate(reads);
  expect((await resource.create(world.props())).status).toBe('SUCCESS');
  const original = resource.physicalResourceId!;
  const update = await resource.updateThenRollBack(world.props({ targetCompressionType: TargetCompressionType.LZ4 }));
  const tagReads = world.sim.calls.filter((c) => c.operation === 'ListTagsForResource' && c.replicatorArn === original);
  return { resource, original, update, tagReads };
}

/** The rollback returned to the original, which is the only replicator of the resource left running. */
function expectBackOnOriginal({ resource, original, update }: Awaited<ReturnType<typeof rollBackWithOriginalTagsLagging>>): void {
  expect(update.status).toBe('SUCCESS');
  expect(resource.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(resource.physicalResourceId).toBe(original);
  world.clock.advance(10 * 60_000);
  expect(world.active(resource).map((r) => r.arn)).toEqual([original]);
}

// Failed before the fix: the original, whose tag read answered NotFound, was judged not this resource's; the rollback
// created a third replicator and the original kept running beside it, untracked.
test('a rollback whose read of the original\'s tags answers NotFound returns to the original, creating nothing', async () => {
  // the original's list reads lag: the update's search for a replicator to return to, then the rollback's judge of it
  const run = await rollBackWithOriginalTagsLagging(2);

  expect(run.tagReads.map((c) => c.status).slice(0, 2)).toEqual([404, 404]);
  expect(world.sim.callsTo('CreateReplicator')).toHaveLength(2);
  expectBackOnOriginal(run);
}, 120_000);

// Failed before the fix: onEvent returned to the original, and isComplete's reconciliation read its tags once more,
// strictly: NotFound failed the rollback (UPDATE_ROLLBACK_FAILED), the replacement left running beside the original.
test('a tag read of the original that lags through the rollback\'s onEvent and isComplete: back on the original', async () => {
  const run = await rollBackWithOriginalTagsLagging(10);

  expectBackOnOriginal(run);
  // every read of the original's tags lagged
  expect(run.tagReads.length).toBeGreaterThanOrEqual(7);
  expect(run.tagReads.every((c) => c.status === 404)).toBe(true);
}, 120_000);

// Failed before the fix: under RETAIN, the cleanup Delete of the replacement the rollback returned from found every tag
// read NotFound and trusted one DescribeReplicator answer, which lagged behind the rolled-back-to mark (the simulator's
// `lagNextRead`): it retained the replacement, running beside the original. DescribeReplicator is now read again and its
// Tags merged (tag-reads.ts `tagsUnlessGone`).
test('RETAIN: the cleanup of a rolled-back replacement whose tag reads lag and one DescribeReplicator answer predates the mark', async () => {
  const resource = world.newStack();
  const retain = { removalPolicy: RemovalPolicy.RETAIN };
  expect((await resource.create(world.props(retain))).status).toBe('SUCCESS');
  const original = resource.physicalResourceId!;
  // the replacement's list reads lag, counted in reads: through its creation, the rollback and the cleanup
  world.sim.lagListsAfterNextCreate(40);
  let replacement: string | undefined;
  let responses = 0;
  world.afterResponse = () => {
    responses += 1;
    // the rollback has answered: the mark is on the replacement, and the next DescribeReplicator of it lags behind it
    if (responses === 2) {
      replacement = resource.physicalResourceId;
      world.sim.lagNextRead(replacement!, 'DescribeReplicator');
    }
  };

  await resource.updateThenRollBack(world.props({ ...retain, targetCompressionType: TargetCompressionType.LZ4 }));

  expect(resource.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(resource.physicalResourceId).toBe(original);
  expect(replacement).not.toBe(original);
  world.clock.advance(10 * 60_000);
  // retained or not, a replicator still running writes the same topics: the replacement must be gone
  const running = world.sim.replicators()
    .filter((r) => r.tags[OWNER_TAG] === world.ownerOf(resource) && ['RUNNING', 'CREATING', 'UPDATING'].includes(r.state));
  expect(running.map((r) => r.arn)).toEqual([original]);
  expect(world.sim.replicator(replacement!)).toBeUndefined();
}, 120_000);
