import {
  BadRequestException, DeleteReplicatorCommand, DescribeReplicatorCommand, ForbiddenException, KafkaClient, ListReplicatorsCommand,
  ListTagsForResourceCommand, NotFoundException, TagResourceCommand, UntagResourceCommand, UpdateReplicationInfoCommand,
} from '@aws-sdk/client-kafka';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  completeEvent, createEvent, deleteEvent, describedReplicator, ORIGINAL_ARN, rawProperties, REPLACEMENT_ARN, updateEvent,
} from './fixtures/handler-fixtures';
import { useVirtualWaits } from './fixtures/virtual-waits';
import { encodeFoundState, FOUND_AS_TAG_PREFIX, foundConfiguration } from '../src/provider/adoption';
import type { ResourceData } from '../src/provider/events';
import { isComplete, REJECTION_REREAD_WAITS_MS, VISIBILITY_GRACE_MS } from '../src/provider/is-complete';
import { DEPLOYED_TAG_KEY, OWNER_TAG_KEY, REQUEST_TAG_KEY, RETAINED_TAG_KEY } from '../src/provider/lifecycle';
import { ownerTagValue, requestTagValue } from '../src/provider/ownership';
import { pendingCreationId } from '../src/provider/pending-creation';
import { ABSENCE_REREAD_WAITS_MS } from '../src/provider/tag-reads';

/**
 * isComplete's paths that only the local-world suites reached before (a pending creation, a replicator not visible
 * yet, a FAILED or DELETING replicator under an update, the deletion's waits and rejections, a poll out of time), each
 * against a mocked client on a virtual clock, so that a mutation run over the unit suites sees them
 * (docs/mutation.md). Each test states the decision it pins.
 */

const kafka = mockClient(KafkaClient);
const clock = useVirtualWaits();
const client = new KafkaClient({ region: 'us-east-1' });
let logs: string[];
const log = (message: string) => logs.push(message);
const meta = { $metadata: { httpStatusCode: 400 } };
const notFound = () => new NotFoundException({ message: 'not found', $metadata: { httpStatusCode: 404 } });
const badRequest = (message = 'The replicator is not in a deletable state') => new BadRequestException({ message, ...meta });
const named = (name: string) => Object.assign(new Error(`${name} raised`), { name });

const NAME = 'OrdersReplication-Replicator-0123456789ab';

beforeEach(() => {
  kafka.reset();
  logs = [];
});

describe('a create whose CreateReplicator had no usable answer (a pending physical id)', () => {
  const request = () => requestTagValue(createEvent(rawProperties()));
  const pendingEvent = (data: Partial<ResourceData> = {}) => completeEvent(
    { ...createEvent(rawProperties()), PhysicalResourceId: pendingCreationId({ request: request(), name: NAME }) },
    { LifecycleAction: 'create', RequestedAt: String(clock.now()), ...data },
  );
  const listed = () => kafka.on(ListReplicatorsCommand).resolves({ Replicators: [{ ReplicatorArn: ORIGINAL_ARN, ReplicatorName: NAME }] });

  test('found RUNNING with this request\'s tag: complete, answering its ARN as the physical id, from one DescribeReplicator', async () => {
    listed();
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ ReplicatorName: NAME, Tags: { [REQUEST_TAG_KEY]: request() } }));

    const result = await isComplete(pendingEvent(), client, log);

    expect(result).toEqual({
      IsComplete: true,
      PhysicalResourceId: ORIGINAL_ARN,
      Data: { ReplicatorArn: ORIGINAL_ARN, ReplicatorName: NAME, CurrentVersion: 'V1', SourceClusterAlias: 'src', TargetClusterAlias: 'tgt' },
    });
    expect(kafka).toHaveReceivedCommandTimes(DescribeReplicatorCommand, 1);
  });

  test('found CREATING: not complete, and the physical id stays the pending one', async () => {
    listed();
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ ReplicatorState: 'CREATING', Tags: { [REQUEST_TAG_KEY]: request() } }));

    expect(await isComplete(pendingEvent(), client, log)).toEqual({ IsComplete: false });
  });

  test('found, but unlike the request in what cannot change in place: the request fails, naming the field', async () => {
    listed();
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({
      ReplicatorDescription: 'made by hand', Tags: { [REQUEST_TAG_KEY]: request() },
    }));

    await expect(isComplete(pendingEvent(), client, log)).rejects.toThrow(`The replicator "${NAME}" this request created differs from the template in description`);
  });

  test('the name belongs to a replicator another request of this resource left: the request fails, saying so', async () => {
    listed();
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({
      Tags: { [REQUEST_TAG_KEY]: 'f'.repeat(32), [OWNER_TAG_KEY]: ownerTagValue(createEvent(rawProperties())) },
    }));

    await expect(isComplete(pendingEvent(), client, log)).rejects.toThrow(/left by an earlier deployment of this resource/);
  });

  test('the name belongs to a replicator another creator made: the request fails, saying so', async () => {
    listed();
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ Tags: { [REQUEST_TAG_KEY]: 'f'.repeat(32), [OWNER_TAG_KEY]: 'someone-else' } }));

    await expect(isComplete(pendingEvent(), client, log)).rejects.toThrow(/already exists in this account and Region and was not created by this resource/);
  });

  test('not listed yet: not complete until the visibility grace has passed since the request, then the request fails with the create\'s error', async () => {
    kafka.on(ListReplicatorsCommand).resolves({ Replicators: [] });
    const event = pendingEvent({ CreateError: 'ServiceUnavailableException: try later' });

    clock.advance(VISIBILITY_GRACE_MS - 1);
    expect(await isComplete(event, client, log)).toEqual({ IsComplete: false });
    clock.advance(1);
    await expect(isComplete(event, client, log)).rejects.toThrow(
      `CreateReplicator "${NAME}" had no usable answer (ServiceUnavailableException: try later), and ListReplicators with its tags did not `
      + `show a replicator of that name created by this request within ${VISIBILITY_GRACE_MS / 1000} s. If one appears, CloudFormation's `
      + 'rollback deletes it; deploy again.',
    );
  });

  test('not listed after the grace, without a recorded error: the message says only that there was no usable answer', async () => {
    kafka.on(ListReplicatorsCommand).resolves({ Replicators: [] });
    const event = pendingEvent();
    clock.advance(VISIBILITY_GRACE_MS);

    await expect(isComplete(event, client, log)).rejects.toThrow(`CreateReplicator "${NAME}" had no usable answer, and ListReplicators`);
  });

  test('listed, but no read shows its tags yet: not complete within the grace (it exists; whose it is cannot be told)', async () => {
    listed();
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator());
    kafka.on(ListTagsForResourceCommand).rejects(notFound());

    expect(await isComplete(pendingEvent(), client, log)).toEqual({ IsComplete: false });
    // listed: its tags were looked for, where an unlisted name ends the look at ListReplicators
    expect(kafka).toHaveReceivedCommandWith(ListTagsForResourceCommand, { ResourceArn: ORIGINAL_ARN });
    expect(kafka).not.toHaveReceivedCommand(DeleteReplicatorCommand);
  });
});

describe('a create known by ARN', () => {
  const createData = (data: Partial<ResourceData> = {}) =>
    completeEvent(createEvent(rawProperties()), { ReplicatorArn: ORIGINAL_ARN, LifecycleAction: 'create', RequestedAt: String(clock.now()), ...data });

  test('DescribeReplicator answers NotFound: not complete within the visibility grace, then the request fails', async () => {
    kafka.on(DescribeReplicatorCommand).rejects(notFound());
    const event = createData();

    clock.advance(VISIBILITY_GRACE_MS - 1);
    expect(await isComplete(event, client, log)).toEqual({ IsComplete: false });
    expect(logs).toContain(`${ORIGINAL_ARN} is not visible yet (just created): trying again at the next poll`);
    clock.advance(1);
    await expect(isComplete(event, client, log)).rejects.toThrow(`Replicator ${ORIGINAL_ARN} disappeared while it was being created.`);
  });

  test('NotFound for a create that recorded no start: believed at once', async () => {
    kafka.on(DescribeReplicatorCommand).rejects(notFound());

    await expect(isComplete(createData({ RequestedAt: undefined }), client, log)).rejects.toThrow(/disappeared while it was being created/);
  });

  test.each([
    [{ Code: 'CLUSTER_UNREACHABLE', Message: 'no route' }, 'CLUSTER_UNREACHABLE: no route'],
    [{ Message: 'no route' }, 'UNKNOWN: no route'],
    [{ Code: 'CLUSTER_UNREACHABLE' }, 'CLUSTER_UNREACHABLE: (no message)'],
    [undefined, '(the service gave no reason)'],
  ])('FAILED: the request fails with the service\'s reason (%j)', async (stateInfo, reason) => {
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ ReplicatorState: 'FAILED', StateInfo: stateInfo }));

    await expect(isComplete(createData(), client, log)).rejects.toThrow(
      `Replicator OrdersReplication-Replicator-0123456789ab failed to create: ${reason}. CloudFormation deletes it as it rolls back`,
    );
  });

  test('`timeout` elapsed: the create fails before any call', async () => {
    const event = createData({ Deadline: String(clock.now() - 1) });

    await expect(isComplete(event, client, log)).rejects.toThrow(`Timed out waiting for ${ORIGINAL_ARN} (the replicator's \`timeout\` elapsed).`);
    expect(kafka.calls()).toHaveLength(0);
  });

  test('`timeout` not yet elapsed: the create goes on', async () => {
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ ReplicatorState: 'CREATING' }));

    expect(await isComplete(createData({ Deadline: String(clock.now()) }), client, log)).toEqual({ IsComplete: false });
  });

  test('CloudFormation\'s ServiceTimeout nearly over: the create fails, keeping its physical id', async () => {
    const event = createData({ ReceivedAt: String(clock.now() - 3400_000) });

    await expect(isComplete(event, client, log)).rejects.toThrow(/ServiceTimeout of 3600 s for this request is nearly over/);
    expect(kafka.calls()).toHaveLength(0);
  });
});

describe('a poll out of time or failing', () => {
  const createData = () => completeEvent(createEvent(rawProperties()), { ReplicatorArn: ORIGINAL_ARN, LifecycleAction: 'create', RequestedAt: String(clock.now()) });

  test.each(['NoTimeForCall', 'OutOfTime'])('a call or wait the invocation had no time for (%s): not complete, going on at the next poll', async (name) => {
    kafka.on(DescribeReplicatorCommand).rejects(named(name));

    expect(await isComplete(createData(), client, log)).toEqual({ IsComplete: false });
    expect(logs).toContain(`${name} raised: going on at the next poll`);
  });

  test('another error fails the request', async () => {
    kafka.on(DescribeReplicatorCommand).rejects(new ForbiddenException({ message: 'denied', $metadata: { httpStatusCode: 403 } }));

    await expect(isComplete(createData(), client, log)).rejects.toThrow('denied');
  });

  test.each(['none', 'retain'] as const)('nothing to wait for (%s): complete without a call', async (action) => {
    const event = completeEvent(deleteEvent(rawProperties(), ORIGINAL_ARN), { ReplicatorArn: ORIGINAL_ARN, LifecycleAction: action });

    expect(await isComplete(event, client, log)).toEqual({ IsComplete: true });
    expect(kafka.calls()).toHaveLength(0);
  });
});

describe('an update', () => {
  const updateData = (props = rawProperties(), data: Partial<ResourceData> = {}, old = rawProperties()) =>
    completeEvent(updateEvent(props, old, ORIGINAL_ARN), { ReplicatorArn: ORIGINAL_ARN, LifecycleAction: 'update', ...data });
  const ownTags = (props = rawProperties()) => ({ [OWNER_TAG_KEY]: ownerTagValue(updateEvent(props, props, ORIGINAL_ARN)) });

  test('the replicator is gone: the update fails, saying it was deleted outside CloudFormation', async () => {
    kafka.on(DescribeReplicatorCommand).rejects(notFound());

    await expect(isComplete(updateData(), client, log)).rejects.toThrow(`Replicator ${ORIGINAL_ARN} was deleted outside CloudFormation during the update. `
      + 'Deploy again: the next update creates a new replicator.');
  });

  test('DELETING: the update fails, naming the state', async () => {
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ ReplicatorState: 'DELETING' }));

    await expect(isComplete(updateData(), client, log)).rejects.toThrow('Replicator OrdersReplication-Replicator-0123456789ab is DELETING; it cannot be updated.');
  });

  test.each(['CREATING', 'UPDATING'])('%s: not complete, nothing sent', async (state) => {
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ ReplicatorState: state as 'CREATING' }));

    expect(await isComplete(updateData(), client, log)).toEqual({ IsComplete: false });
    expect(kafka.calls()).toHaveLength(1);
  });

  test('FAILED, with a change to make in place: the update fails with the reason, nothing sent', async () => {
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ ReplicatorState: 'FAILED', StateInfo: { Code: 'C', Message: 'm' } }));
    const props = rawProperties({ TopicReplication: { ...rawProperties().TopicReplication as object, TopicsToReplicate: ['orders.*'] } });

    await expect(isComplete(updateData(props), client, log)).rejects.toThrow(
      'Replicator OrdersReplication-Replicator-0123456789ab is FAILED (C: m) and cannot be updated in place. Fix the cause, then deploy a '
      + 'change that creates a new replicator (for example a new `replicatorName`, or omit it to generate one together with another '
      + '`description`); CloudFormation then deletes the failed one.',
    );
    expect(kafka).not.toHaveReceivedCommand(UpdateReplicationInfoCommand);
  });

  test('FAILED, with nothing to change in place: the tags are applied and the update completes', async () => {
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ ReplicatorState: 'FAILED', StateInfo: { Code: 'C', Message: 'm' } }));
    kafka.on(ListTagsForResourceCommand).resolves({ Tags: ownTags() });
    const props = rawProperties({ Tags: { team: 'payments' } });

    const result = await isComplete(updateData(props), client, log);

    expect(result.IsComplete).toBe(true);
    expect(kafka).toHaveReceivedCommandWith(TagResourceCommand, { ResourceArn: ORIGINAL_ARN, Tags: { team: 'payments' } });
    expect(logs).toContain(`WARNING: ${ORIGINAL_ARN} is FAILED (C: m); nothing to change in place, applying tags only`);
  });

  test('a change in place on a RUNNING replicator is sent, and the update is not complete yet', async () => {
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator());
    kafka.on(UpdateReplicationInfoCommand).resolves({ ReplicatorArn: ORIGINAL_ARN, ReplicatorState: 'UPDATING' });
    const props = rawProperties({ TopicReplication: { ...rawProperties().TopicReplication as object, TopicsToReplicate: ['orders.*'] } });

    expect((await isComplete(updateData(props), client, log)).IsComplete).toBe(false);
    expect(kafka).toHaveReceivedCommandWith(UpdateReplicationInfoCommand, { ReplicatorArn: ORIGINAL_ARN, CurrentVersion: 'V1' });
    expect(kafka).not.toHaveReceivedCommand(TagResourceCommand);
  });

  test('under RETAIN the deployed mark is written with the owner; under DESTROY only the owner', async () => {
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator());
    kafka.on(ListTagsForResourceCommand).resolves({ Tags: {} });
    const retain = rawProperties({ DeletionBehaviour: 'retain' });

    await isComplete(updateData(retain, {}, retain), client, log);
    expect(kafka).toHaveReceivedCommandWith(TagResourceCommand, { Tags: { ...ownTags(retain), [DEPLOYED_TAG_KEY]: 'true' } });

    kafka.resetHistory();
    await isComplete(updateData(), client, log);
    expect(kafka).toHaveReceivedCommandWith(TagResourceCommand, { Tags: ownTags() });
  });

  test('the record of how an adopted replicator was found is removed by a later update', async () => {
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator());
    kafka.on(ListTagsForResourceCommand).resolves({ Tags: { ...ownTags(), [`${FOUND_AS_TAG_PREFIX}0`]: 'x' } });

    await isComplete(updateData(), client, log);
    expect(kafka).toHaveReceivedCommandWith(UntagResourceCommand, { ResourceArn: ORIGINAL_ARN, TagKeys: [`${FOUND_AS_TAG_PREFIX}0`] });
  });

  test('a key the rolled-back template added is removed, except from an original a rollback returned to', async () => {
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator());
    kafka.on(ListTagsForResourceCommand).resolves({ Tags: { ...ownTags(), team: 'payments' } });
    const rolledBack = rawProperties({ Tags: { team: 'payments' } });

    await isComplete(updateData(rawProperties(), {}, rolledBack), client, log);
    expect(kafka).toHaveReceivedCommandWith(UntagResourceCommand, { TagKeys: ['team'] });

    kafka.resetHistory();
    await isComplete(updateData(rawProperties(), { ReturnedTo: 'true' }, rolledBack), client, log);
    expect(kafka).not.toHaveReceivedCommand(UntagResourceCommand);
  });
});

describe('an adoption through isComplete (survivors of the mutation run: the adopt and adopted-delete actions)', () => {
  const adopting = (overrides: Record<string, unknown> = {}) => rawProperties({
    AdoptExisting: 'true', ReplicatorName: 'orders-dr', ReplicatorNamePrefix: undefined, Tags: { team: 'payments' }, ...overrides,
  });
  const ours = () => ownerTagValue(createEvent(adopting()));
  const found = () => describedReplicator({ ReplicatorName: 'orders-dr' });
  const record = () => encodeFoundState({ ...foundConfiguration(found()), tags: { [OWNER_TAG_KEY]: null }, owner: ours() });
  const adoptData = (data: Partial<ResourceData> = {}) =>
    completeEvent(createEvent(adopting()), { ReplicatorArn: ORIGINAL_ARN, LifecycleAction: 'adopt', ...data });
  const adoptedDelete = (props = adopting(), data: Partial<ResourceData> = {}) =>
    completeEvent(deleteEvent(props, ORIGINAL_ARN), { ReplicatorArn: ORIGINAL_ARN, LifecycleAction: 'adopted-delete', ...data });

  test('the record in place: the reconciliation writes nothing the adoption wrote, and keeps the record', async () => {
    // the adoption wrote the template's tags with its record (recordAdoption): they are what the replicator carries,
    // so nothing is written again, and the record stays for a rollback of this operation to give the replicator back
    kafka.on(DescribeReplicatorCommand).resolves(found());
    kafka.on(ListTagsForResourceCommand).resolves({ Tags: { [OWNER_TAG_KEY]: ours(), ...record(), team: 'payments' } });

    const result = await isComplete(adoptData(), client, log);

    expect(result).toEqual({ IsComplete: true, Data: expect.objectContaining({ ReplicatorArn: ORIGINAL_ARN, ReplicatorName: 'orders-dr' }) });
    expect(kafka).not.toHaveReceivedCommand(TagResourceCommand);
    expect(kafka).not.toHaveReceivedCommand(UntagResourceCommand);
  });

  test('a template tag another party changed since the adoption is written back, and only it', async () => {
    kafka.on(DescribeReplicatorCommand).resolves(found());
    kafka.on(ListTagsForResourceCommand).resolves({ Tags: { [OWNER_TAG_KEY]: ours(), ...record(), team: 'orders' } });

    expect((await isComplete(adoptData(), client, log)).IsComplete).toBe(true);
    expect(kafka).toHaveReceivedCommandTimes(TagResourceCommand, 1);
    expect(kafka).toHaveReceivedCommandWith(TagResourceCommand, { ResourceArn: ORIGINAL_ARN, Tags: { team: 'payments' } });
  });

  test('`timeout` does not bound the Delete of an adopted replicator, even with a Deadline past (an earlier version\'s)', async () => {
    kafka.on(DescribeReplicatorCommand).resolves(found());
    kafka.on(ListTagsForResourceCommand).resolves({ Tags: { [OWNER_TAG_KEY]: ours(), ...record() } });

    const result = await isComplete(adoptedDelete(adopting(), { Deadline: String(clock.now() - 1) }), client, log, async () => 'DELETE_IN_PROGRESS');

    expect(result).toEqual({ IsComplete: false });
    expect(kafka).toHaveReceivedCommandWith(DeleteReplicatorCommand, { ReplicatorArn: ORIGINAL_ARN });
  });

  test('the stack deleted under DESTROY: the adopted replicator is deleted', async () => {
    kafka.on(DescribeReplicatorCommand).resolves(found());
    kafka.on(ListTagsForResourceCommand).resolves({ Tags: { [OWNER_TAG_KEY]: ours(), ...record() } });

    expect(await isComplete(adoptedDelete(), client, log, async () => 'DELETE_IN_PROGRESS')).toEqual({ IsComplete: false });
    expect(kafka).toHaveReceivedCommandWith(DeleteReplicatorCommand, { ReplicatorArn: ORIGINAL_ARN, CurrentVersion: 'V1' });
  });

  test('the stack deleted under RETAIN: marked retained, complete, not deleted', async () => {
    kafka.on(DescribeReplicatorCommand).resolves(found());
    kafka.on(ListTagsForResourceCommand).resolves({ Tags: { [OWNER_TAG_KEY]: ours(), ...record() } });
    kafka.on(TagResourceCommand).resolves({});
    kafka.on(UntagResourceCommand).resolves({});

    expect(await isComplete(adoptedDelete(adopting({ DeletionBehaviour: 'retain' })), client, log, async () => 'DELETE_IN_PROGRESS')).toEqual({ IsComplete: true });
    expect(kafka).toHaveReceivedCommandWith(TagResourceCommand, { ResourceArn: ORIGINAL_ARN, Tags: { [RETAINED_TAG_KEY]: 'true' } });
    expect(kafka).not.toHaveReceivedCommand(DeleteReplicatorCommand);
  });

  test('another resource owns it by now: left as it is, neither deleted nor given back', async () => {
    const another = ownerTagValue({ ...createEvent(adopting()), StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/other/1' });
    kafka.on(DescribeReplicatorCommand).resolves(found());
    kafka.on(ListTagsForResourceCommand).resolves({ Tags: { [OWNER_TAG_KEY]: another, ...record() } });

    expect(await isComplete(adoptedDelete(), client, log, async () => 'UPDATE_ROLLBACK_IN_PROGRESS')).toEqual({ IsComplete: true });
    expect(kafka).not.toHaveReceivedCommand(UntagResourceCommand);
    expect(kafka).not.toHaveReceivedCommand(TagResourceCommand);
    expect(kafka).not.toHaveReceivedCommand(UpdateReplicationInfoCommand);
    expect(kafka).not.toHaveReceivedCommand(DeleteReplicatorCommand);
  });

  test('no read shows its tags: not complete, nothing deleted or given back', async () => {
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ ReplicatorName: 'orders-dr', Tags: undefined }));
    kafka.on(ListTagsForResourceCommand).rejects(notFound());

    expect(await isComplete(adoptedDelete(), client, log, async () => 'DELETE_IN_PROGRESS')).toEqual({ IsComplete: false });
    expect(kafka).not.toHaveReceivedCommand(DeleteReplicatorCommand);
    expect(kafka).not.toHaveReceivedCommand(UntagResourceCommand);
  });

  test('the adoption rolled back (the stack not being deleted): given back as found, not deleted', async () => {
    kafka.on(DescribeReplicatorCommand).resolves(found());
    kafka.on(ListTagsForResourceCommand).resolves({ Tags: { [OWNER_TAG_KEY]: ours(), ...record() } });
    kafka.on(UntagResourceCommand).resolves({});

    expect(await isComplete(adoptedDelete(), client, log, async () => 'UPDATE_ROLLBACK_IN_PROGRESS')).toEqual({ IsComplete: true });
    expect(kafka).toHaveReceivedCommandWith(UntagResourceCommand, {
      ResourceArn: ORIGINAL_ARN, TagKeys: expect.arrayContaining(Object.keys(record())),
    });
    expect(kafka).not.toHaveReceivedCommand(DeleteReplicatorCommand);
  });
});

describe('the reconciliation\'s reads (survivors of the mutation run)', () => {
  const updateData = (props = rawProperties()) =>
    completeEvent(updateEvent(props, props, ORIGINAL_ARN), { ReplicatorArn: ORIGINAL_ARN, LifecycleAction: 'update' });
  const owner = (props = rawProperties()) => ownerTagValue(updateEvent(props, props, ORIGINAL_ARN));

  test('the tag read answers NotFound: DescribeReplicator\'s Tags stand in for the template\'s, the handler\'s own are written anyway', async () => {
    const props = rawProperties({ Tags: { team: 'payments' } });
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ Tags: { [OWNER_TAG_KEY]: owner(props), team: 'payments' } }));
    kafka.on(ListTagsForResourceCommand).rejects(notFound());

    expect((await isComplete(updateData(props), client, log)).IsComplete).toBe(true);
    expect(kafka).toHaveReceivedCommandTimes(TagResourceCommand, 1);
    expect(kafka).toHaveReceivedCommandWith(TagResourceCommand, { ResourceArn: ORIGINAL_ARN, Tags: { [OWNER_TAG_KEY]: owner(props) } });
  });

  test('a field that cannot change in place differs: a warning naming it, the replicator left as it is', async () => {
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ ServiceExecutionRoleArn: 'arn:aws:iam::123456789012:role/someone-elses' }));
    kafka.on(ListTagsForResourceCommand).resolves({ Tags: { [OWNER_TAG_KEY]: owner() } });

    expect((await isComplete(updateData(), client, log)).IsComplete).toBe(true);
    expect(logs).toContainEqual(expect.stringMatching(
      new RegExp(`^WARNING: ${ORIGINAL_ARN} differs from the template in role \\(desired .*\\); this cannot change in place and is left as it is$`),
    ));
    expect(kafka).not.toHaveReceivedCommand(UpdateReplicationInfoCommand);
  });

  test('a replicator whose answer lists no replication info completes with no cluster aliases', async () => {
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ ReplicationInfoList: undefined }));
    const create = completeEvent(createEvent(rawProperties()), { ReplicatorArn: ORIGINAL_ARN, LifecycleAction: 'create', RequestedAt: String(clock.now()) });

    const result = await isComplete(create, client, log);

    expect(result.IsComplete).toBe(true);
    expect(result.Data).toMatchObject({ ReplicatorArn: ORIGINAL_ARN, CurrentVersion: 'V1' });
    expect(result.Data?.SourceClusterAlias).toBeUndefined();
    expect(result.Data?.TargetClusterAlias).toBeUndefined();
  });
});

describe('a Delete under RETAIN whose retained mark onEvent could not write (TagResource NotFound, DescribeReplicator showing it)', () => {
  const retainData = (data: Partial<ResourceData> = {}) => completeEvent(
    deleteEvent(rawProperties({ DeletionBehaviour: 'retain' }), ORIGINAL_ARN),
    { LifecycleAction: 'retain', MarkRetained: 'true', ...data },
  );
  const markWritten = () => expect(kafka).toHaveReceivedCommandWith(TagResourceCommand, { ResourceArn: ORIGINAL_ARN, Tags: { [RETAINED_TAG_KEY]: 'true' } });

  test('the mark written: complete, the replicator left running', async () => {
    kafka.on(TagResourceCommand).resolves({});

    expect(await isComplete(retainData(), client, log)).toEqual({ IsComplete: true });
    markWritten();
    expect(kafka).not.toHaveReceivedCommand(DeleteReplicatorCommand);
  });

  test('TagResource NotFound again while DescribeReplicator shows it: not complete; written at the next poll, then complete', async () => {
    kafka.on(TagResourceCommand).rejectsOnce(notFound()).resolves({});
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator());

    expect(await isComplete(retainData(), client, log)).toEqual({ IsComplete: false });
    expect(await isComplete(retainData(), client, log)).toEqual({ IsComplete: true });
    expect(kafka).toHaveReceivedCommandTimes(TagResourceCommand, 2);
    markWritten();
  });

  test('TagResource NotFound, and DescribeReplicator NotFound at the first read but not at a later one: not complete', async () => {
    kafka.on(TagResourceCommand).rejects(notFound());
    kafka.on(DescribeReplicatorCommand).rejectsOnce(notFound()).resolves(describedReplicator());

    expect(await isComplete(retainData(), client, log)).toEqual({ IsComplete: false });
    expect(kafka).toHaveReceivedCommandTimes(DescribeReplicatorCommand, 2);
  });

  test('TagResource NotFound and DescribeReplicator NotFound at every read over 7.5 s: gone, nothing to retain, complete', async () => {
    kafka.on(TagResourceCommand).rejects(notFound());
    kafka.on(DescribeReplicatorCommand).rejects(notFound());
    const start = clock.now();

    expect(await isComplete(retainData(), client, log)).toEqual({ IsComplete: true });
    expect(kafka).toHaveReceivedCommandTimes(DescribeReplicatorCommand, ABSENCE_REREAD_WAITS_MS.length + 1);
    expect(clock.now() - start).toBe(7_500);
  });

  test('TagResource denied: the error is raised, not taken for "gone"', async () => {
    kafka.on(TagResourceCommand).rejects(new ForbiddenException({ message: 'denied', $metadata: { httpStatusCode: 403 } }));

    await expect(isComplete(retainData(), client, log)).rejects.toThrow('denied');
  });

  test('a retained replicator whose mark onEvent wrote: complete without a call', async () => {
    expect(await isComplete(retainData({ MarkRetained: undefined }), client, log)).toEqual({ IsComplete: true });
    expect(kafka.calls()).toHaveLength(0);
  });
});

describe('a delete', () => {
  const deleteData = (physicalId = ORIGINAL_ARN, data: Partial<ResourceData> = {}) =>
    completeEvent(deleteEvent(rawProperties(), physicalId), { LifecycleAction: 'delete', RequestedAt: String(clock.now()), ...data });

  test('CREATING: waits, nothing deleted', async () => {
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ ReplicatorState: 'CREATING' }));

    expect(await isComplete(deleteData(), client, log)).toEqual({ IsComplete: false });
    expect(kafka).not.toHaveReceivedCommand(DeleteReplicatorCommand);
  });

  test.each(['RUNNING', 'FAILED'])('%s: DeleteReplicator with the version just read, then not complete until it is gone', async (state) => {
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ ReplicatorState: state as 'RUNNING', CurrentVersion: 'V7' }));

    expect(await isComplete(deleteData(), client, log)).toEqual({ IsComplete: false });
    expect(kafka).toHaveReceivedCommandWith(DeleteReplicatorCommand, { ReplicatorArn: ORIGINAL_ARN, CurrentVersion: 'V7' });
  });

  test('`timeout` never bounds a delete, even one whose Deadline has passed', async () => {
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ ReplicatorState: 'CREATING' }));

    expect(await isComplete(deleteData(ORIGINAL_ARN, { Deadline: String(clock.now() - 1) }), client, log)).toEqual({ IsComplete: false });
  });

  test('DeleteReplicator answers NotFound: deleted', async () => {
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator());
    kafka.on(DeleteReplicatorCommand).rejects(notFound());

    expect(await isComplete(deleteData(), client, log)).toEqual({ IsComplete: true });
  });

  test('DeleteReplicator denied: the delete fails', async () => {
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator());
    kafka.on(DeleteReplicatorCommand).rejects(new ForbiddenException({ message: 'denied', $metadata: { httpStatusCode: 403 } }));

    await expect(isComplete(deleteData(), client, log)).rejects.toThrow('denied');
  });

  describe('DeleteReplicator rejected with BadRequest', () => {
    test('a re-read no longer finds it: deleted', async () => {
      kafka.on(DescribeReplicatorCommand).resolvesOnce(describedReplicator()).rejects(notFound());
      kafka.on(DeleteReplicatorCommand).rejects(badRequest());

      expect(await isComplete(deleteData(), client, log)).toEqual({ IsComplete: true });
    });

    test.each([
      ['another version', { CurrentVersion: 'V2' }],
      ['another state', { ReplicatorState: 'DELETING' as const }],
    ])('a re-read shows %s: not complete, tried again at the next poll', async (_what, change) => {
      kafka.on(DescribeReplicatorCommand).resolvesOnce(describedReplicator()).resolves(describedReplicator(change));
      kafka.on(DeleteReplicatorCommand).rejects(badRequest());

      expect(await isComplete(deleteData(), client, log)).toEqual({ IsComplete: false });
      expect(logs.some((l) => l.includes('the replicator changed meanwhile'))).toBe(true);
    });

    test('every re-read unchanged, within the grace: read again over 7.5 s, then not complete', async () => {
      kafka.on(DescribeReplicatorCommand).resolves(describedReplicator());
      kafka.on(DeleteReplicatorCommand).rejects(badRequest());
      const event = deleteData();
      const start = clock.now();

      expect(await isComplete(event, client, log)).toEqual({ IsComplete: false });
      expect(kafka).toHaveReceivedCommandTimes(DescribeReplicatorCommand, 2 + REJECTION_REREAD_WAITS_MS.length);
      expect(clock.now() - start).toBe(7500);
      expect(logs.some((l) => l.includes('while the replicator looks unchanged: trying again at the next poll'))).toBe(true);
    });

    test('every re-read unchanged after the grace: the delete fails with the service\'s message', async () => {
      kafka.on(DescribeReplicatorCommand).resolves(describedReplicator());
      kafka.on(DeleteReplicatorCommand).rejects(badRequest('Invalid CurrentVersion'));
      const event = deleteData(ORIGINAL_ARN, { RequestedAt: String(clock.now() - VISIBILITY_GRACE_MS + 7500) });

      await expect(isComplete(event, client, log)).rejects.toThrow(`DeleteReplicator of ${ORIGINAL_ARN} was rejected: Invalid CurrentVersion`);
    });

    test('a grace just short of its end after the re-reads: still not complete', async () => {
      kafka.on(DescribeReplicatorCommand).resolves(describedReplicator());
      kafka.on(DeleteReplicatorCommand).rejects(badRequest());
      const event = deleteData(ORIGINAL_ARN, { RequestedAt: String(clock.now() - VISIBILITY_GRACE_MS + 7501) });

      expect(await isComplete(event, client, log)).toEqual({ IsComplete: false });
    });
  });

  describe('DescribeReplicator answers NotFound: the delete itself confirms', () => {
    test('DeleteReplicator takes it: not complete (it is being deleted)', async () => {
      kafka.on(DescribeReplicatorCommand).rejects(notFound());

      expect(await isComplete(deleteData(), client, log)).toEqual({ IsComplete: false });
      expect(kafka).toHaveReceivedCommandWith(DeleteReplicatorCommand, { ReplicatorArn: ORIGINAL_ARN });
    });

    test('DeleteReplicator answers NotFound for a replicator the Delete saw: deleted', async () => {
      kafka.on(DescribeReplicatorCommand).rejects(notFound());
      kafka.on(DeleteReplicatorCommand).rejects(notFound());

      expect(await isComplete(deleteData(ORIGINAL_ARN, { SeenAtStart: 'true' }), client, log)).toEqual({ IsComplete: true });
    });

    test('NotFound for a replicator never seen: believed only after the visibility grace', async () => {
      kafka.on(DescribeReplicatorCommand).rejects(notFound());
      kafka.on(DeleteReplicatorCommand).rejects(notFound());
      const event = deleteData();

      expect(await isComplete(event, client, log)).toEqual({ IsComplete: false });
      expect(logs.some((l) => l.includes('never seen by this delete'))).toBe(true);
      clock.advance(VISIBILITY_GRACE_MS);
      expect(await isComplete(event, client, log)).toEqual({ IsComplete: true });
    });

    test('DeleteReplicator answers BadRequest: not complete', async () => {
      kafka.on(DescribeReplicatorCommand).rejects(notFound());
      kafka.on(DeleteReplicatorCommand).rejects(badRequest());

      expect(await isComplete(deleteData(ORIGINAL_ARN, { SeenAtStart: 'true' }), client, log)).toEqual({ IsComplete: false });
    });

    test('DeleteReplicator denied: the delete fails', async () => {
      kafka.on(DescribeReplicatorCommand).rejects(notFound());
      kafka.on(DeleteReplicatorCommand).rejects(new ForbiddenException({ message: 'denied', $metadata: { httpStatusCode: 403 } }));

      await expect(isComplete(deleteData(), client, log)).rejects.toThrow('denied');
    });
  });

  describe('of a pending creation', () => {
    const request = requestTagValue(createEvent(rawProperties()));
    const pendingId = pendingCreationId({ request, name: NAME });
    const listed = () => kafka.on(ListReplicatorsCommand).resolves({ Replicators: [{ ReplicatorArn: REPLACEMENT_ARN, ReplicatorName: NAME }] });

    test('resolved to this request\'s replicator: that replicator is deleted', async () => {
      listed();
      kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ ReplicatorArn: REPLACEMENT_ARN, Tags: { [REQUEST_TAG_KEY]: request } }));

      expect(await isComplete(deleteData(pendingId), client, log)).toEqual({ IsComplete: false });
      expect(kafka).toHaveReceivedCommandWith(DeleteReplicatorCommand, { ReplicatorArn: REPLACEMENT_ARN, CurrentVersion: 'V1' });
    });

    test('the name belongs to a replicator another request made: nothing of this request to delete', async () => {
      listed();
      kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ ReplicatorArn: REPLACEMENT_ARN, Tags: { [REQUEST_TAG_KEY]: 'f'.repeat(32) } }));

      expect(await isComplete(deleteData(pendingId), client, log)).toEqual({ IsComplete: true });
      expect(kafka).not.toHaveReceivedCommand(DeleteReplicatorCommand);
    });

    test('listed, but no read shows its tags: not complete, nothing deleted', async () => {
      listed();
      kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ ReplicatorArn: REPLACEMENT_ARN }));
      kafka.on(ListTagsForResourceCommand).rejects(notFound());

      expect(await isComplete(deleteData(pendingId, { SeenAtStart: 'true' }), client, log)).toEqual({ IsComplete: false });
      expect(kafka).not.toHaveReceivedCommand(DeleteReplicatorCommand);
    });

    test('not listed: believed gone only after the grace, or when the Delete saw it', async () => {
      kafka.on(ListReplicatorsCommand).resolves({ Replicators: [] });

      expect(await isComplete(deleteData(pendingId), client, log)).toEqual({ IsComplete: false });
      expect(await isComplete(deleteData(pendingId, { SeenAtStart: 'true' }), client, log)).toEqual({ IsComplete: true });
      const event = deleteData(pendingId);
      clock.advance(VISIBILITY_GRACE_MS);
      expect(await isComplete(event, client, log)).toEqual({ IsComplete: true });
    });

    test('already resolved by onEvent (ReplicatorArn in Data): that replicator is deleted without a search', async () => {
      kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ ReplicatorArn: REPLACEMENT_ARN }));

      await isComplete(deleteData(pendingId, { ReplicatorArn: REPLACEMENT_ARN }), client, log);
      expect(kafka).not.toHaveReceivedCommand(ListReplicatorsCommand);
      expect(kafka).toHaveReceivedCommandWith(DeleteReplicatorCommand, { ReplicatorArn: REPLACEMENT_ARN });
    });
  });
});
