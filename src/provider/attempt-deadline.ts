import { Readable } from 'stream';

/**
 * Ends an attempt whose response has not fully arrived `timeoutMs` after the attempt began, headers and body alike.
 *
 * The SDK's `requestTimeout` stops when the response's headers arrive (@smithy/node-http-handler 4.14 `handle`: its
 * `resolve` clears every timer as soon as the `response` callback fires), and no socket timeout applies unless one is
 * configured (the service default, 300 s, is switched on only by AWS_ENABLE_DEFAULT_SOCKET_TIMEOUT_2026=true:
 * @aws-sdk/core client `getDefaultSocketTimeout`). A body that stalls after its headers would then hold the call, and
 * the function, until Lambda stops it; an inactivity timeout (`socketTimeout`) would not end a body that trickles in
 * either. So each attempt gets a deadline of its own: at `timeoutMs` the body still being read is destroyed with an
 * error named `TimeoutError`, which the SDK reads as TRANSIENT (@smithy/core submodules/retry TRANSIENT_ERROR_CODES) and
 * retries, like a request timeout. The middleware sits in the deserialize step below the deserializer, inside the retry
 * middleware's loop (finalizeRequest), so it runs once per attempt and sees the raw response before its body is read
 * (test/stalled-response.test.ts).
 */
export function attemptDeadline(timeoutMs: number) {
  return <Args, Result extends { response: unknown }>(next: (args: Args) => Promise<Result>) => async (args: Args): Promise<Result> => {
    let body: Readable | undefined;
    let expired = false;
    const timer = setTimeout(() => {
      expired = true;
      body?.destroy(timeoutError(timeoutMs));
    }, timeoutMs);
    try {
      const result = await next(args);
      const received = (result.response as { body?: unknown } | undefined)?.body;
      if (!(received instanceof Readable) || received.destroyed) {
        clearTimeout(timer);
      } else if (expired) {
        received.destroy(timeoutError(timeoutMs));
      } else {
        body = received;
        received.once('close', () => clearTimeout(timer));
      }
      return result;
    } catch (error) {
      clearTimeout(timer);
      throw error;
    }
  };
}

function timeoutError(timeoutMs: number): Error {
  return Object.assign(new Error(`the response did not arrive in full within the attempt's ${timeoutMs} ms`), { name: 'TimeoutError' });
}
