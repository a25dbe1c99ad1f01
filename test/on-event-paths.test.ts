import {
  BadRequestException, ConflictException, CreateReplicatorCommand, DescribeReplicatorCommand, KafkaClient, ListReplicatorsCommand,
  ListTagsForResourceCommand, NotFoundException, ServiceUnavailableException, TagResourceCommand,
} from '@aws-sdk/client-kafka';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  createEvent, deleteEvent, describedReplicator, ORIGINAL_ARN, rawProperties, REPLACEMENT_ARN, updateEvent,
} from './fixtures/handler-fixtures';
import { useVirtualWaits } from './fixtures/virtual-waits';
import type { ProviderEvent } from '../src/provider/events';
import { DEADLINE_MARGIN_MS, withInvocationDeadline } from '../src/provider/invocation-deadline';
import { DEPLOYED_TAG_KEY, OWNER_TAG_KEY, REPLACES_TAG_KEY, REQUEST_TAG_KEY, RETAINED_TAG_KEY } from '../src/provider/lifecycle';
import { ADOPTION_WAITS_MS, generatedName, onEvent } from '../src/provider/on-event';
import { ownerTagValue, requestTagValue } from '../src/provider/ownership';
import { pendingCreationId } from '../src/provider/pending-creation';
import { NO_TAGS_SEEN } from '../src/provider/tag-reads';

/**
 * onEvent's paths that only the local-world suites reached before: a CreateReplicator whose answer is lost or that
 * meets its own name (the search for the replicator this request created, its waits and the pending answer), an
 * Update of a replicator gone or of a pending creation, a Delete of a pending creation, and the data onEvent hands
 * isComplete. A mocked client (one attempt per call: the SDK's own retries are not under test) on a virtual clock,
 * so that a mutation run over the unit suites sees them (docs/mutation.md).
 */

const kafka = mockClient(KafkaClient);
const clock = useVirtualWaits();
const client = new KafkaClient({ region: 'us-east-1', maxAttempts: 1 });
let logs: string[];
const log = (message: string) => logs.push(message);
const notFound = () => new NotFoundException({ message: 'not found', $metadata: { httpStatusCode: 404 } });
const conflict = () => new ConflictException({ message: 'A replicator with this name already exists', $metadata: { httpStatusCode: 409 } });
const unavailable = (message = 'try later') => new ServiceUnavailableException({ message, $metadata: { httpStatusCode: 503 } });

/** The sum of ADOPTION_WAITS_MS: how long onEvent looks for the replicator its create made. */
const ALL_ADOPTION_WAITS_MS = ADOPTION_WAITS_MS.reduce((a, b) => a + b, 0);

/** onEvent inside an invocation with `leftMs` before Lambda stops it, counted on the virtual clock. */
function withTimeLeft<T>(leftMs: number, fn: () => Promise<T>): Promise<T> {
  const end = clock.now() + leftMs;
  return withInvocationDeadline({ getRemainingTimeInMillis: () => end - clock.now() }, fn);
}

beforeEach(() => {
  kafka.reset();
  logs = [];
});

describe('Create', () => {
  const event = () => createEvent(rawProperties());
  const name = () => generatedName('OrdersReplication-Replicator', event());
  const pendingId = () => pendingCreationId({ name: name(), request: requestTagValue(event()) });
  const newArn = () => `arn:aws:kafka:us-east-1:123456789012:replicator/${name()}/dddd-4444`;
  const listed = () => kafka.on(ListReplicatorsCommand).resolves({ Replicators: [{ ReplicatorArn: newArn(), ReplicatorName: name() }] });

  test('CreateReplicator without an answer (5xx): a pending id, carrying the error for isComplete\'s message, cut to 300 characters', async () => {
    kafka.on(CreateReplicatorCommand).rejects(unavailable('x'.repeat(400)));

    const result = await onEvent(event(), client, log);

    expect(result.PhysicalResourceId).toBe(pendingId());
    expect(result.Data).toMatchObject({ ReplicatorName: name(), LifecycleAction: 'create' });
    expect(result.Data.CreateError).toBe(`ServiceUnavailableException: ${'x'.repeat(400)}`.slice(0, 300));
    expect(result.Data.ReplicatorArn).toBeUndefined();
    expect(kafka).not.toHaveReceivedCommand(ListReplicatorsCommand);
  });

  test('CreateReplicator answers no ARN: the create fails rather than track nothing', async () => {
    kafka.on(CreateReplicatorCommand).resolves({});

    await expect(onEvent(event(), client, log)).rejects.toThrow(`CreateReplicator returned no replicator ARN for ${name()}`);
  });

  test('ConflictException, and the name\'s replicator carries this request\'s tag: adopted as this request\'s creation', async () => {
    kafka.on(CreateReplicatorCommand).rejects(conflict());
    listed();
    kafka.on(ListTagsForResourceCommand).resolves({ Tags: { [REQUEST_TAG_KEY]: requestTagValue(event()) } });
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ ReplicatorArn: newArn(), ReplicatorName: name() }));

    const result = await onEvent(event(), client, log);

    expect(result).toMatchObject({ PhysicalResourceId: newArn(), Data: { ReplicatorArn: newArn(), ReplicatorName: name(), LifecycleAction: 'create' } });
    expect(logs).toContain(`CreateReplicator ${name()}: already created by this request, adopting ${newArn()}`);
  });

  test('ConflictException, the tags lagging (NotFound, then none) before they name this request: read again, then adopted', async () => {
    kafka.on(CreateReplicatorCommand).rejects(conflict());
    listed();
    kafka.on(ListTagsForResourceCommand).rejectsOnce(notFound()).resolvesOnce({ Tags: {} })
      .resolves({ Tags: { [REQUEST_TAG_KEY]: requestTagValue(event()) } });
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ ReplicatorArn: newArn(), ReplicatorName: name() }));
    const start = clock.now();

    expect((await onEvent(event(), client, log)).PhysicalResourceId).toBe(newArn());
    expect(kafka).toHaveReceivedCommandTimes(ListTagsForResourceCommand, 3);
    expect(clock.now() - start).toBe(ADOPTION_WAITS_MS[0] + ADOPTION_WAITS_MS[1]);
  });

  test('ConflictException, the name\'s replicator tagged by another request of this resource: fails, saying an earlier deployment left it', async () => {
    kafka.on(CreateReplicatorCommand).rejects(conflict());
    listed();
    kafka.on(ListTagsForResourceCommand).resolves({ Tags: { [REQUEST_TAG_KEY]: 'f'.repeat(32), [OWNER_TAG_KEY]: ownerTagValue(event()) } });

    await expect(onEvent(event(), client, log)).rejects.toThrow(/left by an earlier deployment of this resource/);
    expect(kafka).toHaveReceivedCommandTimes(ListReplicatorsCommand, 1);
  });

  test('ConflictException, the name\'s replicator tagged by someone else: fails at once', async () => {
    kafka.on(CreateReplicatorCommand).rejects(conflict());
    listed();
    kafka.on(ListTagsForResourceCommand).resolves({ Tags: { team: 'payments' } });

    await expect(onEvent(event(), client, log)).rejects.toThrow(/was not created by this resource/);
  });

  test('ConflictException, and ListReplicators never shows the name: read again over all the waits, then a pending id', async () => {
    kafka.on(CreateReplicatorCommand).rejects(conflict());
    kafka.on(ListReplicatorsCommand).resolves({ Replicators: [] });
    const start = clock.now();

    const result = await onEvent(event(), client, log);

    expect(result.PhysicalResourceId).toBe(pendingId());
    expect(result.Data.CreateError).toBeUndefined();
    expect(kafka).toHaveReceivedCommandTimes(ListReplicatorsCommand, ADOPTION_WAITS_MS.length + 1);
    expect(clock.now() - start).toBe(ALL_ADOPTION_WAITS_MS);
    expect(logs).toContain(`CreateReplicator ${name()}: the name exists but ListReplicators does not show it yet: reading again in 500 ms`);
  });

  test('ConflictException with little time left: the search stops at the first wait that does not fit, with a pending id', async () => {
    kafka.on(CreateReplicatorCommand).rejects(conflict());
    kafka.on(ListReplicatorsCommand).resolves({ Replicators: [] });

    const result = await withTimeLeft(DEADLINE_MARGIN_MS + 1_000, () => onEvent(event(), client, log));

    expect(result.PhysicalResourceId).toBe(pendingId());
    // 500 ms fits, then 1,000 ms no longer does
    expect(kafka).toHaveReceivedCommandTimes(ListReplicatorsCommand, 2);
  });

  test('ConflictException, the name listed but the invocation already short of time: a pending id before any tag read', async () => {
    kafka.on(CreateReplicatorCommand).rejects(conflict());
    kafka.on(ListReplicatorsCommand).callsFake(async () => {
      clock.advance(2_000);
      return { Replicators: [{ ReplicatorArn: newArn(), ReplicatorName: name() }] };
    });

    const result = await withTimeLeft(DEADLINE_MARGIN_MS + 1_000, () => onEvent(event(), client, log));

    expect(result.PhysicalResourceId).toBe(pendingId());
    expect(kafka).not.toHaveReceivedCommand(ListTagsForResourceCommand);
  });

  test('short of time before CreateReplicator: not sent, a pending id that says why', async () => {
    const result = await withTimeLeft(DEADLINE_MARGIN_MS - 1, () => onEvent(event(), client, log));

    expect(kafka).not.toHaveReceivedCommand(CreateReplicatorCommand);
    expect(result.PhysicalResourceId).toBe(pendingId());
    expect(result.Data.CreateError).toMatch(/CreateReplicator .* was not sent/);
  });

  test('`timeout` sets a deadline from the create\'s start; the start and the receipt are stamped', async () => {
    kafka.on(CreateReplicatorCommand).resolves({ ReplicatorArn: newArn() });
    const receivedAt = clock.now() - 5_000;

    const result = await onEvent(createEvent(rawProperties({ TimeoutSeconds: '600' })), client, log, receivedAt);

    expect(result.Data).toMatchObject({
      RequestedAt: String(clock.now()), ReceivedAt: String(receivedAt), Deadline: String(clock.now() + 600_000),
    });
    expect(result.Data.SeenAtStart).toBeUndefined();
  });
});

describe('survivors of the mutation run: what onEvent sends and hands over', () => {
  const adopting = () => rawProperties({ AdoptExisting: 'true', ReplicatorName: 'orders-dr', ReplicatorNamePrefix: undefined });
  const createName = () => generatedName('OrdersReplication-Replicator', createEvent(rawProperties()));
  const slowConflict = (ms: number) => kafka.on(CreateReplicatorCommand).callsFake(async () => {
    clock.advance(ms);
    throw conflict();
  });

  test('a Create with AdoptExisting adopts: no CreateReplicator', async () => {
    kafka.on(ListReplicatorsCommand).resolves({ Replicators: [{ ReplicatorArn: ORIGINAL_ARN, ReplicatorName: 'orders-dr' }] });
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ ReplicatorName: 'orders-dr' }));
    kafka.on(ListTagsForResourceCommand).resolves({ Tags: {} });

    const result = await onEvent(createEvent(adopting()), client, log);

    expect(result).toMatchObject({ PhysicalResourceId: ORIGINAL_ARN, Data: { LifecycleAction: 'adopt', RequestedAt: String(clock.now()) } });
    expect(result.Data.ReceivedAt).toBeDefined();
    expect(kafka).not.toHaveReceivedCommand(CreateReplicatorCommand);
  });

  test('a replacement\'s CreateReplicator carries the replaces tag, naming the replicator it replaces; a plain create carries none', async () => {
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator());
    kafka.on(ListTagsForResourceCommand).resolves({ Tags: {} });
    kafka.on(CreateReplicatorCommand).resolves({ ReplicatorArn: REPLACEMENT_ARN });
    // no other replicator of this resource to return to: a replacement, not a rollback's return
    kafka.on(ListReplicatorsCommand).resolves({ Replicators: [] });
    const changed = rawProperties({ TargetCompressionType: 'GZIP' });

    const replacement = await onEvent(updateEvent(changed, rawProperties(), ORIGINAL_ARN), client, log);

    expect(replacement).toMatchObject({ PhysicalResourceId: REPLACEMENT_ARN, Data: { LifecycleAction: 'create' } });
    expect(replacement.Data.RequestedAt).toBeDefined();
    expect(kafka).toHaveReceivedCommandWith(CreateReplicatorCommand, { Tags: expect.objectContaining({ [REPLACES_TAG_KEY]: ORIGINAL_ARN }) });

    kafka.resetHistory();
    await onEvent(createEvent(rawProperties()), client, log);
    const tags = kafka.commandCalls(CreateReplicatorCommand)[0].args[0].input.Tags!;
    expect(Object.keys(tags)).not.toContain(REPLACES_TAG_KEY);
  });

  test('an in-place update hands isComplete its start times', async () => {
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator());

    const result = await onEvent(updateEvent(rawProperties(), rawProperties(), ORIGINAL_ARN), client, log, clock.now() - 1_000);

    expect(result.Data).toMatchObject({ LifecycleAction: 'update', RequestedAt: String(clock.now()), ReceivedAt: String(clock.now() - 1_000) });
    expect(result.Data.SeenAtStart).toBeUndefined();
    expect(result.Data.ReturnedTo).toBeUndefined();
    expect(result.Data.MarkRolledBackFrom).toBeUndefined();
  });

  test('the Delete of an adopted replicator: start times, seen at its start, never a Deadline', async () => {
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ ReplicatorName: 'orders-dr' }));
    kafka.on(ListTagsForResourceCommand).resolves({ Tags: { [OWNER_TAG_KEY]: ownerTagValue(createEvent(adopting())) } });

    const result = await onEvent(deleteEvent({ ...adopting(), TimeoutSeconds: '600' }, ORIGINAL_ARN), client, log);

    expect(result.Data).toMatchObject({ LifecycleAction: 'adopted-delete', SeenAtStart: 'true', RequestedAt: String(clock.now()) });
    expect(result.Data.Deadline).toBeUndefined();
  });

  test('CreateReplicator rejected for another reason than a conflict (BadRequest): the error fails the create, nothing searched', async () => {
    kafka.on(CreateReplicatorCommand).rejects(new BadRequestException({ message: 'bad subnet', $metadata: { httpStatusCode: 400 } }));

    await expect(onEvent(createEvent(rawProperties()), client, log)).rejects.toThrow('bad subnet');
    expect(kafka).not.toHaveReceivedCommand(ListReplicatorsCommand);
  });

  test('a conflict answered after a slow CreateReplicator, less than one call\'s bound left: a pending id, nothing read', async () => {
    slowConflict(20_000);

    const result = await withTimeLeft(DEADLINE_MARGIN_MS + 10_000, () => onEvent(createEvent(rawProperties()), client, log));

    expect(result.PhysicalResourceId).toBe(pendingCreationId({ name: createName(), request: requestTagValue(createEvent(rawProperties())) }));
    expect(kafka).not.toHaveReceivedCommand(ListReplicatorsCommand);
  });

  test('replacement protection on, and no replicator of this resource to return to: refused with its reason, nothing created', async () => {
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator());
    kafka.on(ListTagsForResourceCommand).resolves({ Tags: {} });
    kafka.on(ListReplicatorsCommand).resolves({ Replicators: [] });
    const protectedChange = rawProperties({ TargetCompressionType: 'GZIP', ReplacementProtection: 'true' });

    await expect(onEvent(updateEvent(protectedChange, rawProperties({ ReplacementProtection: 'true' }), ORIGINAL_ARN), client, log))
      .rejects.toThrow('Changing `targetCompressionType` requires a new replicator, and replacementProtection is on');
    expect(kafka).not.toHaveReceivedCommand(CreateReplicatorCommand);
  });

  test('a conflict whose tag read was slow, less than one call\'s bound left after it: a pending id, the replicator not read', async () => {
    const arn = `arn:aws:kafka:us-east-1:123456789012:replicator/${createName()}/dddd-4444`;
    kafka.on(CreateReplicatorCommand).rejects(conflict());
    kafka.on(ListReplicatorsCommand).resolves({ Replicators: [{ ReplicatorArn: arn, ReplicatorName: createName() }] });
    kafka.on(ListTagsForResourceCommand).callsFake(async () => {
      clock.advance(20_000);
      return { Tags: { [REQUEST_TAG_KEY]: requestTagValue(createEvent(rawProperties())) } };
    });

    const result = await withTimeLeft(DEADLINE_MARGIN_MS + 10_000, () => onEvent(createEvent(rawProperties()), client, log));

    expect(result.PhysicalResourceId).toBe(pendingCreationId({ name: createName(), request: requestTagValue(createEvent(rawProperties())) }));
    expect(kafka).not.toHaveReceivedCommand(DescribeReplicatorCommand);
  });

  test('a conflict answered with exactly one call\'s bound left: the name is still searched, and this request\'s replicator adopted', async () => {
    const arn = `arn:aws:kafka:us-east-1:123456789012:replicator/${createName()}/dddd-4444`;
    slowConflict(10_000);
    kafka.on(ListReplicatorsCommand).resolves({ Replicators: [{ ReplicatorArn: arn, ReplicatorName: createName() }] });
    kafka.on(ListTagsForResourceCommand).resolves({ Tags: { [REQUEST_TAG_KEY]: requestTagValue(createEvent(rawProperties())) } });
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ ReplicatorArn: arn, ReplicatorName: createName() }));

    const result = await withTimeLeft(DEADLINE_MARGIN_MS + 10_000, () => onEvent(createEvent(rawProperties()), client, log));

    expect(result.PhysicalResourceId).toBe(arn);
  });
});

describe('a replacement re-run after its CreateReplicator answer was lost (survivors of the mutation run: the \'own\' branch)', () => {
  const changed = rawProperties({ TargetCompressionType: 'GZIP' });
  const event = () => updateEvent(changed, rawProperties(), ORIGINAL_ARN);
  const name = () => generatedName('OrdersReplication-Replicator', event());
  const replacement = () => {
    const live = describedReplicator({ ReplicatorArn: REPLACEMENT_ARN, ReplicatorName: name() });
    live.ReplicationInfoList![0].TargetCompressionType = 'GZIP';
    return live;
  };
  const arrange = (replacementTags: Record<string, string>) => {
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator());
    kafka.on(DescribeReplicatorCommand, { ReplicatorArn: REPLACEMENT_ARN }).resolves(replacement());
    kafka.on(ListReplicatorsCommand).resolves({ Replicators: [{ ReplicatorArn: REPLACEMENT_ARN, ReplicatorName: name() }] });
    kafka.on(ListTagsForResourceCommand).resolves({ Tags: { [OWNER_TAG_KEY]: ownerTagValue(event()) } });
    kafka.on(ListTagsForResourceCommand, { ResourceArn: REPLACEMENT_ARN }).resolves({ Tags: replacementTags });
  };

  test('the replicator this very request created is answered as created: nothing created again, no rolled-back-to mark', async () => {
    arrange({ [OWNER_TAG_KEY]: ownerTagValue(event()), [REQUEST_TAG_KEY]: requestTagValue(event()), [REPLACES_TAG_KEY]: ORIGINAL_ARN });

    const result = await onEvent(event(), client, log);

    expect(result).toMatchObject({ PhysicalResourceId: REPLACEMENT_ARN, Data: { ReplicatorArn: REPLACEMENT_ARN, LifecycleAction: 'create' } });
    expect(result.Data.MarkRolledBackFrom).toBeUndefined();
    expect(kafka).not.toHaveReceivedCommand(CreateReplicatorCommand);
    expect(logs).toContain(`${REPLACEMENT_ARN} was created by this request (its answer lost): it is the replacement of ${ORIGINAL_ARN}`);
  });

  test('one another request of this resource created with the requested configuration: returned to, and marked at completion', async () => {
    arrange({ [OWNER_TAG_KEY]: ownerTagValue(event()), [REQUEST_TAG_KEY]: 'e'.repeat(32) });

    const result = await onEvent(event(), client, log);

    expect(result).toMatchObject({ PhysicalResourceId: REPLACEMENT_ARN, Data: { LifecycleAction: 'update', MarkRolledBackFrom: ORIGINAL_ARN, ReturnedTo: 'true' } });
    expect(kafka).not.toHaveReceivedCommand(CreateReplicatorCommand);
  });
});

describe('Update', () => {
  const props = rawProperties();
  const ours = (event: ProviderEvent) => ({ [OWNER_TAG_KEY]: ownerTagValue(event), [REQUEST_TAG_KEY]: 'e'.repeat(32) });
  const otherArn = 'arn:aws:kafka:us-east-1:123456789012:replicator/OrdersReplication-Replicator-fedcba987654/eeee-5555';

  test('a physical id that is not a replicator ARN (its creation failed): a replicator is created', async () => {
    kafka.on(CreateReplicatorCommand).resolves({ ReplicatorArn: REPLACEMENT_ARN });

    const result = await onEvent(updateEvent(props, props, 'req-create-failed'), client, log);

    expect(result).toMatchObject({ PhysicalResourceId: REPLACEMENT_ARN, Data: { LifecycleAction: 'create' } });
  });

  test('the tracked replicator found on a re-read after a NotFound: updated in place, nothing created', async () => {
    kafka.on(DescribeReplicatorCommand).rejectsOnce(notFound()).resolves(describedReplicator());

    const result = await onEvent(updateEvent(props, props, ORIGINAL_ARN), client, log);

    expect(result).toMatchObject({ PhysicalResourceId: ORIGINAL_ARN, Data: { LifecycleAction: 'update' } });
    expect(kafka).not.toHaveReceivedCommand(CreateReplicatorCommand);
    expect(logs).toContain(`${ORIGINAL_ARN} not found: reading it again in 500 ms (a read may lag behind a write)`);
  });

  test('the tracked replicator gone on every read over 7.5 s, and no other of this resource: a new one is created', async () => {
    kafka.on(DescribeReplicatorCommand).rejects(notFound());
    kafka.on(ListReplicatorsCommand).resolves({ Replicators: [] });
    kafka.on(CreateReplicatorCommand).resolves({ ReplicatorArn: REPLACEMENT_ARN });
    const start = clock.now();

    const result = await onEvent(updateEvent(props, props, ORIGINAL_ARN), client, log);

    expect(kafka).toHaveReceivedCommandTimes(DescribeReplicatorCommand, 5);
    expect(clock.now() - start).toBe(7_500);
    // the search for another replicator of this resource ran before the create
    expect(kafka).toHaveReceivedCommandTimes(ListReplicatorsCommand, 1);
    expect(result).toMatchObject({ PhysicalResourceId: REPLACEMENT_ARN, Data: { LifecycleAction: 'create' } });
  });

  test('the tracked replicator gone, another of this resource with the requested configuration: returned to, nothing created', async () => {
    const event = updateEvent(props, props, ORIGINAL_ARN);
    kafka.on(DescribeReplicatorCommand, { ReplicatorArn: ORIGINAL_ARN }).rejects(notFound());
    kafka.on(DescribeReplicatorCommand, { ReplicatorArn: otherArn })
      .resolves(describedReplicator({ ReplicatorArn: otherArn, ReplicatorName: 'OrdersReplication-Replicator-fedcba987654' }));
    kafka.on(ListTagsForResourceCommand, { ResourceArn: otherArn }).resolves({ Tags: ours(event) });
    kafka.on(ListReplicatorsCommand).resolves({ Replicators: [{ ReplicatorArn: otherArn, ReplicatorName: 'OrdersReplication-Replicator-fedcba987654' }] });

    const result = await onEvent(event, client, log);

    expect(result).toMatchObject({ PhysicalResourceId: otherArn, Data: { ReplicatorArn: otherArn, LifecycleAction: 'update', ReturnedTo: 'true' } });
    expect(kafka).not.toHaveReceivedCommand(CreateReplicatorCommand);
  });

  test('a fixed name: a replicator whose name only starts with it is not even read', async () => {
    const fixed = rawProperties({ ReplicatorName: 'orders-dr', ReplicatorNamePrefix: undefined });
    const longer = 'arn:aws:kafka:us-east-1:123456789012:replicator/orders-dr-2/ffff-6666';
    kafka.on(DescribeReplicatorCommand, { ReplicatorArn: ORIGINAL_ARN }).rejects(notFound());
    kafka.on(ListReplicatorsCommand).resolves({ Replicators: [{ ReplicatorArn: longer, ReplicatorName: 'orders-dr-2' }] });
    kafka.on(CreateReplicatorCommand).resolves({ ReplicatorArn: REPLACEMENT_ARN });

    await onEvent(updateEvent(fixed, fixed, ORIGINAL_ARN), client, log);

    expect(kafka).not.toHaveReceivedCommandWith(DescribeReplicatorCommand, { ReplicatorArn: longer });
    expect(kafka).toHaveReceivedCommand(CreateReplicatorCommand);
  });

  describe('sent to a pending creation (the rollback of a create whose answer was lost)', () => {
    const fixed = rawProperties({ ReplicatorName: 'orders-dr', ReplicatorNamePrefix: undefined });
    const failedCreate = createEvent(fixed, 'req-failed-create');
    const pendingId = pendingCreationId({ name: 'orders-dr', request: requestTagValue(failedCreate) });
    const rollbackTo = (physicalId: string) => updateEvent(fixed, fixed, physicalId);

    test('nothing listed over the waits, and no replicator of this resource: one is created', async () => {
      kafka.on(ListReplicatorsCommand).resolves({ Replicators: [] });
      kafka.on(CreateReplicatorCommand).resolves({ ReplicatorArn: REPLACEMENT_ARN });

      const result = await onEvent(rollbackTo(pendingId), client, log);

      expect(result).toMatchObject({ PhysicalResourceId: REPLACEMENT_ARN, Data: { LifecycleAction: 'create' } });
      // the pending creation's resolution (1 + 6 reads) and the search for a replicator to return to (1)
      expect(kafka).toHaveReceivedCommandTimes(ListReplicatorsCommand, ADOPTION_WAITS_MS.length + 2);
    });

    test('the name\'s replicator is this resource\'s but carries no request tag: it may be the failed creation\'s; the rollback fails, nothing created', async () => {
      const event = rollbackTo(pendingId);
      kafka.on(ListReplicatorsCommand).resolves({ Replicators: [{ ReplicatorArn: ORIGINAL_ARN, ReplicatorName: 'orders-dr' }] });
      kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ ReplicatorName: 'orders-dr', Tags: { [OWNER_TAG_KEY]: ownerTagValue(event) } }));
      kafka.on(ListTagsForResourceCommand).resolves({ Tags: { [OWNER_TAG_KEY]: ownerTagValue(event) } });

      await expect(onEvent(event, client, log)).rejects.toThrow(`${ORIGINAL_ARN} may be the replicator the failed creation ${pendingId} made, `
        + 'which CloudFormation deletes after this rollback; its tags cannot tell yet. Retry the rollback (continue update rollback).');
      expect(kafka).not.toHaveReceivedCommand(CreateReplicatorCommand);
    });

    test('the lists lagging through the resolution, then the failed creation\'s own replicator found by name: the rollback fails, nothing created', async () => {
      const event = rollbackTo(pendingId);
      const tags = { [OWNER_TAG_KEY]: ownerTagValue(event), [REQUEST_TAG_KEY]: requestTagValue(failedCreate) };
      const lists = kafka.on(ListReplicatorsCommand);
      for (let read = 0; read <= ADOPTION_WAITS_MS.length; read++) lists.resolvesOnce({ Replicators: [] });
      lists.resolves({ Replicators: [{ ReplicatorArn: ORIGINAL_ARN, ReplicatorName: 'orders-dr' }] });
      kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ ReplicatorName: 'orders-dr', Tags: tags }));
      kafka.on(ListTagsForResourceCommand).resolves({ Tags: tags });

      await expect(onEvent(event, client, log)).rejects.toThrow(`${ORIGINAL_ARN} may be the replicator the failed creation ${pendingId} made`);
      expect(kafka).not.toHaveReceivedCommand(CreateReplicatorCommand);
    });

    test('the name\'s replicator is ours and an earlier request made it: returned to', async () => {
      const event = rollbackTo(pendingId);
      const tags = { [OWNER_TAG_KEY]: ownerTagValue(event), [REQUEST_TAG_KEY]: 'e'.repeat(32) };
      kafka.on(ListReplicatorsCommand).resolves({ Replicators: [{ ReplicatorArn: ORIGINAL_ARN, ReplicatorName: 'orders-dr' }] });
      kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ ReplicatorName: 'orders-dr', Tags: tags }));
      kafka.on(ListTagsForResourceCommand).resolves({ Tags: tags });

      const result = await onEvent(event, client, log);

      expect(result).toMatchObject({ PhysicalResourceId: ORIGINAL_ARN, Data: { LifecycleAction: 'update', ReturnedTo: 'true' } });
    });

    test('the lists lag through the resolution; another replicator of this resource, without a request tag (adopted), is returned to', async () => {
      const generated = createEvent(props, 'req-failed-create');
      const pendingGenerated = pendingCreationId({ name: 'OrdersReplication-Replicator-0123456789ab', request: requestTagValue(generated) });
      const event = updateEvent(props, props, pendingGenerated);
      const adoptedName = 'OrdersReplication-Replicator-fedcba987654';
      // only the search by the stem lists it: the pending name's own replicator never shows
      kafka.on(ListReplicatorsCommand).resolves({ Replicators: [{ ReplicatorArn: otherArn, ReplicatorName: adoptedName }] });
      kafka.on(ListReplicatorsCommand, { ReplicatorNameFilter: 'OrdersReplication-Replicator-0123456789ab' }).resolves({ Replicators: [] });
      kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ ReplicatorArn: otherArn, ReplicatorName: adoptedName }));
      kafka.on(ListTagsForResourceCommand).resolves({ Tags: { [OWNER_TAG_KEY]: ownerTagValue(event) } });

      const result = await onEvent(event, client, log);

      expect(result).toMatchObject({ PhysicalResourceId: otherArn, Data: { LifecycleAction: 'update', ReturnedTo: 'true' } });
    });

    test('resolved to the failed creation\'s own replicator: it is never returned to; another of this resource is', async () => {
      const generated = createEvent(props, 'req-failed-create');
      const failedName = 'OrdersReplication-Replicator-0123456789ab';
      const pendingGenerated = pendingCreationId({ name: failedName, request: requestTagValue(generated) });
      const event = updateEvent(props, props, pendingGenerated);
      const failedOnes = { [OWNER_TAG_KEY]: ownerTagValue(event), [REQUEST_TAG_KEY]: requestTagValue(generated) };
      // the wider behaviour first: aws-sdk-client-mock lets the later, narrower one answer its own input
      kafka.on(ListReplicatorsCommand).resolves({
        Replicators: [
          { ReplicatorArn: ORIGINAL_ARN, ReplicatorName: failedName },
          { ReplicatorArn: otherArn, ReplicatorName: 'OrdersReplication-Replicator-fedcba987654' },
        ],
      });
      kafka.on(ListReplicatorsCommand, { ReplicatorNameFilter: failedName })
        .resolves({ Replicators: [{ ReplicatorArn: ORIGINAL_ARN, ReplicatorName: failedName }] });
      kafka.on(DescribeReplicatorCommand, { ReplicatorArn: ORIGINAL_ARN }).resolves(describedReplicator({ Tags: failedOnes }));
      kafka.on(DescribeReplicatorCommand, { ReplicatorArn: otherArn })
        .resolves(describedReplicator({ ReplicatorArn: otherArn, ReplicatorName: 'OrdersReplication-Replicator-fedcba987654' }));
      kafka.on(ListTagsForResourceCommand, { ResourceArn: otherArn }).resolves({ Tags: ours(event) });

      const result = await onEvent(event, client, log);

      expect(result).toMatchObject({ PhysicalResourceId: otherArn, Data: { LifecycleAction: 'update', ReturnedTo: 'true' } });
    });
  });
});

describe('Delete', () => {
  const request = requestTagValue(createEvent(rawProperties()));
  const pendingId = pendingCreationId({ name: 'OrdersReplication-Replicator-0123456789ab', request });
  const listed = () => kafka.on(ListReplicatorsCommand).resolves({
    Replicators: [{ ReplicatorArn: ORIGINAL_ARN, ReplicatorName: 'OrdersReplication-Replicator-0123456789ab' }],
  });

  test('of a pending creation resolved to this request\'s replicator: that replicator is deleted, from one search without a wait', async () => {
    listed();
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ Tags: { [REQUEST_TAG_KEY]: request } }));
    const start = clock.now();

    const result = await onEvent(deleteEvent(rawProperties(), pendingId), client, log);

    expect(kafka).toHaveReceivedCommandTimes(ListReplicatorsCommand, 1);
    expect(clock.now()).toBe(start);

    expect(result).toMatchObject({
      PhysicalResourceId: pendingId,
      Data: { ReplicatorArn: ORIGINAL_ARN, ReplicatorName: 'OrdersReplication-Replicator-0123456789ab', LifecycleAction: 'delete', SeenAtStart: 'true' },
    });
  });

  test('of a pending creation whose name another request holds: nothing to delete, decided at the first search', async () => {
    listed();
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ Tags: { [REQUEST_TAG_KEY]: 'f'.repeat(32) } }));
    const start = clock.now();

    const result = await onEvent(deleteEvent(rawProperties(), pendingId), client, log);

    expect(result).toEqual({ PhysicalResourceId: pendingId, Data: { LifecycleAction: 'none' } });
    expect(kafka).toHaveReceivedCommandTimes(ListReplicatorsCommand, 1);
    expect(clock.now()).toBe(start);
  });

  test('of a pending creation not listed over the waits: isComplete goes on looking, with no ARN yet', async () => {
    kafka.on(ListReplicatorsCommand).resolves({ Replicators: [] });
    const start = clock.now();

    const result = await onEvent(deleteEvent(rawProperties(), pendingId), client, log);

    expect(result.Data).toMatchObject({ ReplicatorName: 'OrdersReplication-Replicator-0123456789ab', LifecycleAction: 'delete' });
    expect(result.Data.ReplicatorArn).toBeUndefined();
    expect(result.Data.SeenAtStart).toBeUndefined();
    expect(clock.now() - start).toBe(ALL_ADOPTION_WAITS_MS);
    expect(logs).toContain(`${pendingId}: not resolved yet; isComplete goes on looking`);
  });

  test('of a pending creation with little time left: the search stops at the first wait that does not fit', async () => {
    kafka.on(ListReplicatorsCommand).resolves({ Replicators: [] });

    const result = await withTimeLeft(DEADLINE_MARGIN_MS + 1_000, () => onEvent(deleteEvent(rawProperties(), pendingId), client, log));

    expect(result.Data.LifecycleAction).toBe('delete');
    expect(kafka).toHaveReceivedCommandTimes(ListReplicatorsCommand, 2);
  });

  test('a Delete never carries a deadline, even with `timeout` set; a replicator seen at its start is marked so', async () => {
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator());

    const result = await onEvent(deleteEvent(rawProperties({ TimeoutSeconds: '600' }), ORIGINAL_ARN), client, log);

    expect(result.Data).toMatchObject({ LifecycleAction: 'delete', SeenAtStart: 'true', RequestedAt: String(clock.now()) });
    expect(result.Data.Deadline).toBeUndefined();
  });

  test('under RETAIN, the replicator gone when the retained mark is written: nothing to retain, nothing to wait for', async () => {
    const retain = rawProperties({ DeletionBehaviour: 'retain' });
    kafka.on(ListTagsForResourceCommand).resolves({ Tags: { [OWNER_TAG_KEY]: 'o', [REQUEST_TAG_KEY]: request, [DEPLOYED_TAG_KEY]: 'true' } });
    kafka.on(TagResourceCommand).rejects(notFound());
    kafka.on(DescribeReplicatorCommand).rejects(notFound());

    const result = await onEvent(deleteEvent(retain, ORIGINAL_ARN), client, log);

    expect(result).toEqual({ PhysicalResourceId: ORIGINAL_ARN, Data: { LifecycleAction: 'none' } });
    expect(logs).toContain(`${ORIGINAL_ARN} no longer exists: nothing to retain`);
  });

  test('under RETAIN, no read shows the replicator\'s tags while DescribeReplicator shows it: the Delete fails, nothing changed', async () => {
    kafka.on(ListTagsForResourceCommand).rejects(notFound());
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ Tags: undefined }));

    await expect(onEvent(deleteEvent(rawProperties({ DeletionBehaviour: 'retain' }), ORIGINAL_ARN), client, log)).rejects.toThrow(
      `Replicator ${ORIGINAL_ARN} exists, but ${NO_TAGS_SEEN}, which decide whether the RETAIN removal policy keeps it; `
      + 'nothing was changed. Retry the operation.',
    );
    expect(kafka).not.toHaveReceivedCommand(TagResourceCommand);
  });

  test('under RETAIN, TagResource answers NotFound while DescribeReplicator shows the replicator: retained, the mark left to isComplete', async () => {
    // a NotFound that may lag (mark-write.ts) is believed only when DescribeReplicator agrees: taken for "gone",
    // the replicator RETAIN keeps ran on without the mark that keeps a later rollback of the resource from returning to it
    const retain = rawProperties({ DeletionBehaviour: 'retain' });
    kafka.on(ListTagsForResourceCommand).resolves({ Tags: { [OWNER_TAG_KEY]: 'o', [REQUEST_TAG_KEY]: request, [DEPLOYED_TAG_KEY]: 'true' } });
    kafka.on(TagResourceCommand).rejects(notFound());
    kafka.on(DescribeReplicatorCommand).resolves(describedReplicator());

    const result = await onEvent(deleteEvent(retain, ORIGINAL_ARN), client, log);

    expect(result).toEqual({ PhysicalResourceId: ORIGINAL_ARN, Data: { LifecycleAction: 'retain', MarkRetained: 'true' } });
    expect(kafka).toHaveReceivedCommandWith(TagResourceCommand, { ResourceArn: ORIGINAL_ARN, Tags: { [RETAINED_TAG_KEY]: 'true' } });
  });
});
