import {
  ConflictException, CreateReplicatorCommand, DescribeReplicatorCommand, KafkaClient, ListReplicatorsCommand,
  ListTagsForResourceCommand, NotFoundException,
} from '@aws-sdk/client-kafka';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { exampleProperties } from '../examples/orders-replication';
import type { ProviderEvent } from '../src/provider/events';
import { OWNER_TAG_KEY, REQUEST_TAG_KEY } from '../src/provider/lifecycle';
import { ADOPTION_WAITS_MS, onEvent, ownerTagValue, requestTagValue } from '../src/provider/on-event';
import { parsePendingCreation, pendingCreationId } from '../src/provider/pending-creation';

/**
 * How long a retried create looks for the replicator it created when ListReplicators and ListTagsForResource lag
 * behind CreateReplicator: bounded, within onEvent's 2-minute Lambda timeout (virtual time: jest's fake timers). Past
 * the bound onEvent does not fail (a failed Create's onEvent leaves nothing for the rollback to delete): it answers a
 * pending creation, which isComplete goes on resolving (pending-creation.ts, test/late-visibility.test.ts).
 */

const kafka = mockClient(KafkaClient);
const client = new KafkaClient({ region: 'us-east-1' });
const ARN = 'arn:aws:kafka:us-east-1:123456789012:replicator/orders-dr/aaaa-bbbb';
const event: ProviderEvent = {
  RequestType: 'Create',
  RequestId: 'req-1',
  StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/S/1',
  LogicalResourceId: 'Replicator',
  ResourceProperties: exampleProperties({ replicatorName: 'orders-dr' }),
};

beforeEach(() => {
  kafka.reset();
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  kafka.on(CreateReplicatorCommand).rejects(new ConflictException({ message: 'exists', $metadata: {} }));
});
afterEach(() => {
  jest.useRealTimers();
});

test('the bound: 31.5 s of waits, well within the 120 s onEvent may run', () => {
  expect(ADOPTION_WAITS_MS.reduce((a, b) => a + b, 0)).toBe(31_500);
});

const PENDING = { LifecycleAction: 'create', ReplicatorName: 'orders-dr' };

test('a name that ListReplicators never shows: 7 reads over 31.5 s, then a pending creation naming the name and request', async () => {
  kafka.on(ListReplicatorsCommand).resolves({ Replicators: [] });
  const logs: string[] = [];

  const outcome = onEvent(event, client, (line) => logs.push(line));
  await jest.advanceTimersByTimeAsync(31_499);
  expect(kafka).toHaveReceivedCommandTimes(ListReplicatorsCommand, 6);
  await jest.advanceTimersByTimeAsync(1);

  await expect(outcome).resolves.toMatchObject({
    PhysicalResourceId: pendingCreationId({ name: 'orders-dr', request: requestTagValue(event) }),
    Data: PENDING,
  });
  expect(parsePendingCreation((await outcome).PhysicalResourceId)).toEqual({ name: 'orders-dr', request: requestTagValue(event) });
  expect(kafka).toHaveReceivedCommandTimes(ListReplicatorsCommand, 7);
});

test('tags that answer NotFound, then empty, then this request\'s: adopted on the third read', async () => {
  kafka.on(ListReplicatorsCommand).resolves({ Replicators: [{ ReplicatorName: 'orders-dr', ReplicatorArn: ARN }] });
  kafka.on(ListTagsForResourceCommand)
    .rejectsOnce(new NotFoundException({ message: 'not found', $metadata: {} }))
    .resolvesOnce({ Tags: {} })
    .resolves({ Tags: { [OWNER_TAG_KEY]: ownerTagValue(event), [REQUEST_TAG_KEY]: requestTagValue(event) } });
  kafka.on(DescribeReplicatorCommand).rejects(new NotFoundException({ message: 'not found', $metadata: {} }));

  const outcome = onEvent(event, client, () => undefined);
  await jest.advanceTimersByTimeAsync(1_500);

  await expect(outcome).resolves.toMatchObject({ PhysicalResourceId: ARN });
  expect(kafka).toHaveReceivedCommandTimes(ListTagsForResourceCommand, 3);
});

test('tags that stay unreadable: a pending creation after the same bound', async () => {
  kafka.on(ListReplicatorsCommand).resolves({ Replicators: [{ ReplicatorName: 'orders-dr', ReplicatorArn: ARN }] });
  kafka.on(ListTagsForResourceCommand).rejects(new NotFoundException({ message: 'not found', $metadata: {} }));

  const outcome = onEvent(event, client, () => undefined);
  await jest.advanceTimersByTimeAsync(31_500);

  await expect(outcome).resolves.toMatchObject({
    PhysicalResourceId: pendingCreationId({ name: 'orders-dr', request: requestTagValue(event) }),
    Data: PENDING,
  });
  expect(kafka).toHaveReceivedCommandTimes(ListTagsForResourceCommand, 7);
});

test('tags that name another creator end the search at once', async () => {
  kafka.on(ListReplicatorsCommand).resolves({ Replicators: [{ ReplicatorName: 'orders-dr', ReplicatorArn: ARN }] });
  kafka.on(ListTagsForResourceCommand).resolves({ Tags: { team: 'other' } });

  await expect(onEvent(event, client, () => undefined)).rejects.toThrow(/already exists .* not created by this resource/);
  expect(kafka).toHaveReceivedCommandTimes(ListReplicatorsCommand, 1);
});
