import { KafkaClient } from '@aws-sdk/client-kafka';
import type { IsCompleteEvent, IsCompleteResponse, OnEventResponse, ProviderEvent } from './events';
import { isComplete } from './is-complete';
import { onEvent } from './on-event';

/**
 * The provider's Lambda entry points. One bundled asset serves both functions: the onEvent function's
 * handler is `index.onEventHandler`, the isComplete function's is `index.isCompleteHandler`.
 *
 * The client uses the SDK's default endpoint resolution, so AWS_ENDPOINT_URL_KAFKA points it at any
 * MSK-compatible endpoint. Retries are generous because every operation here is safe to repeat.
 */
const client = new KafkaClient({ maxAttempts: 6 });

/** Logs the request type, the physical id and each API call; never the event (it carries ARNs and tags). */
const log = (message: string) => console.log(message);

export async function onEventHandler(event: ProviderEvent): Promise<OnEventResponse> {
  return onEvent(event, client, log);
}

export async function isCompleteHandler(event: IsCompleteEvent): Promise<IsCompleteResponse> {
  return isComplete(event, client, log);
}
