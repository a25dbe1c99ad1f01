import { KafkaClient } from '@aws-sdk/client-kafka';
import { attemptDeadline } from './attempt-deadline';
import { callGate } from './call-gate';
import { BoundedRetryStrategy, MAX_ATTEMPTS, MAX_RETRY_WAITS_MS } from './retry-strategy';

export { MAX_ATTEMPTS } from './retry-strategy';

/**
 * The handler's MSK client.
 *
 * Retries are generous (6 attempts, retry-strategy.ts) because every operation here is safe to repeat. Each attempt is
 * bounded: the SDK sets no request timeout by default ("Defaults to 0, which disables the timeout",
 * @smithy/node-http-handler NodeHttpHandlerOptions `requestTimeout`;
 * https://docs.aws.amazon.com/AWSJavaScriptSDK/v3/latest/Package/-smithy-node-http-handler), so a request the service
 * never answers would hold the function until Lambda stops it at its `Timeout`, and the Provider framework turns a
 * function that Lambda stopped into an immediate FAILED (runtime framework.js, `invokeUserFunction`, on
 * `FunctionError`). With a request timeout the attempt fails with `TimeoutError`, which is retried (the SDK classifies
 * it TRANSIENT: @smithy/core submodules/retry TRANSIENT_ERROR_CODES) and which isComplete treats as "not yet"
 * (kafka-calls.ts), so a hung request is retried, at the latest at the next poll. The timer starts when the request is
 * created and stops when the response's headers arrive (@smithy/node-http-handler 4.14 `setRequestTimeout`, cleared in
 * `handle`'s resolve), so it covers connecting as well; since 4.4.0 an exceeded `requestTimeout` only logs a warning
 * unless `throwOnRequestTimeout` is set. The body after the headers is bounded by the same time from the attempt's start
 * (attempt-deadline.ts): neither the request timeout nor any default socket timeout covers it.
 */
export const REQUEST_TIMEOUT_MS = 5_000;

/**
 * The longest one call can take, from our constants alone: MAX_ATTEMPTS attempts, each answered (throttled) or given
 * up on just as its REQUEST_TIMEOUT_MS runs out (headers and body: attempt-deadline.ts), and the longest waits of our retry strategy between them, which
 * ignores Retry-After: 6 x 5 s + 15.5 s = 45.5 s. A third of the isComplete function's 150-second timeout, so three such
 * calls fit one poll (replicator-provider.ts), and under the onEvent function's 120 seconds; onEvent keeps this much in
 * hand before each of its waits (invocation-deadline.ts), isComplete before each call (call-gate.ts). MSK's control-plane calls answer in well under a second; 5 seconds of silence is a
 * hung connection, not a slow answer. test/time-budget.test.ts measures it with the real SDK against a service that
 * throttles every attempt just before the request timeout.
 */
export const CALL_BOUND_MS = MAX_ATTEMPTS * REQUEST_TIMEOUT_MS + MAX_RETRY_WAITS_MS;

/** The client options every SDK client of the handler uses (MSK here, CloudFormation in stack-status.ts). */
export function boundedCallOptions() {
  return {
    retryStrategy: new BoundedRetryStrategy(),
    // read by the SDK only for the `amz-sdk-request: attempt=n; max=m` header; the strategy decides
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true },
  };
}

/** The one method of an SDK client's middleware stack used here (method syntax: any SDK client's stack fits). */
interface HandlerStack {
  add(middleware: ReturnType<typeof attemptDeadline>, options: { step: 'deserialize'; priority: 'low'; name: string }): void;
  add(middleware: ReturnType<typeof callGate>, options: { step: 'initialize'; name: string }): void;
}

/**
 * Adds to a client built with boundedCallOptions the per-attempt deadline on the whole response (attempt-deadline.ts)
 * and, inside isComplete, the gate that sends a call only while the invocation can wait for its answer (call-gate.ts).
 */
export function withCallBounds<C extends { middlewareStack: HandlerStack }>(client: C): C {
  client.middlewareStack.add(attemptDeadline(REQUEST_TIMEOUT_MS), { step: 'deserialize', priority: 'low', name: 'attemptDeadline' });
  client.middlewareStack.add(callGate(), { step: 'initialize', name: 'callGate' });
  return client;
}

export function kafkaClient(): KafkaClient {
  return withCallBounds(new KafkaClient(boundedCallOptions()));
}
