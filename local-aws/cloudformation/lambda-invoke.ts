import type { WorldClock } from './world-clock';

/**
 * Lambda's side of an invocation, as the Provider framework sees it through `outbound.js` `invokeFunction`.
 */

export interface InvokeResult {
  readonly StatusCode: number;
  readonly FunctionError?: string;
  readonly ExecutedVersion: string;
  readonly Payload: Uint8Array;
}

const HANDLER_PATH = /\/\S*\/(assets\/provider\/handler\.lambda\/index\.js|src\/provider\/\S+\.ts)/;
/** The frame the Node.js 22 runtime adds below an async handler (as Lambda's error traces show it). */
const LAMBDA_RUNTIME_FRAME = '    at async Runtime.handleOnceNonStreaming (file:///var/runtime/index.mjs:1206:29)';

/**
 * The error payload the Lambda Node.js runtime returns for a thrown error: `errorType`, `errorMessage` and `trace`, the
 * error's stack split into lines (aws/aws-lambda-nodejs-runtime-interface-client `src/Errors.js`, `toRapidResponse`).
 * Frames are shown as Lambda would show them: the handler's own frames in /var/task/index.js followed by the
 * runtime's, at most Node's default 10 (Error.stackTraceLimit; jest raises it). The emulator's frames are dropped.
 */
function lambdaErrorPayload(error: unknown): { errorType: string; errorMessage: string; trace: string[] } {
  const e = error instanceof Error ? error : new Error(String(error));
  const stack = (e.stack ?? `${e.name}: ${e.message}`).split('\n');
  const allFrames = stack.filter((line) => /^\s+at /.test(line));
  const handlerFrames = allFrames.filter((line) => HANDLER_PATH.test(line)).map((line) => line.replace(HANDLER_PATH, '/var/task/index.js'));
  // the stack the error captured when thrown: none at all when the handler replaced it
  const frames = allFrames.length === 0 ? [] : [...handlerFrames, LAMBDA_RUNTIME_FRAME].slice(0, 10);
  const head = stack.filter((line) => !/^\s+at /.test(line));
  return { errorType: e.name, errorMessage: e.message, trace: [...head, ...frames] };
}

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value ?? null));

/** Runs `fn` with console.log routed to `sink` (Lambda sends a function's stdout to its log group). */
async function withLogs<T>(sink: ((line: string) => void) | undefined, fn: () => Promise<T>): Promise<T> {
  const original = console.log;
  console.log = (...args: unknown[]) => sink?.(args.map(String).join(' '));
  try {
    return await fn();
  } finally {
    console.log = original;
  }
}

class FunctionTimeout extends Error {}

/**
 * The part of the Lambda Node.js context object the handler reads: "getRemainingTimeInMillis() – Returns the number of
 * milliseconds left before the execution times out" (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html),
 * on the world's clock, so that a virtual clock's waits count against the function's `Timeout` as real ones would.
 */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

/**
 * One Lambda invocation of `fn`, given the context object, with the Invoke API's semantics: the result as the payload,
 * or FunctionError "Unhandled" with the error payload. A function still running at its `Timeout` is stopped; Lambda reports
 * "Task timed out after N seconds" (https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html).
 */
export async function invokeLambda(
  fn: (context: LambdaContext) => Promise<unknown>, timeoutSeconds: number, clock: WorldClock, sink: ((line: string) => void) | undefined,
): Promise<InvokeResult> {
  const started = clock.now();
  const context: LambdaContext = { getRemainingTimeInMillis: () => Math.max(0, started + timeoutSeconds * 1000 - clock.now()) };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new FunctionTimeout()), timeoutSeconds * 1000);
  });
  try {
    const result = await Promise.race([withLogs(sink, () => clock.run(() => fn(context))), timeout]);
    // on a virtual clock the waits are skipped, so the race above cannot see them: a function whose world time went
    // past its `Timeout` is stopped all the same, and whatever it answered is lost
    if (clock.now() - started > timeoutSeconds * 1000) throw new FunctionTimeout();
    return { StatusCode: 200, ExecutedVersion: '$LATEST', Payload: encode(result) };
  } catch (error) {
    const payload = error instanceof FunctionTimeout
      ? { errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${timeoutSeconds.toFixed(2)} seconds` }
      : lambdaErrorPayload(error);
    return { StatusCode: 200, FunctionError: 'Unhandled', ExecutedVersion: '$LATEST', Payload: encode(payload) };
  } finally {
    clearTimeout(timer);
  }
}

