import { createHash } from 'crypto';
import type { DescribeReplicatorResponse, KafkaClient } from '@aws-sdk/client-kafka';
import type { ProviderEvent } from './events';
import { describeReplicator, isReplicatorArn, listTags } from './kafka-calls';
import { OWNER_TAG_KEY, REPLACES_TAG_KEY, RETAINED_TAG_KEY } from './lifecycle';

/**
 * Which replicators belong to which CloudFormation resource and request, read from the tags the handler sets
 * (lifecycle.ts: owner, request, replaces, retained, deployed).
 */

/** A value for the owner tag that only this CloudFormation resource produces. */
export function ownerTagValue(event: ProviderEvent): string {
  return createHash('sha256').update(`${event.StackId}|${event.LogicalResourceId}`).digest('hex').slice(0, 32);
}

/** A value for the request tag that only this request (and a retried delivery of it) produces. */
export function requestTagValue(event: ProviderEvent): string {
  return createHash('sha256').update(`${event.StackId}|${event.LogicalResourceId}|${event.RequestId}`).digest('hex').slice(0, 32);
}

/**
 * The replicator a replacement (carrying `replacementTags`) replaced, when this resource still manages it: it
 * exists, is not being deleted, carries this resource's owner tag and was not retained. CloudFormation deletes the
 * original only after a replacement deployed for good, so finding it means the replacement was rolled back from.
 */
export async function managedOriginal(
  replacementTags: Record<string, string>,
  event: ProviderEvent,
  client: KafkaClient,
): Promise<DescribeReplicatorResponse | undefined> {
  const originalArn = replacementTags[REPLACES_TAG_KEY];
  if (!isReplicatorArn(originalArn)) return undefined;
  const original = await describeReplicator(client, originalArn);
  if (original === undefined || original.ReplicatorState === 'DELETING') return undefined;
  const tags = await listTags(client, originalArn);
  return tags[OWNER_TAG_KEY] === ownerTagValue(event) && tags[RETAINED_TAG_KEY] === undefined ? original : undefined;
}
