import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { isOutOfTime } from './call-gate';
import { errorMessage, errorName, isTransient } from './kafka-calls';
import { boundedCallOptions, withCallBounds } from './kafka-client';

/**
 * Reads the status of the stack a request comes from: the only way a Delete can tell CloudFormation undoing a failed
 * operation from a deletion that was asked for (the request itself carries no such field: "Custom resource request
 * objects", https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requests.html). Used for adopted
 * replicators only (adoption-steps.ts).
 *
 * Throws when the status cannot be read: a transient error (throttled past the retries, unreachable) is tried again
 * at isComplete's next poll (kafka-calls.ts `isTransient`), as is a call the poll had no time left for (call-gate.ts), any other (denied) fails the request with its reason.
 * The caller never guesses the status.
 */
export type StackStatusReader = (stackId: string, log: (message: string) => void) => Promise<string>;

/** DescribeStacks with the stack id (a stack in progress is found by its id: API_DescribeStacks.html). */
export const describeStackStatus: StackStatusReader = async (stackId, log) => {
  // created when needed (few requests need it), with the environment of that moment; bounded as an MSK call is
  const client = withCallBounds(new CloudFormationClient(boundedCallOptions()));
  try {
    const response = await client.send(new DescribeStacksCommand({ StackName: stackId }));
    const status = response.Stacks?.[0]?.StackStatus;
    if (status === undefined) throw new Error(`DescribeStacks returned no status for ${stackId}`);
    log(`DescribeStacks: ${status}`);
    return status;
  } catch (error) {
    // not read yet: isComplete polls again
    if (isTransient(error) || isOutOfTime(error)) throw error;
    throw new Error(`The stack's status could not be read (DescribeStacks: ${errorName(error)}: ${errorMessage(error)}), and an adopted `
      + 'replicator is deleted, retained or given back as it was found depending on it. Nothing was changed; retry once '
      + 'the handler may call cloudformation:DescribeStacks on its stack.');
  }
};
