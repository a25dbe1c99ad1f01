import { notFound } from './http-protocol';
import { describeReplicatorBody, summaryBody } from './operations';
import type { ReplicatorStore, StoredReplicator } from './state';
import type { InjectableError, OperationName } from './types';

/**
 * Hostile mode: the simulator stops being kinder than AWS. Every behaviour below is drawn from one seeded generator,
 * so a failing history replays exactly (same seed, same request sequence) and shrinks.
 *
 * Sources, per behaviour:
 * - Eventually consistent reads. AWS APIs are eventually consistent unless a page says otherwise: "the result of an
 *   API command you run that affects your resources might not be immediately visible to all subsequent commands"
 *   and a just-created resource may be reported as not existing (Amazon EC2 API, "Eventual consistency",
 *   https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html); tag writes are read back late
 *   (DynamoDB TagResource: "ListTagsOfResource ... might return your previous tag set"). The MSK API reference
 *   (https://docs.aws.amazon.com/msk/1.0/apireference-replicator/) promises no read-after-write consistency for
 *   DescribeReplicator, ListReplicators or ListTagsForResource, so the harsher behaviour is modelled: for a few reads
 *   after any write (create, update, delete, tag, untag, an operator's edit), each read of that replicator may answer
 *   from the view before the write (a new replicator: NotFound, left out of lists; tags: the old set; an update: the
 *   old version, configuration and state; a delete: the replicator as it was). Reads are not even monotonic.
 * - Lists in any order. The native resource schema marks KafkaClusters, ReplicationInfoList, Tags, TopicsToReplicate,
 *   TopicsToExclude, ConsumerGroupsToReplicate, ConsumerGroupsToExclude, SecurityGroupIds and SubnetIds
 *   `"insertionOrder": false` (/work/shared/reference/cfn-aws-msk-replicator-schema.json): their order carries no
 *   meaning, so the service may return them in any order; ListReplicators documents no order either (API model
 *   `ListReplicatorsResponse`). Each is shuffled on every answer.
 * - Omitted members answered with defaults: done by the service rules in `operations.ts` (withTopicDefaults,
 *   withGroupDefaults) in every mode; their sources are cited there.
 * - Transient throttling and 5xx on any call: the API model lists TooManyRequestsException (429),
 *   InternalServerErrorException (500) and ServiceUnavailableException (503) for every replicator operation
 *   (kafka-api-model.json, `errors` of each operation; wire shape `{ message, invalidParameter }` with
 *   `x-amzn-errortype`), and MSK answers 429 under load (hashicorp/terraform-provider-aws issue #17332). A dropped
 *   connection is modelled too (no documented rate: harsher).
 * - A write that succeeds but whose response is lost: the state changed, then the client sees a 500/503 or a reset
 *   connection, and the SDK retries into a ConflictException / BadRequestException (DESIGN.md, "A write can succeed
 *   while its response is lost"). Nothing documents how often: modelled at a configurable rate.
 * - Tags edited by someone else: `editTagsAsOperator` removes, rewrites or adds tags, any key, ours included (tag
 *   policies and clean-up tools edit tags; DESIGN.md "Tags belong to the account, not to us").
 * - A replicator that turns FAILED at any time: the MSK troubleshooting page lists causes that appear after creation
 *   (clusters unavailable under load, permissions, network ACLs:
 *   https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-troubleshooting.html); when a live
 *   replicator may turn FAILED is undocumented, so any request may find one turned FAILED.
 */

export interface HostileOptions {
  /** Seed of the generator every hostile decision is drawn from. */
  readonly seed: number;
  /** Probability that a request is answered 429 before any processing. @default 0.05 */
  readonly throttleRate?: number;
  /** Probability that a request is answered 500/503 or its connection dropped before any processing. @default 0.03 */
  readonly serverErrorRate?: number;
  /** Probability that a successful write's response is lost (the state changed). @default 0.1 */
  readonly lostResponseRate?: number;
  /** Probability that a read inside a lag window answers the view before the write. @default 0.5 */
  readonly staleReadRate?: number;
  /** A write opens a lag window of 1..maxLagReads reads of that replicator. @default 3 */
  readonly maxLagReads?: number;
  /** Probability, per request, that one live replicator turns FAILED. @default 0 (tests opt in) */
  readonly spontaneousFailureRate?: number;
  /** Shuffle the lists whose order carries no meaning. @default true */
  readonly shuffleLists?: boolean;
}

/** What the hostile mode did, in order: for assertions and to explain a failing history. */
export interface HostileEvent {
  readonly kind: 'throttled' | 'serverError' | 'connectionDropped' | 'lostResponse' | 'staleRead' | 'turnedFailed' | 'operatorTagEdit' | 'shuffled';
  readonly operation?: OperationName;
  readonly arn?: string;
  readonly detail?: string;
}

const WRITES: ReadonlySet<OperationName> = new Set<OperationName>([
  'CreateReplicator', 'UpdateReplicationInfo', 'DeleteReplicator', 'TagResource', 'UntagResource',
]);

/** A view of one replicator before its last write, served to some reads while the lag window lasts. */
interface LagWindow {
  /** undefined: the replicator did not exist before the write (a create). */
  readonly before?: StoredReplicator;
  readsLeft: number;
}

/** mulberry32: small, fast, good enough for test decisions, and reproducible from a 32-bit seed. */
/* eslint-disable no-bitwise -- a 32-bit integer generator is made of bitwise operations */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
/* eslint-enable no-bitwise */

export class Hostility {
  /** The ARN a write request names (CreateReplicator: none until it answers). */
  public static writeTarget(operation: OperationName, input: Record<string, unknown>): string | undefined {
    if (!WRITES.has(operation)) return undefined;
    return (input.replicatorArn ?? input.resourceArn) as string | undefined;
  }

  public static isWrite(operation: OperationName): boolean {
    return WRITES.has(operation);
  }

  public readonly events: HostileEvent[] = [];
  private readonly random: () => number;
  private readonly lag = new Map<string, LagWindow>();
  private readonly options: Required<HostileOptions>;

  constructor(options: HostileOptions) {
    this.options = {
      throttleRate: 0.05,
      serverErrorRate: 0.03,
      lostResponseRate: 0.1,
      staleReadRate: 0.5,
      maxLagReads: 3,
      spontaneousFailureRate: 0,
      shuffleLists: true,
      ...options,
    };
    this.random = seededRandom(options.seed);
  }

  /** True with probability p (consumes one draw whatever p is, so decisions stay aligned across rates). */
  private chance(p: number): boolean {
    return this.random() < p;
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  private shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }

  /** A transient error answered before any processing (state unchanged), or undefined. */
  public transientFault(operation: OperationName): InjectableError | undefined {
    if (this.chance(this.options.throttleRate)) {
      this.events.push({ kind: 'throttled', operation });
      return 'TooManyRequestsException';
    }
    if (this.chance(this.options.serverErrorRate)) {
      const error = this.pick<InjectableError>(['InternalServerErrorException', 'ServiceUnavailableException', 'ConnectionReset']);
      this.events.push({ kind: error === 'ConnectionReset' ? 'connectionDropped' : 'serverError', operation, detail: error });
      return error;
    }
    return undefined;
  }

  /** Maybe turns one live replicator FAILED, as the service may at any time. */
  public maybeFailOne(store: ReplicatorStore): void {
    if (!this.chance(this.options.spontaneousFailureRate)) return;
    const live = store.all().filter((r) => r.state === 'CREATING' || r.state === 'RUNNING' || r.state === 'UPDATING');
    if (live.length === 0) return;
    const victim = this.pick(live);
    store.forceState(victim, 'FAILED', { code: 'REPLICATOR_FAILED', message: 'The replicator cannot reach its clusters' });
    this.events.push({ kind: 'turnedFailed', arn: victim.arn, detail: victim.name });
  }

  /** Opens a lag window on `arn` with its view before a write (undefined before a create). */
  public beforeWrite(arn: string, before: StoredReplicator | undefined): void {
    this.lag.set(arn, {
      before: before === undefined ? undefined : structuredClone(before),
      readsLeft: 1 + Math.floor(this.random() * this.options.maxLagReads),
    });
  }

  /** Whether this read of `arn` answers the view before the last write (consumes a read of the window). */
  private stale(arn: string): LagWindow | undefined {
    const window = this.lag.get(arn);
    if (!window) return undefined;
    window.readsLeft -= 1;
    if (window.readsLeft <= 0) this.lag.delete(arn);
    return this.chance(this.options.staleReadRate) ? window : undefined;
  }

  /**
   * DescribeReplicator and ListTagsForResource: the answer from the view before the write, or undefined to answer
   * from the current state. Throws NotFound when the view predates the replicator.
   */
  public staleRead(operation: OperationName, input: Record<string, unknown>): object | undefined {
    if (operation !== 'DescribeReplicator' && operation !== 'ListTagsForResource') return undefined;
    const parameter = operation === 'DescribeReplicator' ? 'replicatorArn' : 'resourceArn';
    const arn = input[parameter] as string;
    const window = this.stale(arn);
    if (!window) return undefined;
    this.events.push({ kind: 'staleRead', operation, arn, detail: window.before ? 'previous view' : 'not yet visible' });
    if (!window.before) throw notFound(`The replicator ${arn} does not exist`, parameter);
    return operation === 'DescribeReplicator' ? describeReplicatorBody(window.before) : { tags: { ...window.before.tags } };
  }

  /** Lags and shuffles an answer of the current state before it is sent. */
  public present(operation: OperationName, body: object | undefined): object | undefined {
    if (body === undefined) return body;
    if (operation === 'ListReplicators') return this.presentList(body as { replicators?: Array<{ replicatorArn?: string }> });
    if (operation === 'DescribeReplicator') return this.shuffleDescription(body as Record<string, any>);
    return body;
  }

  private presentList(body: { replicators?: Array<{ replicatorArn?: string }> }): object {
    if (!body.replicators) return body;
    const lagged: object[] = [];
    for (const entry of body.replicators) {
      const window = entry.replicatorArn === undefined ? undefined : this.stale(entry.replicatorArn);
      if (!window) {
        lagged.push(entry);
        continue;
      }
      this.events.push({ kind: 'staleRead', operation: 'ListReplicators', arn: entry.replicatorArn, detail: window.before ? 'previous view' : 'not yet listed' });
      if (window.before) lagged.push(summaryBody(window.before));
    }
    return { ...body, replicators: this.options.shuffleLists ? this.shuffle(lagged) : lagged };
  }

  private shuffleDescription(body: Record<string, any>): object {
    if (!this.options.shuffleLists) return body;
    const copy = structuredClone(body);
    const lists: unknown[][] = [];
    if (Array.isArray(copy.kafkaClusters)) {
      lists.push(copy.kafkaClusters);
      for (const cluster of copy.kafkaClusters) {
        if (cluster.vpcConfig?.subnetIds) lists.push(cluster.vpcConfig.subnetIds);
        if (cluster.vpcConfig?.securityGroupIds) lists.push(cluster.vpcConfig.securityGroupIds);
      }
    }
    for (const info of copy.replicationInfoList ?? []) {
      for (const list of [info.topicReplication?.topicsToReplicate, info.topicReplication?.topicsToExclude,
        info.consumerGroupReplication?.consumerGroupsToReplicate, info.consumerGroupReplication?.consumerGroupsToExclude]) {
        if (Array.isArray(list)) lists.push(list);
      }
    }
    let moved = false;
    for (const list of lists) {
      const before = JSON.stringify(list);
      this.shuffle(list);
      moved ||= JSON.stringify(list) !== before;
    }
    if (moved) this.events.push({ kind: 'shuffled', operation: 'DescribeReplicator', arn: copy.replicatorArn });
    return copy;
  }

  /** Whether the response of a write that succeeded is lost, and how the client sees it. */
  public lostResponse(operation: OperationName): InjectableError | undefined {
    if (!WRITES.has(operation) || !this.chance(this.options.lostResponseRate)) return undefined;
    const error = this.pick<InjectableError>(['InternalServerErrorException', 'ServiceUnavailableException', 'ConnectionReset']);
    this.events.push({ kind: 'lostResponse', operation, detail: error });
    return error;
  }

  /**
   * Someone else edits the replicator's tags between deployments: removes one (any key, ours included), rewrites
   * one's value, or adds an unrelated one. Returns what was done.
   */
  public editTagsAsOperator(replicator: StoredReplicator): string {
    this.beforeWrite(replicator.arn, replicator);
    const keys = Object.keys(replicator.tags);
    const action = keys.length === 0 ? 'add' : this.pick(['remove', 'rewrite', 'add'] as const);
    let detail: string;
    if (action === 'remove') {
      const key = this.pick(keys);
      delete replicator.tags[key];
      detail = `removed ${key}`;
    } else if (action === 'rewrite') {
      const key = this.pick(keys);
      replicator.tags[key] = `edited-${Math.floor(this.random() * 1000)}`;
      detail = `rewrote ${key}`;
    } else {
      replicator.tags[`cost-centre-${Math.floor(this.random() * 100)}`] = 'ops';
      detail = 'added cost-centre';
    }
    this.events.push({ kind: 'operatorTagEdit', arn: replicator.arn, detail });
    return detail;
  }
}
