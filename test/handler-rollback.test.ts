import {
  CreateReplicatorCommand, DescribeReplicatorCommand, DescribeReplicatorResponse, KafkaClient, ListReplicatorsCommand,
  ListTagsForResourceCommand, NotFoundException, UpdateReplicationInfoCommand,
} from '@aws-sdk/client-kafka';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { describedReplicator, ORIGINAL_ARN, rawProperties, REPLACEMENT_ARN, STACK_ID, updateEvent } from './fixtures/handler-fixtures';
import { useVirtualWaits } from './fixtures/virtual-waits';
import type { ProviderEvent } from '../src/provider/events';
import { OWNER_TAG_KEY, REPLACES_TAG_KEY, REQUEST_TAG_KEY, RETAINED_TAG_KEY, ROLLED_BACK_TAG_KEY } from '../src/provider/lifecycle';
import { onEvent } from '../src/provider/on-event';
import { ownerTagValue, requestTagValue } from '../src/provider/ownership';

/**
 * CloudFormation's rollback of a replacement: an Update sent to the replacement's ARN with the old properties (and the
 * failed ones as OldResourceProperties). The handler answers with the original's ARN only when the original still
 * belongs to this resource, is not being deleted, was not retained and has exactly the rolled-back configuration;
 * otherwise it must not hand CloudFormation a replicator that is going away, someone else's, or another configuration.
 */

const kafka = mockClient(KafkaClient);
useVirtualWaits();
const client = new KafkaClient({ region: 'us-east-1' });
let logs: string[];
const log = (message: string) => logs.push(message);

/** A third replicator, made when the handler does not return to the original. */
const THIRD_ARN = 'arn:aws:kafka:us-east-1:123456789012:replicator/orders-dr-3/cccc-3333';

const originalProps = rawProperties({ TargetCompressionType: 'NONE' });
const failedProps = rawProperties({ TargetCompressionType: 'GZIP' });
const rollback: ProviderEvent = updateEvent(originalProps, failedProps, REPLACEMENT_ARN);
const earlierRequest: ProviderEvent = { ...rollback, RequestId: 'req-replacing' };

function compression(type: 'NONE' | 'GZIP' | 'LZ4'): Partial<DescribeReplicatorResponse> {
  const info = describedReplicator().ReplicationInfoList![0];
  return { ReplicationInfoList: [{ ...info, TargetCompressionType: type }] };
}

/** The replacement (GZIP, tagged with the original's ARN) and the original as given. */
function world(original: DescribeReplicatorResponse | 'gone', originalTags: Record<string, string>) {
  kafka.on(DescribeReplicatorCommand, { ReplicatorArn: REPLACEMENT_ARN })
    .resolves(describedReplicator({ ReplicatorArn: REPLACEMENT_ARN, ReplicatorName: 'orders-dr-2', ...compression('GZIP') }));
  kafka.on(ListTagsForResourceCommand, { ResourceArn: REPLACEMENT_ARN }).resolves({
    Tags: {
      [OWNER_TAG_KEY]: ownerTagValue(rollback),
      [REQUEST_TAG_KEY]: requestTagValue(earlierRequest),
      [REPLACES_TAG_KEY]: ORIGINAL_ARN,
    },
  });
  if (original === 'gone') {
    kafka.on(DescribeReplicatorCommand, { ReplicatorArn: ORIGINAL_ARN })
      .rejects(new NotFoundException({ message: 'not found', $metadata: { httpStatusCode: 404 } }));
  } else {
    kafka.on(DescribeReplicatorCommand, { ReplicatorArn: ORIGINAL_ARN }).resolves(original);
  }
  kafka.on(ListTagsForResourceCommand, { ResourceArn: ORIGINAL_ARN }).resolves({ Tags: originalTags });
  kafka.on(CreateReplicatorCommand).resolves({ ReplicatorArn: THIRD_ARN, ReplicatorState: 'CREATING' });
  // before it creates, the rollback looks for another replicator of this resource with the rolled-back configuration
  // by name: none here (the original is the only candidate, and the tests below make it unfit)
  kafka.on(ListReplicatorsCommand).resolves({ Replicators: [] });
}

const owned = () => ({ [OWNER_TAG_KEY]: ownerTagValue(rollback), [REQUEST_TAG_KEY]: requestTagValue({ ...rollback, RequestId: 'req-first' }) });

beforeEach(() => {
  kafka.reset();
  logs = [];
});

test('an owned original with the rolled-back configuration: CloudFormation is handed the original back, nothing is created', async () => {
  world(describedReplicator(compression('NONE')), owned());

  const result = await onEvent(rollback, client, log);

  expect(result).toMatchObject({ PhysicalResourceId: ORIGINAL_ARN, Data: { ReplicatorArn: ORIGINAL_ARN, LifecycleAction: 'update' } });
  expect(kafka).not.toHaveReceivedCommand(CreateReplicatorCommand);
  expect(kafka).not.toHaveReceivedCommand(UpdateReplicationInfoCommand);
});

test('an original that differs from the rolled-back template in a field that cannot change in place is not returned to', async () => {
  // the original holds LZ4, the template being rolled back to says NONE: handing the original back would report a
  // configuration the tracked replicator does not have
  world(describedReplicator(compression('LZ4')), owned());

  const result = await onEvent(rollback, client, log);

  expect(result.PhysicalResourceId).not.toBe(ORIGINAL_ARN);
  expect(result.Data.ReplicatorArn).not.toBe(ORIGINAL_ARN);
});

test('an original that is DELETING is not returned to: CloudFormation would track a replicator that is going away', async () => {
  world(describedReplicator({ ...compression('NONE'), ReplicatorState: 'DELETING' }), owned());

  const result = await onEvent(rollback, client, log);

  expect(result.PhysicalResourceId).not.toBe(ORIGINAL_ARN);
  expect(result.Data.ReplicatorArn).not.toBe(ORIGINAL_ARN);
});

test('a retained original is not returned to: a RETAIN removal left it to its owner, the stack no longer manages it', async () => {
  world(describedReplicator(compression('NONE')), { ...owned(), [RETAINED_TAG_KEY]: 'true' });

  const result = await onEvent(rollback, client, log);

  expect(result.PhysicalResourceId).not.toBe(ORIGINAL_ARN);
});

test('an original an earlier rollback left (its rolled-back-to mark) is not returned to: its cleanup deletes it', async () => {
  // the mark says CloudFormation returned from this replicator to another one, and the cleanup Delete that follows deletes
  // it even under RETAIN: handing it back would make CloudFormation track a replicator about to be deleted
  world(describedReplicator(compression('NONE')), { ...owned(), [ROLLED_BACK_TAG_KEY]: THIRD_ARN });

  const result = await onEvent(rollback, client, log);

  expect(result.PhysicalResourceId).not.toBe(ORIGINAL_ARN);
  expect(result.Data.ReplicatorArn).not.toBe(ORIGINAL_ARN);
});

/** Another replicator named like this resource's (its generated-name stem), found by ListReplicators. */
const NAMED_ARN = 'arn:aws:kafka:us-east-1:123456789012:replicator/OrdersReplication-Replicator-0f0f0f0f0f0f/dddd-4444';

function namedLikeThisResource(tags: Record<string, string>) {
  kafka.on(ListReplicatorsCommand).resolves({ Replicators: [{ ReplicatorArn: NAMED_ARN, ReplicatorName: 'OrdersReplication-Replicator-0f0f0f0f0f0f' }] });
  kafka.on(DescribeReplicatorCommand, { ReplicatorArn: NAMED_ARN })
    .resolves(describedReplicator({ ReplicatorArn: NAMED_ARN, ReplicatorName: 'OrdersReplication-Replicator-0f0f0f0f0f0f', ...compression('NONE') }));
  kafka.on(ListTagsForResourceCommand, { ResourceArn: NAMED_ARN }).resolves({ Tags: tags });
}

test('the original the replaces tag names no longer fits: another replicator of this resource with the rolled-back '
  + 'configuration, found by name, is returned to', async () => {
  world(describedReplicator(compression('LZ4')), owned());
  namedLikeThisResource(owned());

  const result = await onEvent(rollback, client, log);

  expect(result).toMatchObject({ PhysicalResourceId: NAMED_ARN, Data: { ReplicatorArn: NAMED_ARN, LifecycleAction: 'update' } });
  expect(kafka).not.toHaveReceivedCommand(CreateReplicatorCommand);
});

test('a replicator found by name in another configuration is judged not this one: the rollback creates, it does not refuse', async () => {
  world('gone', owned());
  namedLikeThisResource(owned());
  kafka.on(DescribeReplicatorCommand, { ReplicatorArn: NAMED_ARN })
    .resolves(describedReplicator({ ReplicatorArn: NAMED_ARN, ReplicatorName: 'OrdersReplication-Replicator-0f0f0f0f0f0f', ...compression('LZ4') }));

  const result = await onEvent(rollback, client, log);

  expect(result.PhysicalResourceId).toBe(THIRD_ARN);
});

test('a replicator found by name with the rolled-back configuration but no owner tag: the rollback fails, creating nothing '
  + 'beside a replicator that may be this resource\'s', async () => {
  world('gone', owned());
  namedLikeThisResource({ team: 'x' });

  await expect(onEvent(rollback, client, log))
    .rejects.toThrow(/OrdersReplication-Replicator-0f0f0f0f0f0f\/dddd-4444 has this resource's name and the requested configuration but not its owner tag/);
  expect(kafka).not.toHaveReceivedCommand(CreateReplicatorCommand);
});

// A tag read may lag behind a replicator's creation and answer NotFound while DescribeReplicator already sees it (the
// simulator's `lagListsAfterNextCreate`): judged "not ours" (mutant ownership.ts line 56 survived), the original was
// left running beside a third replicator.
test('an original whose tag read answers NotFound while DescribeReplicator sees it: judged on the tags DescribeReplicator '
  + 'answered, and returned to', async () => {
  world(describedReplicator({ ...compression('NONE'), Tags: owned() }), owned());
  kafka.on(ListTagsForResourceCommand, { ResourceArn: ORIGINAL_ARN })
    .rejects(new NotFoundException({ message: 'not found', $metadata: { httpStatusCode: 404 } }));

  const result = await onEvent(rollback, client, log);

  expect(result).toMatchObject({ PhysicalResourceId: ORIGINAL_ARN, Data: { ReplicatorArn: ORIGINAL_ARN, LifecycleAction: 'update' } });
  expect(kafka).not.toHaveReceivedCommand(CreateReplicatorCommand);
});

test('an original whose tags cannot be read at all (NotFound, and DescribeReplicator answers none): the rollback fails, '
  + 'creating nothing beside a replicator that may be this resource\'s', async () => {
  world(describedReplicator({ ...compression('NONE'), Tags: undefined }), owned());
  kafka.on(ListTagsForResourceCommand, { ResourceArn: ORIGINAL_ARN })
    .rejects(new NotFoundException({ message: 'not found', $metadata: { httpStatusCode: 404 } }));

  await expect(onEvent(rollback, client, log)).rejects.toThrow(
    /orders-dr\/aaaa-1111 has this resource's name and the requested configuration but its tags cannot be read/);
  expect(kafka).not.toHaveReceivedCommand(CreateReplicatorCommand);
});

describe('an original whose tag reads answer NotFound: the Tags DescribeReplicator answers are judged like any others', () => {
  const notFound = () => new NotFoundException({ message: 'not found', $metadata: { httpStatusCode: 404 } });

  test('another resource\'s owner tag: not returned to', async () => {
    const another = { [OWNER_TAG_KEY]: ownerTagValue({ ...rollback, StackId: `${STACK_ID}-other` }) };
    world(describedReplicator({ ...compression('NONE'), Tags: another }), owned());
    kafka.on(ListTagsForResourceCommand, { ResourceArn: ORIGINAL_ARN }).rejects(notFound());

    const result = await onEvent(rollback, client, log);

    expect(result.PhysicalResourceId).not.toBe(ORIGINAL_ARN);
  });

  test('a rolled-back-to mark: not returned to', async () => {
    world(describedReplicator({ ...compression('NONE'), Tags: { ...owned(), [ROLLED_BACK_TAG_KEY]: THIRD_ARN } }), owned());
    kafka.on(ListTagsForResourceCommand, { ResourceArn: ORIGINAL_ARN }).rejects(notFound());

    const result = await onEvent(rollback, client, log);

    expect(result.PhysicalResourceId).not.toBe(ORIGINAL_ARN);
  });

  test('the tag reads are repeated before DescribeReplicator decides, and a later read that finds the tags decides', async () => {
    // a DescribeReplicator answer without Tags, alone, could not tell whose the original is: the rollback would fail
    world(describedReplicator({ ...compression('NONE'), Tags: undefined }), owned());
    kafka.on(ListTagsForResourceCommand, { ResourceArn: ORIGINAL_ARN }).rejectsOnce(notFound()).resolves({ Tags: owned() });

    const result = await onEvent(rollback, client, log);

    expect(result.PhysicalResourceId).toBe(ORIGINAL_ARN);
  });

  test('a retained mark only the first DescribeReplicator showed (the tag read found later lags behind it): not returned to', async () => {
    world(describedReplicator({ ...compression('NONE'), Tags: { ...owned(), [RETAINED_TAG_KEY]: 'true' } }), owned());

    const result = await onEvent(rollback, client, log);

    expect(result.PhysicalResourceId).not.toBe(ORIGINAL_ARN);
  });

  test('the replacement\'s own tag read answers NotFound: the replaces tag its DescribeReplicator shows still names the '
    + 'original, whose owner tag someone removed', async () => {
    world(describedReplicator(compression('NONE')), {});
    kafka.on(ListTagsForResourceCommand, { ResourceArn: REPLACEMENT_ARN }).rejects(notFound());
    kafka.on(DescribeReplicatorCommand, { ReplicatorArn: REPLACEMENT_ARN }).resolves(describedReplicator({
      ReplicatorArn: REPLACEMENT_ARN,
      ReplicatorName: 'orders-dr-2',
      ...compression('GZIP'),
      Tags: { [OWNER_TAG_KEY]: ownerTagValue(rollback), [REPLACES_TAG_KEY]: ORIGINAL_ARN },
    }));

    const result = await onEvent(rollback, client, log);

    expect(result.PhysicalResourceId).toBe(ORIGINAL_ARN);
    expect(kafka).not.toHaveReceivedCommand(CreateReplicatorCommand);
  });

  test('DELETING by the time DescribeReplicator is asked again: not returned to', async () => {
    world(describedReplicator(compression('NONE')), owned());
    kafka.on(DescribeReplicatorCommand, { ReplicatorArn: ORIGINAL_ARN })
      .resolvesOnce(describedReplicator({ ...compression('NONE'), Tags: owned() }))
      .resolves(describedReplicator({ ...compression('NONE'), Tags: owned(), ReplicatorState: 'DELETING' }));
    kafka.on(ListTagsForResourceCommand, { ResourceArn: ORIGINAL_ARN }).rejects(notFound());

    const result = await onEvent(rollback, client, log);

    expect(result.PhysicalResourceId).not.toBe(ORIGINAL_ARN);
  });

  test('gone by the time DescribeReplicator is asked again: not returned to', async () => {
    world(describedReplicator(compression('NONE')), owned());
    kafka.on(DescribeReplicatorCommand, { ReplicatorArn: ORIGINAL_ARN })
      .resolvesOnce(describedReplicator({ ...compression('NONE'), Tags: owned() })).rejects(notFound());
    kafka.on(ListTagsForResourceCommand, { ResourceArn: ORIGINAL_ARN }).rejects(notFound());

    const result = await onEvent(rollback, client, log);

    expect(result.PhysicalResourceId).not.toBe(ORIGINAL_ARN);
  });

  test('found by name, its Describe Tags without owner tag: the rollback fails, creating nothing', async () => {
    world('gone', owned());
    namedLikeThisResource({});
    kafka.on(DescribeReplicatorCommand, { ReplicatorArn: NAMED_ARN }).resolves(describedReplicator({
      ReplicatorArn: NAMED_ARN, ReplicatorName: 'OrdersReplication-Replicator-0f0f0f0f0f0f', ...compression('NONE'), Tags: { team: 'x' },
    }));
    kafka.on(ListTagsForResourceCommand, { ResourceArn: NAMED_ARN }).rejects(notFound());

    await expect(onEvent(rollback, client, log)).rejects.toThrow(/dddd-4444 has this resource's name and the requested configuration but not its owner tag/);
    expect(kafka).not.toHaveReceivedCommand(CreateReplicatorCommand);
  });
});

test('an original with another resource\'s owner tag is not returned to', async () => {
  world(describedReplicator(compression('NONE')), { [OWNER_TAG_KEY]: ownerTagValue({ ...rollback, StackId: `${STACK_ID}-other` }) });

  const result = await onEvent(rollback, client, log);

  expect(result.PhysicalResourceId).not.toBe(ORIGINAL_ARN);
});

test('an original that no longer exists is not returned to', async () => {
  world('gone', owned());

  const result = await onEvent(rollback, client, log);

  expect(result.PhysicalResourceId).not.toBe(ORIGINAL_ARN);
});

test('a replaces tag that is not a replicator ARN (edited by someone else) is ignored: no call is made with it', async () => {
  world(describedReplicator(compression('NONE')), owned());
  kafka.on(ListTagsForResourceCommand, { ResourceArn: REPLACEMENT_ARN }).resolves({
    Tags: { [OWNER_TAG_KEY]: ownerTagValue(rollback), [REPLACES_TAG_KEY]: 'orders-dr' },
  });

  const result = await onEvent(rollback, client, log);

  expect(result.PhysicalResourceId).not.toBe(ORIGINAL_ARN);
  // the replacement is described once (to plan the update); nothing else
  expect(kafka.commandCalls(DescribeReplicatorCommand).map((c) => c.args[0].input.ReplicatorArn)).toEqual([REPLACEMENT_ARN]);
});
