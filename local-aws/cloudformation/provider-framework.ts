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
}

export interface ProviderResult {
  readonly status: 'SUCCESS' | 'FAILED';
  readonly physicalResourceId: string;
  readonly data: Record<string, string | undefined>;
  readonly reason?: string;
  readonly polls: number;
}

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

/** One request through the Provider framework. */
export async function invokeProvider(handler: Handler, event: ProviderEvent, options: ProviderOptions = {}): Promise<ProviderResult> {
  const fallbackId = event.PhysicalResourceId ?? event.RequestId;
  let onEventResult: OnEventResponse;
  try {
    onEventResult = await invoke(() => handler.onEventHandler(event), options.onLog);
  } catch (error) {
    return { status: 'FAILED', physicalResourceId: fallbackId, data: {}, reason: (error as Error).message, polls: 0 };
  }
  const physicalResourceId = onEventResult.PhysicalResourceId ?? fallbackId;
  const completeEvent: IsCompleteEvent = { ...event, ...onEventResult, PhysicalResourceId: physicalResourceId };
  const maxPolls = options.maxPolls ?? 400;
  for (let poll = 1; poll <= maxPolls; poll++) {
    let result: IsCompleteResponse;
    try {
      result = await invoke(() => handler.isCompleteHandler(completeEvent), options.onLog);
    } catch (error) {
      return { status: 'FAILED', physicalResourceId, data: {}, reason: (error as Error).message, polls: poll };
    }
    options.onPoll?.(result);
    if (result.IsComplete) {
      return { status: 'SUCCESS', physicalResourceId, data: { ...onEventResult.Data, ...result.Data }, polls: poll };
    }
    await sleep(options.queryIntervalMs ?? 20);
  }
  return { status: 'FAILED', physicalResourceId, data: {}, reason: 'Operation timed out', polls: maxPolls };
}

export type Properties = Record<string, unknown>;

/** A stack holding one `Custom::MskReplicator`, deployed and updated the way CloudFormation does it. */
export class CloudFormationResource {
  public physicalResourceId?: string;
  public properties?: Properties;
  public attributes: Record<string, string | undefined> = {};
  /** Every request sent, in order, with its result. */
  public readonly history: { requestType: string; physicalResourceId?: string; result: ProviderResult }[] = [];
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
      OldResourceProperties: oldProps,
    };
  }

  /** Sends one raw request (for tests of retried deliveries). */
  public async send(event: ProviderEvent): Promise<ProviderResult> {
    const result = await invokeProvider(this.handler, event, this.options);
    this.history.push({ requestType: event.RequestType, physicalResourceId: event.PhysicalResourceId, result });
    return result;
  }

  public createEvent(props: Properties): ProviderEvent {
    return this.event('Create', props);
  }

  /** CREATE; on failure CloudFormation rolls back by deleting whatever physical id the failure carried. */
  public async create(props: Properties): Promise<ProviderResult> {
    const result = await this.send(this.createEvent(props));
    if (result.status === 'SUCCESS') {
      this.physicalResourceId = result.physicalResourceId;
      this.properties = props;
      this.attributes = result.data;
    } else {
      await this.send(this.event('Delete', props, undefined, result.physicalResourceId));
    }
    return result;
  }

  /**
   * UPDATE. A new physical id means replacement: CloudFormation deletes the old one in the cleanup phase.
   * A failure triggers the rollback: an UPDATE back to the previous properties.
   */
  public async update(props: Properties): Promise<ProviderResult> {
    const oldProps = this.properties!;
    const oldId = this.physicalResourceId!;
    const result = await this.send(this.event('Update', props, oldProps, oldId));
    if (result.status === 'SUCCESS') {
      this.physicalResourceId = result.physicalResourceId;
      this.properties = props;
      this.attributes = result.data;
      if (result.physicalResourceId !== oldId) {
        const cleanup = await this.send(this.event('Delete', oldProps, undefined, oldId));
        if (cleanup.status !== 'SUCCESS') throw new Error(`cleanup of ${oldId} failed: ${cleanup.reason}`);
      }
    } else {
      const rollback = await this.send(this.event('Update', oldProps, props, oldId));
      if (rollback.status === 'SUCCESS') this.attributes = rollback.data;
    }
    return result;
  }

  /** DELETE. */
  public async delete(): Promise<ProviderResult> {
    return this.send(this.event('Delete', this.properties!, undefined, this.physicalResourceId));
  }
}
