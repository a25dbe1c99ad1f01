import { mayWait, OutOfTime } from './invocation-deadline';

/**
 * The handler's waits (re-reads of a lagging read, the retried create's search). In Lambda they are real waits. A
 * world that plays time itself (the local CloudFormation's virtual clock, the property test) sets
 * `globalThis[SLEEP_HOOK]` during an invocation, so that a wait advances its clock instead of the wall clock: the
 * service's lag windows then elapse as they would on AWS, in no real time.
 */
export const SLEEP_HOOK = '__cdkMskReplicatorSleep';

type SleepHook = (ms: number) => Promise<void>;

/**
 * Waits `ms`. Inside an onEvent invocation a wait that would leave less than its margin fails with OutOfTime instead
 * (invocation-deadline.ts): a loop that has a safe answer short of its full waits checks `mayWait` first.
 */
export async function sleep(ms: number): Promise<void> {
  if (!mayWait(ms)) throw new OutOfTime(ms);
  const hook = (globalThis as Record<string, unknown>)[SLEEP_HOOK] as SleepHook | undefined;
  return hook !== undefined ? hook(ms) : new Promise((resolve) => setTimeout(resolve, ms));
}
