import { errorMessage } from './kafka-calls';

/**
 * What CloudFormation shows when the handler fails. The Provider framework builds the reason from the error the
 * function threw: its message, `Logs: /aws/lambda/<function>`, then every line of its stack trace after the first
 * (aws-cdk `custom-resources/lib/provider-framework/runtime/framework.ts`, `invokeUserFunction`; the Lambda Node.js
 * runtime sends `error.stack` split into lines). CloudFormation rejects a response over 4,096 bytes and the real
 * reason is then lost ("Response object is too long."; CloudFormation User Guide, custom resource responses).
 *
 * So the error the handler throws carries the cause on one line, its JSON encoding at most MAX_REASON_BYTES long in
 * UTF-8, and no stack frames: the reason reads "cause, then the log group", and the response stays under the limit
 * whatever the service said. The limit counts bytes of the JSON body (cfn-response.js `submitResponse` sends
 * JSON.stringify of it): a character outside ASCII takes 2 to 4 bytes and a quote or backslash is escaped to 2, so a
 * bound in characters let a service message of such characters take the response past it (test/response-size.test.ts).
 * The rest of the body at most: the ids (a stack name of 128 characters, a logical id of 255), every Data key onEvent
 * returns (events.ts) with names of 128 and ARNs of about 220, and the framework's log group line: about 2,300 bytes.
 * The full error goes to the function's log first.
 */
export const MAX_REASON_BYTES = 1500;

/** The bytes `text` takes inside the JSON body, in UTF-8. */
function encodedBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text), 'utf8') - 2;
}

/** `text` cut, at a whole character, to at most `max` encoded bytes, with an ellipsis when cut. */
function bounded(text: string, max: number): string {
  if (encodedBytes(text) <= max) return text;
  const ellipsis = '…';
  let budget = max - encodedBytes(ellipsis);
  let kept = '';
  for (const character of text) {
    budget -= encodedBytes(character);
    if (budget < 0) break;
    kept += character;
  }
  return `${kept}${ellipsis}`;
}

export function conciseError(error: unknown): Error {
  const oneLine = errorMessage(error).replace(/\s*\n\s*/g, ' ').trim();
  const message = bounded(oneLine, MAX_REASON_BYTES);
  const concise = new Error(message);
  // the first line of a stack is the message itself: the framework drops it, and no frame follows
  concise.stack = `Error: ${message}`;
  return concise;
}
