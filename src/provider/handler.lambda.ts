import { withGatedCalls } from './call-gate';
import type { IsCompleteEvent, IsCompleteResponse, OnEventResponse, ProviderEvent } from './events';
import { conciseError } from './failure-reason';
import { InvocationContext, withInvocationDeadline } from './invocation-deadline';
import { isComplete } from './is-complete';
import { kafkaClient } from './kafka-client';
import { onEvent } from './on-event';
import { retryTransient } from './transient-retry';

/**
 * The provider's Lambda entry points. One bundled asset serves both functions: the onEvent function's
 * handler is `index.onEventHandler`, the isComplete function's is `index.isCompleteHandler`.
 *
 * The client uses the SDK's default endpoint resolution, so AWS_ENDPOINT_URL_KAFKA points it at any
 * MSK-compatible endpoint; its retries and request timeout are in kafka-client.ts.
 */
const client = kafkaClient();

/** Logs the request type, the physical id and each API call; never the event (it carries ARNs and tags). */
const log = (message: string) => console.log(message);

/** Runs one step; a failure is logged in full, then thrown as the short reason CloudFormation shows. */
async function step<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    log(`FAILED: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    throw conciseError(error);
  }
}

/**
 * onEvent, run again after a transient error while the invocation has time (transient-retry.ts), its waits bounded by
 * the time Lambda gives it (`context`, invocation-deadline.ts).
 */
export async function onEventHandler(event: ProviderEvent, context?: InvocationContext): Promise<OnEventResponse> {
  // the request's arrival, before any call: isComplete counts CloudFormation's ServiceTimeout from it (service-deadline.ts)
  const receivedAt = Date.now();
  return step(() => withInvocationDeadline(context, () => retryTransient(() => onEvent(event, client, log, receivedAt), log)));
}

/**
 * isComplete, each of its calls sent only while the invocation can wait for the answer (call-gate.ts); its waits bounded
 * like onEvent's.
 */
export async function isCompleteHandler(event: IsCompleteEvent, context?: InvocationContext): Promise<IsCompleteResponse> {
  return step(() => withInvocationDeadline(context, () => withGatedCalls(() => isComplete(event, client, log))));
}
