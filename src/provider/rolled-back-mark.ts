import { KafkaClient } from '@aws-sdk/client-kafka';
import type { IsCompleteEvent, Logger } from './events';
import { ROLLED_BACK_TAG_KEY } from './lifecycle';
import { writeMark } from './mark-write';

/**
 * The rolled-back-to mark: a rollback that returns to the original tags the replacement it leaves with the original's
 * ARN, the positive mark that makes the cleanup Delete of the replacement delete it even under RETAIN (on-event.ts
 * `originalToReturnTo`, `remove`).
 *
 * isComplete writes it, once the return to the original is otherwise complete (onEvent hands it over in Data,
 * `MarkRolledBackFrom`), for two reasons:
 * - The mark is true only once the rollback has returned. A rollback can still fail after onEvent chose the original
 *   (isComplete finds the original deleted, FAILED with a change to make, or denied): CloudFormation then ends
 *   UPDATE_ROLLBACK_FAILED and keeps tracking the replacement, and a mark on it would make a later stack Delete under
 *   RETAIN delete it, and keep any Update from returning to it (ownership.ts `judge`; test/rollback-mark-on-completion.test.ts).
 * - A transient error on the write (throttling, 5xx, a dropped or timed-out connection, kafka-calls.ts `isTransient`)
 *   must not fail the rollback: the Provider framework fails the request at once when onEvent throws (aws-cdk-lib
 *   custom-resources/lib/provider-framework/runtime/framework.js `onEvent`), while its waiter polls isComplete again
 *   after one until the provider's total timeout (test/rollback-mark.test.ts).
 * CloudFormation sends the cleanup Delete only once the rollback's isComplete has answered complete, so the mark is in
 * place before that Delete reads it.
 */

/**
 * Writes the mark on `replacementArn`: true once it is written, or the replacement is gone and needs none; false while
 * TagResource answers NotFound and DescribeReplicator still shows it (mark-write.ts), to write it at the next poll.
 * Skipping it would make the cleanup Delete retain the replacement under RETAIN, beside the original.
 */
async function writeRolledBackMark(client: KafkaClient, replacementArn: string, originalArn: string, log: Logger): Promise<boolean> {
  return await writeMark(client, replacementArn, { [ROLLED_BACK_TAG_KEY]: originalArn }, log) !== 'not-yet';
}

/**
 * isComplete's write of the mark onEvent handed over, once the return to the original is otherwise complete: false
 * while it could not be written yet (the rollback is then not complete).
 */
export async function writeDeferredMark(event: IsCompleteEvent, client: KafkaClient, log: Logger): Promise<boolean> {
  const replacementArn = event.Data.MarkRolledBackFrom;
  if (replacementArn === undefined) return true;
  return writeRolledBackMark(client, replacementArn, event.PhysicalResourceId, log);
}
