import {
  DeleteReplicatorCommand, DescribeReplicatorCommand, KafkaClient, ListReplicatorsCommand, ListTagsForResourceCommand, NotFoundException,
  TagResourceCommand, UntagResourceCommand, UpdateReplicationInfoCommand,
} from '@aws-sdk/client-kafka';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { completeEvent, createEvent, deleteEvent, describedReplicator, ORIGINAL_ARN, rawProperties, updateEvent } from './fixtures/handler-fixtures';
import { useVirtualWaits } from './fixtures/virtual-waits';
import { encodeFoundState, foundConfiguration } from '../src/provider/adoption';
import { adopt, adoptedFate, recordAdoption, releaseStep } from '../src/provider/adoption-steps';
import { isComplete } from '../src/provider/is-complete';
import { OWNER_TAG_KEY, RETAINED_TAG_KEY } from '../src/provider/lifecycle';
import { ownerTagValue } from '../src/provider/ownership';
import { decodeProperties } from '../src/provider/properties';

/**
 * An adopted replicator whose tag reads answer NotFound while DescribeReplicator shows it: a tag read may lag behind a
 * write (MSK documents no read-after-write consistency for ListTagsForResource; the simulator's `lagListsAfterNextCreate`).
 * The adoption's decisions rest on its tags (another resource's owner, the record of how it was found, RETAIN), so the
 * Tags of DescribeReplicator's answer (DescribeReplicatorResponse.Tags in the API model) stand in: a NotFound of the tag
 * reads alone never means "no tags" or "gone" (tag-reads.ts `tagsUnlessGone`). Each test failed before the fix.
 */

const kafka = mockClient(KafkaClient);
useVirtualWaits();
const client = new KafkaClient({ region: 'us-east-1' });
let logs: string[];
const log = (message: string) => logs.push(message);
const notFound = () => new NotFoundException({ message: 'not found', $metadata: { httpStatusCode: 404 } });

const adopting = (overrides: Record<string, unknown> = {}) => rawProperties({
  AdoptExisting: 'true', ReplicatorName: 'orders-dr', ReplicatorNamePrefix: undefined, ...overrides,
});
const ours = () => ownerTagValue(createEvent(adopting()));

beforeEach(() => {
  kafka.reset();
  logs = [];
  kafka.on(ListTagsForResourceCommand).rejects(notFound());
});

test('adoption: another resource\'s owner tag, shown only by DescribeReplicator, refuses the adoption', async () => {
  const another = ownerTagValue({ ...createEvent(adopting()), StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/other/1' });
  kafka.on(ListReplicatorsCommand).resolves({ Replicators: [{ ReplicatorArn: ORIGINAL_ARN, ReplicatorName: 'orders-dr' }] });
  kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ ReplicatorName: 'orders-dr', Tags: { [OWNER_TAG_KEY]: another } }));

  await expect(adopt(createEvent(adopting()), decodeProperties(adopting()), client, log)).rejects.toThrow(/already managed by another MskReplicator/);
});

test('the adoption\'s record: another resource\'s owner tag, shown only by DescribeReplicator, refuses it, and is not overwritten', async () => {
  const another = ownerTagValue({ ...createEvent(adopting()), StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/other/1' });
  kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ ReplicatorName: 'orders-dr', Tags: { [OWNER_TAG_KEY]: another } }));
  const event = completeEvent(createEvent(adopting()), { ReplicatorArn: ORIGINAL_ARN, LifecycleAction: 'adopt' });

  await expect(recordAdoption(event, client, log)).rejects.toThrow(/already managed by another MskReplicator/);
  expect(kafka).not.toHaveReceivedCommand(TagResourceCommand);
});

test('Delete of an adopted replicator under RETAIN while the stack is deleted: retained, not deleted', async () => {
  kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ Tags: { [OWNER_TAG_KEY]: ours() } }));
  kafka.on(TagResourceCommand).resolves({});
  const event = completeEvent(deleteEvent(adopting({ DeletionBehaviour: 'retain' }), ORIGINAL_ARN), {
    ReplicatorArn: ORIGINAL_ARN, LifecycleAction: 'adopted-delete',
  });

  const fate = await adoptedFate(event, client, log, async () => 'DELETE_IN_PROGRESS');

  expect(fate).toBe('done');
  expect(kafka).toHaveReceivedCommandWith(TagResourceCommand, { ResourceArn: ORIGINAL_ARN, Tags: { [RETAINED_TAG_KEY]: 'true' } });
  expect(kafka).not.toHaveReceivedCommand(DeleteReplicatorCommand);
});

test('Delete of an adopted replicator under RETAIN: TagResource NotFound while DescribeReplicator shows it: the poll waits to write the mark', async () => {
  // taken for "gone", the replicator RETAIN keeps would run on without the retained mark (retained-mark.ts)
  kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ Tags: { [OWNER_TAG_KEY]: ours() } }));
  kafka.on(TagResourceCommand).rejects(new NotFoundException({ message: 'not found', $metadata: { httpStatusCode: 404 } }));
  const event = completeEvent(deleteEvent(adopting({ DeletionBehaviour: 'retain' }), ORIGINAL_ARN), {
    ReplicatorArn: ORIGINAL_ARN, LifecycleAction: 'adopted-delete',
  });

  await expect(adoptedFate(event, client, log, async () => 'DELETE_IN_PROGRESS')).resolves.toBe('wait');
  expect(kafka).toHaveReceivedCommandWith(TagResourceCommand, { ResourceArn: ORIGINAL_ARN, Tags: { [RETAINED_TAG_KEY]: 'true' } });
  expect(kafka).not.toHaveReceivedCommand(UntagResourceCommand);
  expect(kafka).not.toHaveReceivedCommand(DeleteReplicatorCommand);
});

test('Delete of an adopted replicator under RETAIN that no read shows: never deleted; marked, and its record removed at a later poll', async () => {
  // DeleteReplicator would delete it if it exists after all; TagResource finds it here, so it exists
  kafka.on(DescribeReplicatorCommand).rejects(new NotFoundException({ message: 'not found', $metadata: { httpStatusCode: 404 } }));
  kafka.on(TagResourceCommand).resolves({});
  const event = completeEvent(deleteEvent(adopting({ DeletionBehaviour: 'retain' }), ORIGINAL_ARN), {
    ReplicatorArn: ORIGINAL_ARN, LifecycleAction: 'adopted-delete',
  });

  await expect(adoptedFate(event, client, log, async () => 'DELETE_IN_PROGRESS')).resolves.toBe('wait');
  expect(kafka).toHaveReceivedCommandWith(TagResourceCommand, { ResourceArn: ORIGINAL_ARN, Tags: { [RETAINED_TAG_KEY]: 'true' } });
  expect(kafka).not.toHaveReceivedCommand(DeleteReplicatorCommand);
});

test('the give-back of an adoption rolled back: the record DescribeReplicator shows is given back, not skipped', async () => {
  // the replicator as found replicated other topics; the adoption changed them to the template's
  const asFound = describedReplicator();
  asFound.ReplicationInfoList![0].TopicReplication!.TopicsToReplicate = ['payments\\..*'];
  const record = encodeFoundState({ ...foundConfiguration(asFound), tags: { [OWNER_TAG_KEY]: null }, owner: ours() });
  kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ Tags: { [OWNER_TAG_KEY]: ours(), ...record } }));
  kafka.on(UpdateReplicationInfoCommand).resolves({ ReplicatorState: 'UPDATING' });
  kafka.on(UntagResourceCommand).resolves({});
  kafka.on(TagResourceCommand).resolves({});
  const event = completeEvent(deleteEvent(adopting(), ORIGINAL_ARN), { ReplicatorArn: ORIGINAL_ARN, LifecycleAction: 'adopted-delete' });

  await releaseStep(event, client, log);

  expect(logs.some((l) => /carries no record/.test(l))).toBe(false);
  expect(kafka).toHaveReceivedCommand(UpdateReplicationInfoCommand);
});

describe('no tag read finds it and DescribeReplicator answers no Tags: nothing is decided on an empty set, the poll waits', () => {
  test('the adoption\'s record is not written', async () => {
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ ReplicatorName: 'orders-dr', Tags: undefined }));
    const event = completeEvent(createEvent(adopting()), { ReplicatorArn: ORIGINAL_ARN, LifecycleAction: 'adopt' });

    await expect(recordAdoption(event, client, log)).resolves.toEqual({ IsComplete: false });
    expect(kafka).not.toHaveReceivedCommand(TagResourceCommand);
  });

  test('the give-back does not report "nothing to give back"', async () => {
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ Tags: undefined }));
    const event = completeEvent(deleteEvent(adopting(), ORIGINAL_ARN), { ReplicatorArn: ORIGINAL_ARN, LifecycleAction: 'adopted-delete' });

    await expect(releaseStep(event, client, log)).resolves.toEqual({ IsComplete: false });
  });

  test('the Delete of an adopted replicator neither deletes nor retains it', async () => {
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ Tags: undefined }));
    const event = completeEvent(deleteEvent(adopting({ DeletionBehaviour: 'retain' }), ORIGINAL_ARN), {
      ReplicatorArn: ORIGINAL_ARN, LifecycleAction: 'adopted-delete',
    });

    await expect(adoptedFate(event, client, log, async () => 'DELETE_IN_PROGRESS')).resolves.toBe('wait');
    expect(kafka).not.toHaveReceivedCommand(TagResourceCommand);
  });
});

// isComplete's reconciliation after an Update: DescribeReplicator's Tags stand in for a tag read that answers NotFound,
// but may lag behind a write as well; the handler's own tags are written whatever they show (is-complete.ts reconcile)
test('reconciliation: the owner tag is written though only a lagging DescribeReplicator answer shows it', async () => {
  const props = rawProperties();
  const update = updateEvent(props, props, ORIGINAL_ARN);
  kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ Tags: { [OWNER_TAG_KEY]: ownerTagValue(update) } }));
  kafka.on(TagResourceCommand).resolves({});
  const event = completeEvent(update, { ReplicatorArn: ORIGINAL_ARN, LifecycleAction: 'update' });

  await expect(isComplete(event, client, log)).resolves.toMatchObject({ IsComplete: true });

  expect(kafka).toHaveReceivedCommandWith(TagResourceCommand, {
    ResourceArn: ORIGINAL_ARN, Tags: expect.objectContaining({ [OWNER_TAG_KEY]: ownerTagValue(update) }),
  });
});
