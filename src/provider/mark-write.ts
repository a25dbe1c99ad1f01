import { KafkaClient, TagResourceCommand } from '@aws-sdk/client-kafka';
import type { Logger } from './events';
import { describeReplicator, isGone } from './kafka-calls';

/**
 * One of the handler's marks written on a replicator it already read: the rolled-back-to mark (rolled-back-mark.ts)
 * and the retained mark (retained-mark.ts).
 *
 * A NotFound from TagResource is believed only when DescribeReplicator agrees. MSK promises no read-after-write
 * consistency (MSK API reference, https://docs.aws.amazon.com/msk/1.0/apireference-replicator/), and a replicator just
 * created answers NotFound to calls by its ARN for a while (the simulator's `hideNextCreation`); where the source says
 * nothing about a replicator read a moment ago, the harsher reading is the one modelled: the write may still answer
 * NotFound. Taken for "gone", the mark would be skipped on a replicator that runs on, and every decision it feeds would
 * be taken without it. Other errors are thrown.
 */
export type MarkWrite =
  /** TagResource succeeded. */
  | 'written'
  /** TagResource and DescribeReplicator both answered NotFound: nothing to mark. */
  | 'gone'
  /** TagResource answered NotFound while DescribeReplicator shows the replicator: write it again later. */
  | 'not-yet';

export async function writeMark(client: KafkaClient, arn: string, tags: Record<string, string>, log: Logger): Promise<MarkWrite> {
  log(`TagResource ${arn} keys=${Object.keys(tags).join(',')}`);
  try {
    await client.send(new TagResourceCommand({ ResourceArn: arn, Tags: tags }));
    return 'written';
  } catch (error) {
    if (!isGone(error)) throw error;
  }
  if (await describeReplicator(client, arn) === undefined) return 'gone';
  log(`TagResource ${arn}: NotFound while DescribeReplicator shows it; writing the mark again later`);
  return 'not-yet';
}
