import * as path from 'path';
import type { IsCompleteEvent, IsCompleteResponse, OnEventResponse, ProviderEvent } from '../../src/provider/events';

/**
 * Plays CloudFormation's side of a `Custom::MskReplicator` resource against the BUNDLED handler asset (what
 * users deploy), including the custom-resources Provider framework's contract: onEvent once, then isComplete
 * polled until it returns true or throws, with onEvent's result merged into isComplete's event.
 */

export const HANDLER_ASSET = path.join(__dirname, '..', '..', 'assets', 'provider', 'handler.lambda', 'index.js');

export interface Handler {
  onEventHandler(event: ProviderEvent): Promise<OnEventResponse>;
  isCompleteHandler(event: IsCompleteEvent): Promise<IsCompleteResponse>;
}

/**
 * Loads the bundled handler with the environment a Lambda function would have, pointed at `endpoint`.
 * The SDK client is created when the module loads, so each call loads a fresh copy.
 */
export function loadBundledHandler(endpoint: string, region = 'us-east-1'): Handler {
  process.env.AWS_ENDPOINT_URL_KAFKA = endpoint;
  process.env.AWS_REGION = region;
  process.env.AWS_ACCESS_KEY_ID = 'AKIAEXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'example-secret';
  delete process.env.AWS_PROFILE;
  delete require.cache[require.resolve(HANDLER_ASSET)];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(HANDLER_ASSET) as Handler;
}

export interface ProviderOptions {
  /** Milliseconds between isComplete calls. */
  readonly queryIntervalMs?: number;
  /** isComplete calls before the framework gives up ("timeout"). */
  readonly maxPolls?: number;
  /** Receives every isComplete result, for progress displays. */
  readonly onPoll?: (result: IsCompleteResponse) => void;
  /** Receives each line the handler logs (what CloudWatch Logs would hold); by default they are dropped. */
  readonly onLog?: (line: string) => void;
  /** The onEvent function's name: the framework names its log group in every failure reason. */
  readonly onEventFunctionName?: string;
  /** The isComplete function's name, likewise. */
  readonly isCompleteFunctionName?: string;
  /** Called with each response CloudFormation received, before it acts on it (tests release held states here). */
  readonly onResponse?: (result: ProviderResult) => void;
}

export interface ProviderResult {
  /** What CloudFormation makes of the response: a rejected response is a failure whatever it said. */
  readonly status: 'SUCCESS' | 'FAILED';
  /** The physical id CloudFormation records from this response (for a rejected response: the one it had). */
  readonly physicalResourceId: string;
  readonly data: Record<string, string | undefined>;
  /** The reason CloudFormation shows in the stack events. */
  readonly reason?: string;
  readonly polls: number;
  /** CloudFormation rejected the response (over 4,096 bytes): nothing in it was recorded. */
  readonly responseRejected?: boolean;
}

/**
 * The physical id the framework answers a failed Create with when onEvent returned none; the Delete CloudFormation
 * then sends for it is answered SUCCESS without calling the handler.
 * Source: aws-cdk `custom-resources/lib/provider-framework/runtime/cfn-response.ts` (CREATE_FAILED_PHYSICAL_ID_MARKER,
 * `safeHandler`) and aws/aws-cdk PR #5525.
 */
export const CREATE_FAILED_MARKER = 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED';
/** Source: cfn-response.ts `submitResponse` (MISSING_PHYSICAL_ID_MARKER), for a response without a physical id. */
export const MISSING_PHYSICAL_ID_MARKER = 'AWSCDK::CustomResourceProviderFramework::MISSING_PHYSICAL_ID';

/**
 * CloudFormation rejects a custom resource response body over 4,096 bytes and fails the resource with this reason;
 * the reason the provider sent is lost. Source: CloudFormation User Guide, "Custom resource response objects"
 * (crpg-ref-responses: "the response ... can't exceed 4096 bytes"), awsdocs/aws-cloudformation-user-guide PR #262
 * (the limit is 4,096 inclusive), aws/aws-cdk issue #23958 ("Response object is too long.").
 * What CloudFormation records from a rejected response is not documented: the harsher reading is modelled,
 * nothing (no new physical id; a Create's rollback has no id to delete).
 */
export const RESPONSE_LIMIT_BYTES = 4096;
export const RESPONSE_TOO_LONG = 'Response object is too long.';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs one handler invocation with its console.log routed to `onLog`, as Lambda routes it to CloudWatch Logs. */
async function invoke<T>(fn: () => Promise<T>, onLog: ((line: string) => void) | undefined): Promise<T> {
  const original = console.log;
  console.log = (...args: unknown[]) => onLog?.(args.map(String).join(' '));
  try {
    return await fn();
  } finally {
    console.log = original;
  }
}

const HANDLER_PATH = path.join('assets', 'provider', 'handler.lambda', 'index.js');
/** The frame the Node.js 22 runtime adds below an async handler (as Lambda's error traces show it). */
const LAMBDA_RUNTIME_FRAME = '    at async Runtime.handleOnceNonStreaming (file:///var/runtime/index.mjs:1206:29)';

/**
 * The error payload the Lambda Node.js runtime returns for a thrown error: `errorMessage` and `trace`, the error's
 * stack split into lines (source: aws/aws-lambda-nodejs-runtime-interface-client `src/Errors.js`, `toRapidResponse`).
 * Frames are shown as Lambda would show them: the handler's own frames in /var/task/index.js followed by the
 * runtime's, at most Node's default 10 (Error.stackTraceLimit; jest raises it). The emulator's frames are dropped.
 */
function lambdaErrorPayload(error: unknown): { errorMessage: string; trace: string[] } {
  const e = error instanceof Error ? error : new Error(String(error));
  const stack = (e.stack ?? `${e.name}: ${e.message}`).split('\n');
  const allFrames = stack.filter((line) => /^\s+at /.test(line));
  const handlerFrames = allFrames.filter((line) => line.includes(HANDLER_PATH))
    .map((line) => line.replace(/\/\S*\/assets\/provider\/handler\.lambda\/index\.js/, '/var/task/index.js'));
  // the stack the error captured when thrown: none at all when the handler replaced it
  const frames = allFrames.length === 0 ? [] : [...handlerFrames, LAMBDA_RUNTIME_FRAME].slice(0, 10);
  const head = stack.filter((line) => !/^\s+at /.test(line));
  return { errorMessage: e.message, trace: [...head, ...frames] };
}

/**
 * The reason the framework sends when a user function threw. Source: aws-cdk `provider-framework/runtime/framework.ts`
 * `invokeUserFunction`: the message, a blank line, `Logs: /aws/lambda/<function>`, then the remote trace without its
 * first line; `cfn-response.ts` `safeHandler` sends `e.stack` (includeStackTraces is true) as the reason.
 */
export function frameworkFailureReason(error: unknown, functionName: string): string {
  const payload = lambdaErrorPayload(error);
  const message = [payload.errorMessage || 'error', '', `Logs: /aws/lambda/${functionName}`, ''].join('\n');
  return [message, ...payload.trace.slice(1)].join('\n');
}

interface Response {
  readonly status: 'SUCCESS' | 'FAILED';
  readonly physicalResourceId?: string;
  readonly data?: Record<string, string | undefined>;
  readonly reason?: string;
  readonly polls: number;
}

/**
 * The response as `submitResponse` (cfn-response.ts) builds it, and what CloudFormation makes of it: the Reason
 * defaults to the status, a missing physical id becomes the MISSING marker, and a body over 4,096 bytes is rejected.
 */
function deliver(event: ProviderEvent, response: Response): ProviderResult {
  const body = JSON.stringify({
    Status: response.status,
    Reason: response.reason || response.status,
    StackId: event.StackId,
    RequestId: event.RequestId,
    PhysicalResourceId: response.physicalResourceId || MISSING_PHYSICAL_ID_MARKER,
    LogicalResourceId: event.LogicalResourceId,
    Data: response.data,
  });
  if (Buffer.byteLength(body, 'utf8') > RESPONSE_LIMIT_BYTES) {
    return {
      status: 'FAILED',
      physicalResourceId: event.PhysicalResourceId ?? '',
      data: {},
      reason: RESPONSE_TOO_LONG,
      polls: response.polls,
      responseRejected: true,
    };
  }
  return {
    status: response.status,
    physicalResourceId: response.physicalResourceId || MISSING_PHYSICAL_ID_MARKER,
    data: response.data ?? {},
    reason: response.reason,
    polls: response.polls,
  };
}

/** One request through the Provider framework (aws-cdk `custom-resources/lib/provider-framework/runtime/`). */
export async function invokeProvider(handler: Handler, event: ProviderEvent, options: ProviderOptions = {}): Promise<ProviderResult> {
  const result = await runFramework(handler, event, options);
  options.onResponse?.(result);
  return result;
}

async function runFramework(handler: Handler, event: ProviderEvent, options: ProviderOptions): Promise<ProviderResult> {
  const onEventFunction = options.onEventFunctionName ?? 'DemoStack-ReplicatorProviderOnEventHandler-0A1B2C3D4E5F';
  const isCompleteFunction = options.isCompleteFunctionName ?? 'DemoStack-ReplicatorProviderIsCompleteHandler-6A7B8C9D0E1F';
  // cfn-response.ts `safeHandler`: the Delete that follows a Create failed with the marker is ignored.
  if (event.RequestType === 'Delete' && event.PhysicalResourceId === CREATE_FAILED_MARKER) {
    return deliver(event, { status: 'SUCCESS', physicalResourceId: event.PhysicalResourceId, polls: 0 });
  }
  let onEventResult: OnEventResponse;
  try {
    onEventResult = await invoke(() => handler.onEventHandler(event), options.onLog);
  } catch (error) {
    // cfn-response.ts `safeHandler`: the FAILED response carries the event's physical id (an Update's or a Delete's:
    // the id CloudFormation sent, aws/aws-cdk issue #17040); a Create has none and gets the CREATE_FAILED marker.
    return deliver(event, {
      status: 'FAILED',
      physicalResourceId: event.PhysicalResourceId ?? (event.RequestType === 'Create' ? CREATE_FAILED_MARKER : undefined),
      reason: frameworkFailureReason(error, onEventFunction),
      polls: 0,
    });
  }
  // framework.ts `createResponseEvent` / `defaultPhysicalResourceId`: no id returned means the RequestId on Create,
  // the event's id otherwise; a Delete may not change the id.
  const physicalResourceId = onEventResult?.PhysicalResourceId
    || (event.RequestType === 'Create' ? event.RequestId : event.PhysicalResourceId!);
  const completeEvent: IsCompleteEvent = { ...event, ...onEventResult, PhysicalResourceId: physicalResourceId };
  if (event.RequestType === 'Delete' && physicalResourceId !== event.PhysicalResourceId) {
    const error = new Error(`DELETE: cannot change the physical resource ID from "${event.PhysicalResourceId}" to `
      + `"${onEventResult.PhysicalResourceId}" during deletion`);
    return deliver(event, { status: 'FAILED', physicalResourceId: event.PhysicalResourceId, reason: error.message, polls: 0 });
  }
  const maxPolls = options.maxPolls ?? 400;
  for (let poll = 1; poll <= maxPolls; poll++) {
    let result: IsCompleteResponse;
    try {
      result = await invoke(() => handler.isCompleteHandler(completeEvent), options.onLog);
      // framework.ts `isComplete`: Data with IsComplete false is an error of the provider.
      if (!result.IsComplete && result.Data && Object.keys(result.Data).length > 0) {
        throw new Error('"Data" is not allowed if "IsComplete" is "False"');
      }
    } catch (error) {
      // cfn-response.ts `safeHandler` answers with the isComplete event, i.e. the physical id onEvent returned:
      // during a replacement, the NEW replicator's ARN (aws/aws-cdk issues #13527, #30012: the recorded id changes).
      return deliver(completeEvent, {
        status: 'FAILED',
        physicalResourceId,
        data: completeEvent.Data as unknown as Record<string, string>,
        reason: frameworkFailureReason(error, isCompleteFunction),
        polls: poll,
      });
    }
    options.onPoll?.(result);
    if (result.IsComplete) {
      return deliver(completeEvent, {
        status: 'SUCCESS', physicalResourceId, data: { ...onEventResult.Data, ...result.Data }, polls: poll,
      });
    }
    await sleep(options.queryIntervalMs ?? 20);
  }
  // framework.ts `onTimeout`: the waiter gave up; FAILED with the isComplete event's physical id (onEvent's) and
  // the fixed reason "Operation timed out".
  return deliver(completeEvent, {
    status: 'FAILED',
    physicalResourceId,
    data: completeEvent.Data as unknown as Record<string, string>,
    reason: 'Operation timed out',
    polls: maxPolls,
  });
}

export type Properties = Record<string, unknown>;

/** The stack's status after each operation, as CloudFormation names it. */
export type StackStatus =
  | 'CREATE_COMPLETE' | 'ROLLBACK_COMPLETE' | 'ROLLBACK_FAILED'
  | 'UPDATE_COMPLETE' | 'UPDATE_ROLLBACK_COMPLETE' | 'UPDATE_ROLLBACK_FAILED'
  | 'DELETE_COMPLETE' | 'DELETE_FAILED';

/**
 * A stack holding one `Custom::MskReplicator`, deployed, updated, rolled back and deleted the way CloudFormation
 * does it. Every rule cites its source; where the documentation is silent the harsher behaviour is modelled.
 */
export class CloudFormationResource {
  /** The physical id CloudFormation records for the resource (what the next Update or Delete is sent to). */
  public physicalResourceId?: string;
  /** The properties of the last template CloudFormation considers deployed (what the next Update sends as old). */
  public properties?: Properties;
  public attributes: Record<string, string | undefined> = {};
  public status?: StackStatus;
  /** Every request sent, in order, with its result. */
  public readonly history: { requestType: string; physicalResourceId?: string; result: ProviderResult; phase: string }[] = [];
  /**
   * Cleanup Deletes that failed. CloudFormation does not fail the stack for them: the physical resource is left
   * behind and the stack ends *_COMPLETE (CloudFormation User Guide, "Update behaviors of stack resources" /
   * UPDATE_COMPLETE_CLEANUP_IN_PROGRESS; the resource is reported DELETE_FAILED and skipped).
   */
  public readonly cleanupFailures: { physicalResourceId: string; reason?: string }[] = [];
  private requests = 0;

  constructor(
    private readonly handler: Handler,
    private readonly options: ProviderOptions = {},
    public readonly stackId = 'arn:aws:cloudformation:us-east-1:123456789012:stack/DemoStack/0a1b2c3d',
    public readonly logicalResourceId = 'Replicator',
  ) {}

  private event(requestType: ProviderEvent['RequestType'], props: Properties, oldProps?: Properties, physicalResourceId?: string): ProviderEvent {
    this.requests += 1;
    return {
      RequestType: requestType,
      RequestId: `request-${this.requests}-${Math.random().toString(36).slice(2, 10)}`,
      StackId: this.stackId,
      LogicalResourceId: this.logicalResourceId,
      PhysicalResourceId: physicalResourceId,
      ResourceProperties: { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:framework-onEvent', ...props },
      OldResourceProperties: oldProps === undefined
        ? undefined
        : { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:framework-onEvent', ...oldProps },
    };
  }

  /** Sends one raw request (for tests of retried deliveries). */
  public async send(event: ProviderEvent, phase = 'request'): Promise<ProviderResult> {
    const result = await invokeProvider(this.handler, event, this.options);
    this.history.push({ requestType: event.RequestType, physicalResourceId: event.PhysicalResourceId, result, phase });
    return result;
  }

  public createEvent(props: Properties): ProviderEvent {
    return this.event('Create', props);
  }

  /**
   * CREATE. On failure CloudFormation rolls back by deleting the physical id the FAILED response carried (the
   * framework's CREATE_FAILED marker when onEvent failed, else the id onEvent returned); a rejected response
   * carried nothing CloudFormation could record, so nothing is deleted (harsher reading, see RESPONSE_TOO_LONG).
   */
  public async create(props: Properties): Promise<ProviderResult> {
    const result = await this.send(this.createEvent(props), 'create');
    if (result.status === 'SUCCESS') {
      this.physicalResourceId = result.physicalResourceId;
      this.properties = props;
      this.attributes = result.data;
      this.status = 'CREATE_COMPLETE';
      return result;
    }
    this.status = 'ROLLBACK_COMPLETE';
    if (!result.responseRejected) {
      const rollback = await this.send(this.event('Delete', props, undefined, result.physicalResourceId), 'rollback');
      if (rollback.status !== 'SUCCESS') {
        this.status = 'ROLLBACK_FAILED';
        this.physicalResourceId = result.physicalResourceId;
        this.properties = props;
      }
    }
    return result;
  }

  /**
   * UPDATE.
   * - SUCCESS with a new physical id means replacement: CloudFormation deletes the old id in the cleanup phase, with
   *   the old properties (CloudFormation User Guide, "Custom resources": a changed PhysicalResourceId makes
   *   CloudFormation send a Delete for the old one).
   * - FAILED: CloudFormation records the FAILED response's physical id (aws/aws-cdk issues #13527 and #30012: after a
   *   failed update the recorded id is the one the response carried). The rollback is an Update to THAT id with
   *   ResourceProperties = the previous template's and OldResourceProperties = the failed one's (aws/aws-cdk #17040).
   *   If the rollback answers with another id, the cleanup phase deletes the recorded id, with the failed update's
   *   properties; whatever id CloudFormation held before the failed update is forgotten.
   * - A failed rollback leaves the stack UPDATE_ROLLBACK_FAILED, holding the id of the rollback's response.
   */
  public async update(props: Properties): Promise<ProviderResult> {
    const oldProps = this.properties!;
    const oldId = this.physicalResourceId!;
    const result = await this.send(this.event('Update', props, oldProps, oldId), 'update');
    if (result.status === 'SUCCESS') {
      this.physicalResourceId = result.physicalResourceId;
      this.properties = props;
      this.attributes = result.data;
      this.status = 'UPDATE_COMPLETE';
      if (result.physicalResourceId !== oldId) await this.cleanup(oldProps, oldId);
      return result;
    }
    await this.rollBack(props, oldProps, result.physicalResourceId || oldId);
    return result;
  }

  /**
   * An update of this resource that succeeds, then a rollback of the stack because another resource failed, before
   * the cleanup phase (nothing deleted yet): the same rollback as after a failed update, sent to the id the
   * successful update recorded (CloudFormation User Guide, "Monitor the progress of a stack update": a failed
   * update rolls back every resource updated so far, and deletes the new physical resources afterwards).
   */
  public async updateThenRollBack(props: Properties): Promise<ProviderResult> {
    const oldProps = this.properties!;
    const oldId = this.physicalResourceId!;
    const result = await this.send(this.event('Update', props, oldProps, oldId), 'update');
    this.physicalResourceId = result.physicalResourceId || oldId;
    await this.rollBack(props, oldProps, this.physicalResourceId);
    return result;
  }

  private async rollBack(failedProps: Properties, oldProps: Properties, recorded: string): Promise<void> {
    this.physicalResourceId = recorded;
    const rollback = await this.send(this.event('Update', oldProps, failedProps, recorded), 'rollback');
    this.properties = oldProps;
    if (rollback.status !== 'SUCCESS') {
      this.status = 'UPDATE_ROLLBACK_FAILED';
      this.physicalResourceId = rollback.physicalResourceId || recorded;
      return;
    }
    this.status = 'UPDATE_ROLLBACK_COMPLETE';
    this.physicalResourceId = rollback.physicalResourceId;
    this.attributes = rollback.data;
    if (rollback.physicalResourceId !== recorded) await this.cleanup(failedProps, recorded);
  }

  private async cleanup(props: Properties, physicalResourceId: string): Promise<void> {
    const cleanup = await this.send(this.event('Delete', props, undefined, physicalResourceId), 'cleanup');
    if (cleanup.status !== 'SUCCESS') this.cleanupFailures.push({ physicalResourceId, reason: cleanup.reason });
  }

  /** DELETE. */
  public async delete(): Promise<ProviderResult> {
    const result = await this.send(this.event('Delete', this.properties!, undefined, this.physicalResourceId), 'delete');
    this.status = result.status === 'SUCCESS' ? 'DELETE_COMPLETE' : 'DELETE_FAILED';
    return result;
  }
}
