import { KafkaClient } from '@aws-sdk/client-kafka';

/**
 * The handler's MSK client.
 *
 * Retries are generous (6 attempts) because every operation here is safe to repeat. Each attempt is bounded: the
 * SDK sets no request timeout by default ("Defaults to 0, which disables the timeout", @smithy/node-http-handler
 * NodeHttpHandlerOptions `requestTimeout`; https://docs.aws.amazon.com/AWSJavaScriptSDK/v3/latest/Package/-smithy-node-http-handler),
 * so a request the service never answers would hold the function until Lambda stops it at its `Timeout`, and the
 * Provider framework turns a function that Lambda stopped into an immediate FAILED (runtime framework.js,
 * `invokeUserFunction`, on `FunctionError`). With a request timeout the attempt fails with `TimeoutError`, which the
 * SDK retries (@smithy/service-error-classification TRANSIENT_ERROR_CODES) and isComplete treats as "not yet"
 * (kafka-calls.ts), so a hung request is retried, at the latest at the next poll.
 * Since @smithy/node-http-handler 4.4.0 an exceeded `requestTimeout` only logs a warning unless
 * `throwOnRequestTimeout` is set.
 *
 * The bound of one call: MAX_ATTEMPTS x REQUEST_TIMEOUT_MS plus the SDK's backoff between attempts (at most
 * 100 ms x 2^n per retry in the standard strategy, @smithy/util-retry DEFAULT_RETRY_DELAY_BASE: under 7 s for 5
 * retries), 6 x 5 s + 7 s = 37 s: shorter than the isComplete function's 60-second timeout
 * (replicator-provider.ts) and the onEvent function's 120 seconds. MSK's control-plane calls answer in well under a
 * second; 5 seconds of silence is a hung connection, not a slow answer.
 */
export const REQUEST_TIMEOUT_MS = 5_000;
export const MAX_ATTEMPTS = 6;
/** The upper bound of the SDK's backoff over MAX_ATTEMPTS - 1 retries (see above). */
export const MAX_BACKOFF_MS = [1, 2, 3, 4, 5].reduce((sum, n) => sum + 100 * 2 ** n, 0);

export function kafkaClient(): KafkaClient {
  return new KafkaClient({
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true },
  });
}
