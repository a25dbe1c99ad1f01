import type { DescribeReplicatorResponse, KafkaClient } from '@aws-sdk/client-kafka';
import type { Logger } from './events';
import { describeReplicator, findReplicatorByName, listTagsIfVisible } from './kafka-calls';
import { immutableDifferences, REQUEST_TAG_KEY } from './lifecycle';
import type { ReplicatorProperties } from './properties';

/**
 * A creation whose replicator is not known by ARN yet: CreateReplicator took effect but its response was lost, and
 * ListReplicators has not shown the replicator within onEvent's reads (ADOPTION_WAITS_MS). Failing onEvent there would
 * leave that replicator untracked for good: the Provider framework answers a failed Create's onEvent with its
 * CREATE_FAILED marker, and ignores CloudFormation's rollback Delete for that marker without calling the handler
 * (aws-cdk-lib custom-resources/lib/provider-framework/runtime/cfn-response.js, `safeHandler`). So onEvent answers
 * a pending physical id naming the replicator's name and the request that created it, and every later call resolves
 * it by name (ListReplicators) and request tag:
 * - isComplete of the create: once resolved, it waits for the replicator like any create and answers its ARN as the
 *   physical id (framework.js builds the response as `{ ...event, ...isCompleteResult }`, so a PhysicalResourceId in
 *   isComplete's result is the one CloudFormation records);
 * - a failed create's rollback Delete, and the cleanup Delete after a rollback, sent to the pending id (a failed
 *   isComplete, or the framework's timeout, answers FAILED with the id onEvent returned: framework.js `isComplete`
 *   and `onTimeout`): it deletes the replicator the request created, if any;
 * - an Update sent to it (a rollback): returns to the replicator CloudFormation had before, or creates one, never to the
 *   pending one itself, which CloudFormation deletes afterwards (a changed physical id, CloudFormation User Guide,
 *   "Custom resources").
 */

const PENDING_ID_PREFIX = 'cdk-msk-replicator:pending-creation:';
const PENDING_ID = /^cdk-msk-replicator:pending-creation:([0-9a-f]{32}):([0-9A-Za-z][0-9A-Za-z-]*)$/;

export interface PendingCreation {
  /** The request tag value of the request that created it (ownership.ts `requestTagValue`). */
  readonly request: string;
  readonly name: string;
}

/** The physical id of a pending creation (about 200 characters at most: a name is at most 128). */
export function pendingCreationId(pending: PendingCreation): string {
  return `${PENDING_ID_PREFIX}${pending.request}:${pending.name}`;
}

/** The pending creation a physical id names, if it is one. */
export function parsePendingCreation(physicalId: string | undefined): PendingCreation | undefined {
  const match = physicalId === undefined ? null : PENDING_ID.exec(physicalId);
  return match === null ? undefined : { request: match[1], name: match[2] };
}

/** What the reads tell of a pending creation right now. */
export type Resolution =
  /** ListReplicators does not show the name (yet, or any more). */
  | { readonly kind: 'unseen' }
  /** Listed, but its tags could not be read yet: it exists, whose it is cannot be told. */
  | { readonly kind: 'unproven'; readonly arn: string }
  /** Created by this request. */
  | { readonly kind: 'ours'; readonly arn: string; readonly live?: DescribeReplicatorResponse; readonly tags: Record<string, string> }
  /** The name belongs to a replicator another request or creator made. */
  | { readonly kind: 'other'; readonly arn: string; readonly tags: Record<string, string> };

/**
 * One look: ListReplicators by name, then the replicator's tags from DescribeReplicator (whose response carries Tags,
 * API model `DescribeReplicatorResponse`) or, when that lags, ListTagsForResource. CreateReplicator sets the tags with
 * the replicator, so tags without this request's mean another creator, and no tags at all mean a read that lags.
 */
export async function resolvePendingCreation(client: KafkaClient, pending: PendingCreation, log: Logger): Promise<Resolution> {
  log(`ListReplicators ${pending.name} (resolving the pending creation by name and request tag)`);
  const arn = await findReplicatorByName(client, pending.name);
  if (arn === undefined) return { kind: 'unseen' };
  const live = await describeReplicator(client, arn);
  let tags = live?.Tags ?? {};
  if (Object.keys(tags).length === 0) tags = await listTagsIfVisible(client, arn) ?? {};
  if (Object.keys(tags).length === 0) return { kind: 'unproven', arn };
  return tags[REQUEST_TAG_KEY] === pending.request ? { kind: 'ours', arn, live, tags } : { kind: 'other', arn, tags };
}

/** The name belongs to a replicator this request did not create. */
export function nameTaken(name: string, ownedByThisResource: boolean): Error {
  const origin = ownedByThisResource
    ? 'and was left by an earlier deployment of this resource (retained or replaced)'
    : 'and was not created by this resource';
  return new Error(`A replicator named "${name}" already exists in this account and Region ${origin}. Replicator `
    + 'names are unique: choose another `replicatorName`, omit it to generate one, or delete the existing replicator.');
}

/** Fails when the replicator this request created differs from the request in what cannot change in place. */
export function assertAsRequested(name: string, props: ReplicatorProperties, live: DescribeReplicatorResponse | undefined): void {
  const differences = live !== undefined ? immutableDifferences(props, live).map((d) => d.prop) : [];
  if (differences.length > 0) {
    throw new Error(`The replicator "${name}" this request created differs from the template in ${differences.join(', ')}; `
      + 'delete it and deploy again.');
  }
}
