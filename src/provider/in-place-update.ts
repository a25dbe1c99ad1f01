import { DescribeReplicatorResponse, KafkaClient, UpdateReplicationInfoCommand, UpdateReplicationInfoRequest } from '@aws-sdk/client-kafka';
import type { IsCompleteResponse, Logger } from './events';
import { describeReplicator, errorMessage, errorName } from './kafka-calls';
import { describeUpdate } from './lifecycle';

/**
 * Sends one UpdateReplicationInfo, made from `live` (its CurrentVersion), and answers "not complete": the next poll
 * looks at the result. A writer that got in between the Describe and the Update (a new CurrentVersion, or a state
 * change) is worth another look at the next poll; any other rejection is real.
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
    const now = await describeReplicator(client, arn);
    if (now && (now.CurrentVersion !== live.CurrentVersion || now.ReplicatorState !== 'RUNNING')) {
      log(`UpdateReplicationInfo rejected (${errorMessage(error)}): the replicator changed meanwhile; trying again`);
      return { IsComplete: false };
    }
    throw new Error(`UpdateReplicationInfo of ${arn} was rejected: ${errorMessage(error)}`);
  }
  return { IsComplete: false };
}
