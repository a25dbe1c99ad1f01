import type { Logger } from './events';
import { mayWait } from './invocation-deadline';
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
 */

/** Waits before each new attempt, within the invocation's remaining time: 31 s in all at most. */
export const ON_EVENT_RETRY_WAITS_MS: readonly number[] = [1000, 2000, 4000, 8000, 16000];

export async function retryTransient<T>(run: () => Promise<T>, log: Logger): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const wait = ON_EVENT_RETRY_WAITS_MS[attempt];
      if (!isTransient(error) || wait === undefined || !mayWait(wait)) throw error;
      log(`transient ${errorName(error)} (${errorMessage(error)}) after the SDK's retries: running onEvent again in ${wait} ms`);
      await sleep(wait);
    }
  }
}
