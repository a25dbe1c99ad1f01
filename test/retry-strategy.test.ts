import {
  BoundedRetryStrategy, MAX_ATTEMPTS, MAX_RETRY_WAITS_MS, THROTTLED_RETRY_WAIT_CAPS_MS, TRANSIENT_RETRY_WAIT_CAPS_MS,
} from '../src/provider/retry-strategy';

/**
 * The handler's retry strategy (retry-strategy.ts) as the SDK's retry middleware drives it: one initial token per call,
 * a refresh after each failed attempt (a throw ends the call), recordSuccess on success. Time is jest's fake timers.
 */

type ErrorType = 'THROTTLING' | 'TRANSIENT' | 'SERVER_ERROR' | 'CLIENT_ERROR';

beforeEach(() => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
});
afterEach(() => {
  jest.useRealTimers();
});

/** Plays one call whose every attempt fails with `errorType`: the retries granted and the virtual time they took. */
async function failingCall(strategy: BoundedRetryStrategy, errorType: ErrorType, retryAfterHint?: Date) {
  const started = Date.now();
  let token = await strategy.acquireInitialRetryToken();
  let retries = 0;
  for (;;) {
    const refresh = strategy.refreshRetryTokenForRetry(token, { errorType, retryAfterHint }).then((t) => t, () => undefined);
    await jest.runAllTimersAsync();
    const next = await refresh;
    if (next === undefined) break;
    expect(next.getRetryDelay()).toBe(0);
    token = next;
    retries += 1;
  }
  return { retries, elapsed: Date.now() - started };
}

test('the waits at their longest are the caps, and no more than MAX_RETRY_WAITS_MS in all', async () => {
  const longest = new BoundedRetryStrategy(() => 1);
  expect(await failingCall(longest, 'THROTTLING')).toEqual({ retries: MAX_ATTEMPTS - 1, elapsed: 15_500 });
  expect(await failingCall(longest, 'TRANSIENT')).toEqual({ retries: MAX_ATTEMPTS - 1, elapsed: 1_550 });
  expect(await failingCall(longest, 'SERVER_ERROR')).toEqual({ retries: MAX_ATTEMPTS - 1, elapsed: 1_550 });
  expect(MAX_RETRY_WAITS_MS).toBe(THROTTLED_RETRY_WAIT_CAPS_MS.reduce((a, b) => a + b, 0));
  expect(TRANSIENT_RETRY_WAIT_CAPS_MS.every((cap, i) => cap <= THROTTLED_RETRY_WAIT_CAPS_MS[i])).toBe(true);
});

test('a Retry-After hint does not lengthen a wait', async () => {
  const longest = new BoundedRetryStrategy(() => 1);
  const hint = new Date(Date.now() + 3_600_000);
  expect(await failingCall(longest, 'THROTTLING', hint)).toEqual({ retries: MAX_ATTEMPTS - 1, elapsed: 15_500 });
});

test('the waits are jittered below their caps', async () => {
  expect(await failingCall(new BoundedRetryStrategy(() => 0.5), 'THROTTLING')).toEqual({ retries: 5, elapsed: 7_750 });
  expect(await failingCall(new BoundedRetryStrategy(() => 0), 'THROTTLING')).toEqual({ retries: 5, elapsed: 0 });
});

test('a client error is not retried', async () => {
  expect(await failingCall(new BoundedRetryStrategy(() => 1), 'CLIENT_ERROR')).toEqual({ retries: 0, elapsed: 0 });
});

test('no quota: a client that met 1,000 failing calls (a warm Lambda after a bad hour) still retries the next one in full', async () => {
  const strategy = new BoundedRetryStrategy(() => 0);
  for (let call = 0; call < 1000; call++) await failingCall(strategy, call % 2 === 0 ? 'THROTTLING' : 'TRANSIENT');
  expect(await failingCall(strategy, 'TRANSIENT')).toEqual({ retries: MAX_ATTEMPTS - 1, elapsed: 0 });
});
