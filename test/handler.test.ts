import {
  BadRequestException, ConflictException, CreateReplicatorCommand, DeleteReplicatorCommand, DescribeReplicatorCommand, DescribeReplicatorResponse,
  KafkaClient, ListReplicatorsCommand, ListTagsForResourceCommand, NotFoundException, TagResourceCommand,
  TooManyRequestsException, UntagResourceCommand, UpdateReplicationInfoCommand,
} from '@aws-sdk/client-kafka';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { exampleProperties } from './fixtures/example-properties';
import { SOURCE_ARN as SOURCE_CLUSTER_ARN, TARGET_ARN as TARGET_CLUSTER_ARN } from './fixtures/handler-fixtures';
import { useVirtualWaits } from './fixtures/virtual-waits';
import type { IsCompleteEvent, ProviderEvent, ResourceData } from '../src/provider/events';
import { isComplete } from '../src/provider/is-complete';
import { DEPLOYED_TAG_KEY, MANAGED_BY_TAG_KEY, OWNER_TAG_KEY, REQUEST_TAG_KEY, RETAINED_TAG_KEY } from '../src/provider/lifecycle';
import { onEvent, ownerTagValue, requestTagValue } from '../src/provider/on-event';

const kafka = mockClient(KafkaClient);
useVirtualWaits();
const client = new KafkaClient({ region: 'us-east-1' });
let logs: string[];
const log = (message: string) => logs.push(message);

const ARN = 'arn:aws:kafka:us-east-1:123456789012:replicator/orders-dr/aaaa-bbbb';
const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/S/1';

// ---- named event builders
function createEvent(props = exampleProperties()): ProviderEvent {
  return { RequestType: 'Create', RequestId: 'req-1', StackId: STACK_ID, LogicalResourceId: 'Replicator', ResourceProperties: props };
}
function updateEvent(props: Record<string, unknown>, oldProps: Record<string, unknown>, physicalId = ARN): ProviderEvent {
  return {
    RequestType: 'Update',
    RequestId: 'req-2',
    StackId: STACK_ID,
    LogicalResourceId: 'Replicator',
    PhysicalResourceId: physicalId,
    ResourceProperties: props,
    OldResourceProperties: oldProps,
  };
}
function deleteEvent(props = exampleProperties(), physicalId = ARN): ProviderEvent {
  return { RequestType: 'Delete', RequestId: 'req-3', StackId: STACK_ID, LogicalResourceId: 'Replicator', PhysicalResourceId: physicalId, ResourceProperties: props };
}
function completeEvent(event: ProviderEvent, data: ResourceData): IsCompleteEvent {
  return { ...event, PhysicalResourceId: event.PhysicalResourceId ?? ARN, Data: data };
}

/** A live replicator as DescribeReplicator reports the example's properties (aliases, not ARNs). */
function live(overrides: Partial<DescribeReplicatorResponse> = {}, topics = ['.*']): DescribeReplicatorResponse {
  return {
    ReplicatorArn: ARN,
    ReplicatorName: 'orders-dr',
    ReplicatorState: 'RUNNING',
    CurrentVersion: 'V1',
    ServiceExecutionRoleArn: String(exampleProperties().ServiceExecutionRoleArn),
    KafkaClusters: [
      { KafkaClusterAlias: 'src', AmazonMskCluster: { MskClusterArn: SOURCE_CLUSTER_ARN } },
      { KafkaClusterAlias: 'tgt', AmazonMskCluster: { MskClusterArn: TARGET_CLUSTER_ARN } },
    ],
    ReplicationInfoList: [{
      SourceKafkaClusterAlias: 'src',
      TargetKafkaClusterAlias: 'tgt',
      TargetCompressionType: 'NONE',
      TopicReplication: {
        TopicsToReplicate: topics,
        TopicsToExclude: [],
        CopyTopicConfigurations: true,
        CopyAccessControlListsForTopics: true,
        DetectAndCopyNewTopics: true,
        StartingPosition: { Type: 'LATEST' },
        TopicNameConfiguration: { Type: 'PREFIXED_WITH_SOURCE_CLUSTER_ALIAS' },
      },
      ConsumerGroupReplication: {
        ConsumerGroupsToReplicate: ['.*'],
        ConsumerGroupsToExclude: [],
        SynchroniseConsumerGroupOffsets: true,
        DetectAndCopyNewConsumerGroups: true,
        ConsumerGroupOffsetSyncMode: 'LEGACY',
      },
    }],
    ...overrides,
  };
}

beforeEach(() => {
  kafka.reset();
  logs = [];
});

describe('onEvent', () => {
  test('Create sends CreateReplicator with a generated name and the owner tag, and returns the ARN', async () => {
    kafka.on(CreateReplicatorCommand).resolves({ ReplicatorArn: ARN, ReplicatorState: 'CREATING' });
    const event = createEvent(exampleProperties({ Tags: { team: 'streaming' } }));

    const result = await onEvent(event, client, log);

    expect(result).toEqual({ PhysicalResourceId: ARN, Data: expect.objectContaining({ ReplicatorArn: ARN, LifecycleAction: 'create' }) });
    const input = kafka.commandCalls(CreateReplicatorCommand)[0].args[0].input;
    expect(input.ReplicatorName).toMatch(/^OrdersReplication-Replicator-[0-9A-F]{8}-[0-9a-f]{12}$/);
    expect(input.Tags).toEqual({
      team: 'streaming',
      [OWNER_TAG_KEY]: ownerTagValue(event),
      [REQUEST_TAG_KEY]: requestTagValue(event),
      // the stack's name and the logical id, in words: what an adoption refused because of this owner names
      [MANAGED_BY_TAG_KEY]: 'S/Replicator',
    });
    expect(input.ReplicationInfoList![0].ConsumerGroupReplication!.ConsumerGroupsToReplicate).toEqual(['.*']);
  });

  test('the same request gets the same generated name; another request a different one', async () => {
    kafka.on(CreateReplicatorCommand).resolves({ ReplicatorArn: ARN });
    await onEvent(createEvent(), client, log);
    await onEvent(createEvent(), client, log);
    await onEvent({ ...createEvent(), RequestId: 'req-other' }, client, log);
    const names = kafka.commandCalls(CreateReplicatorCommand).map((c) => c.args[0].input.ReplicatorName);
    expect(names[0]).toBe(names[1]);
    expect(names[2]).not.toBe(names[0]);
  });

  test('Create adopts a replicator this very request created after a ConflictException (a retried delivery, not yet visible)', async () => {
    const event = createEvent(exampleProperties({ ReplicatorName: 'orders-dr' }));
    kafka.on(CreateReplicatorCommand).rejects(new ConflictException({ message: 'exists', $metadata: {} }));
    kafka.on(ListReplicatorsCommand).resolves({ Replicators: [{ ReplicatorName: 'orders-dr', ReplicatorArn: ARN }] });
    kafka.on(ListTagsForResourceCommand).resolves({
      Tags: { [OWNER_TAG_KEY]: ownerTagValue(event), [REQUEST_TAG_KEY]: requestTagValue(event) },
    });
    kafka.on(DescribeReplicatorCommand).rejects(new NotFoundException({ message: 'not found', $metadata: {} }));

    await expect(onEvent(event, client, log)).resolves.toMatchObject({ PhysicalResourceId: ARN });
  });

  test('Create fails on a name an earlier request of this resource created (a retained replicator)', async () => {
    const event = createEvent(exampleProperties({ ReplicatorName: 'orders-dr' }));
    kafka.on(CreateReplicatorCommand).rejects(new ConflictException({ message: 'exists', $metadata: {} }));
    kafka.on(ListReplicatorsCommand).resolves({ Replicators: [{ ReplicatorName: 'orders-dr', ReplicatorArn: ARN }] });
    kafka.on(ListTagsForResourceCommand).resolves({
      Tags: { [OWNER_TAG_KEY]: ownerTagValue(event), [REQUEST_TAG_KEY]: requestTagValue({ ...event, RequestId: 'req-earlier' }) },
    });

    await expect(onEvent(event, client, log))
      .rejects.toThrow(/A replicator named "orders-dr" already exists .* left by an earlier deployment of this resource/);
  });

  test('Create fails on a replicator this request created with another configuration', async () => {
    const event = createEvent(exampleProperties({ ReplicatorName: 'orders-dr', TargetCompressionType: 'GZIP' }));
    kafka.on(CreateReplicatorCommand).rejects(new ConflictException({ message: 'exists', $metadata: {} }));
    kafka.on(ListReplicatorsCommand).resolves({ Replicators: [{ ReplicatorName: 'orders-dr', ReplicatorArn: ARN }] });
    kafka.on(ListTagsForResourceCommand).resolves({
      Tags: { [OWNER_TAG_KEY]: ownerTagValue(event), [REQUEST_TAG_KEY]: requestTagValue(event) },
    });
    kafka.on(DescribeReplicatorCommand).resolves(live());

    await expect(onEvent(event, client, log)).rejects.toThrow(/differs from the template in .*targetCompressionType/);
  });

  test('Create fails on a name owned by someone else and touches nothing', async () => {
    kafka.on(CreateReplicatorCommand).rejects(new ConflictException({ message: 'exists', $metadata: {} }));
    kafka.on(ListReplicatorsCommand).resolves({ Replicators: [{ ReplicatorName: 'orders-dr', ReplicatorArn: ARN }] });
    kafka.on(ListTagsForResourceCommand).resolves({ Tags: { team: 'other' } });

    await expect(onEvent(createEvent(exampleProperties({ ReplicatorName: 'orders-dr' })), client, log))
      .rejects.toThrow(/A replicator named "orders-dr" already exists .* not created by this resource/);
    expect(kafka).not.toHaveReceivedCommand(DeleteReplicatorCommand);
    expect(kafka).not.toHaveReceivedCommand(UpdateReplicationInfoCommand);
  });

  test('Update of an immutable field with an unchanged fixed name fails without any write', async () => {
    kafka.on(DescribeReplicatorCommand).resolves(live());
    const oldProps = exampleProperties({ ReplicatorName: 'orders-dr' });
    const newProps = exampleProperties({ ReplicatorName: 'orders-dr', TargetCompressionType: 'GZIP' });

    await expect(onEvent(updateEvent(newProps, oldProps), client, log)).rejects.toThrow(
      /Changing `targetCompressionType` requires a new replicator.*change `replicatorName`/);
    expect(kafka).not.toHaveReceivedCommand(CreateReplicatorCommand);
  });

  test('Update back to what the live replicator already has (a rollback) is in place, not a replacement', async () => {
    kafka.on(DescribeReplicatorCommand).resolves(live());
    const failedProps = exampleProperties({ ReplicatorName: 'orders-dr', TargetCompressionType: 'GZIP' });
    const original = exampleProperties({ ReplicatorName: 'orders-dr' });

    const result = await onEvent(updateEvent(original, failedProps), client, log);

    expect(result).toMatchObject({ PhysicalResourceId: ARN, Data: { LifecycleAction: 'update' } });
    expect(kafka).not.toHaveReceivedCommand(CreateReplicatorCommand);
  });

  test('Delete with RETAIN deletes nothing, marks the replicator retained and says so', async () => {
    kafka.on(ListTagsForResourceCommand).resolves({ Tags: {} });
    kafka.on(TagResourceCommand).resolves({});
    const result = await onEvent(deleteEvent(exampleProperties({ DeletionBehaviour: 'retain' })), client, log);
    expect(result.Data.LifecycleAction).toBe('retain');
    expect(kafka).toHaveReceivedCommandWith(TagResourceCommand, { ResourceArn: ARN, Tags: { [RETAINED_TAG_KEY]: 'true' } });
    expect(kafka).not.toHaveReceivedCommand(DeleteReplicatorCommand);
    expect(logs.join('\n')).toMatch(/RETAIN: .* is left running/);
  });

  test('Delete with RETAIN of a replicator that never completed a deployment deletes it', async () => {
    kafka.on(ListTagsForResourceCommand).resolves({ Tags: { [REQUEST_TAG_KEY]: 'abc' } });
    const result = await onEvent(deleteEvent(exampleProperties({ DeletionBehaviour: 'retain' })), client, log);
    expect(result.Data.LifecycleAction).toBe('delete');
    expect(kafka).not.toHaveReceivedCommand(TagResourceCommand);
  });

  test('Delete with RETAIN of a replicator that deployed retains it', async () => {
    kafka.on(ListTagsForResourceCommand).resolves({ Tags: { [REQUEST_TAG_KEY]: 'abc', [DEPLOYED_TAG_KEY]: 'true' } });
    kafka.on(TagResourceCommand).resolves({});
    const result = await onEvent(deleteEvent(exampleProperties({ DeletionBehaviour: 'retain' })), client, log);
    expect(result.Data.LifecycleAction).toBe('retain');
  });

  test('Delete of a physical id that is not a replicator ARN makes no call', async () => {
    const result = await onEvent(deleteEvent(exampleProperties(), 'req-1'), client, log);
    expect(result.Data.LifecycleAction).toBe('none');
    expect(kafka.calls()).toHaveLength(0);
  });

  test('logs name the request and the calls, never the properties or tags', async () => {
    kafka.on(CreateReplicatorCommand).resolves({ ReplicatorArn: ARN });
    await onEvent(createEvent(exampleProperties({ Tags: { secretish: 'do-not-log-me' } })), client, log);
    const text = logs.join('\n');
    expect(text).toMatch(/^Create \(new resource\)/);
    expect(text).toMatch(/CreateReplicator /);
    expect(text).not.toContain('do-not-log-me');
    expect(text).not.toContain('ServiceExecutionRoleArn');
  });
});

describe('isComplete', () => {
  const created: ResourceData = { ReplicatorArn: ARN, LifecycleAction: 'create' };

  test('RUNNING under RETAIN marks the replicator deployed; under DESTROY no write', async () => {
    kafka.on(DescribeReplicatorCommand).resolves(live());
    kafka.on(TagResourceCommand).resolves({});
    await isComplete(completeEvent(createEvent(exampleProperties({ DeletionBehaviour: 'retain' })), created), client, log);
    expect(kafka).toHaveReceivedCommandWith(TagResourceCommand, { ResourceArn: ARN, Tags: { [DEPLOYED_TAG_KEY]: 'true' } });
    kafka.resetHistory();
    await isComplete(completeEvent(createEvent(exampleProperties()), created), client, log);
    expect(kafka).not.toHaveReceivedCommand(TagResourceCommand);
  });

  test('CREATING is not complete; RUNNING completes with the attributes', async () => {
    kafka.on(DescribeReplicatorCommand).resolvesOnce(live({ ReplicatorState: 'CREATING' })).resolves(live());
    const event = completeEvent(createEvent(), created);
    await expect(isComplete(event, client, log)).resolves.toEqual({ IsComplete: false });
    await expect(isComplete(event, client, log)).resolves.toEqual({
      IsComplete: true,
      Data: {
        ReplicatorArn: ARN,
        ReplicatorName: 'orders-dr',
        CurrentVersion: 'V1',
        // DescribeReplicator's ReplicationInfoList[0] aliases: the ClusterAlias dimension of per-cluster metrics
        SourceClusterAlias: 'src',
        TargetClusterAlias: 'tgt',
      },
    });
  });

  test('CREATING completes at once when waitForRunning is false', async () => {
    kafka.on(DescribeReplicatorCommand).resolves(live({ ReplicatorState: 'CREATING' }));
    const event = completeEvent(createEvent(exampleProperties({ WaitForRunning: 'false' })), created);
    await expect(isComplete(event, client, log)).resolves.toMatchObject({ IsComplete: true });
  });

  test('FAILED throws the service reason and leaves the replicator for the Delete CloudFormation sends next', async () => {
    kafka.on(DescribeReplicatorCommand).resolves(live({
      ReplicatorState: 'FAILED', StateInfo: { Code: 'AUTH_ERROR', Message: 'cannot authenticate to the source cluster' },
    }));
    await expect(isComplete(completeEvent(createEvent(), created), client, log))
      .rejects.toThrow('Replicator orders-dr failed to create: AUTH_ERROR: cannot authenticate to the source cluster');
    // deleting it here would lose the tag a rollback of a replacement needs to find the original
    expect(kafka).not.toHaveReceivedCommand(DeleteReplicatorCommand);
  });

  test('the replicator\'s timeout: onEvent sets a deadline, isComplete fails once it has passed', async () => {
    kafka.on(CreateReplicatorCommand).resolves({ ReplicatorArn: ARN });
    const before = Date.now();
    const response = await onEvent(createEvent(exampleProperties({ TimeoutSeconds: '300' })), client, log);
    expect(Number(response.Data.Deadline)).toBeGreaterThanOrEqual(before + 300_000);
    expect(Number(response.Data.Deadline)).toBeLessThan(before + 310_000);

    kafka.on(DescribeReplicatorCommand).resolves(live({ ReplicatorState: 'CREATING' }));
    const expired = completeEvent(createEvent(), { ...created, Deadline: String(Date.now() - 1) });
    await expect(isComplete(expired, client, log)).rejects.toThrow(/Timed out waiting for .*the next deployment continues from it/);
  });

  test('the replicator\'s timeout never bounds a delete: no deadline from onEvent, and one from an earlier version is ignored', async () => {
    const event = deleteEvent(exampleProperties({ TimeoutSeconds: '300' }));
    const response = await onEvent(event, client, log);
    expect(response.Data.LifecycleAction).toBe('delete');
    expect(response.Data.Deadline).toBeUndefined();

    kafka.on(DescribeReplicatorCommand).resolves(live({ ReplicatorState: 'CREATING' }));
    const expired = completeEvent(event, { ...response.Data, Deadline: String(Date.now() - 1) });
    await expect(isComplete(expired, client, log)).resolves.toEqual({ IsComplete: false });
  });

  test('throttling is "not yet", never a failure', async () => {
    kafka.on(DescribeReplicatorCommand).rejects(new TooManyRequestsException({ message: 'slow down', $metadata: { httpStatusCode: 429 } }));
    await expect(isComplete(completeEvent(createEvent(), created), client, log)).resolves.toEqual({ IsComplete: false });
  });

  test('an in-place update sends the parts that differ with the CurrentVersion just read, then completes', async () => {
    const oldProps = exampleProperties();
    const newProps = exampleProperties({ TopicReplication: { ...exampleProperties().TopicReplication as object, TopicsToReplicate: ['orders'] } });
    const event = completeEvent(updateEvent(newProps, oldProps), { ReplicatorArn: ARN, LifecycleAction: 'update' });
    kafka.on(DescribeReplicatorCommand).resolvesOnce(live()).resolves(live({ CurrentVersion: 'V2' }, ['orders']));
    kafka.on(UpdateReplicationInfoCommand).resolves({ ReplicatorState: 'UPDATING' });
    kafka.on(ListTagsForResourceCommand).resolves({ Tags: { [OWNER_TAG_KEY]: ownerTagValue(event) } });

    await expect(isComplete(event, client, log)).resolves.toEqual({ IsComplete: false });
    expect(kafka).toHaveReceivedCommandWith(UpdateReplicationInfoCommand, {
      ReplicatorArn: ARN,
      CurrentVersion: 'V1',
      SourceKafkaClusterArn: SOURCE_CLUSTER_ARN,
      TargetKafkaClusterArn: TARGET_CLUSTER_ARN,
      TopicReplication: {
        TopicsToReplicate: ['orders'],
        TopicsToExclude: [],
        CopyTopicConfigurations: true,
        CopyAccessControlListsForTopics: true,
        DetectAndCopyNewTopics: true,
      },
      ConsumerGroupReplication: undefined,
      LogDelivery: undefined,
    });
    await expect(isComplete(event, client, log)).resolves.toMatchObject({ IsComplete: true, Data: { CurrentVersion: 'V2' } });
    expect(kafka).toHaveReceivedCommandTimes(UpdateReplicationInfoCommand, 1);
    expect(kafka).not.toHaveReceivedCommand(TagResourceCommand);
  });

  test('tags: only keys the previous template set are removed; others are left alone', async () => {
    const oldProps = exampleProperties({ Tags: { team: 'a', cost: 'x' } });
    const newProps = exampleProperties({ Tags: { team: 'b' } });
    const event = completeEvent(updateEvent(newProps, oldProps), { ReplicatorArn: ARN, LifecycleAction: 'update' });
    kafka.on(DescribeReplicatorCommand).resolves(live());
    kafka.on(ListTagsForResourceCommand).resolves({ Tags: { team: 'a', cost: 'x', addedByOps: 'y', [OWNER_TAG_KEY]: ownerTagValue(event) } });

    await expect(isComplete(event, client, log)).resolves.toMatchObject({ IsComplete: true });
    expect(kafka).toHaveReceivedCommandWith(TagResourceCommand, { ResourceArn: ARN, Tags: { team: 'b' } });
    expect(kafka).toHaveReceivedCommandWith(UntagResourceCommand, { ResourceArn: ARN, TagKeys: ['cost'] });
  });

  test('delete waits while CREATING, deletes with the current version when RUNNING, completes on NotFound', async () => {
    const event = completeEvent(deleteEvent(), { ReplicatorArn: ARN, LifecycleAction: 'delete' });
    kafka.on(DescribeReplicatorCommand)
      .resolvesOnce(live({ ReplicatorState: 'CREATING' }))
      .resolvesOnce(live({ CurrentVersion: 'V7' }))
      .rejects(new NotFoundException({ message: 'gone', $metadata: { httpStatusCode: 404 } }));
    kafka.on(DeleteReplicatorCommand)
      .resolvesOnce({ ReplicatorState: 'DELETING' })
      .rejects(new NotFoundException({ message: 'gone', $metadata: { httpStatusCode: 404 } }));

    await expect(isComplete(event, client, log)).resolves.toEqual({ IsComplete: false });
    expect(kafka).not.toHaveReceivedCommand(DeleteReplicatorCommand);
    await expect(isComplete(event, client, log)).resolves.toEqual({ IsComplete: false });
    expect(kafka).toHaveReceivedCommandWith(DeleteReplicatorCommand, { ReplicatorArn: ARN, CurrentVersion: 'V7' });
    // a NotFound from Describe is confirmed by the delete itself before the delete counts as done
    await expect(isComplete(event, client, log)).resolves.toEqual({ IsComplete: true });
    expect(kafka).toHaveReceivedCommandTimes(DeleteReplicatorCommand, 2);
  });

  test('delete does not take a lagging NotFound from Describe for "gone": the replicator DeleteReplicator finds is deleted', async () => {
    const event = completeEvent(deleteEvent(), { ReplicatorArn: ARN, LifecycleAction: 'delete' });
    kafka.on(DescribeReplicatorCommand).rejects(new NotFoundException({ message: 'not yet visible', $metadata: { httpStatusCode: 404 } }));
    kafka.on(DeleteReplicatorCommand)
      .resolvesOnce({ ReplicatorState: 'DELETING' })
      .rejectsOnce(new BadRequestException({ message: 'Replicator is in DELETING state', $metadata: { httpStatusCode: 400 } }))
      .rejects(new NotFoundException({ message: 'gone', $metadata: { httpStatusCode: 404 } }));

    await expect(isComplete(event, client, log)).resolves.toEqual({ IsComplete: false });
    expect(kafka).toHaveReceivedCommandWith(DeleteReplicatorCommand, { ReplicatorArn: ARN });
    await expect(isComplete(event, client, log)).resolves.toEqual({ IsComplete: false });
    await expect(isComplete(event, client, log)).resolves.toEqual({ IsComplete: true });
  });
});
