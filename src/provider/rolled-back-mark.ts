import { KafkaClient, TagResourceCommand } from '@aws-sdk/client-kafka';
import type { IsCompleteEvent, Logger } from './events';
import { isGone, isTransient } from './kafka-calls';
import { ROLLED_BACK_TAG_KEY } from './lifecycle';

/**
 * The rolled-back-to mark: a rollback that returns to the original tags the replacement it leaves with the original's
 * ARN, the positive mark that makes the cleanup Delete of the replacement delete it even under RETAIN (on-event.ts
 * `originalToReturnTo`, `remove`).
 *
 * onEvent writes it; a transient error there (throttling, 5xx, a dropped or timed-out connection, kafka-calls.ts
 * `isTransient`) that outlasted the SDK's attempts must not fail the rollback: the Provider framework fails the request
 * at once when onEvent throws (aws-cdk-lib custom-resources/lib/provider-framework/runtime/framework.js `onEvent`),
 * which leaves the stack UPDATE_ROLLBACK_FAILED tracking the replacement, with the original running beside it. How
 * many attempts the SDK makes is not fixed: its retry quota belongs to the client, which outlives one invocation in a
 * reused Lambda execution environment, and once drained by earlier errors it stops retrying (AWS SDKs and Tools
 * Reference Guide, "Retry behavior": https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html).
 * So onEvent hands the write to isComplete (`MarkRolledBackFrom` in Data), which the Provider framework's waiter
 * polls again after a transient error until its total timeout; CloudFormation sends the cleanup Delete only once the
 * rollback's isComplete has answered complete, so the mark is in place before that Delete reads it.
 */

/** Writes the mark on `replacementArn`; a replacement already gone needs none. Other errors are thrown. */
export async function writeRolledBackMark(client: KafkaClient, replacementArn: string, originalArn: string, log: Logger): Promise<void> {
  log(`TagResource ${replacementArn} keys=${ROLLED_BACK_TAG_KEY}`);
  try {
    await client.send(new TagResourceCommand({ ResourceArn: replacementArn, Tags: { [ROLLED_BACK_TAG_KEY]: originalArn } }));
  } catch (error) {
    if (!isGone(error)) throw error;
  }
}

/**
 * onEvent's write: true when written (or the replacement is gone), false when a transient error left it to isComplete.
 */
export async function markOrDefer(client: KafkaClient, replacementArn: string, originalArn: string, log: Logger): Promise<boolean> {
  try {
    await writeRolledBackMark(client, replacementArn, originalArn, log);
    return true;
  } catch (error) {
    if (!isTransient(error)) throw error;
    log(`TagResource ${replacementArn}: transient error after the SDK's retries; isComplete writes the mark before the rollback completes`);
    return false;
  }
}

/** isComplete's write of a mark onEvent deferred, once the return to the original is otherwise complete. */
export async function writeDeferredMark(event: IsCompleteEvent, client: KafkaClient, log: Logger): Promise<void> {
  const replacementArn = event.Data.MarkRolledBackFrom;
  if (replacementArn === undefined) return;
  await writeRolledBackMark(client, replacementArn, event.PhysicalResourceId, log);
}
