import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { operationModel } from './api-model';
import { AuthorizationScope, Authorizer, NetworkDirectory, requiredPermissions } from './authorization';
import { HostileOptions, Hostility } from './hostile';
import {
  errorAnswer,
  jsonAnswer,
  matchRoute,
  notFound,
  parseJsonBody,
  queryInput,
  sendError,
  sendJson,
  ServiceError,
  signingRegion,
  uriInput,
  WireAnswer,
} from './http-protocol';
import { validateInput } from './model-validator';
import { describeReplicatorBody, HANDLERS, OperationContext } from './operations';
import { AccessGap, ServiceRoleAccess } from './service-role-access';
import { ReplicatorStore, StoredReplicator } from './state';
import {
  FaultSpec,
  InjectableError,
  MskSimulatorOptions,
  MskSimulatorTiming,
  OperationName,
  OutOfBandChange,
  RecordedCall,
  ReplicatorRecord,
  ReplicatorState,
  StateInfo,
  SUPPORTED_OPERATIONS,
} from './types';
import type { PolicyDocument } from '../iam/policy-evaluator';

/** The reads `answerTruthfully` serves. */
const TRUTHFUL_READS: readonly OperationName[] = ['DescribeReplicator', 'ListReplicators', 'ListTagsForResource'];

const DEFAULT_TIMING: MskSimulatorTiming = { creatingMs: 150, updatingMs: 100, deletingMs: 100 };

const INJECTED_MESSAGES: Record<Exclude<InjectableError, 'ConnectionReset'>, string> = {
  TooManyRequestsException: 'Rate exceeded',
  InternalServerErrorException: 'An internal error occurred',
  ServiceUnavailableException: 'The service is temporarily unavailable',
};

export type SimulatorHook = (sim: MskSimulator) => void | Promise<void>;

interface ActiveFault {
  readonly operation: OperationName | '*';
  readonly error: InjectableError;
  remaining: number;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * A local HTTP server speaking the MSK Replicator part of the Kafka rest-json
 * API, for use with the real `KafkaClient` (`endpoint: sim.endpoint` or
 * `AWS_ENDPOINT_URL_KAFKA`).
 *
 * Request pipeline: route (from the model) -> injected fault -> `beforeNext`
 * hooks -> due state transitions -> model validation -> service rules.
 *
 * State transitions are time-based and evaluated lazily (see `state.ts`).
 * To keep a replicator in CREATING/UPDATING/DELETING, call
 * `holdState(arn, true)` (or `holdState('*', true)` before creating it) and
 * release with `holdState(arn, false)`; `setState` forces a state outright.
 */
export class MskSimulator {
  /** Starts a simulator on a free port of 127.0.0.1. */
  public static async start(options: MskSimulatorOptions = {}): Promise<MskSimulator> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new MskSimulator(server, options);
  }

  /** Every request received, in the order their answers were sent. */
  public readonly calls: RecordedCall[] = [];
  /** Base URL, e.g. `http://127.0.0.1:49152`. */
  public readonly endpoint: string;
  public readonly region: string;
  public readonly account: string;

  private readonly store: ReplicatorStore;
  private readonly faults: ActiveFault[] = [];
  private readonly hooks: Array<{ operation: OperationName; hook: SimulatorHook }> = [];
  private readonly creationFailures: StateInfo[] = [];
  private authorizer?: Authorizer;
  private network: NetworkDirectory = {};
  private readonly pendingInvisibility: number[] = [];
  /** ARN -> epoch ms from which a just-created replicator is visible to reads. */
  private readonly visibleFrom = new Map<string, number>();
  private readonly pendingListLag: number[] = [];
  /** ARN -> how many more ListReplicators answers leave it out / ListTagsForResource answers say NotFound. */
  private readonly listLag = new Map<string, { list: number; tags: number }>();
  private readonly now: () => number;
  private readonly dateClock?: () => number;
  private readonly roleAccess: ServiceRoleAccess;
  private hostility?: Hostility;
  /** Each replicator's view before its last write, and the reads `lagNextRead` armed to answer from it. */
  private readonly previousViews = new Map<string, StoredReplicator | undefined>();
  private readonly laggingReads = new Map<string, OperationName>();
  /** Requests still to answer NotFound, by `${operation} ${arn}` (answerNotFound). */
  private readonly notFoundAnswers = new Map<string, number>();

  private constructor(private readonly server: Server, options: MskSimulatorOptions) {
    this.region = options.region ?? 'us-east-1';
    this.account = options.account ?? '123456789012';
    this.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.now = options.clock ?? Date.now;
    this.dateClock = options.dateClock;
    this.roleAccess = new ServiceRoleAccess(this.now);
    this.store = new ReplicatorStore(
      this.region,
      this.account,
      { ...DEFAULT_TIMING, ...options.timing },
      options.clock ?? Date.now,
    );
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res).catch((err: unknown) => {
        // Last resort: never leave the client hanging on an unexpected failure.
        if (!res.headersSent) {
          sendError(res, new ServiceError('InternalServerErrorException', `Simulator failure: ${String(err)}`));
        }
      });
    });
  }

  /** Stops listening and drops open connections; calling it again is a no-op. */
  public async stop(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve, reject) => {
      this.server.close((err) => (err ? reject(err) : resolve()));
    });
    // SDK clients keep connections alive; drop them so `close` can finish.
    this.server.closeAllConnections();
    await closed;
  }

  // ---------------------------------------------------------------------------
  // Recording
  // ---------------------------------------------------------------------------

  public callsTo(operation: OperationName | 'Unknown'): RecordedCall[] {
    return this.calls.filter((c) => c.operation === operation);
  }

  public resetCalls(): void {
    this.calls.length = 0;
  }

  // ---------------------------------------------------------------------------
  // Fault injection and hooks
  // ---------------------------------------------------------------------------

  /** The next `times` (default 1) requests for `operation` ('*' = any operation) fail with `error` before any processing. */
  public inject(fault: FaultSpec): void {
    const times = fault.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new Error(`inject: times must be a positive integer, got ${times}`);
    this.faults.push({ operation: fault.operation, error: fault.error, remaining: times });
  }

  /** Drops faults that have not fired yet: injected errors, creation failures and invisibility. */
  public clearFaults(): void {
    this.faults.length = 0;
    this.creationFailures.length = 0;
    this.pendingInvisibility.length = 0;
    this.pendingListLag.length = 0;
    this.listLag.clear();
  }

  /** The next created replicator ends FAILED with this state info once creatingMs elapsed. */
  public failNextCreation(code = 'REPLICATOR_CREATION_FAILED', message = 'Replicator creation failed'): void {
    this.creationFailures.push({ code, message });
  }

  /**
   * From now on, every request is authorized through `authorizer` (its own action and the dependent actions
   * MSK performs with the caller's credentials: see `authorization.ts`); a denied request is answered 403
   * ForbiddenException, as MSK answers it. `network` tells where subnets and security groups live (for the
   * `ec2:Vpc` condition key). `undefined` turns authorization off again.
   */
  public enforceIam(authorizer: Authorizer | undefined, network: NetworkDirectory = {}): void {
    this.authorizer = authorizer;
    this.network = network;
  }

  /**
   * The service execution role `roleArn` has `policies` in force from now on (the local CloudFormation tells it as
   * it creates, updates and deletes roles and policies; a test tells it for a role outside the stack). A role never
   * told about grants nothing. Every replicator in service is checked against its role at once and at every later
   * moment the simulator looks (see `accessGaps`).
   */
  public setRolePolicies(roleArn: string, policies: readonly PolicyDocument[]): void {
    this.roleAccess.setPolicies(roleArn, policies);
    this.refresh();
  }

  /**
   * Every period in which a replicator in service (RUNNING or UPDATING) was cut off from one of its clusters by its
   * own role's policies, with what was missing (see service-role-access.ts). Empty: no replicator in service ever
   * lacked access while the simulator looked.
   */
  public accessGaps(): AccessGap[] {
    this.refresh();
    return this.roleAccess.gaps.map((gap) => ({ ...gap, missing: [...gap.missing] }));
  }

  /**
   * Eventual consistency: the next created replicator is invisible for `ms` after CreateReplicator answered. Calls
   * naming its ARN answer NotFoundException and ListReplicators leaves it out; its name is taken at once (a second
   * CreateReplicator with that name gets ConflictException). Source: /work/shared DESIGN.md "A replicator just created
   * may answer NotFound to DescribeReplicator for a short while"; Terraform's aws_msk_replicator create waiter
   * (hashicorp/terraform-provider-aws internal/service/kafka/replicator.go) polls through NotFound for this reason.
   * Modelled harshly: every read and write by ARN is affected, not only DescribeReplicator.
   */
  public hideNextCreation(ms: number): void {
    this.pendingInvisibility.push(ms);
  }

  /**
   * Eventual consistency of the list reads alone: DescribeReplicator sees the next created replicator at once, but
   * the next `calls` ListReplicators answers leave it out and the next `calls` ListTagsForResource of it answer
   * NotFoundException. MSK documents nothing about the consistency of ListReplicators or ListTagsForResource (MSK
   * Replicator API Reference, https://docs.aws.amazon.com/msk/1.0/apireference-replicator/operations.html; Amazon MSK
   * Developer Guide), so the harsher behaviour is modelled: the list reads may lag behind the write that DescribeReplicator
   * already shows (AWS documents such lag for other APIs, e.g. EC2, "Eventual consistency in the Amazon EC2 API",
   * https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html).
   */
  public lagListsAfterNextCreate(calls: number): void {
    if (!Number.isInteger(calls) || calls < 1) throw new Error(`lagListsAfterNextCreate: calls must be a positive integer, got ${calls}`);
    this.pendingListLag.push(calls);
  }

  /**
   * From now on the replicator reports every list whose order carries no meaning in reverse order: subnets and
   * security groups of each cluster, topic and consumer group patterns. The service may answer lists in another
   * order than it was sent (DESIGN.md, "What AWS does not promise"); the API model gives none of them an order
   * (KafkaClusterClientVpcConfig, TopicReplication, ConsumerGroupReplication: "List of ..."). Not a change of
   * configuration: the version stays.
   */
  public reverseUnorderedLists(arn: string): void {
    const r = this.mustGet(arn);
    for (const cluster of r.kafkaClusters) {
      cluster.vpcConfig?.subnetIds.reverse();
      cluster.vpcConfig?.securityGroupIds?.reverse();
    }
    const info = r.replicationInfo;
    info.topicReplication.topicsToReplicate.reverse();
    info.topicReplication.topicsToExclude.reverse();
    info.consumerGroupReplication.consumerGroupsToReplicate.reverse();
    info.consumerGroupReplication.consumerGroupsToExclude.reverse();
  }

  /**
   * Hostile mode (see `hostile.ts` for every behaviour and its source): eventually consistent reads, lists in any
   * order, transient 429/5xx, lost write responses, replicators turning FAILED; all drawn from `options.seed`.
   * Returns the mode, whose `events` tell what it did. `undefined` turns it off.
   */
  public beHostile(options: HostileOptions | undefined): Hostility | undefined {
    this.hostility = options === undefined ? undefined : new Hostility(options);
    return this.hostility;
  }

  /** The hostile mode in force, if any. */
  public get hostile(): Hostility | undefined {
    return this.hostility;
  }

  /**
   * Someone else edits the replicator's tags (removes one, rewrites one, or adds one; any key), as tag policies and
   * clean-up tools do; reads may lag behind the edit. Needs hostile mode (its seeded choices). Returns what was done.
   */
  public editTagsAsOperator(arn: string): string {
    if (!this.hostility) throw new Error('editTagsAsOperator needs hostile mode (beHostile)');
    return this.hostility.editTagsAsOperator(this.mustGet(arn));
  }

  /**
   * The next `operation` (DescribeReplicator or ListTagsForResource) of `arn` answers from the replicator's view before
   * its last write: one read lagging behind a write, as hostile mode draws them (hostile.ts `staleRead`, with its
   * sources), placed where a test needs it.
   */
  public lagNextRead(arn: string, operation: 'DescribeReplicator' | 'ListTagsForResource'): void {
    if (!this.previousViews.has(arn)) throw new Error(`lagNextRead: no write to ${arn} recorded`);
    this.laggingReads.set(arn, operation);
  }

  /**
   * The next `times` requests of `operation` naming `arn` answer NotFoundException while the replicator exists: a call
   * by ARN that reaches a view not showing it yet. The MSK API model lists NotFoundException among the errors of every
   * operation by ARN (kafka-api-model.json: DescribeReplicator, TagResource, ...), and MSK promises no read-after-write
   * consistency (https://docs.aws.amazon.com/msk/1.0/apireference-replicator/); nothing documented bounds when a
   * replicator read a moment before can answer it, so the harsher behaviour is modelled, as `hideNextCreation` does for
   * a replicator just created, one operation at a time, where a test needs it.
   */
  public answerNotFound(arn: string, operation: OperationName, times = 1): void {
    this.mustGet(arn);
    if (!Number.isInteger(times) || times < 1) throw new Error(`answerNotFound: times must be a positive integer, got ${times}`);
    this.notFoundAnswers.set(`${operation} ${arn}`, times);
  }

  /** Whether this request of `operation` naming `arn` answers NotFound (answerNotFound); counts the request. */
  private missesIt(operation: OperationName, arn: string): boolean {
    const key = `${operation} ${arn}`;
    const left = this.notFoundAnswers.get(key);
    if (left === undefined) return false;
    if (left <= 1) this.notFoundAnswers.delete(key);
    else this.notFoundAnswers.set(key, left - 1);
    return true;
  }

  private laggingRead(operation: OperationName, input: Record<string, unknown>): object | undefined {
    const arn = (operation === 'DescribeReplicator' ? input.replicatorArn : input.resourceArn) as string | undefined;
    if (arn === undefined || this.laggingReads.get(arn) !== operation) return undefined;
    this.laggingReads.delete(arn);
    const before = this.previousViews.get(arn);
    if (before === undefined) throw notFound(`The replicator ${arn} does not exist`, operation === 'DescribeReplicator' ? 'replicatorArn' : 'resourceArn');
    return operation === 'DescribeReplicator' ? describeReplicatorBody(before) : { tags: { ...before.tags } };
  }

  /** Runs `hook` once, just before the next request of `operation` is processed. */
  public beforeNext(operation: OperationName, hook: SimulatorHook): void {
    this.hooks.push({ operation, hook });
  }

  // ---------------------------------------------------------------------------
  // Out-of-band changes and state control
  // ---------------------------------------------------------------------------

  /** Removes a replicator at once, as if it was deleted in the console. */
  public deleteOutOfBand(arn: string): void {
    this.mustGet(arn);
    this.store.remove(arn);
  }

  /**
   * Drifts the stored configuration as a change made outside the stack would.
   * Configuration changes bump currentVersion; tag-only changes do not.
   */
  public modifyOutOfBand(arn: string, change: OutOfBandChange): void {
    const r = this.mustGet(arn);
    const info = r.replicationInfo;
    let configChanged = false;
    if (change.topicReplication) {
      info.topicReplication = { ...info.topicReplication, ...structuredClone(change.topicReplication) };
      configChanged = true;
    }
    if (change.consumerGroupReplication) {
      info.consumerGroupReplication = { ...info.consumerGroupReplication, ...structuredClone(change.consumerGroupReplication) };
      configChanged = true;
    }
    if (change.logDelivery !== undefined) {
      r.logDelivery = change.logDelivery === null ? undefined : structuredClone(change.logDelivery);
      configChanged = true;
    }
    if (change.tags) Object.assign(r.tags, change.tags);
    for (const key of change.removeTagKeys ?? []) delete r.tags[key];
    if (configChanged) this.store.bumpVersion(r);
  }

  /** Changes currentVersion as a concurrent writer would; returns the new version. */
  public bumpVersion(arn: string): string {
    return this.store.bumpVersion(this.mustGet(arn));
  }

  /**
   * Forces a state and cancels any pending transition: the replicator stays in
   * `state` until an API call or another `setState` changes it.
   */
  public setState(arn: string, state: ReplicatorState, stateInfo?: StateInfo): void {
    this.store.forceState(this.mustGet(arn), state, stateInfo);
  }

  /**
   * Pauses (`true`) or resumes (`false`) pending transitions of one replicator,
   * or of all replicators, including ones created later, with `'*'`. A resumed
   * transition whose time has passed completes on the next request.
   */
  public holdState(arn: string | '*', hold: boolean): void {
    this.store.hold(arn === '*' ? '*' : this.mustGet(arn), hold);
  }

  /** Changes the durations used by transitions started from now on. */
  public setTiming(timing: Partial<MskSimulatorTiming>): void {
    this.store.timing = { ...this.store.timing, ...timing };
  }

  /** A deep copy of every existing replicator, after applying due transitions. */
  public replicators(): ReplicatorRecord[] {
    this.refresh();
    return this.store.snapshot();
  }

  /** A deep copy of one replicator, or undefined when it does not exist (any more). */
  public replicator(arn: string): ReplicatorRecord | undefined {
    return this.replicators().find((r) => r.arn === arn);
  }

  /**
   * A read (DescribeReplicator, ListReplicators, ListTagsForResource; `rawUrl` is its path and query) answered from
   * what the service holds, as a strongly consistent read would: no lag, no invisibility, no injected or hostile fault,
   * no hook, no draw from the hostile generator (a seeded history plays the same whether or not a test reads the
   * truth between its steps), and not recorded in `calls`. For tests that judge the world as it is, with the client's
   * own deserializer (ground-truth-client.ts).
   */
  public answerTruthfully(method: string, rawUrl: string): WireAnswer {
    const [rawPath, query = ''] = rawUrl.split('?');
    const route = matchRoute(method, rawPath);
    if (route === undefined || !TRUTHFUL_READS.includes(route.operation)) {
      throw new Error(`answerTruthfully serves ${TRUTHFUL_READS.join(', ')}, not ${method} ${rawPath}`);
    }
    this.refresh();
    const input = { ...queryInput(route.operation, new URLSearchParams(query)), ...uriInput(route.operation, route.labels) };
    try {
      const body = HANDLERS[route.operation](input, this.context()).body;
      return jsonAnswer(operationModel(route.operation).http.responseCode ?? 200, body);
    } catch (error) {
      if (error instanceof ServiceError) return errorAnswer(error);
      throw error;
    }
  }

  // ---------------------------------------------------------------------------
  // Request handling
  // ---------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.dateClock !== undefined) res.setHeader('date', new Date(this.dateClock()).toUTCString());
    const bodyText = await readBody(req);
    const method = (req.method ?? 'GET').toUpperCase();
    const rawUrl = req.url ?? '/';
    const queryIndex = rawUrl.indexOf('?');
    const rawPath = queryIndex < 0 ? rawUrl : rawUrl.slice(0, queryIndex);
    const params = new URLSearchParams(queryIndex < 0 ? '' : rawUrl.slice(queryIndex + 1));
    const route = matchRoute(method, rawPath);

    let recordedBody: Record<string, unknown> = {};
    try {
      recordedBody = parseJsonBody(bodyText);
    } catch {
      // Recorded as empty; the malformed body is answered below once routed.
    }

    if (!route) {
      const error = new ServiceError(
        'UnknownOperationException',
        `The MSK simulator has no operation for ${method} ${rawPath}; supported: ${SUPPORTED_OPERATIONS.join(', ')}`,
      );
      sendError(res, error);
      this.record({ operation: 'Unknown', method, path: rawPath, input: recordedBody, status: error.status, errorType: error.errorType, errorMessage: error.message });
      return;
    }

    const operation = route.operation;
    const query = queryInput(operation, params);
    const labelArn = route.labels.replicatorArn ?? route.labels.resourceArn;
    const base = { operation, method, path: rawPath, input: { ...recordedBody, ...query } };

    // A regional endpoint rejects a request signed for another Region (403 InvalidSignatureException,
    // "Credential should be scoped to a valid region"): a client must use the replicator's own Region.
    const scope = signingRegion(req.headers.authorization);
    if (scope !== undefined && scope !== this.region) {
      const error = new ServiceError('InvalidSignatureException', `Credential should be scoped to a valid region, not '${scope}'.`);
      sendError(res, error);
      this.record({ ...base, replicatorArn: labelArn, status: error.status, errorType: error.errorType, errorMessage: error.message });
      return;
    }

    const fault = this.takeFault(operation) ?? this.hostility?.transientFault(operation);
    if (fault === 'ConnectionReset') {
      req.socket.destroy();
      this.record({ ...base, replicatorArn: labelArn, status: 0, errorType: 'ConnectionReset' });
      return;
    }

    let status: number;
    let responseArn = labelArn;
    try {
      if (fault) throw new ServiceError(fault, INJECTED_MESSAGES[fault]);
      await this.runHooks(operation);
      this.refresh();
      this.hostility?.maybeFailOne(this.store);
      const input = { ...parseJsonBody(bodyText), ...query, ...uriInput(operation, route.labels) };
      const violations = validateInput(operation, input);
      if (violations.length > 0) {
        throw new ServiceError('BadRequestException', violations[0].message, violations[0].path);
      }
      this.authorize(operation, input);
      if (operation === 'ListTagsForResource' && labelArn !== undefined && this.lagging(labelArn, 'tags')) {
        throw notFound(`The resource ${labelArn} does not exist`, 'resourceArn');
      }
      if (labelArn !== undefined && this.missesIt(operation, labelArn)) {
        throw notFound(`The replicator ${labelArn} does not exist`, route.labels.replicatorArn ? 'replicatorArn' : 'resourceArn');
      }
      if (labelArn !== undefined && this.invisible(labelArn)) {
        throw notFound(`The replicator ${labelArn} does not exist`, route.labels.replicatorArn ? 'replicatorArn' : 'resourceArn');
      }
      let body = this.laggingRead(operation, input) ?? this.hostility?.staleRead(operation, input);
      if (body === undefined) {
        const target = Hostility.writeTarget(operation, input);
        const before = target !== undefined ? structuredClone(this.store.get(target)) : undefined;
        body = HANDLERS[operation](input, this.context()).body;
        const written = target ?? (body as { replicatorArn?: string } | undefined)?.replicatorArn;
        if (Hostility.isWrite(operation) && written !== undefined) {
          this.previousViews.set(written, before);
          this.hostility?.beforeWrite(written, before);
        }
      }
      this.applyVisibility(operation, body);
      body = this.hostility?.present(operation, body) ?? body;
      status = operationModel(operation).http.responseCode ?? 200;
      const created = (body as { replicatorArn?: unknown } | undefined)?.replicatorArn;
      if (responseArn === undefined && typeof created === 'string') responseArn = created;
      const lost = this.hostility?.lostResponse(operation);
      if (lost === 'ConnectionReset') {
        req.socket.destroy();
        this.record({ ...base, replicatorArn: responseArn, status: 0, errorType: 'ConnectionReset', lostResponse: true });
        return;
      }
      if (lost !== undefined) {
        const error = new ServiceError(lost, INJECTED_MESSAGES[lost]);
        sendError(res, error);
        this.record({
          ...base, replicatorArn: responseArn, status: error.status, errorType: error.errorType, errorMessage: error.message, lostResponse: true,
        });
        return;
      }
      sendJson(res, status, body);
    } catch (err) {
      const error = err instanceof ServiceError
        ? err
        : new ServiceError('InternalServerErrorException', `Simulator failure: ${err instanceof Error ? err.message : String(err)}`);
      sendError(res, error);
      this.record({ ...base, replicatorArn: responseArn, status: error.status, errorType: error.errorType, errorMessage: error.message });
      return;
    }
    this.record({ ...base, replicatorArn: responseArn, status });
    this.roleAccess.observe(this.store.all());
  }

  /** Applies due transitions, then looks at every replicator's access to its clusters at this moment. */
  private refresh(): void {
    this.store.refresh();
    this.roleAccess.observe(this.store.all());
  }

  /** The live record (after due transitions), or an error for the calling test. */
  private mustGet(arn: string): StoredReplicator {
    this.refresh();
    const r = this.store.get(arn);
    if (!r) throw new Error(`No replicator ${arn} in the simulator`);
    return r;
  }

  private context(): OperationContext {
    return {
      store: this.store,
      takeCreationFailure: () => this.creationFailures.shift(),
    };
  }

  /**
   * IAM decides before the service looks at its own state: a denied DescribeReplicator of a replicator that does
   * not exist is a 403, not a 404. The message has the form AWS gives an implicit deny.
   */
  private authorize(operation: OperationName, input: Record<string, unknown>): void {
    if (this.authorizer === undefined) return;
    const arn = (input.replicatorArn ?? input.resourceArn) as string | undefined;
    const scope: AuthorizationScope = { region: this.region, account: this.account, network: this.network };
    for (const permission of requiredPermissions(operation, input, arn ? this.store.get(arn) : undefined, scope)) {
      const { allowed, principalArn } = this.authorizer(permission);
      if (!allowed) {
        throw new ServiceError('ForbiddenException', `User: ${principalArn} is not authorized to perform: ${permission.action} `
          + `on resource: ${permission.resource} because no identity-based policy allows the ${permission.action} action`);
      }
    }
  }

  private invisible(arn: string): boolean {
    const from = this.visibleFrom.get(arn);
    if (from === undefined) return false;
    if (this.now() >= from) {
      this.visibleFrom.delete(arn);
      return false;
    }
    return true;
  }

  /** Starts the invisibility of a replicator just created; hides invisible ones from a ListReplicators page. */
  private applyVisibility(operation: OperationName, body: unknown): void {
    const b = body as { replicatorArn?: string; replicators?: Array<{ replicatorArn?: string }> } | undefined;
    if (operation === 'CreateReplicator' && b?.replicatorArn !== undefined && this.pendingInvisibility.length > 0) {
      this.visibleFrom.set(b.replicatorArn, this.now() + this.pendingInvisibility.shift()!);
    }
    if (operation === 'CreateReplicator' && b?.replicatorArn !== undefined && this.pendingListLag.length > 0) {
      const calls = this.pendingListLag.shift()!;
      this.listLag.set(b.replicatorArn, { list: calls, tags: calls });
    }
    if (operation === 'ListReplicators' && b?.replicators) {
      b.replicators = b.replicators.filter((r) => r.replicatorArn === undefined || !this.invisible(r.replicatorArn));
      // every ListReplicators answer counts, whether or not its page would have held the lagging replicator
      const lagging = [...this.listLag.keys()].filter((arn) => this.lagging(arn, 'list'));
      b.replicators = b.replicators.filter((r) => r.replicatorArn === undefined || !lagging.includes(r.replicatorArn));
    }
  }

  /** Whether a list read of `arn` still lags behind its creation; counts the read. */
  private lagging(arn: string, read: 'list' | 'tags'): boolean {
    const lag = this.listLag.get(arn);
    if (lag === undefined || lag[read] <= 0) return false;
    lag[read] -= 1;
    return true;
  }

  private takeFault(operation: OperationName): InjectableError | undefined {
    const index = this.faults.findIndex((f) => f.operation === '*' || f.operation === operation);
    if (index < 0) return undefined;
    const fault = this.faults[index];
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults.splice(index, 1);
    return fault.error;
  }

  private async runHooks(operation: OperationName): Promise<void> {
    const due = this.hooks.filter((h) => h.operation === operation);
    if (due.length === 0) return;
    // Remove before running so a hook that issues requests cannot re-trigger itself.
    for (const h of due) this.hooks.splice(this.hooks.indexOf(h), 1);
    for (const h of due) await h.hook(this);
  }

  private record(call: RecordedCall): void {
    const clean = Object.fromEntries(Object.entries(call).filter(([, v]) => v !== undefined)) as unknown as RecordedCall;
    this.calls.push(clean);
  }
}
