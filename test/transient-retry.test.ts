import { TooManyRequestsException } from '@aws-sdk/client-kafka';
import { DEADLINE_MARGIN_MS, mayWait, OutOfTime, withInvocationDeadline } from '../src/provider/invocation-deadline';
import { isTransient } from '../src/provider/kafka-calls';
import { MAX_ATTEMPTS, REQUEST_TIMEOUT_MS } from '../src/provider/kafka-client';
import { MAX_RETRY_WAITS_MS } from '../src/provider/retry-strategy';
import { sleep, SLEEP_HOOK } from '../src/provider/sleep';
import { ON_EVENT_RETRY_WAITS_MS, retryTransient } from '../src/provider/transient-retry';

/**
 * onEvent run again after a transient error, and its waits, within the time Lambda gives the invocation
 * (context.getRemainingTimeInMillis, https://docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html). Time here is a
 * number the sleep hook advances: deterministic, and no real waiting.
 */

let now = 0;
let waits: number[] = [];
const logs: string[] = [];
const log = (line: string) => logs.push(line);
const hooks = globalThis as Record<string, unknown>;

beforeEach(() => {
  now = 0;
  waits = [];
  logs.length = 0;
  hooks[SLEEP_HOOK] = async (ms: number) => {
    waits.push(ms);
    now += ms;
  };
});
afterEach(() => {
  delete hooks[SLEEP_HOOK];
});

/** A Lambda context whose function times out `timeoutMs` after `now` = 0. */
const context = (timeoutMs: number) => ({ getRemainingTimeInMillis: () => timeoutMs - now });
const throttled = () => new TooManyRequestsException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } });

/** A step that fails with `errors` in turn, then answers 'done'. */
function failing(...errors: Error[]) {
  let calls = 0;
  const run = async () => {
    const error = errors[calls++];
    if (error !== undefined) throw error;
    return 'done';
  };
  return { run, calls: () => calls };
}

test('the margin is one MSK call at its worst: every attempt hung until the request timeout, the longest retry waits between them', () => {
  // our retry strategy's waits (retry-strategy.ts), measured with the real SDK in test/time-budget.test.ts
  expect(MAX_RETRY_WAITS_MS).toBe(15_500);
  expect(DEADLINE_MARGIN_MS).toBe(MAX_ATTEMPTS * REQUEST_TIMEOUT_MS + MAX_RETRY_WAITS_MS);
  expect(DEADLINE_MARGIN_MS).toBe(45_500);
});

test('a transient error is followed by another run, after a wait, while time allows', async () => {
  const step = failing(throttled(), throttled());

  await expect(withInvocationDeadline(context(120_000), () => retryTransient(step.run, log))).resolves.toBe('done');

  expect(step.calls()).toBe(3);
  expect(waits).toEqual([1000, 2000]);
  expect(logs[0]).toMatch(/^transient TooManyRequestsException \(Rate exceeded\) after the SDK's retries: running onEvent again in 1000 ms$/);
});

test('an error that is not transient is thrown at once', async () => {
  const step = failing(new Error('The replicator "x" already exists'));

  await expect(withInvocationDeadline(context(120_000), () => retryTransient(step.run, log))).rejects.toThrow(/already exists/);

  expect(step.calls()).toBe(1);
  expect(waits).toEqual([]);
});

test('no run is started that would leave less than the margin: the transient error is thrown instead', async () => {
  // 1 s of wait fits, then 2 s does not
  const step = failing(throttled(), throttled(), throttled());

  await expect(withInvocationDeadline(context(DEADLINE_MARGIN_MS + 2500), () => retryTransient(step.run, log))).rejects.toThrow(/Rate exceeded/);

  expect(step.calls()).toBe(2);
  expect(waits).toEqual([1000]);
});

test('without a context the waits keep their fixed caps', async () => {
  const step = failing(...ON_EVENT_RETRY_WAITS_MS.map(throttled), throttled());

  await expect(retryTransient(step.run, log)).rejects.toThrow(/Rate exceeded/);

  expect(waits).toEqual(ON_EVENT_RETRY_WAITS_MS);
  expect(mayWait(Number.MAX_SAFE_INTEGER)).toBe(true);
});

test('a wait that does not fit the invocation fails with OutOfTime, not a transient error, before waiting', async () => {
  await withInvocationDeadline(context(DEADLINE_MARGIN_MS + 1000), async () => {
    expect(mayWait(1000)).toBe(true);
    expect(mayWait(1001)).toBe(false);
    const error = await sleep(1001).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutOfTime);
    expect(isTransient(error)).toBe(false);
    await expect(sleep(1001)).rejects.toThrow(/^This invocation has 47 s left, too little to wait 1001 ms more and keep 45.5 s for the next MSK call/);
  });
  expect(waits).toEqual([]);
});
