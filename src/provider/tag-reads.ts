import type { DescribeReplicatorResponse, KafkaClient } from '@aws-sdk/client-kafka';
import { mayWait } from './invocation-deadline';
import { describeReplicator, listTagsIfVisible } from './kafka-calls';
import { sleep } from './sleep';

/**
 * A replicator's tags read several times and merged, for decisions that rest on a mark an earlier request wrote: a
 * tag read may lag behind a write (MSK documents no read-after-write consistency for ListTagsForResource), so one
 * read could miss the mark, in either direction. A tag seen once was written: the merge keeps it. A NotFound may lag
 * too (a replicator just created): it proves nothing while another read sees the replicator. Undefined when no read
 * found the replicator.
 */
export async function mergedTagReads(client: KafkaClient, arn: string, waitsMs: readonly number[]): Promise<Record<string, string> | undefined> {
  const merged: Record<string, string> = {};
  let seen = false;
  for (const wait of [0, ...waitsMs]) {
    if (wait > 0) await sleep(wait);
    const tags = await listTagsIfVisible(client, arn);
    if (tags === undefined) continue;
    seen = true;
    Object.assign(merged, tags);
  }
  return seen ? merged : undefined;
}

/**
 * The first of several tag reads that finds the replicator, with a wait of `waitsMs` before each re-read: a NotFound may
 * lag behind the replicator's creation. Undefined when none found it, or when the invocation's time allows no more
 * waits (`mayWait`): the caller has an answer short of them (`tagsUnlessGone`).
 */
export async function firstTagRead(client: KafkaClient, arn: string, waitsMs: readonly number[]): Promise<Record<string, string> | undefined> {
  for (const wait of [0, ...waitsMs]) {
    if (wait > 0) {
      if (!mayWait(wait)) return undefined;
      await sleep(wait);
    }
    const tags = await listTagsIfVisible(client, arn);
    if (tags !== undefined) return tags;
  }
  return undefined;
}

/**
 * Waits before each re-read of a NotFound that must not be believed at once (a replicator CloudFormation tracks, its
 * tags): 7.5 s in all. A wait the invocation's remaining time does not allow fails onEvent (sleep.ts, OutOfTime) rather
 * than believe the NotFound early, unless the caller has an answer short of it (`firstTagRead`).
 */
export const ABSENCE_REREAD_WAITS_MS: readonly number[] = [500, 1000, 2000, 4000];

/** Why a decision that rests on tags is not taken: no read shows them (`tagsUnlessGone` answered no tags). */
export const NO_TAGS_SEEN = 'neither ListTagsForResource (NotFound) nor DescribeReplicator (no Tags) shows its tags';

/** What the reads of `tagsUnlessGone` found. */
export type TagView =
  /** Every DescribeReplicator answered NotFound too, after every tag read did. */
  | { readonly kind: 'gone' }
  /**
   * The replicator's tags; undefined when no tag read found it and no DescribeReplicator answer had a Tags member.
   * `live`: the last DescribeReplicator answer that found it, when DescribeReplicator was asked.
   */
  | { readonly kind: 'seen'; readonly tags: Record<string, string> | undefined; readonly live?: DescribeReplicatorResponse };

/**
 * A replicator's tags for a decision that must not take a NotFound of ListTagsForResource for "gone": those `read` found
 * (`mergedTagReads`, `firstTagRead`); when it found none, DescribeReplicator decides. A tag read may lag behind the
 * replicator's creation while DescribeReplicator already shows it (MSK documents no read-after-write consistency for
 * either; the simulator's `lagListsAfterNextCreate`), and taking that NotFound for "gone" deleted a replicator kept by
 * RETAIN, or judged one of this resource's someone else's. DescribeReplicator's answer carries the replicator's Tags
 * (DescribeReplicatorResponse.Tags in the API model); it may lag behind a write too (the simulator's `lagNextRead`,
 * hostile.ts `staleRead`), so it is read once, then again after each of `describeWaitsMs`, and the Tags of every
 * answer are merged (a tag seen once was written): gone only when every answer is NotFound.
 */
export async function tagsUnlessGone(
  client: KafkaClient,
  arn: string,
  read: Promise<Record<string, string> | undefined>,
  describeWaitsMs: readonly number[],
): Promise<TagView> {
  const tags = await read;
  if (tags !== undefined) return { kind: 'seen', tags };
  let merged: Record<string, string> | undefined;
  let last: DescribeReplicatorResponse | undefined;
  for (const wait of [0, ...describeWaitsMs]) {
    if (wait > 0) await sleep(wait);
    const live = await describeReplicator(client, arn);
    if (live === undefined) continue;
    last = live;
    if (live.Tags !== undefined) merged = { ...merged, ...live.Tags };
  }
  return last === undefined ? { kind: 'gone' } : { kind: 'seen', tags: merged, live: last };
}
