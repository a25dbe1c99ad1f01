import { DescribeReplicatorResponse, KafkaClient, UpdateReplicationInfoCommand, UpdateReplicationInfoRequest } from '@aws-sdk/client-kafka';
import type { IsCompleteResponse, Logger } from './events';
import { describeReplicator, errorMessage, errorName } from './kafka-calls';
import { describeUpdate } from './lifecycle';
import { sleep } from './sleep';

/**
 * Waits between the reads that tell a writer that got in between from a real rejection: 7.5 s in all, as the other
 * re-reads of the handler. A read may lag behind a write (the hostile mode's stale reads, local-aws/msk-simulator/hostile.ts),
 * and the writer may be this very update: carried out, its response lost, the SDK's repeat rejected because the
 * replicator is UPDATING by the first; one read can still show it RUNNING at the version it was sent with.
 */
export const REJECTION_REREAD_WAITS_MS = [0, 500, 1000, 2000, 4000];

/**
 * Sends one UpdateReplicationInfo, made from `live` (its CurrentVersion), and answers "not complete": the next poll
 * looks at the result. A writer that got in between the Describe and the Update (a new CurrentVersion, or a state
 * change, seen by any of the reads of REJECTION_REREAD_WAITS_MS) is worth another look at the next poll; a rejection
 * is real only when every read shows the replicator RUNNING at the version the update was sent with.
 */
export async function sendInPlaceUpdate(
  request: UpdateReplicationInfoRequest,
  live: DescribeReplicatorResponse,
  client: KafkaClient,
  log: Logger,
): Promise<IsCompleteResponse> {
  const arn = live.ReplicatorArn!;
  log(`UpdateReplicationInfo ${arn} CurrentVersion=${request.CurrentVersion} changes=${describeUpdate(request).join(',')}`);
  try {
    await client.send(new UpdateReplicationInfoCommand(request));
  } catch (error) {
    if (errorName(error) !== 'BadRequestException') throw error;
    for (const wait of REJECTION_REREAD_WAITS_MS) {
      if (wait > 0) await sleep(wait);
      const now = await describeReplicator(client, arn);
      if (now && (now.CurrentVersion !== live.CurrentVersion || now.ReplicatorState !== 'RUNNING')) {
        log(`UpdateReplicationInfo rejected (${errorMessage(error)}): the replicator changed meanwhile; trying again`);
        return { IsComplete: false };
      }
    }
    throw new Error(`UpdateReplicationInfo of ${arn} was rejected: ${errorMessage(error)}`);
  }
  return { IsComplete: false };
}
