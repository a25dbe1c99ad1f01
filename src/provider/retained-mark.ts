import type { KafkaClient } from '@aws-sdk/client-kafka';
import type { IsCompleteEvent, Logger } from './events';
import { RETAINED_TAG_KEY } from './lifecycle';
import { writeMark } from './mark-write';

/**
 * The retained mark: a replicator a RETAIN removal policy leaves running carries it, saying that no stack manages it
 * any more. What reads it:
 * - an adoption by another resource (adoption.ts `adoptionRefusal`): a replicator another resource owns is refused
 *   unless it is retained, so without the mark the replicator RETAIN kept could never be adopted again;
 * - a rollback's search for the original (ownership.ts): a retained replicator is never returned to;
 * - the adoption's own checks (adoption-steps.ts `createdByThisResource`, adoption.ts `foreignRecordRefusal`).
 *
 * onEvent writes it as the Delete starts (on-event.ts `remove`; isComplete for an adopted replicator,
 * adoption-steps.ts `adoptedFate`). A NotFound it cannot believe yet (mark-write.ts) leaves it to isComplete (Data
 * `MarkRetained`), which writes it at every poll until it is written or the replicator is gone. A Delete is bounded
 * only by the provider's total, never by the ServiceTimeout guard (service-deadline.ts).
 */
export const RETAINED_MARK: Readonly<Record<string, string>> = { [RETAINED_TAG_KEY]: 'true' };

/** isComplete's write of the retained mark onEvent handed over: false while it could not be written yet. */
export async function writeDeferredRetainedMark(event: IsCompleteEvent, client: KafkaClient, log: Logger): Promise<boolean> {
  if (event.Data.MarkRetained !== 'true') return true;
  return await writeMark(client, event.PhysicalResourceId, { ...RETAINED_MARK }, log) !== 'not-yet';
}
