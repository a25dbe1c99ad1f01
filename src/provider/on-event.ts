import { createHash } from 'crypto';
import { CreateReplicatorCommand, KafkaClient } from '@aws-sdk/client-kafka';
import type { Logger, OnEventResponse, ProviderEvent } from './events';
import { describeReplicator, errorName, findReplicatorByName, isReplicatorArn, listTags } from './kafka-calls';
import { OWNER_TAG_KEY, replacementBlocker, replacementCauses } from './lifecycle';
import { decodeProperties, ReplicatorProperties } from './properties';
import { createReplicatorRequest } from './requests';

/**
 * onEvent: starts the change and returns at once; isComplete waits for it and finishes it.
 *
 * - Create: CreateReplicator (a retried request adopts the replicator it already created).
 * - Update: a change the API cannot apply in place creates a new replicator and returns its ARN as the new
 *   physical id, so CloudFormation deletes the old one afterwards; otherwise isComplete reconciles in place.
 * - Delete: nothing here; isComplete waits for a deletable state, deletes, and waits until it is gone.
 */
export async function onEvent(event: ProviderEvent, client: KafkaClient, log: Logger): Promise<OnEventResponse> {
  log(`${event.RequestType} ${event.PhysicalResourceId ?? '(new resource)'}`);
  const response = await dispatch(event, client, log);
  // The replicator's own `timeout`, enforced by isComplete; the provider's total timeout bounds it anyway.
  // Only requests that wait on a replicator have one (their properties were decoded already).
  const waits = ['create', 'update', 'delete'].includes(response.Data.LifecycleAction);
  const timeoutSeconds = waits ? decodeProperties(event.ResourceProperties).TimeoutSeconds : undefined;
  return timeoutSeconds !== undefined
    ? { ...response, Data: { ...response.Data, Deadline: String(Date.now() + timeoutSeconds * 1000) } }
    : response;
}

async function dispatch(event: ProviderEvent, client: KafkaClient, log: Logger): Promise<OnEventResponse> {
  switch (event.RequestType) {
    case 'Create':
      return create(event, decodeProperties(event.ResourceProperties), client, log);
    case 'Update':
      return update(event, client, log);
    case 'Delete':
      return remove(event, log);
  }
}

/** A value for the owner tag that only this CloudFormation resource produces. */
export function ownerTagValue(event: ProviderEvent): string {
  return createHash('sha256').update(`${event.StackId}|${event.LogicalResourceId}`).digest('hex').slice(0, 32);
}

/**
 * A generated name: the construct's prefix plus a suffix derived from the request, so names are unique per
 * replacement but a retried delivery of the same request produces the same name (and is recognised).
 */
export function generatedName(prefix: string, event: ProviderEvent): string {
  const suffix = createHash('sha256').update(`${event.StackId}|${event.LogicalResourceId}|${event.RequestId}`)
    .digest('hex').slice(0, 12);
  return `${prefix.slice(0, 128 - suffix.length - 1).replace(/-+$/, '')}-${suffix}`;
}

async function create(
  event: ProviderEvent,
  props: ReplicatorProperties,
  client: KafkaClient,
  log: Logger,
): Promise<OnEventResponse> {
  const name = props.ReplicatorName ?? generatedName(props.ReplicatorNamePrefix!, event);
  const owner = ownerTagValue(event);
  const tags = { ...props.Tags, [OWNER_TAG_KEY]: owner };
  let arn: string | undefined;
  try {
    log(`CreateReplicator ${name}`);
    const response = await client.send(new CreateReplicatorCommand(createReplicatorRequest(props, name, tags)));
    arn = response.ReplicatorArn;
  } catch (error) {
    if (errorName(error) !== 'ConflictException') throw error;
    // The name exists. Either this very request already created it (a retried delivery, or a response lost
    // on the way back), or it belongs to someone else: adopt only what carries this resource's owner tag.
    arn = await findReplicatorByName(client, name);
    const ownerOfExisting = arn ? (await listTags(client, arn))[OWNER_TAG_KEY] : undefined;
    if (arn === undefined || ownerOfExisting !== owner) {
      throw new Error(`A replicator named "${name}" already exists in this account and Region and was not created by `
        + 'this resource. Replicator names are unique: choose another `replicatorName`, or omit it to generate one.');
    }
    log(`CreateReplicator ${name}: already created by this resource, adopting ${arn}`);
  }
  if (!isReplicatorArn(arn)) throw new Error(`CreateReplicator returned no replicator ARN for ${name}`);
  return { PhysicalResourceId: arn, Data: { ReplicatorArn: arn, ReplicatorName: name, LifecycleAction: 'create' } };
}

async function update(event: ProviderEvent, client: KafkaClient, log: Logger): Promise<OnEventResponse> {
  const props = decodeProperties(event.ResourceProperties);
  const previous = decodeProperties(event.OldResourceProperties);
  const physicalId = event.PhysicalResourceId!;
  if (!isReplicatorArn(physicalId)) {
    log(`${physicalId} is not a replicator ARN (its creation failed earlier): creating the replicator`);
    return create(event, props, client, log);
  }
  log(`DescribeReplicator ${physicalId}`);
  const live = await describeReplicator(client, physicalId);
  if (live === undefined) {
    log(`${physicalId} no longer exists (deleted outside CloudFormation): creating a new replicator`);
    return create(event, props, client, log);
  }
  const causes = replacementCauses(previous, props, live);
  if (causes.length > 0) {
    const blocker = replacementBlocker(causes, previous, props);
    if (blocker) throw new Error(blocker);
    log(`replacing ${physicalId}: ${causes.join(', ')} changed; CloudFormation deletes the old replicator afterwards`);
    return create(event, props, client, log);
  }
  return {
    PhysicalResourceId: physicalId,
    Data: {
      ReplicatorArn: physicalId,
      ReplicatorName: live.ReplicatorName,
      CurrentVersion: live.CurrentVersion,
      LifecycleAction: 'update',
    },
  };
}

function remove(event: ProviderEvent, log: Logger): OnEventResponse {
  const physicalId = event.PhysicalResourceId!;
  if (!isReplicatorArn(physicalId)) {
    log(`${physicalId} is not a replicator ARN (its creation failed earlier): nothing to delete`);
    return { PhysicalResourceId: physicalId, Data: { LifecycleAction: 'none' } };
  }
  // A replicator exists, so its properties were decoded when it was created.
  if (decodeProperties(event.ResourceProperties).DeletionBehaviour === 'retain') {
    log(`removal policy RETAIN: ${physicalId} is left running and is no longer managed by this stack`);
    return { PhysicalResourceId: physicalId, Data: { LifecycleAction: 'retain' } };
  }
  return { PhysicalResourceId: physicalId, Data: { ReplicatorArn: physicalId, LifecycleAction: 'delete' } };
}
