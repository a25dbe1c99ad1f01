import {
  BadRequestException, DeleteReplicatorCommand, DescribeReplicatorCommand, KafkaClient, ListTagsForResourceCommand,
  NotFoundException, TagResourceCommand, TooManyRequestsException,
} from '@aws-sdk/client-kafka';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  completeEvent, createEvent, deleteEvent, describedReplicator, ORIGINAL_ARN, rawProperties, REPLACEMENT_ARN,
} from './fixtures/handler-fixtures';
import { useVirtualWaits } from './fixtures/virtual-waits';
import { isComplete } from '../src/provider/is-complete';
import { DEPLOYED_TAG_KEY, OWNER_TAG_KEY, REPLACES_TAG_KEY, REQUEST_TAG_KEY, RETAINED_TAG_KEY, ROLLED_BACK_TAG_KEY } from '../src/provider/lifecycle';
import { onEvent } from '../src/provider/on-event';
import { ownerTagValue } from '../src/provider/ownership';

/**
 * The removal policy. DESTROY deletes. RETAIN: only a replicator that completed a deployment is retained (it carries the deployed tag);
 * one whose creation failed, or a replacement CloudFormation rolled back from, is deleted despite RETAIN. A retain
 * must never turn an error into "nothing to do".
 */

const kafka = mockClient(KafkaClient);
useVirtualWaits();
const client = new KafkaClient({ region: 'us-east-1' });
let logs: string[];
const log = (message: string) => logs.push(message);

const retain = rawProperties({ DeletionBehaviour: 'retain' });

beforeEach(() => {
  kafka.reset();
  logs = [];
});

describe('a create that does not wait for RUNNING (waitForRunning: false)', () => {
  test('under RETAIN it marks the CREATING replicator deployed, so that a later stack delete retains it', async () => {
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ ReplicatorState: 'CREATING' }));
    kafka.on(TagResourceCommand).resolves({});
    const event = completeEvent(createEvent(rawProperties({ DeletionBehaviour: 'retain', WaitForRunning: 'false' })), {
      ReplicatorArn: ORIGINAL_ARN, LifecycleAction: 'create',
    });

    await expect(isComplete(event, client, log)).resolves.toMatchObject({ IsComplete: true });

    expect(kafka).toHaveReceivedCommandTimes(TagResourceCommand, 1);
    expect(kafka).toHaveReceivedCommandWith(TagResourceCommand, { ResourceArn: ORIGINAL_ARN, Tags: { [DEPLOYED_TAG_KEY]: 'true' } });
  });

  test('under DESTROY it writes nothing', async () => {
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ ReplicatorState: 'CREATING' }));
    const event = completeEvent(createEvent(rawProperties({ WaitForRunning: 'false' })), { ReplicatorArn: ORIGINAL_ARN, LifecycleAction: 'create' });

    await expect(isComplete(event, client, log)).resolves.toMatchObject({ IsComplete: true });

    expect(kafka).not.toHaveReceivedCommand(TagResourceCommand);
  });
});

describe('Delete under DESTROY', () => {
  test('deletes without reading or writing tags: the RETAIN checks are not consulted', async () => {
    const result = await onEvent(deleteEvent(rawProperties(), ORIGINAL_ARN), client, log);

    expect(result).toEqual({ PhysicalResourceId: ORIGINAL_ARN, Data: expect.objectContaining({ ReplicatorArn: ORIGINAL_ARN, LifecycleAction: 'delete' }) });
    expect(kafka).not.toHaveReceivedCommand(ListTagsForResourceCommand);
    expect(kafka).not.toHaveReceivedCommand(TagResourceCommand);
  });
});

describe('Delete under RETAIN: errors other than "the replicator is gone" fail the request', () => {
  const deployedTags = { [REQUEST_TAG_KEY]: 'abc', [DEPLOYED_TAG_KEY]: 'true' };

  test('ListTagsForResource denied: the error is raised, nothing is tagged or deleted', async () => {
    kafka.on(ListTagsForResourceCommand).rejects(Object.assign(new Error('not authorized to perform kafka:ListTagsForResource'), {
      name: 'ForbiddenException', $metadata: { httpStatusCode: 403 },
    }));

    await expect(onEvent(deleteEvent(retain, ORIGINAL_ARN), client, log)).rejects.toThrow(/not authorized/);
    expect(kafka).not.toHaveReceivedCommand(TagResourceCommand);
    expect(kafka).not.toHaveReceivedCommand(DeleteReplicatorCommand);
  });

  test('TagResource throttled beyond the SDK\'s retries: the error is raised, not reported as "nothing to retain"', async () => {
    kafka.on(ListTagsForResourceCommand).resolves({ Tags: deployedTags });
    kafka.on(TagResourceCommand).rejects(new TooManyRequestsException({ message: 'slow down', $metadata: { httpStatusCode: 429 } }));

    await expect(onEvent(deleteEvent(retain, ORIGINAL_ARN), client, log)).rejects.toThrow(/slow down/);
  });

  test('a BadRequest about another parameter is an error, not "gone"', async () => {
    kafka.on(ListTagsForResourceCommand).resolves({ Tags: deployedTags });
    kafka.on(TagResourceCommand).rejects(new BadRequestException({
      message: 'tag limit exceeded', InvalidParameter: 'tags', $metadata: { httpStatusCode: 400 },
    }));

    await expect(onEvent(deleteEvent(retain, ORIGINAL_ARN), client, log)).rejects.toThrow(/tag limit exceeded/);
  });

  test('NotFound on every read: nothing shows it deployed, so it is not retained; the Delete goes on (DeleteReplicator confirms)', async () => {
    // a NotFound may lag behind a create: retaining (or forgetting) on it could leave a replicator that never
    // deployed running untracked
    kafka.on(ListTagsForResourceCommand).rejects(new NotFoundException({ message: 'not found', $metadata: { httpStatusCode: 404 } }));
    kafka.on(DescribeReplicatorCommand).rejects(new NotFoundException({ message: 'not found', $metadata: { httpStatusCode: 404 } }));

    const result = await onEvent(deleteEvent(retain, ORIGINAL_ARN), client, log);

    expect(result.Data.LifecycleAction).toBe('delete');
    expect(kafka).toHaveReceivedCommandTimes(ListTagsForResourceCommand, 5);
    expect(kafka).not.toHaveReceivedCommand(TagResourceCommand);
  });

  // Failed before the fix: NotFound on every tag read was taken for "gone", and the deployed replicator, which RETAIN
  // keeps, was deleted. A tag read may lag while DescribeReplicator shows the replicator (tag-reads.ts `tagsUnlessGone`).
  test('NotFound on every tag read while DescribeReplicator shows it, deployed: its Tags decide, and it is retained', async () => {
    kafka.on(ListTagsForResourceCommand).rejects(new NotFoundException({ message: 'not found', $metadata: { httpStatusCode: 404 } }));
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ Tags: deployedTags }));
    kafka.on(TagResourceCommand).resolves({});

    const result = await onEvent(deleteEvent(retain, ORIGINAL_ARN), client, log);

    expect(result.Data.LifecycleAction).toBe('retain');
    expect(kafka).toHaveReceivedCommandWith(TagResourceCommand, { ResourceArn: ORIGINAL_ARN, Tags: { [RETAINED_TAG_KEY]: 'true' } });
  });

  // A DescribeReplicator answer may lag behind a write as well (hostile.ts staleRead): the first one, from before the
  // rollback marked this replacement rolled back from, would retain it beside the original the rollback returned to.
  test('NotFound on every tag read, DescribeReplicator read again: a rolled-back-to mark one answer shows deletes it despite RETAIN', async () => {
    kafka.on(ListTagsForResourceCommand).rejects(new NotFoundException({ message: 'not found', $metadata: { httpStatusCode: 404 } }));
    kafka.on(DescribeReplicatorCommand)
      .resolvesOnce(describedReplicator({ Tags: deployedTags }))
      .resolves(describedReplicator({ Tags: { ...deployedTags, [ROLLED_BACK_TAG_KEY]: REPLACEMENT_ARN } }));

    const result = await onEvent(deleteEvent(retain, ORIGINAL_ARN), client, log);

    expect(result.Data.LifecycleAction).toBe('delete');
    expect(kafka).not.toHaveReceivedCommand(TagResourceCommand);
  });

  test('NotFound on every tag read and no Tags in any DescribeReplicator answer: the Delete fails, changing nothing', async () => {
    kafka.on(ListTagsForResourceCommand).rejects(new NotFoundException({ message: 'not found', $metadata: { httpStatusCode: 404 } }));
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ Tags: undefined }));

    await expect(onEvent(deleteEvent(retain, ORIGINAL_ARN), client, log)).rejects.toThrow(/neither ListTagsForResource .* nor DescribeReplicator/);
    expect(kafka).not.toHaveReceivedCommand(TagResourceCommand);
    expect(kafka).not.toHaveReceivedCommand(DeleteReplicatorCommand);
  });

  test('NotFound on every tag read while DescribeReplicator shows it without a deployed tag: deleted despite RETAIN', async () => {
    kafka.on(ListTagsForResourceCommand).rejects(new NotFoundException({ message: 'not found', $metadata: { httpStatusCode: 404 } }));
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ Tags: { [REQUEST_TAG_KEY]: 'abc' } }));

    const result = await onEvent(deleteEvent(retain, ORIGINAL_ARN), client, log);

    expect(result.Data.LifecycleAction).toBe('delete');
    expect(kafka).not.toHaveReceivedCommand(TagResourceCommand);
  });

  test('a BadRequest naming the replicator ARN as its invalid parameter (kafka-calls.ts isGone): treated as NotFound, the Delete goes on', async () => {
    kafka.on(ListTagsForResourceCommand).rejects(new BadRequestException({
      message: 'replicator does not exist', InvalidParameter: 'replicatorArn', $metadata: { httpStatusCode: 400 },
    }));

    const result = await onEvent(deleteEvent(retain, ORIGINAL_ARN), client, log);

    expect(result.Data.LifecycleAction).toBe('delete');
  });
});

describe('Delete under RETAIN of a replacement that deployed', () => {
  test('whose original was retained earlier: the replacement is retained too (a retained original is not this resource\'s)', async () => {
    const event = deleteEvent(retain, REPLACEMENT_ARN);
    kafka.on(ListTagsForResourceCommand, { ResourceArn: REPLACEMENT_ARN }).resolves({
      Tags: { [OWNER_TAG_KEY]: ownerTagValue(event), [REQUEST_TAG_KEY]: 'abc', [DEPLOYED_TAG_KEY]: 'true', [REPLACES_TAG_KEY]: ORIGINAL_ARN },
    });
    kafka.on(DescribeReplicatorCommand, { ReplicatorArn: ORIGINAL_ARN }).resolves(describedReplicator());
    kafka.on(ListTagsForResourceCommand, { ResourceArn: ORIGINAL_ARN }).resolves({
      Tags: { [OWNER_TAG_KEY]: ownerTagValue(event), [RETAINED_TAG_KEY]: 'true' },
    });
    kafka.on(TagResourceCommand).resolves({});

    const result = await onEvent(event, client, log);

    expect(result.Data.LifecycleAction).toBe('retain');
    expect(kafka).toHaveReceivedCommandWith(TagResourceCommand, { ResourceArn: REPLACEMENT_ARN, Tags: { [RETAINED_TAG_KEY]: 'true' } });
  });
});

describe('Delete of an adopted replicator whose tag reads answer NotFound', () => {
  // Failed before the fix: NotFound on every tag read was taken for "a replicator this resource created", so the
  // rollback of an adoption deleted (or, under RETAIN, kept as the stack's) a replicator that existed before the stack,
  // instead of giving it back as it was found (adoption-steps.ts `createdByThisResource`).
  test('DescribeReplicator shows it without a request tag: it goes to the adopted replicator\'s path, not deleted', async () => {
    const adopted = rawProperties({ AdoptExisting: 'true', ReplicatorName: 'orders-dr', ReplicatorNamePrefix: undefined });
    kafka.on(ListTagsForResourceCommand).rejects(new NotFoundException({ message: 'not found', $metadata: { httpStatusCode: 404 } }));
    const ours = { [OWNER_TAG_KEY]: ownerTagValue(deleteEvent(adopted, ORIGINAL_ARN)) };
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ Tags: ours }));

    const result = await onEvent(deleteEvent(adopted, ORIGINAL_ARN), client, log);

    expect(result.Data.LifecycleAction).toBe('adopted-delete');
    expect(kafka).not.toHaveReceivedCommand(DeleteReplicatorCommand);
  });
});
