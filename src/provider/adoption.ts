import { deflateRawSync, inflateRawSync } from 'zlib';
import type { DescribeReplicatorResponse } from '@aws-sdk/client-kafka';
import {
  DEPLOYED_TAG_KEY,
  HANDLER_TAG_KEYS,
  immutableDifferences,
  isOwnerValue,
  MANAGED_BY_TAG_KEY,
  OWNER_TAG_KEY,
  RETAINED_TAG_KEY,
} from './lifecycle';
import type { LogDeliverySpec, ReplicatorProperties } from './properties';

/**
 * Adoption: the first deployment of an `MskReplicator` with `adoptExisting` takes over the replicator of its name
 * instead of creating one. Pure functions, no client: the handler (adoption-steps.ts) acts on them and the `plan`
 * command prints them, so the two cannot disagree.
 *
 * What the replicator was like before is kept on the replicator itself, in tags (FOUND_AS_TAG_PREFIX): the in-place
 * configuration it had (topics, consumer groups, log delivery) and the original value of every tag the adoption
 * writes. A failed first deployment gives it back from them. Tags, because a Delete event carries nothing but the
 * physical id and the properties, and the replicator is the one place that lives exactly as long as what it records.
 */

/** Keys `<prefix>0`, `<prefix>1`, ... hold the found state, compressed, split into tag-value-sized chunks. */
export const FOUND_AS_TAG_PREFIX = 'cdk-msk-replicator:found-as/';

/**
 * Amazon MSK's tag restrictions ("Tag restrictions", https://docs.aws.amazon.com/msk/latest/developerguide/msk-tagging-restrictions.html):
 * at most 50 tags per resource, values of 0 to 255 characters of letters, digits, white space and `_ . / = + - @`.
 * (The native resource's schema allows 256; the smaller is used.) The chunks are base64url, which uses only letters,
 * digits, `-` and `_`.
 */
export const MAX_TAGS_PER_REPLICATOR = 50;
export const MAX_TAG_VALUE_LENGTH = 255;

/** The state of a replicator before the adoption wrote to it: what a failed first deployment restores. */
export interface FoundState {
  readonly topics: {
    readonly TopicsToReplicate: string[];
    readonly TopicsToExclude: string[];
    readonly CopyTopicConfigurations: boolean;
    readonly CopyAccessControlListsForTopics: boolean;
    readonly DetectAndCopyNewTopics: boolean;
  };
  readonly groups: {
    readonly ConsumerGroupsToReplicate: string[];
    readonly ConsumerGroupsToExclude: string[];
    readonly SynchroniseConsumerGroupOffsets: boolean;
    readonly DetectAndCopyNewConsumerGroups: boolean;
  };
  readonly logs?: LogDeliverySpec;
  /** Every tag key the adoption sets or removes, with its value before (null: the key was absent). */
  readonly tags: Record<string, string | null>;
  /**
   * The owner tag value of the resource that wrote the record: only that resource gives the replicator back from it
   * (another resource's failed adoption must not undo this one's).
   */
  readonly owner: string;
}

/** Why the replicator cannot be adopted, or undefined when it can. Reads nothing: every input was read before. */
export function adoptionRefusal(
  props: ReplicatorProperties,
  live: DescribeReplicatorResponse,
  tags: Record<string, string>,
  ownerValue: string,
): string | undefined {
  const name = live.ReplicatorName;
  const differences = immutableDifferences(props, live);
  if (differences.length > 0) {
    return `The replicator "${name}" cannot be adopted: it differs from the template in what cannot change in place: `
      + `${differences.map((d) => `${d.prop} (template ${JSON.stringify(d.desired)}, replicator ${JSON.stringify(d.live)})`).join('; ')}. `
      + 'Nothing was changed. Make the template match the replicator (see `cdk-msk-replicator plan`), or remove '
      + '`adoptExisting` and choose another `replicatorName` to create a new replicator.';
  }
  const owner = tags[OWNER_TAG_KEY];
  if (owner !== ownerValue && tags[RETAINED_TAG_KEY] === undefined && isOwnerValue(owner)) {
    const by = tags[MANAGED_BY_TAG_KEY] !== undefined ? ` (${tags[MANAGED_BY_TAG_KEY]})` : '';
    return `The replicator "${name}" is already managed by another MskReplicator${by}, owner tag ${OWNER_TAG_KEY}=${owner}: `
      + 'a replicator is adopted by one resource only. Nothing was changed. Remove it from that stack first (with '
      + '`removalPolicy: RETAIN`, so that it keeps running), then deploy this one.';
  }
  switch (live.ReplicatorState) {
    case 'RUNNING':
    case 'CREATING':
    case 'UPDATING':
      return undefined;
    case 'FAILED':
      return `The replicator "${name}" is FAILED (${live.StateInfo?.Code ?? 'UNKNOWN'}: ${live.StateInfo?.Message ?? 'no message'}) `
        + 'and is not adopted: a failed replicator copies nothing, and nothing can change on it in place. Nothing was '
        + 'changed. Delete it and let this MskReplicator create a new one (remove `adoptExisting`).';
    default:
      return `The replicator "${name}" is ${live.ReplicatorState} and cannot be adopted. Nothing was changed.`;
  }
}

/** `<stack name>/<logical id>` from the event's stack id `arn:...:stack/<name>/<uuid>`. */
export function managedByValue(stackId: string, logicalId: string): string {
  const name = stackId.split('/')[1] ?? stackId;
  return `${name}/${logicalId}`.slice(0, MAX_TAG_VALUE_LENGTH);
}

/** The in-place configuration of `live` as the construct's contract spells it. */
export function foundConfiguration(live: DescribeReplicatorResponse): Omit<FoundState, 'tags' | 'owner'> {
  const info = live.ReplicationInfoList?.[0];
  const topics = info?.TopicReplication;
  const groups = info?.ConsumerGroupReplication;
  const d = live.LogDelivery?.ReplicatorLogDelivery;
  const logs: LogDeliverySpec = {
    CloudWatchLogGroup: d?.CloudWatchLogs?.Enabled ? d.CloudWatchLogs.LogGroup : undefined,
    FirehoseDeliveryStream: d?.Firehose?.Enabled ? d.Firehose.DeliveryStream : undefined,
    S3Bucket: d?.S3?.Enabled ? d.S3.Bucket : undefined,
    S3Prefix: d?.S3?.Enabled ? d.S3.Prefix : undefined,
  };
  return {
    topics: {
      TopicsToReplicate: topics?.TopicsToReplicate ?? [],
      TopicsToExclude: topics?.TopicsToExclude ?? [],
      CopyTopicConfigurations: topics?.CopyTopicConfigurations ?? false,
      CopyAccessControlListsForTopics: topics?.CopyAccessControlListsForTopics ?? false,
      DetectAndCopyNewTopics: topics?.DetectAndCopyNewTopics ?? false,
    },
    groups: {
      ConsumerGroupsToReplicate: groups?.ConsumerGroupsToReplicate ?? [],
      ConsumerGroupsToExclude: groups?.ConsumerGroupsToExclude ?? [],
      SynchroniseConsumerGroupOffsets: groups?.SynchroniseConsumerGroupOffsets ?? false,
      DetectAndCopyNewConsumerGroups: groups?.DetectAndCopyNewConsumerGroups ?? false,
    },
    logs: Object.values(logs).some((v) => v !== undefined) ? logs : undefined,
  };
}

/**
 * The properties that describe the replicator as it was found: the template's, with the in-place parts replaced by
 * the found ones. `planInPlaceUpdate(foundProperties(...), live)` is the update that gives it back.
 */
export function foundProperties(props: ReplicatorProperties, found: FoundState): ReplicatorProperties {
  return {
    ...props,
    TopicReplication: { ...props.TopicReplication, ...found.topics },
    ConsumerGroupReplication: { ...props.ConsumerGroupReplication, ...found.groups },
    LogDelivery: found.logs,
  };
}

/**
 * The tags an adoption writes (the template's tags, the owner, the readable owner; under RETAIN the deployed mark is
 * written when it completes) and the handler tags of an earlier life it removes (a replicator another stack retained
 * carries that stack's request, deployed and retained marks, which would mislead this resource's later decisions).
 */
export function adoptionTags(props: ReplicatorProperties, liveTags: Record<string, string>, ownerValue: string, managedBy: string) {
  const set: Record<string, string> = { ...props.Tags, [OWNER_TAG_KEY]: ownerValue, [MANAGED_BY_TAG_KEY]: managedBy };
  const remove = HANDLER_TAG_KEYS.filter((k) => set[k] === undefined && liveTags[k] !== undefined);
  const touched = [...Object.keys(set), ...remove, ...(props.DeletionBehaviour === 'retain' ? [DEPLOYED_TAG_KEY] : [])];
  const before: Record<string, string | null> = {};
  for (const key of new Set(touched)) before[key] = liveTags[key] ?? null;
  return { set, remove, before };
}

/**
 * A record of how the replicator was found that another resource wrote (an adoption no later deployment confirmed) is
 * not this resource's to overwrite, unless that resource let the replicator go (RETAIN's mark).
 */
export function foreignRecordRefusal(name: string | undefined, tags: Record<string, string>, ownerValue: string): string | undefined {
  if (tags[OWNER_TAG_KEY] === ownerValue || tags[RETAINED_TAG_KEY] !== undefined) return undefined;
  if (foundStateKeys(tags).length === 0) return undefined;
  return `The replicator "${name}" carries another resource's record of how it was found before an adoption (tags `
    + `${FOUND_AS_TAG_PREFIX}*) that no later deployment confirmed. Nothing was changed. Deploy or delete the stack that `
    + 'adopted it first.';
}

/** What an adoption writes: the tags to set (ownership, the template's tags, the record) and the marks to remove. */
export interface AdoptionWrite {
  readonly set: Record<string, string>;
  readonly remove: string[];
}

/**
 * Everything an adoption of `live` would write, or why it is refused: the one decision the handler acts on and the
 * `plan` command prints. `managedBy` is `<stack name>/<logical id>`.
 */
export function planAdoptionWrite(
  props: ReplicatorProperties,
  live: DescribeReplicatorResponse,
  liveTags: Record<string, string>,
  ownerValue: string,
  managedBy: string,
): { readonly refusal: string } | { readonly write: AdoptionWrite } {
  const refusal = adoptionRefusal(props, live, liveTags, ownerValue) ?? foreignRecordRefusal(live.ReplicatorName, liveTags, ownerValue);
  if (refusal !== undefined) return { refusal };
  const change = adoptionTags(props, liveTags, ownerValue, managedBy);
  const record = encodeFoundState({ ...foundConfiguration(live), tags: change.before, owner: ownerValue });
  const set = { ...change.set, ...record };
  // under RETAIN the reconciliation that follows adds the deployed mark
  const later: Record<string, string> = props.DeletionBehaviour === 'retain' ? { [DEPLOYED_TAG_KEY]: 'true' } : {};
  const budget = tagBudgetRefusal(live.ReplicatorName, liveTags, set, change.remove, later, Object.keys(record).length);
  if (budget !== undefined) return { refusal: budget };
  return { write: { set, remove: change.remove } };
}

/** The found state as tags: compressed JSON in base64url, in chunks of at most MAX_TAG_VALUE_LENGTH characters. */
export function encodeFoundState(found: FoundState): Record<string, string> {
  const text = deflateRawSync(Buffer.from(JSON.stringify(found))).toString('base64url');
  const tags: Record<string, string> = {};
  for (let i = 0; i * MAX_TAG_VALUE_LENGTH < text.length; i++) {
    tags[`${FOUND_AS_TAG_PREFIX}${i}`] = text.slice(i * MAX_TAG_VALUE_LENGTH, (i + 1) * MAX_TAG_VALUE_LENGTH);
  }
  return tags;
}

/**
 * The found state from a replicator's tags, or undefined when it carries none. Chunks are written by one TagResource
 * call, so a read sees all of them or none; a set that does not decode (edited by someone) is an error, never a
 * guess.
 */
export function decodeFoundState(tags: Record<string, string>): FoundState | undefined {
  const keys = Object.keys(tags).filter((k) => k.startsWith(FOUND_AS_TAG_PREFIX));
  if (keys.length === 0) return undefined;
  const parts: string[] = [];
  for (let i = 0; i < keys.length; i++) {
    const part = tags[`${FOUND_AS_TAG_PREFIX}${i}`];
    if (part === undefined) throw new Error(`The adoption record on the replicator is incomplete (no ${FOUND_AS_TAG_PREFIX}${i} tag).`);
    parts.push(part);
  }
  try {
    return JSON.parse(inflateRawSync(Buffer.from(parts.join(''), 'base64url')).toString()) as FoundState;
  } catch {
    throw new Error(`The adoption record on the replicator (tags ${FOUND_AS_TAG_PREFIX}*) does not decode: it was edited.`);
  }
}

/** Keys of the found-state chunks a replicator carries. */
export function foundStateKeys(tags: Record<string, string>): string[] {
  return Object.keys(tags).filter((k) => k.startsWith(FOUND_AS_TAG_PREFIX));
}

/**
 * Why the adoption's tags would not fit MSK's 50 tags per replicator, or undefined when they fit at every step: the
 * adoption's TagResource (`set`) comes before its UntagResource (`removed`, adoption-steps.ts `recordAdoption`), and the
 * reconciliation that follows adds `later`. MSK refuses a TagResource that would take a resource past 50 ("The maximum
 * number of tags per resource is 50", https://docs.aws.amazon.com/msk/latest/developerguide/msk-tagging-restrictions.html;
 * the harsher reading, local-aws/msk-simulator), so the count that matters is the largest: before the removals, or after
 * everything (test/adoption.test.ts). Tagging first keeps an earlier life's marks until ownership is written.
 */
export function tagBudgetRefusal(
  name: string | undefined,
  liveTags: Record<string, string>,
  set: Record<string, string>,
  removed: string[],
  later: Record<string, string>,
  recordTags: number,
) {
  const whileWritten = new Set([...Object.keys(liveTags), ...Object.keys(set)]).size;
  const after = new Set([...Object.keys(liveTags).filter((k) => !removed.includes(k)), ...Object.keys(set), ...Object.keys(later)]).size;
  if (Math.max(whileWritten, after) <= MAX_TAGS_PER_REPLICATOR) return undefined;
  const carry = whileWritten > after ? `${whileWritten} tags while its tags are written` : `${after} tags`;
  return `The replicator "${name}" cannot be adopted: with the template's tags, this resource's and the record of how it was `
    + `found (${recordTags} tags of ${MAX_TAG_VALUE_LENGTH} characters: its topics, consumer groups, log delivery and the old `
    + `values of the tags the adoption sets), it would carry ${carry}, more than the ${MAX_TAGS_PER_REPLICATOR} MSK `
    + 'allows per replicator. Nothing was changed. Remove tags from the replicator or from the template, or shorten its '
    + 'topic and consumer group lists first.';
}

/**
 * The tag changes that give a released replicator back its tags as found: keys it had are set to their old values,
 * keys it did not have are removed, and so is the found-state record itself. Decided from the record alone, not from
 * `liveTags` (which only names the record's chunks): a tag read may lag behind the adoption's TagResource, and the
 * merge of several reads (tag-reads.ts) lets a lagging last read win, showing the old values already in place
 * (test/adoption-give-back-tags.test.ts). TagResource of a value already there changes nothing, and an UntagResource
 * naming a key the replicator does not carry is one the service takes (see tag-writes.ts).
 */
export function restoreTags(found: FoundState, liveTags: Record<string, string>): { toAdd: Record<string, string>; toRemove: string[] } {
  const toAdd: Record<string, string> = {};
  const toRemove: string[] = [];
  for (const [key, value] of Object.entries(found.tags)) {
    if (value === null) toRemove.push(key);
    else toAdd[key] = value;
  }
  toRemove.push(...foundStateKeys(liveTags));
  return { toAdd, toRemove: toRemove.sort() };
}

/**
 * Stack statuses in which a Delete is meant: the stack is deleted, or a successful update removes the resource or
 * replaced it ("DELETE_IN_PROGRESS", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "Stack status codes",
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/view-stack-events.html). In every other status a Delete
 * is CloudFormation undoing what a failed operation created ("ROLLBACK_IN_PROGRESS: Ongoing removal of one or more
 * stacks after a failed stack creation", "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS: Ongoing removal of new
 * resources for a stack after a failed stack update", same page): for an adopted replicator, the adoption.
 */
export const DELETION_STATUSES: readonly string[] = ['DELETE_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'];
