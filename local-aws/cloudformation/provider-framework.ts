import { AsyncLocalStorage } from 'async_hooks';
import * as fs from 'fs';
import * as path from 'path';
import { invokeLambda, InvokeResult, LambdaContext } from './lambda-invoke';
import { ProviderModel, replicatorProviderModel } from './provider-model';
import type { DeployedStackView } from './query-api';
import type { DeployedResource, StackStatusInProgress } from './stack';
import { RealClock, WorldClock } from './world-clock';
import type { IsCompleteEvent, IsCompleteResponse, OnEventResponse, ProviderEvent } from '../../src/provider/events';

/**
 * Plays a `Custom::MskReplicator` request through the Provider framework aws-cdk-lib deploys: the framework code that
 * runs here is aws-cdk-lib's own runtime (`custom-resources/lib/provider-framework/runtime/`: framework.js,
 * cfn-response.js, util.js, consts.js), loaded from the installed package. Only what that runtime reaches through
 * `outbound.js` (Lambda Invoke, Step Functions StartExecution, the PUT of the response to CloudFormation) is played
 * by the local world, each with the service's semantics and its source:
 *
 * - Lambda Invoke: a handler that returns answers its result as the payload; one that throws answers
 *   `FunctionError: "Unhandled"` with the runtime's error payload (Lambda API reference, Invoke,
 *   https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html). A function that runs past its `Timeout` (read from
 *   the synthesized template) is stopped and answers a timeout error. The handler is called with the event and the
 *   context object, whose `getRemainingTimeInMillis()` counts that `Timeout` down on the world clock (lambda-invoke.ts).
 * - The waiter state machine: its retry policy (interval, backoff rate, max attempts) is read from the synthesized
 *   definition (provider-model.ts) and run as Step Functions runs a Retrier, then the Catch into `onTimeout`
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
 * - CloudFormation's side of the response: a body over 4,096 bytes is rejected ("The total size of the response
 *   body can't exceed 4096 bytes", https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html),
 *   and a response later than the resource's ServiceTimeout (default 3,600 s, "The value must be an integer from 1 to
 *   3600. The default value is 3600 seconds (1 hour)",
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudformation-customresource.html)
 *   comes too late: CloudFormation already failed the resource.
 *
 * Time is the world clock's (world-clock.ts): real, or virtual so that an hour of polling runs in milliseconds.
 */

export const HANDLER_ASSET = path.join(__dirname, '..', '..', 'assets', 'provider', 'handler.lambda', 'index.js');
/** The handler's TypeScript source: what coverage and mutation tools instrument. */
export const HANDLER_SOURCE = path.join(__dirname, '..', '..', 'src', 'provider', 'handler.lambda.ts');

/** The handler's entry points, called as Lambda calls them: the event, and the context object (lambda-invoke.ts). */
export interface Handler {
  onEventHandler(event: ProviderEvent, context?: LambdaContext): Promise<OnEventResponse>;
  isCompleteHandler(event: IsCompleteEvent, context?: LambdaContext): Promise<IsCompleteResponse>;
}

/**
 * Loads the handler with the environment a Lambda function would have, pointed at `endpoint`: the bundled asset (what
 * users deploy), or its TypeScript source when `source` is 'src' (by default when HANDLER_SOURCE=src is set, so
 * coverage and mutation tools see the handler). Each call loads a fresh copy, a cold Lambda: the handler keeps state at
 * module level (handler.lambda.ts: the SDK client, with its clock-skew estimate and its sockets; invocation-deadline.ts:
 * the AsyncLocalStorage of the invocation's context), which a warm function would carry from one request to the next.
 * What it shares with the test is the global `SLEEP_HOOK` (sleep.ts), which the world's clock sets per invocation.
 */
export function loadBundledHandler(endpoint: string, region = 'us-east-1', source = handlerSourceFromEnv(), cloudFormationEndpoint?: string): Handler {
  process.env.AWS_ENDPOINT_URL_KAFKA = endpoint;
  // the local CloudFormation API (query-api.ts), for the handler's DescribeStacks; none: a port nothing listens on
  process.env.AWS_ENDPOINT_URL_CLOUDFORMATION = cloudFormationEndpoint ?? 'http://127.0.0.1:9';
  process.env.AWS_REGION = region;
  process.env.AWS_ACCESS_KEY_ID = 'AKIAEXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'example-secret';
  delete process.env.AWS_PROFILE;
  const file = source === 'src' ? HANDLER_SOURCE : HANDLER_ASSET;
  return freshModule(file) as Handler;
}

/**
 * A fresh copy of the module `file` and, for the TypeScript source, of every module it imports. Under jest, `require`
 * goes through jest's module registry, which `require.cache` does not reach: `jest.isolateModules` gives the require a
 * registry of its own ("creates a sandbox registry for the modules that are loaded inside the callback function",
 * https://jestjs.io/docs/jest-object#jestisolatemodulesfn). Outside jest (bench/ and demo/, run by ts-node), Node's
 * cache entry of `file` is deleted first: the bundle is one file; of the source, the entry file is fresh (it creates the
 * client), the modules it imports stay shared.
 */
function freshModule(file: string): unknown {
  let loaded: unknown;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = () => { loaded = require(file); };
  if (typeof jest !== 'undefined') {
    jest.isolateModules(load);
  } else {
    delete require.cache[require.resolve(file)];
    load();
  }
  return loaded;
}

export function handlerSourceFromEnv(): 'bundle' | 'src' {
  return process.env.HANDLER_SOURCE === 'src' ? 'src' : 'bundle';
}

export interface ProviderOptions {
  /**
   * Real milliseconds the waiter sleeps per retry when no `clock` is given (the synthesized 30-second interval,
   * compressed). @default 20
   */
  readonly queryIntervalMs?: number;
  /** The world's clock; a `VirtualClock` makes the waiter's intervals and the handler's `Date.now()` virtual. */
  readonly clock?: WorldClock;
  /**
   * isComplete calls before the waiter gives up (1 + the Retrier's MaxAttempts), for tests that shorten it.
   * @default read from the synthesized state machine
   */
  readonly maxPolls?: number;
  /** The provider's synthesized settings. @default this project's provider (provider-model.ts) */
  readonly model?: ProviderModel;
  /** Receives every isComplete result, for progress displays. */
  readonly onPoll?: (result: IsCompleteResponse) => void;
  /** Receives each line the handler logs (what CloudWatch Logs would hold); by default they are dropped. */
  readonly onLog?: (line: string) => void;
  /** Receives each line the framework's own functions log; by default they are dropped. */
  readonly onFrameworkLog?: (line: string) => void;
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
  /** No response within the ServiceTimeout: CloudFormation failed the resource itself and recorded nothing new. */
  readonly serviceTimedOut?: boolean;
}

const RUNTIME_DIR = path.join(path.dirname(require.resolve('aws-cdk-lib/package.json')),
  'custom-resources', 'lib', 'provider-framework', 'runtime');

/** What `outbound.js` exports: the runtime calls these through the module object, at call time. */
interface Outbound {
  invokeFunction(request: { FunctionName: string; Payload: string }): Promise<InvokeResult>;
  startExecution(request: { stateMachineArn: string; input: string }): Promise<{ executionArn: string }>;
  httpRequest(options: { path?: string }, body: string): Promise<void>;
}


interface FrameworkRuntime {
  onEvent(event: unknown): Promise<void>;
  isComplete(event: unknown): Promise<void>;
  onTimeout(event: unknown): Promise<void>;
}

/** The request in flight in this async context: where the runtime's outbound calls go. */
const inFlight = new AsyncLocalStorage<Outbound>();
const routed: Outbound = {
  invokeFunction: (request) => current().invokeFunction(request),
  startExecution: (request) => current().startExecution(request),
  httpRequest: (options, body) => current().httpRequest(options, body),
};
function current(): Outbound {
  const outbound = inFlight.getStore();
  if (outbound === undefined) throw new Error('the Provider framework runtime called out of any request');
  return outbound;
}

/**
 * Evaluates the runtime's CommonJS files with `./outbound` bound to the local world (the real outbound.js needs
 * @aws-sdk/client-lambda and client-sfn, which exist in the Lambda runtime only). Evaluated in this module's realm,
 * so the runtime's console, timers and Date are the ones the tests see.
 */
function loadRuntime(): { framework: FrameworkRuntime; cfnResponse: Record<string, unknown> } {
  const modules = new Map<string, { exports: Record<string, unknown> }>();
  const load = (file: string): Record<string, unknown> => {
    const loaded = modules.get(file);
    if (loaded !== undefined) return loaded.exports;
    const module = { exports: {} as Record<string, unknown> };
    modules.set(file, module);
    const requireFrom = (id: string): unknown => {
      if (id === './outbound') return routed;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return id.startsWith('./') ? load(path.join(RUNTIME_DIR, `${id.slice(2)}.js`)) : require(id);
    };
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    new Function('exports', 'require', 'module', '__filename', '__dirname', fs.readFileSync(file, 'utf8'))(
      module.exports, requireFrom, module, file, RUNTIME_DIR);
    return module.exports;
  };
  const framework = load(path.join(RUNTIME_DIR, 'framework.js')) as unknown as FrameworkRuntime;
  return { framework, cfnResponse: load(path.join(RUNTIME_DIR, 'cfn-response.js')) };
}

const runtime = loadRuntime();

/**
 * The physical id the framework answers a failed Create with when onEvent returned none; the Delete CloudFormation
 * then sends for it is answered SUCCESS without calling the handler (runtime cfn-response.js, `safeHandler`).
 */
export const CREATE_FAILED_MARKER = runtime.cfnResponse.CREATE_FAILED_PHYSICAL_ID_MARKER as string;
/** cfn-response.js `submitResponse`: the physical id of a response that had none. */
export const MISSING_PHYSICAL_ID_MARKER = runtime.cfnResponse.MISSING_PHYSICAL_ID_MARKER as string;

/**
 * CloudFormation rejects a custom resource response body over 4,096 bytes and fails the resource with this reason;
 * the reason the provider sent is lost. Source: CloudFormation User Guide, "Custom resource response objects"
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html: "The total size of the
 * response body can't exceed 4096 bytes"), awsdocs/aws-cloudformation-user-guide PR #262 (4,096 inclusive),
 * aws/aws-cdk issue #23958 ("Response object is too long."). What CloudFormation records from a rejected response is
 * not documented: the harsher reading is modelled, nothing (no new physical id; a Create's rollback has no id to delete).
 */
export const RESPONSE_LIMIT_BYTES = 4096;
export const RESPONSE_TOO_LONG = 'Response object is too long.';

/**
 * CloudFormation's reason when no response arrived within the ServiceTimeout (as quoted in public reports, e.g.
 * aws/aws-cdk issue #18746, aws-samples/aws-security-reference-architecture-examples issue #162).
 */
export const NO_RESPONSE_REASON = 'CloudFormation did not receive a response from your Custom Resource. Please check your logs for '
  + 'requestId [%s]. If you are using the Python cfn-response module, you may need to update your Lambda function code so that '
  + 'CloudFormation can attach the updated version.';
/** AWS::CloudFormation::CustomResource `ServiceTimeout` default (see the header). */
export const DEFAULT_SERVICE_TIMEOUT_SECONDS = 3600;

/** A task of the state machine invoking a framework function: a FunctionError fails the task with its payload. */
async function runFrameworkTask(entry: (event: unknown) => Promise<void>, input: unknown, clock: WorldClock, sink?: (line: string) => void) {
  // the framework's functions have a 15-minute timeout (aws-cdk-lib provider.ts, FRAMEWORK_HANDLER_TIMEOUT)
  const result = await invokeLambda(() => entry(input), 900, clock, sink);
  if (result.FunctionError === undefined) return undefined;
  const payload = JSON.parse(new TextDecoder().decode(result.Payload)) as { errorType?: string };
  // States language: a failed Lambda task's error output is { Error: errorType, Cause: the payload as a string }
  return { Error: payload.errorType ?? 'Lambda.Unknown', Cause: new TextDecoder().decode(result.Payload) };
}

/** One request through the Provider framework: CloudFormation sends it, and acts on the response it receives. */
export async function invokeProvider(handler: Handler, event: ProviderEvent, options: ProviderOptions = {}): Promise<ProviderResult> {
  const result = await runFramework(handler, event, options);
  options.onResponse?.(result);
  return result;
}

async function runFramework(handler: Handler, event: ProviderEvent, options: ProviderOptions): Promise<ProviderResult> {
  const model = options.model ?? replicatorProviderModel();
  const clock = options.clock ?? new RealClock(options.queryIntervalMs ?? 20);
  const [, , , region, account] = event.StackId.split(':');
  const functionArn = (name: string) => `arn:aws:lambda:${region}:${account}:function:${name}`;
  const onEventArn = functionArn(options.onEventFunctionName ?? 'DemoStack-ReplicatorProviderOnEventHandler-0A1B2C3D4E5F');
  const isCompleteArn = functionArn(options.isCompleteFunctionName ?? 'DemoStack-ReplicatorProviderIsCompleteHandler-6A7B8C9D0E1F');
  const waiterArn = `arn:aws:states:${region}:${account}:stateMachine:waiter-state-machine`;
  const serviceTimeoutMs = Number(event.ResourceProperties.ServiceTimeout ?? DEFAULT_SERVICE_TIMEOUT_SECONDS) * 1000;
  const sentAt = clock.now();
  let polls = 0;
  let response: { body: string; at: number } | undefined;
  let executionInput: string | undefined;

  const outbound: Outbound = {
    invokeFunction: async ({ FunctionName, Payload }) => {
      const userEvent = JSON.parse(Payload);
      if (FunctionName === onEventArn) {
        return invokeLambda((context) => handler.onEventHandler(userEvent, context), model.onEventTimeoutSeconds, clock, options.onLog);
      }
      polls += 1;
      const result = await invokeLambda((context) => handler.isCompleteHandler(userEvent, context), model.isCompleteTimeoutSeconds, clock,
        options.onLog);
      if (result.FunctionError === undefined) options.onPoll?.(JSON.parse(new TextDecoder().decode(result.Payload)));
      return result;
    },
    startExecution: async ({ input }) => {
      // the execution runs once the onEvent function has returned (it returns right after this call)
      executionInput = input;
      return { executionArn: `${waiterArn.replace(':stateMachine:', ':execution:')}:${event.RequestId}` };
    },
    httpRequest: async (_, body) => {
      response = { body, at: clock.now() };
    },
  };

  /** The waiter: the isComplete task with its Retrier, then the Catch into onTimeout. */
  const waiter = async (input: unknown): Promise<void> => {
    const retries = options.maxPolls !== undefined ? options.maxPolls - 1 : model.waiter.maxAttempts;
    for (let attempt = 0; ; attempt++) {
      const failure = await runFrameworkTask((e) => (setEnvironment(), runtime.framework.isComplete(e)), input, clock, options.onFrameworkLog);
      if (failure === undefined) return;
      if (attempt >= retries) {
        await runFrameworkTask((e) => (setEnvironment(), runtime.framework.onTimeout(e)), failure, clock, options.onFrameworkLog);
        return;
      }
      await clock.sleep(model.waiter.intervalSeconds * 1000 * model.waiter.backoffRate ** attempt);
    }
  };

  // The runtime reads these at call time (util.js getEnv), as its functions read their Lambda environment.
  const setEnvironment = () => {
    process.env.USER_ON_EVENT_FUNCTION_ARN = onEventArn;
    process.env.USER_IS_COMPLETE_FUNCTION_ARN = isCompleteArn;
    process.env.WAITER_STATE_MACHINE_ARN = waiterArn;
  };
  const request = {
    ...event,
    ResponseURL: `https://cloudformation-custom-resource-response-${region.replace(/-/g, '')}.s3.amazonaws.com/`
      + `${encodeURIComponent(event.StackId)}%7C${event.LogicalResourceId}%7C${event.RequestId}?X-Amz-Signature=example`,
  };
  await inFlight.run(outbound, async () => {
    await runFrameworkTask((e) => (setEnvironment(), runtime.framework.onEvent(e)), request, clock, options.onFrameworkLog);
    if (executionInput !== undefined) await waiter(JSON.parse(executionInput));
  });
  return received(event, response, sentAt, serviceTimeoutMs, polls);
}

/** CloudFormation's side: what it records from the response it received, if any arrived in time and fits. */
function received(event: ProviderEvent, response: { body: string; at: number } | undefined, sentAt: number, serviceTimeoutMs: number,
  polls: number): ProviderResult {
  if (response === undefined || response.at - sentAt > serviceTimeoutMs) {
    return {
      status: 'FAILED',
      physicalResourceId: event.PhysicalResourceId ?? '',
      data: {},
      polls,
      serviceTimedOut: true,
      reason: NO_RESPONSE_REASON.replace('%s', event.RequestId),
    };
  }
  if (Buffer.byteLength(response.body, 'utf8') > RESPONSE_LIMIT_BYTES) {
    return { status: 'FAILED', physicalResourceId: event.PhysicalResourceId ?? '', data: {}, reason: RESPONSE_TOO_LONG, polls, responseRejected: true };
  }
  const body = JSON.parse(response.body) as { Status: 'SUCCESS' | 'FAILED'; Reason: string; PhysicalResourceId: string; Data?: Record<string, string> };
  return {
    status: body.Status,
    physicalResourceId: body.PhysicalResourceId,
    data: body.Data ?? {},
    reason: body.Status === 'FAILED' ? body.Reason : undefined,
    polls,
  };
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
 *
 * While an operation runs the stack shows the status CloudFormation shows for it to anyone who calls DescribeStacks,
 * the handler included (served by the local CloudFormation API, query-api.ts, through `DeployedStackView`), as
 * stack.ts models it ("Stack status codes", https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/view-stack-events.html):
 * CREATE_IN_PROGRESS, then ROLLBACK_IN_PROGRESS for the rollback of a failed creation; UPDATE_IN_PROGRESS, then
 * UPDATE_COMPLETE_CLEANUP_IN_PROGRESS while a replaced resource is deleted; UPDATE_ROLLBACK_IN_PROGRESS while a failed
 * update is undone, then UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS while what it created is deleted;
 * DELETE_IN_PROGRESS while the stack is deleted.
 */
export class CloudFormationResource implements DeployedStackView {
  /** The physical id CloudFormation records for the resource (what the next Update or Delete is sent to). */
  public physicalResourceId?: string;
  /** The properties of the last template CloudFormation considers deployed (what the next Update sends as old). */
  public properties?: Properties;
  public attributes: Record<string, string | undefined> = {};
  /** The stack's status: after its last operation, or while one runs (undefined: never deployed). */
  public status?: StackStatus | StackStatusInProgress;
  /** Every request sent, in order, with its result. */
  public readonly history: { requestType: string; requestId: string; physicalResourceId?: string; result: ProviderResult; phase: string }[] = [];
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

  /** DescribeStacks: the status shown now. */
  public stackStatus(): string | undefined {
    return this.status;
  }

  /** The resource as CloudFormation describes it, while one is recorded (none after a rolled-back creation). */
  public deployedResources(): DeployedResource[] {
    if (this.physicalResourceId === undefined || this.status === 'ROLLBACK_COMPLETE' || this.status === 'DELETE_COMPLETE') return [];
    const updated = this.history.some((h) => h.requestType === 'Update' && h.result.status === 'SUCCESS');
    return [{
      logicalId: this.logicalResourceId,
      type: 'Custom::MskReplicator',
      physicalId: this.physicalResourceId,
      status: updated ? 'UPDATE_COMPLETE' : 'CREATE_COMPLETE',
    }];
  }

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
    this.history.push({ requestType: event.RequestType, requestId: event.RequestId, physicalResourceId: event.PhysicalResourceId, result, phase });
    return result;
  }

  public createEvent(props: Properties): ProviderEvent {
    return this.event('Create', props);
  }

  /**
   * CREATE. On failure CloudFormation rolls back by deleting the physical id the FAILED response carried (the
   * framework's CREATE_FAILED marker when onEvent failed, else the id onEvent returned); a rejected response
   * carried nothing CloudFormation could record, so nothing is deleted (harsher reading, see RESPONSE_TOO_LONG); nor
   * is anything after a ServiceTimeout, when no response came in time.
   */
  public async create(props: Properties): Promise<ProviderResult> {
    this.status = 'CREATE_IN_PROGRESS';
    const result = await this.send(this.createEvent(props), 'create');
    if (result.status === 'SUCCESS') {
      this.physicalResourceId = result.physicalResourceId;
      this.properties = props;
      this.attributes = result.data;
      this.status = 'CREATE_COMPLETE';
      return result;
    }
    if (!result.responseRejected && !result.serviceTimedOut) await this.rollBackCreation(props, result.physicalResourceId);
    else this.status = 'ROLLBACK_COMPLETE';
    return result;
  }

  /**
   * A creation of this resource that succeeds, then the rollback of the stack's creation because another resource
   * failed: CloudFormation deletes every resource it created ("ROLLBACK_IN_PROGRESS: Ongoing removal of one or more
   * stacks after a failed stack creation", "Stack status codes"), this one with the id its response carried.
   */
  public async createThenRollBack(props: Properties): Promise<ProviderResult> {
    this.status = 'CREATE_IN_PROGRESS';
    const result = await this.send(this.createEvent(props), 'create');
    if (result.responseRejected || result.serviceTimedOut) this.status = 'ROLLBACK_COMPLETE';
    else await this.rollBackCreation(props, result.physicalResourceId);
    return result;
  }

  private async rollBackCreation(props: Properties, physicalResourceId: string): Promise<void> {
    this.status = 'ROLLBACK_IN_PROGRESS';
    const rollback = await this.send(this.event('Delete', props, undefined, physicalResourceId), 'rollback');
    this.status = 'ROLLBACK_COMPLETE';
    if (rollback.status !== 'SUCCESS') {
      this.status = 'ROLLBACK_FAILED';
      this.physicalResourceId = physicalResourceId;
      this.properties = props;
    }
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
    this.status = 'UPDATE_IN_PROGRESS';
    const result = await this.send(this.event('Update', props, oldProps, oldId), 'update');
    if (result.status === 'SUCCESS') {
      this.physicalResourceId = result.physicalResourceId;
      this.properties = props;
      this.attributes = result.data;
      if (result.physicalResourceId !== oldId) {
        this.status = 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS';
        await this.cleanup(oldProps, oldId);
      }
      this.status = 'UPDATE_COMPLETE';
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
    this.status = 'UPDATE_IN_PROGRESS';
    const result = await this.send(this.event('Update', props, oldProps, oldId), 'update');
    this.physicalResourceId = result.physicalResourceId || oldId;
    await this.rollBack(props, oldProps, this.physicalResourceId);
    return result;
  }

  private async rollBack(failedProps: Properties, oldProps: Properties, recorded: string): Promise<void> {
    this.physicalResourceId = recorded;
    this.status = 'UPDATE_ROLLBACK_IN_PROGRESS';
    const rollback = await this.send(this.event('Update', oldProps, failedProps, recorded), 'rollback');
    this.properties = oldProps;
    if (rollback.status !== 'SUCCESS') {
      this.status = 'UPDATE_ROLLBACK_FAILED';
      this.physicalResourceId = rollback.physicalResourceId || recorded;
      return;
    }
    this.physicalResourceId = rollback.physicalResourceId;
    this.attributes = rollback.data;
    if (rollback.physicalResourceId !== recorded) {
      this.status = 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS';
      await this.cleanup(failedProps, recorded);
    }
    this.status = 'UPDATE_ROLLBACK_COMPLETE';
  }

  private async cleanup(props: Properties, physicalResourceId: string): Promise<void> {
    const cleanup = await this.send(this.event('Delete', props, undefined, physicalResourceId), 'cleanup');
    if (cleanup.status !== 'SUCCESS') this.cleanupFailures.push({ physicalResourceId, reason: cleanup.reason });
  }

  /** DELETE. */
  public async delete(): Promise<ProviderResult> {
    this.status = 'DELETE_IN_PROGRESS';
    const result = await this.send(this.event('Delete', this.properties!, undefined, this.physicalResourceId), 'delete');
    this.status = result.status === 'SUCCESS' ? 'DELETE_COMPLETE' : 'DELETE_FAILED';
    return result;
  }
}
