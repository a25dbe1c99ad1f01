import { AsyncLocalStorage } from 'async_hooks';
import { CALL_BOUND_MS } from './kafka-client';

/**
 * The time an onEvent invocation has left, read from the Lambda context object: "getRemainingTimeInMillis() – Returns
 * the number of milliseconds left before the execution times out" (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html).
 *
 * Why it matters: Lambda stops a function at its timeout (https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html),
 * and the Provider framework turns a stopped onEvent (a `FunctionError`) into a FAILED response at once
 * (aws-cdk-lib custom-resources/lib/provider-framework/runtime/framework.js, `invokeUserFunction`). For a Create that
 * already sent CreateReplicator, that leaves the replicator untracked (pending-creation.ts). So onEvent's waits are
 * bounded by the time this invocation has left, not by fixed totals sized against its usual 120 seconds: a lower
 * function timeout, or a first call that took long, shortens them instead of letting Lambda stop the function midway.
 */

/** The part of the Lambda context object the handler reads. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

/**
 * What onEvent keeps in hand when it decides whether to wait once more: the longest one MSK call can take
 * (kafka-client.ts `CALL_BOUND_MS`, every attempt hung until its request timeout and the longest waits of the retry
 * strategy between them, 45.5 s). A wait is taken only when that much is left after it, so the read that follows it
 * can end before Lambda stops the function. (What follows a loop's last read is a few calls more: they normally answer
 * in well under a second each.)
 */
export const DEADLINE_MARGIN_MS = CALL_BOUND_MS;

/** The remaining time of the invocation running in this async context (set by handler.lambda.ts for onEvent). */
const current = new AsyncLocalStorage<InvocationContext>();

/** Runs `fn` with its waits bounded by `context`'s remaining time; without a context the waits keep their fixed caps. */
export function withInvocationDeadline<T>(context: InvocationContext | undefined, fn: () => Promise<T>): Promise<T> {
  return context === undefined ? fn() : current.run(context, fn);
}

/** Milliseconds left before the margin is reached (Infinity outside a bounded invocation). */
export function timeBeforeMargin(): number {
  const context = current.getStore();
  return context === undefined ? Infinity : context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS;
}

/** Whole seconds the invocation has left, for messages. */
export function secondsLeft(): number {
  return Math.max(0, Math.round((timeBeforeMargin() + DEADLINE_MARGIN_MS) / 1000));
}

/** Whether the invocation can wait `ms` and still keep DEADLINE_MARGIN_MS for what follows. */
export function mayWait(ms: number): boolean {
  return timeBeforeMargin() >= ms;
}

/** The error a wait that does not fit the invocation's remaining time ends with (never taken for transient). */
export class OutOfTime extends Error {
  public constructor(waitMs: number) {
    super(`This invocation has ${secondsLeft()} s left, too little `
      + `to wait ${waitMs} ms more and keep ${DEADLINE_MARGIN_MS / 1000} s for the next MSK call before Lambda stops it; `
      + 'nothing was decided. Retry the operation.');
    this.name = 'OutOfTime';
  }
}
