import { exampleProperties, ReplicatorOptions } from '../examples/orders-replication';
import { CloudFormationResource, Handler, loadBundledHandler, Properties } from '../local-aws/cloudformation/provider-framework';
import { VirtualClock } from '../local-aws/cloudformation/world-clock';
import { MskSimulator } from '../local-aws/msk-simulator';
import { MAX_TAGS_PER_RESOURCE } from '../local-aws/msk-simulator/operations';

/**
 * MSK allows at most 50 tags per resource ("Tag restrictions",
 * https://docs.aws.amazon.com/msk/latest/developerguide/msk-tagging-restrictions.html), counted after each TagResource
 * (local-aws/msk-simulator/operations.ts). A deployment that renames a template tag on a replicator at that limit
 * ends with as many tags as before: the reconciliation (is-complete.ts `reconcile`) must not pass through more.
 */

const MINUTE = 60_000;

let clock: VirtualClock;
let sim: MskSimulator;
let handler: Handler;

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

/** `count` template tags `tag-<from>` ... */
const tags = (from: number, count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`tag-${from + i}`, 'x']));

// Failed before the fix: the reconciliation sent TagResource before UntagResource, so the replicator would have passed
// through 51 tags and MSK rejected the TagResource: the update failed and rolled back.
test('renaming a template tag on a replicator at 50 tags succeeds and leaves 50 tags', async () => {
  const resource = new CloudFormationResource(handler, { clock }, 'arn:aws:cloudformation:us-east-1:123456789012:stack/TagLimitSwap/0a1b2c3d-1');
  // the template's tags and the handler's own marks fill the replicator up to the limit
  const first = props({ tags: tags(0, 47) });
  expect((await resource.create(first)).status).toBe('SUCCESS');
  const arn = resource.physicalResourceId!;
  expect(Object.keys(sim.replicator(arn)!.tags)).toHaveLength(MAX_TAGS_PER_RESOURCE);

  // tag-0 renamed tag-47: one key out, one in
  const result = await resource.update(props({ tags: tags(1, 47) }));

  expect(result.reason).toBeUndefined();
  expect(result.status).toBe('SUCCESS');
  expect(sim.replicator(arn)!.tags).toMatchObject(tags(1, 47));
  expect(sim.replicator(arn)!.tags['tag-0']).toBeUndefined();
  expect(Object.keys(sim.replicator(arn)!.tags)).toHaveLength(MAX_TAGS_PER_RESOURCE);
}, 120_000);
