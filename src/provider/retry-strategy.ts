import type { KafkaClientConfig } from '@aws-sdk/client-kafka';

/**
 * The retries of the handler's SDK clients, ours rather than the SDK's defaults, so that the longest one call can take
 * is a sum of our own constants (kafka-client.ts `CALL_BOUND_MS`) whatever the bundled SDK's defaults become.
 *
 * Why not the SDK's standard strategy: in @smithy/core 3.41 (submodules/retry, `StandardRetryStrategy`,
 * `DefaultRetryBackoffStrategy`, `Retry`) a throttled retry waits random x min(1,000 ms x 2^i, 20 s), a server's
 * Retry-After hint can add up to 5 s more per retry (`refreshRetryTokenForRetry`), and the bases have changed between
 * releases (100 ms in @smithy/util-retry, 50 ms and 1,000 ms throttled in `Retry.delay()` / `throttlingDelay()` now):
 * 6 hung, throttled attempts took up to 6 x 5 s + 31 s + 25 s = 86 s, beyond the isComplete function's 60 s. Its retry
 * quota (500 tokens, 14 per transient retry, 5 per throttled one, given back only on success) lives in the client, which
 * a warm Lambda keeps between invocations: after a bad minute of MSK, later invocations would get no retries at all.
 *
 * This one keeps no state between calls (each call has at most MAX_ATTEMPTS attempts; the handler calls MSK one call at
 * a time, a few per 30-second poll, so there is no burst for a quota to damp), ignores Retry-After, and retries what
 * the SDK classifies as THROTTLING, TRANSIENT (timeouts, dropped connections, 500/502/503/504) or SERVER_ERROR (other
 * 5xx), as the handler's own `isTransient` (kafka-calls.ts) treats all three as "try again". CLIENT_ERROR (4xx) is not
 * retried; a 4xx the SDK counts TRANSIENT because it corrected the clock is retried once (`clientErrorRetriedForClockSkew`).
 * The SDK's retry middleware (@smithy/core submodules/retry `bindRetryMiddleware`) calls `acquireInitialRetryToken`
 * once per call, `refreshRetryTokenForRetry` after each failed attempt (a throw ends the call with the attempt's error)
 * and `recordSuccess` on success; it sleeps `getRetryDelay()` ms after a refresh. The
 * wait is taken here, inside the refresh (as the SDK's own strategy does since @smithy/core 3.41), and the token's
 * delay is 0, so the wait is neither skipped nor doubled if the middleware changes which of the two sleeps.
 */

type RetryStrategyV2 = Extract<NonNullable<KafkaClientConfig['retryStrategy']>, { acquireInitialRetryToken: unknown }>;
type RetryToken = Awaited<ReturnType<RetryStrategyV2['acquireInitialRetryToken']>>;
type RetryErrorInfo = Parameters<RetryStrategyV2['refreshRetryTokenForRetry']>[1];

/** Attempts per call: the first and 5 retries. Every MSK call of the handler is safe to repeat. */
export const MAX_ATTEMPTS = 6;

/**
 * The longest wait before retry 1..5 of a throttled call (full jitter: a wait is random x cap, so concurrent handlers
 * spread out): 15.5 s in all, patient enough for a throttled account API, short enough to fit the call bound.
 */
export const THROTTLED_RETRY_WAIT_CAPS_MS: readonly number[] = [500, 1_000, 2_000, 4_000, 8_000];
/** The longest wait before retry 1..5 after a timeout, a dropped connection or a 5xx: 1.55 s in all. */
export const TRANSIENT_RETRY_WAIT_CAPS_MS: readonly number[] = [50, 100, 200, 400, 800];
/** The most one call can wait between its attempts: the larger cap of each retry, summed (15.5 s). */
export const MAX_RETRY_WAITS_MS = THROTTLED_RETRY_WAIT_CAPS_MS
  .reduce((sum, cap, i) => sum + Math.max(cap, TRANSIENT_RETRY_WAIT_CAPS_MS[i]), 0);

const RETRIED: ReadonlySet<RetryErrorInfo['errorType']> = new Set(['THROTTLING', 'TRANSIENT', 'SERVER_ERROR'] as const);

/**
 * A 4xx (other than 429) that the SDK counts TRANSIENT only because its response corrected the client's clock. The SDK
 * re-estimates the offset from every error's `Date` header and marks the error `clockSkewCorrected` whenever the
 * estimate is 4 minutes or more and differs from the one the request was signed with (@aws-sdk/core httpAuthSchemes
 * `AwsSdkSigV4Signer.errorHandler`; @smithy/core submodules/retry `isClockSkewCorrectedError`); the estimate is taken to
 * the millisecond against a header of one-second resolution, so under a real skew every error differs again. One retry,
 * signed with the corrected clock, is the point of it; more would send the same refused request MAX_ATTEMPTS times
 * (test/retry-classification.test.ts).
 */
function clientErrorRetriedForClockSkew(errorInfo: RetryErrorInfo): boolean {
  const metadata = (errorInfo.error as { $metadata?: { httpStatusCode?: number; clockSkewCorrected?: boolean } } | undefined)?.$metadata;
  const status = metadata?.httpStatusCode;
  return metadata?.clockSkewCorrected === true && status !== undefined && status >= 400 && status < 500 && status !== 429;
}

function token(retries: number, waited: number): RetryToken {
  return { getRetryCount: () => retries, getRetryDelay: () => 0, $retryLog: { acquisitionDelay: waited } };
}

export class BoundedRetryStrategy implements RetryStrategyV2 {
  /** @param random the jitter's source, [0, 1) */
  public constructor(private readonly random: () => number = Math.random) {}

  public async acquireInitialRetryToken(): Promise<RetryToken> {
    return token(0, 0);
  }

  public async refreshRetryTokenForRetry(previous: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    const retries = previous.getRetryCount();
    if (!RETRIED.has(errorInfo.errorType) || retries + 1 >= MAX_ATTEMPTS) throw new Error('not retried');
    if (retries >= 1 && clientErrorRetriedForClockSkew(errorInfo)) throw new Error('not retried');
    const caps = errorInfo.errorType === 'THROTTLING' ? THROTTLED_RETRY_WAIT_CAPS_MS : TRANSIENT_RETRY_WAIT_CAPS_MS;
    const wait = Math.floor(Math.min(Math.max(this.random(), 0), 1) * caps[retries]);
    await new Promise((resolve) => setTimeout(resolve, wait));
    return token(retries + 1, wait);
  }

  public recordSuccess(): void {
    // no quota to give back
  }
}
