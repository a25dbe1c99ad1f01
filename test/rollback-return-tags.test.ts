import { exampleProperties, ReplicatorOptions } from '../examples/orders-replication';
import { CloudFormationResource, Handler, loadBundledHandler, Properties } from '../local-aws/cloudformation/provider-framework';
import { VirtualClock } from '../local-aws/cloudformation/world-clock';
import { MskSimulator } from '../local-aws/msk-simulator';
import { TargetCompressionType } from '../src';

/**
 * The rollback of a completed replacement returns to the original (on-event.ts `originalToReturnTo`), and isComplete
 * reconciles the ORIGINAL's tags with the event: the OldResourceProperties are the rolled-back template, whose tags
 * were written to the replacement only. A key that template added and the original's template lacks is one this
 * stack never wrote to the original: there it may be another party's (an operator's, a tag policy's) and must stay.
 */

const MINUTE = 60_000;

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
  // a fresh module per test, as a cold Lambda (loadBundledHandler isolates it)
  handler = loadBundledHandler(sim.endpoint);
});

const props = (options: ReplicatorOptions = {}): Properties => exampleProperties({
  topicReplication: { topicsToReplicate: ['orders\\..*'] }, replacementProtection: false, ...options,
});

function newStack(): CloudFormationResource {
  stacks += 1;
  return new CloudFormationResource(handler, { clock },
    `arn:aws:cloudformation:us-east-1:123456789012:stack/RollbackReturnTags${stacks}/0a1b2c3d-${stacks}`);
}

describe('the rollback of a completed replacement, back on the original', () => {
  // Failed before the fix: the reconciliation removed from the original every key the rolled-back template added, as if
  // the stack had written it there (tag-writes.ts removes the previous template's keys whatever the read says).
  test('keeps a tag another party set on the original under a key only the rolled-back template named', async () => {
    const resource = newStack();
    expect((await resource.create(props({ tags: { team: 'orders' } }))).status).toBe('SUCCESS');
    const original = resource.physicalResourceId!;
    // an operator's tag on the original, under a key the stack's template does not name
    sim.modifyOutOfBand(original, { tags: { 'cost-center': '42' } });

    // the update names that key too, and changes what needs a new replicator; the replacement completes, another
    // resource fails, and CloudFormation rolls back to the original
    const result = await resource.updateThenRollBack(props({
      tags: { 'team': 'orders', 'cost-center': '99' }, targetCompressionType: TargetCompressionType.LZ4,
    }));

    expect(result.status).toBe('SUCCESS');
    expect(result.physicalResourceId).not.toBe(original);
    expect(resource.physicalResourceId).toBe(original);
    expect(resource.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(sim.replicator(original)!.tags).toMatchObject({ 'team': 'orders', 'cost-center': '42' });
  }, 120_000);
});
