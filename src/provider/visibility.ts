import type { KafkaClient } from '@aws-sdk/client-kafka';
import type { Logger, ResourceData } from './events';
import { mayWait } from './invocation-deadline';
import { describeReplicator, isTransient } from './kafka-calls';
import { sleep } from './sleep';

/**
 * When a NotFound may be believed. A replicator just created may answer NotFound to every call that names it
 * (DescribeReplicator, DeleteReplicator, ListTagsForResource) and be left out of ListReplicators for a while: reads are
 * eventually consistent ("if you run a command to modify or describe the resource that you just created ... you will
 * get an error responding that the resource does not exist", Amazon EC2 API "Eventual consistency",
 * https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html; the MSK Replicator API reference,
 * https://docs.aws.amazon.com/msk/1.0/apireference-replicator/, promises nothing better, and Terraform's
 * aws_msk_replicator create waiter polls through NotFound, hashicorp/terraform-provider-aws
 * internal/service/kafka/replicator.go). Such a replicator cannot be told from one that is gone.
 */

/**
 * How long a replicator just created may answer NotFound before it is believed absent. Bounded, so that a replicator
 * deleted meanwhile still fails a create, and a Delete of one deleted outside CloudFormation still ends.
 */
export const VISIBILITY_GRACE_MS = 2 * 60 * 1000;

/**
 * Waits between the reads with which a Delete looks for its replicator before it starts: 7.5 s in all, as far as the
 * invocation's remaining time allows (invocation-deadline.ts). Several reads, because a read may answer from a view
 * before the replicator existed even after another read saw it (reads need not be monotonic: the harsher reading of
 * the same pages).
 */
export const SEEN_REREAD_WAITS_MS: readonly number[] = [500, 1000, 2000, 4000];

/**
 * Whether DescribeReplicator shows `arn` to any of several reads, at the start of a Delete. A replicator seen there
 * has become visible, so a later NotFound from DeleteReplicator means it is gone. One not seen may be gone, or may
 * be a replicator created moments ago that no read shows yet: the Delete then waits VISIBILITY_GRACE_MS (see
 * `mayBelieveGone`). A transient error counts as "not seen": it only makes the Delete wait longer.
 */
export async function seenAtDeleteStart(client: KafkaClient, arn: string, log: Logger): Promise<boolean> {
  for (const wait of [0, ...SEEN_REREAD_WAITS_MS]) {
    // short of time (invocation-deadline.ts): "not seen" only makes the Delete wait longer
    if (wait > 0 && !mayWait(wait)) break;
    if (wait > 0) await sleep(wait);
    try {
      if (await describeReplicator(client, arn) !== undefined) return true;
    } catch (error) {
      if (!isTransient(error)) throw error;
    }
  }
  log(`${arn} not found by its reads: gone, or created moments ago and not visible yet; `
    + `NotFound is believed ${VISIBILITY_GRACE_MS / 1000} s after the delete started`);
  return false;
}

/**
 * Whether a Delete may take NotFound (from DescribeReplicator and DeleteReplicator alike) for "gone". Yes when the
 * replicator was seen when the Delete started (`SeenAtStart`); otherwise only once the reads have had
 * VISIBILITY_GRACE_MS since the Delete's own start (`RequestedAt`, stamped by onEvent: isComplete keeps no state
 * between polls). Before, the rollback Delete of a create that failed while its replicator was still invisible took
 * the NotFound for "gone", and the replicator appeared later, running untracked. The grace is measured from the
 * Delete's start, which comes after the create started: a replicator that becomes visible within VISIBILITY_GRACE_MS
 * of the Delete's start, so any that the create itself would still have waited for, is found and deleted.
 */
export function mayBelieveGone(data: Pick<ResourceData, 'RequestedAt' | 'SeenAtStart'>, now = Date.now()): boolean {
  return data.SeenAtStart === 'true' || now - Number(data.RequestedAt ?? 0) >= VISIBILITY_GRACE_MS;
}
