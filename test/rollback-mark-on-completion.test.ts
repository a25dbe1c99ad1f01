import { RemovalPolicy } from 'aws-cdk-lib';
import { ROLLED_BACK_TAG, useRerunWorld } from './fixtures/rerun-world';

/**
 * The rolled-back-to mark (rolled-back-mark.ts) tells the cleanup Delete that a replacement was rolled back from, and
 * makes it delete that replacement even under RETAIN. It is true only once the rollback has returned to the original.
 * A rollback can still fail after onEvent chose the original: its isComplete finds the original deleted, FAILED with a
 * change to make, or denied. CloudFormation then ends UPDATE_ROLLBACK_FAILED and keeps the replacement as the
 * resource: a mark written by onEvent stays on the replicator CloudFormation tracks, and under RETAIN a later stack
 * Delete deletes it instead of retaining it (on-event.ts `remove`), and no Update returns to it (ownership.ts `judge`).
 *
 * One virtual clock for the waiter, the handler and the simulator (test/fixtures/rerun-world.ts).
 */

const world = useRerunWorld();
const ROLE_2 = 'arn:aws:iam::123456789012:role/ReplicatorServiceExecutionRole2F00D123';

// Failed before the fix: onEvent wrote the mark on the replacement before it answered; the rollback's isComplete then
// found the original deleted and failed, and the replacement CloudFormation kept tracking carried the mark.
test('a rollback that fails after onEvent chose the original leaves no rolled-back-to mark on the replacement', async () => {
  let original = '';
  const resource = world.newStack((line) => {
    // the rollback's onEvent has chosen the original: someone deletes it before the rollback's first poll
    if (line.startsWith(`returning to ${original}`)) world.sim.deleteOutOfBand(original);
  });
  const retain = { removalPolicy: RemovalPolicy.RETAIN };
  expect((await resource.create(world.props(retain))).status).toBe('SUCCESS');
  original = resource.physicalResourceId!;

  const update = await resource.updateThenRollBack({ ...world.props(retain), ServiceExecutionRoleArn: ROLE_2 });

  expect(update.status).toBe('SUCCESS');
  const replacement = update.physicalResourceId;
  expect(replacement).not.toBe(original);
  expect(world.logs.some((l) => l.startsWith(`returning to ${original}`))).toBe(true);
  expect(resource.status).toBe('UPDATE_ROLLBACK_FAILED');
  expect(resource.history.at(-1)!.result.reason).toMatch(/was deleted outside CloudFormation during the update/);
  expect(world.sim.replicator(replacement)!.state).toBe('RUNNING');
  expect(world.sim.replicator(replacement)!.tags[ROLLED_BACK_TAG]).toBeUndefined();
}, 120_000);
