import { errorMessage } from './kafka-calls';

/**
 * What CloudFormation shows when the handler fails. The Provider framework builds the reason from the error the
 * function threw: its message, `Logs: /aws/lambda/<function>`, then every line of its stack trace after the first
 * (aws-cdk `custom-resources/lib/provider-framework/runtime/framework.ts`, `invokeUserFunction`; the Lambda Node.js
 * runtime sends `error.stack` split into lines). CloudFormation rejects a response over 4,096 bytes and the real
 * reason is then lost ("Response object is too long."; CloudFormation User Guide, custom resource responses).
 *
 * So the error the handler throws carries the cause on one line, at most MAX_REASON_CHARS long, and no stack frames:
 * the reason reads "cause, then the log group", and the response stays well under the limit whatever the service
 * said. The full error goes to the function's log first.
 */
export const MAX_REASON_CHARS = 1500;

export function conciseError(error: unknown): Error {
  const oneLine = errorMessage(error).replace(/\s*\n\s*/g, ' ').trim();
  const message = oneLine.length > MAX_REASON_CHARS ? `${oneLine.slice(0, MAX_REASON_CHARS - 1)}…` : oneLine;
  const concise = new Error(message);
  // the first line of a stack is the message itself: the framework drops it, and no frame follows
  concise.stack = `Error: ${message}`;
  return concise;
}
