import { AsyncLocalStorage } from 'async_hooks';
import { DEADLINE_MARGIN_MS, secondsLeft, timeBeforeMargin } from './invocation-deadline';

/**
 * isComplete sends an MSK or CloudFormation call only while its invocation keeps the longest one call can take in hand
 * (DEADLINE_MARGIN_MS, kafka-client.ts CALL_BOUND_MS).
 *
 * Why: a poll makes several calls in a row (a Describe, then a Delete or an Update, then tag writes), each within that
 * bound, and Lambda stops a function at its timeout (https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html).
 * The Provider framework turns a stopped isComplete (a `FunctionError`) into a FAILED answer at once, instead of polling
 * again (aws-cdk-lib custom-resources/lib/provider-framework/runtime/framework.js, `invokeUserFunction` inside
 * `safeHandler`); a failed cleanup Delete is ignored by CloudFormation, which forgets the replicator: the original kept
 * running beside its replacement (test/is-complete-invocation-time.test.ts). A call not sent ends the poll with "not
 * yet", as a transient error does: every poll reads the live replicator and takes the next step, so the next poll goes
 * on from wherever this one stopped.
 *
 * onEvent is not gated: a call there may follow a write whose answer it must still give (a search for the replicator a
 * lost CreateReplicator made), so it bounds its waits instead (invocation-deadline.ts) and keeps the margin before its
 * one create (transient-retry.ts `createShortOfTime`).
 */

/** Set while isComplete runs (handler.lambda.ts). */
const gated = new AsyncLocalStorage<true>();

/** Runs `fn` with every call of the handler's clients gated by the invocation's remaining time. */
export function withGatedCalls<T>(fn: () => Promise<T>): Promise<T> {
  return gated.run(true, fn);
}

/** The error a call not sent ends with: the poll answers "not yet" (is-complete.ts). */
export class NoTimeForCall extends Error {
  public constructor(commandName: string) {
    super(`This invocation has ${secondsLeft()} s left, less than the `
      + `${DEADLINE_MARGIN_MS / 1000} s one call may take: ${commandName} was not sent`);
    this.name = 'NoTimeForCall';
  }
}

/**
 * Whether `error` says the invocation had no time left: a call not sent (NoTimeForCall) or a wait not taken
 * (invocation-deadline.ts OutOfTime). Nothing was decided by it; isComplete polls again.
 */
export function isOutOfTime(error: unknown): boolean {
  const name = (error as { name?: unknown } | undefined)?.name;
  return name === 'NoTimeForCall' || name === 'OutOfTime';
}

/**
 * The middleware: in the initialize step, before the retry loop, so a call is either sent with its attempts or not at all.
 */
export function callGate() {
  return <Args, Result>(next: (args: Args) => Promise<Result>, context: { commandName?: string }) => async (args: Args): Promise<Result> => {
    if (gated.getStore() === true && timeBeforeMargin() < 0) throw new NoTimeForCall(context.commandName ?? 'the call');
    return next(args);
  };
}
