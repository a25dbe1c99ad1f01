import type { IsCompleteEvent } from './events';

/**
 * CloudFormation's ServiceTimeout, enforced by the handler before CloudFormation enforces it.
 *
 * Why: the Provider framework's waiter counts polls, not time (aws-cdk-lib custom-resources/lib/provider-framework/
 * waiter-state-machine.js: a Retrier of MaxAttempts, IntervalSeconds apart, however long each poll takes), so polls
 * slowed by a slow or throttled MSK (every call still within its bound, kafka-client.ts) can carry the framework's
 * answer past the ServiceTimeout. CloudFormation then fails the resource itself and records no physical id from the
 * provider ("If the custom resource provider doesn't respond before the timeout, the operation fails",
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudformation-customresource.html):
 * the replicator being created or replacing another is left outside the stack (test/slow-polls.test.ts). A FAILED
 * answer from isComplete instead carries the physical id (the framework's `safeHandler` answers FAILED with the
 * event's PhysicalResourceId for any error but its Retry, runtime cfn-response.js), so CloudFormation rolls back and
 * deletes what the request made.
 */

/** "The value must be an integer from 1 to 3600. The default value is 3600 seconds" (the page above). */
export const DEFAULT_SERVICE_TIMEOUT_SECONDS = 3600;

/**
 * What a poll that starts just before the deadline may still need: the isComplete function's timeout (150 s,
 * replicator-provider.ts IS_COMPLETE_TIMEOUT; a function Lambda stops ends the poll there), the waiter's 30-second
 * interval before the poll that fails, and the framework's response upload with the time between CloudFormation's
 * request and the onEvent function's receipt of it (`ReceivedAt`): half a minute. The clock starts at `ReceivedAt`, not at `RequestedAt`,
 * which onEvent stamps after its own calls (up to its function's 2-minute timeout): counted from there, slow calls in
 * onEvent and slow polls after it carried the answer past the ServiceTimeout (test/service-deadline-onevent-time.test.ts).
 */
export const SERVICE_DEADLINE_RESERVE_MS = 210_000;

/** The request's ServiceTimeout in seconds: the resource's own property, or CloudFormation's default. */
export function serviceTimeoutSeconds(properties: Record<string, unknown>): number {
  const value = Number(properties.ServiceTimeout);
  return Number.isInteger(value) && value >= 1 && value <= DEFAULT_SERVICE_TIMEOUT_SECONDS ? value : DEFAULT_SERVICE_TIMEOUT_SECONDS;
}

/** The reason to fail this poll, when the request's ServiceTimeout is nearly over; undefined while time remains. */
export function serviceTimeRunningOut(event: IsCompleteEvent, now = Date.now()): string | undefined {
  // A Delete's physical id is already CloudFormation's: failing it early saves nothing, while polling on (past a
  // ServiceTimeout, the waiter keeps its attempts) still deletes the replicator once it can, or writes the retained mark
  // (retained-mark.ts). A cleanup Delete that failed would be ignored by CloudFormation and leave the replicator running.
  if (event.RequestType === 'Delete') return undefined;
  // an onEvent of an earlier version stamped RequestedAt only
  const requestedAt = Number(event.Data.ReceivedAt ?? event.Data.RequestedAt);
  if (!Number.isFinite(requestedAt) || requestedAt <= 0) return undefined;
  const timeout = serviceTimeoutSeconds(event.ResourceProperties);
  const elapsed = now - requestedAt;
  if (elapsed + SERVICE_DEADLINE_RESERVE_MS < timeout * 1000) return undefined;
  return `${event.PhysicalResourceId} is not ready after `
    + `${Math.round(elapsed / 1000)} s, and CloudFormation's ServiceTimeout of ${timeout} s for this request is nearly over `
    + '(the service answered slowly). Failing now, so that CloudFormation keeps track of the replicator and rolls back '
    + 'or retries from its current state, instead of timing the request out and forgetting it.';
}
