import { AsyncLocalStorage } from 'async_hooks';
import type { Logger } from './events';
import { DEADLINE_MARGIN_MS, mayWait, secondsLeft, timeBeforeMargin } from './invocation-deadline';
import { errorMessage, errorName, isTransient } from './kafka-calls';
import { sleep } from './sleep';

/**
 * onEvent repeated after a transient error (throttling, 5xx, a dropped or timed-out connection: kafka-calls.ts
 * `isTransient`) that outlasted the SDK's own retries.
 *
 * Why: the Provider framework fails the resource at once when onEvent throws, while it retries isComplete until its
 * total timeout (aws-cdk-lib custom-resources/lib/provider-framework/runtime/framework.js `onEvent`, and the waiter
 * state machine's Retrier). A failed rollback Update leaves the stack UPDATE_ROLLBACK_FAILED tracking the replacement
 * it was undoing, and a failed cleanup Delete is ignored by CloudFormation, which forgets the replicator it named: a
 * replicator left running untracked. A transient error says nothing about the request, so onEvent is run again while
 * the invocation has the time (invocation-deadline.ts).
 *
 * Running it again is safe: onEvent's only writes are repeatable by design, as a retried delivery of the same request
 * repeats them: CreateReplicator under a name derived from the request (a second attempt meets ConflictException and
 * adopts its own replicator by its request tag, and an unanswered one answers a pending id, pending-creation.ts), and
 * TagResource with fixed marks (rolled-back-to, retained). No write follows the CreateReplicator that answered.
 *
 * A run again starts with as little as DEADLINE_MARGIN_MS (the longest ONE call may take) plus its wait, while a path
 * makes several calls before CreateReplicator; sent with less than that margin left, CreateReplicator may create the
 * replicator and Lambda stop the function before it answers: the framework fails the request, and CloudFormation's
 * rollback never learns of that replicator (test/onevent-rerun-time.test.ts). Without the run again, the transient
 * error had failed the request before anything was written; so a run again sends CreateReplicator only with the
 * margin in hand (`createShortOfTime`), as does a first run whose reads before it were slow.
 */

/** Waits before each new attempt, within the invocation's remaining time: 31 s in all at most. */
export const ON_EVENT_RETRY_WAITS_MS: readonly number[] = [1000, 2000, 4000, 8000, 16000];

/** Set inside a run again of onEvent (not inside its first run). */
const runningAgain = new AsyncLocalStorage<true>();

export async function retryTransient<T>(run: () => Promise<T>, log: Logger): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await (attempt === 0 ? run() : runningAgain.run(true, run));
    } catch (error) {
      const wait = ON_EVENT_RETRY_WAITS_MS[attempt];
      if (!isTransient(error) || wait === undefined || !mayWait(wait)) throw error;
      log(`transient ${errorName(error)} (${errorMessage(error)}) after the SDK's retries: running onEvent again in ${wait} ms`);
      await sleep(wait);
    }
  }
}

/**
 * With less than DEADLINE_MARGIN_MS left, why CreateReplicator `name` is not sent; otherwise undefined. A first run
 * gets there too when its reads before the create were slow (each within the one-call bound; test/onevent-rerun-time.test.ts).
 * The caller answers a pending creation instead (pending-creation.ts): an earlier run or delivery of this request may
 * have created the replicator already (its answer lost; Lambda retries a failed asynchronous invocation, such as the
 * framework's onEvent, twice: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html), and
 * isComplete then finds it by its request tag; if none did, isComplete fails the request after the visibility grace,
 * nothing created.
 */
export function createShortOfTime(name: string): string | undefined {
  if (timeBeforeMargin() >= 0) return undefined;
  const left = secondsLeft();
  const again = runningAgain.getStore() === true;
  return `onEvent ${again ? 'ran again after a transient error with' : 'had'} ${left} s left, less than the ${DEADLINE_MARGIN_MS / 1000} s `
    + `one MSK call may take: CreateReplicator ${name} was not sent${again ? ' again' : ''}`;
}
