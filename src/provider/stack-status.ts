import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { errorMessage, errorName } from './kafka-calls';
import { MAX_ATTEMPTS, REQUEST_TIMEOUT_MS } from './kafka-client';

/**
 * Reads the status of the stack a request comes from: the only way a Delete can tell CloudFormation undoing a failed
 * operation from a deletion that was asked for (the request itself carries no such field: "Custom resource request
 * objects", https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requests.html). Used for adopted
 * replicators only (adoption-steps.ts).
 *
 * Undefined when the status cannot be read (denied, throttled past the retries, unreachable): the caller then takes
 * the answer that deletes nothing.
 */
export type StackStatusReader = (stackId: string, log: (message: string) => void) => Promise<string | undefined>;

/** DescribeStacks with the stack id (a stack in progress is found by its id: API_DescribeStacks.html). */
export const describeStackStatus: StackStatusReader = async (stackId, log) => {
  // created when needed (few requests need it), with the environment of that moment
  const client = new CloudFormationClient({
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true },
  });
  try {
    const response = await client.send(new DescribeStacksCommand({ StackName: stackId }));
    const status = response.Stacks?.[0]?.StackStatus;
    log(`DescribeStacks: ${status ?? 'no status'}`);
    return status;
  } catch (error) {
    log(`DescribeStacks failed (${errorName(error)}: ${errorMessage(error)})`);
    return undefined;
  }
};
