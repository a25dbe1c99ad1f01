import type { KafkaClient } from '@aws-sdk/client-kafka';
import { listTagsIfVisible } from './kafka-calls';
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
