import { KafkaClient, TagResourceCommand } from '@aws-sdk/client-kafka';
import type { Logger } from './events';
import { mayWait } from './invocation-deadline';
import { describeReplicator, isGone } from './kafka-calls';
import { sleep } from './sleep';
import { ABSENCE_REREAD_WAITS_MS } from './tag-reads';

/**
 * One of the handler's marks written on a replicator it already read: the rolled-back-to mark (rolled-back-mark.ts)
 * and the retained mark (retained-mark.ts).
 *
 * A NotFound from TagResource is believed only when DescribeReplicator agrees at every read over 7.5 s
 * (ABSENCE_REREAD_WAITS_MS). Reads and writes by ARN are eventually consistent: a replicator just created answers
 * NotFound to calls that name it for a while (visibility.ts, with its sources: the Amazon EC2 API's "Eventual
 * consistency" page, Terraform's aws_msk_replicator create waiter), and the MSK Replicator API reference
 * (https://docs.aws.amazon.com/msk/1.0/apireference-replicator/) promises no read-after-write consistency and lists
 * NotFoundException among the errors of TagResource and DescribeReplicator. That a replicator deployed long ago, read a
 * moment before, can answer NotFound as well is an assumption, the harsher reading where the sources say nothing (the
 * simulator's `answerNotFound`). Taken for "gone", the mark would be skipped on a replicator that runs on, and every
 * decision it feeds would be taken without it. Other errors are thrown.
 */
export type MarkWrite =
  /** TagResource succeeded. */
  | 'written'
  /** TagResource answered NotFound, and so did every DescribeReplicator over 7.5 s: nothing to mark. */
  | 'gone'
  /**
   * TagResource answered NotFound while a DescribeReplicator shows the replicator, or before the re-reads could end
   * within the invocation's time: write it again later.
   */
  | 'not-yet';

export async function writeMark(client: KafkaClient, arn: string, tags: Record<string, string>, log: Logger): Promise<MarkWrite> {
  log(`TagResource ${arn} keys=${Object.keys(tags).join(',')}`);
  try {
    await client.send(new TagResourceCommand({ ResourceArn: arn, Tags: tags }));
    return 'written';
  } catch (error) {
    if (!isGone(error)) throw error;
  }
  for (const wait of [0, ...ABSENCE_REREAD_WAITS_MS]) {
    if (wait > 0) {
      // short of time (invocation-deadline.ts): not proven gone, so written again later rather than skipped
      if (!mayWait(wait)) return 'not-yet';
      await sleep(wait);
    }
    if (await describeReplicator(client, arn) !== undefined) {
      log(`TagResource ${arn}: NotFound while DescribeReplicator shows it; writing the mark again later`);
      return 'not-yet';
    }
  }
  return 'gone';
}
