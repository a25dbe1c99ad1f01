import { createHash } from 'crypto';
import { CreateReplicatorCommand, KafkaClient } from '@aws-sdk/client-kafka';
import * as fc from 'fast-check';
import { exampleProperties } from '../examples/orders-replication';
import {
  CloudFormationResource,
  Handler,
  loadBundledHandler,
  Properties,
  ProviderOptions,
  ProviderResult,
} from '../local-aws/cloudformation/provider-framework';
import { LocalCloudFormationApi } from '../local-aws/cloudformation/query-api';
import type { WorldClock } from '../local-aws/cloudformation/world-clock';
import { groundTruthKafka, HostileOptions, MskSimulator, RecordedCall, ReplicatorRecord } from '../local-aws/msk-simulator';
import { planReplicator, PlanVerdict, ReplicatorPlan } from '../src/cli/stack-plan';
import type { Json } from '../src/cli/template-values';
import { decodeProperties } from '../src/provider/properties';
import { createReplicatorRequest } from '../src/provider/requests';
import { SLEEP_HOOK } from '../src/provider/sleep';

/**
 * Random CloudFormation histories of one `Custom::MskReplicator`, played by the faithful emulator against the
 * simulator in HOSTILE mode (local-aws/msk-simulator/hostile.ts: lagging reads, lists in any order, transient 429/5xx,
 * lost write responses, replicators turning FAILED), seeded per sequence so a failure replays and shrinks.
 *
 * Steps: creates, updates (in place; replacements by a rename, a cluster change or a role change), injected faults
 * (creation ending FAILED, at once or after a `waitForRunning: false` deployment; the framework's timeout; the user's
 * `timeout`; a replicator invisible right after creation; a rollback caused by another resource), operator tag edits
 * between deployments, the rollbacks CloudFormation sends, and a final delete.
 *
 * After every step, on the simulator's ground truth (not through the lagging API):
 * - at most one non-retained replicator of the resource is RUNNING, CREATING or UPDATING ("of the resource": created
 *   by a CreateReplicator carrying its owner tag, whatever an operator did to the tags since), and once the stack has
 *   settled (*_COMPLETE) it is the tracked one (none after a rolled-back create);
 * - when CloudFormation holds a deployed template, the tracked replicator exists and matches it (name, role, source
 *   cluster, compression, topics as a set, the tags no operator edited);
 * - with RETAIN, every retained replicator is one CloudFormation had deployed.
 * Whether the tracked replicator's role grants its clusters cannot be told here: this world has no IAM (the stack
 * emulator with IAM enforcement checks it in iam-lifecycle.test.ts).
 * After a successful delete: nothing of the resource left but retained replicators.
 *
 * Adoption: about half the sequences start from a replicator an operator made (through the simulator's API, before the
 * first step) with the first template's fixed name, the same as the template or differing in one create-only field
 * (compression, source cluster, role), in its topics, in its tags, or in both; every step of such a sequence whose
 * name is fixed carries `AdoptExisting` (as a template written with `adoptExisting` renders it), so its Creates adopt.
 * The stack's status is served over the local CloudFormation API (the handler reads it to tell a rollback's Delete of
 * an adopted replicator from a Delete that was asked for), and `otherResourceFails` on an adopting Create rolls the
 * stack's creation back after the Create succeeded. On the ground truth:
 * - an adopting Create that fails (any fault) never deletes the replicator it found, and once CloudFormation has
 *   settled leaves it exactly as found: configuration (topics, consumer groups, compression, log delivery, clusters,
 *   role) and tags, RUNNING unless the hostile world turned it FAILED on its own;
 * - a refused adoption (the plan's `refuse`) writes nothing, in the whole step (its rollback included);
 * - a successful adoption makes it the tracked replicator; from then on the invariants above apply to it as to a
 *   created one: it is "of the resource" once it carries the resource's owner tag (or once CloudFormation deployed it,
 *   whatever an operator did to its tags since).
 *
 * Before every step that deploys a template, the `plan` command's planner (src/cli/stack-plan.ts `planReplicator`, the
 * handler's own update-decision.ts and lifecycle.ts) plans it against the simulator's ground truth, and the deployment
 * must agree with the verdict (see `disagreement` for what is checked, and why under every fault).
 *
 * Bounded for CI: at most 5 steps per sequence, as many sequences as fit in TIME_LIMIT_MS (counts are printed).
 * To replay a reported run: PROPERTY_SEED=<fast-check seed> (PROPERTY_LOG=1 prints the handler's log and the operator's edits). To look past a defect the reordering of lists finds at
 * once: PROPERTY_NO_SHUFFLE=1 (exploration only; CI runs with every hostile behaviour). To plan more updates that keep
 * the replicator: PROPERTY_KEEP=1 (exploration only, see `keepingCreateOnlyFields`). To adopt in every sequence a replicator
 * the template can adopt (it differs in topics or tags at most): PROPERTY_ADOPT=1 (exploration only). To explore for longer
 * than the CI bound: PROPERTY_TIME_MS=<ms>. To replay the counterexample of a report: PROPERTY_PATH=<its path> with its
 * PROPERTY_SEED and knobs: fast-check starts from that history (then the ones next to it in its shrinking order) instead
 * of the first sequence, and stops at the first failure, without the sequences before it that a whole run replays first.
 */

const TIME_LIMIT_MS = Number(process.env.PROPERTY_TIME_MS ?? 40_000);
/** The seed CI replays (the run that found the rewritten-owner-tag and lagging-NotFound rollbacks, fixed since). */
const CI_SEED = 1597732921;
const seedOf = (value: string | undefined): number | undefined =>
  value === undefined ? CI_SEED : value === 'random' ? undefined : Number(value);
const OWNER_TAG = 'cdk-msk-replicator:owner';
const RETAINED_TAG = 'cdk-msk-replicator:retained';
const TOPICS = { 1: ['orders\\..*'], 2: ['orders\\..*', 'payments\\..*'] } as const;
const SOURCES = {
  p: 'arn:aws:kafka:us-east-1:123456789012:cluster/orders-primary/11111111-2222-3333-4444-555555555555-1',
  q: 'arn:aws:kafka:us-east-1:123456789012:cluster/orders-secondary/11111111-2222-3333-4444-777777777777-1',
} as const;
const ROLES = {
  r1: 'arn:aws:iam::123456789012:role/ReplicatorServiceExecutionRoleEE0BB351',
  r2: 'arn:aws:iam::123456789012:role/ReplicatorServiceExecutionRole2F00D123',
} as const;
/** The user's `timeout` in the template, in seconds: short enough to fire while a state is held. */
const USER_TIMEOUT_SECONDS = '0.2';
/**
 * Rates of the hostile mode in the property test: low enough that most deployments can succeed within the SDK's
 * 6 attempts (handler.lambda.ts), high enough that every sequence meets several faults.
 */
const HOSTILITY: Omit<HostileOptions, 'seed'> = {
  throttleRate: 0.03,
  serverErrorRate: 0.02,
  lostResponseRate: 0.08,
  staleReadRate: 0.5,
  maxLagReads: 3,
  spontaneousFailureRate: 0.003,
  shuffleLists: !process.env.PROPERTY_NO_SHUFFLE,
};
/** Virtual milliseconds the simulator's clock advances per isComplete poll (so lifecycles do not depend on wall time). */
const POLL_MS = 10;

interface Template {
  readonly name: 'generated' | 'a' | 'b';
  readonly compression: 'NONE' | 'LZ4';
  readonly topics: 1 | 2;
  readonly team: 'x' | 'y';
  readonly source: keyof typeof SOURCES;
  readonly role: keyof typeof ROLES;
  /** The user's `timeout` is set. */
  readonly timeout: boolean;
  /** replacementProtection: a protected replacement fails the step, and an allowed one's rollback must not be refused */
  readonly protection: boolean;
}

type Fault = 'none' | 'failCreation' | 'failCreationLater' | 'frameworkTimeout' | 'userTimeout' | 'invisibleAfterCreate' | 'otherResourceFails';

interface Step {
  readonly template: Template;
  readonly fault: Fault;
  /** Someone edits the tracked replicator's tags before this deployment. */
  readonly operatorEdit: boolean;
}

const templateArb: fc.Arbitrary<Template> = fc.record({
  name: fc.constantFrom('generated' as const, 'a' as const, 'b' as const),
  compression: fc.constantFrom('NONE' as const, 'LZ4' as const),
  topics: fc.constantFrom(1 as const, 2 as const),
  team: fc.constantFrom('x' as const, 'y' as const),
  source: fc.constantFrom('p' as const, 'q' as const),
  role: fc.constantFrom('r1' as const, 'r2' as const),
  timeout: fc.boolean(),
  // off two times in three, so that most histories still replace
  protection: fc.constantFrom(false, false, true),
});
const faultArb: fc.Arbitrary<Fault> = fc.constantFrom<Fault>(
  'none', 'none', 'failCreation', 'failCreationLater', 'frameworkTimeout', 'userTimeout', 'invisibleAfterCreate', 'otherResourceFails');
const historyArb = fc.array(fc.record({ template: templateArb, fault: faultArb, operatorEdit: fc.boolean() }), { minLength: 1, maxLength: 5 });
/** A history, the removal policy of the resource (RETAIN keeps replicators CloudFormation deletes running), the seed. */
/** How the operator's replicator the first step adopts differs from the first template (undefined: none exists). */
type Existing = 'same' | 'compression' | 'source' | 'role' | 'topics' | 'tags' | 'topics-and-tags';
const existingArb = process.env.PROPERTY_ADOPT
  ? fc.constantFrom<Existing | undefined>('same', 'topics', 'tags', 'topics-and-tags')
  : fc.constantFrom<Existing | undefined>(
    undefined, undefined, undefined, undefined, undefined, undefined, undefined,
    'same', 'compression', 'source', 'role', 'topics', 'tags', 'topics-and-tags');
/**
 * A history, the removal policy of the resource (RETAIN keeps replicators CloudFormation deletes running), the seed,
 * the replicator to adopt. `existing` comes last so that a sequence without one replays the history it had before
 * adoption was part of the test (fast-check draws a record's fields in order).
 */
const sequenceArb = fc.record({ history: historyArb, retain: fc.boolean(), seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }), existing: existingArb });

let base: Properties;
let world: World;
let sequences = 0;
let steps = 0;
/** Steps whose deployment was checked against its plan, per verdict. */
const planChecked = new Map<PlanVerdict, number>();
/** Steps not checkable (GAVE_UP). */
let planUnchecked = 0;
/** Real milliseconds spent planning (the test's time limit covers them). */
let planMs = 0;
let adoptingSequences = 0;
/**
 * The sequence being played: fast-check's `interruptAfterTimeLimit` stops waiting for it (a race with a timer) but
 * cannot stop it, so the servers stay up until it ends.
 */
let playing: Promise<void> | undefined;
const outcomes = new Map<string, number>();
/** Adopting Creates, by how the replicator differed, fault, result, stack status after the step and plan verdict. */
const adoptions = new Map<string, number>();
const hostileEvents = new Map<string, number>();

beforeAll(async () => {
  base = exampleProperties({ topicReplication: { topicsToReplicate: [...TOPICS[1]] } });
  world = await World.start();
});
afterAll(async () => {
  await playing?.catch(() => undefined);
  delete (globalThis as Record<string, unknown>)[SLEEP_HOOK];
  await world.sim.stop();
  await world.cloudFormation.stop();
  world.operator.destroy();
  // eslint-disable-next-line no-console
  console.info(`CloudFormation property test (hostile MSK): ${sequences} sequences, ${steps} steps; `
    + `plan checked against the deployment in ${[...planChecked.values()].reduce((a, b) => a + b, 0)} steps `
    + `${JSON.stringify(Object.fromEntries(planChecked))}, ${planUnchecked} gave up on transient errors before creating `
    + `(planning took ${Math.round(planMs)} ms); outcomes ${JSON.stringify(Object.fromEntries(outcomes))}; `
    + `hostile events ${JSON.stringify(Object.fromEntries(hostileEvents))}; `
    + `${[...adoptions.values()].reduce((a, b) => a + b, 0)} adopting creates in ${adoptingSequences} sequences `
    + `(existing/fault/result/stack/plan): ${JSON.stringify(Object.fromEntries([...adoptions].sort()))}`);
});

function render(t: Template, sequence: number, retain: boolean, waitForRunning = true, adopting = false): Properties {
  const p = JSON.parse(JSON.stringify(base)) as Record<string, any>;
  delete p.ReplicatorName;
  delete p.ReplicatorNamePrefix;
  if (t.name === 'generated') p.ReplicatorNamePrefix = `Prop${sequence}`;
  else p.ReplicatorName = `prop-${sequence}-${t.name}`;
  p.TargetCompressionType = t.compression;
  p.TopicReplication.TopicsToReplicate = [...TOPICS[t.topics]];
  p.Source.MskClusterArn = SOURCES[t.source];
  p.ServiceExecutionRoleArn = ROLES[t.role];
  p.Tags = { team: t.team };
  p.WaitForRunning = String(waitForRunning);
  p.DeletionBehaviour = retain ? 'retain' : 'destroy';
  if (t.timeout) p.TimeoutSeconds = USER_TIMEOUT_SECONDS;
  p.ReplacementProtection = String(t.protection);
  if (adopting && t.name !== 'generated') p.AdoptExisting = 'true';
  return p;
}

function ownerOf(resource: CloudFormationResource): string {
  return createHash('sha256').update(`${resource.stackId}|${resource.logicalResourceId}`).digest('hex').slice(0, 32);
}

const ACTIVE = new Set(['RUNNING', 'CREATING', 'UPDATING']);

/**
 * The simulator (in hostile mode, on a virtual clock), shared by every sequence. Each sequence restarts the hostile
 * generator from its own seed and loads the handler afresh.
 */
class World {
  static async start(): Promise<World> {
    const started = new World();
    // the Date header follows the world's clock too: against the real time, the handler's SDK (reading the world's
    // Date.now) saw every error as correcting a clock skew of decades and retried it, NotFound of a lagging read included
    started.sim = await MskSimulator.start({
      clock: () => started.now, dateClock: () => started.now, timing: { creatingMs: 20, updatingMs: 10, deletingMs: 10 },
    });
    // the stacks' statuses for the handler's DescribeStacks (the handler is loaded per sequence, pointed at it: begin)
    started.cloudFormation = await LocalCloudFormationApi.start({ region: 'us-east-1', stacks: [], dateClock: () => started.now });
    started.operator = new KafkaClient({
      region: 'us-east-1', endpoint: started.sim.endpoint, credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'example' },
    });
    // the handler's own waits (re-reads of lagging reads) pass on the world's clock, in no real time
    (globalThis as Record<string, unknown>)[SLEEP_HOOK] = async (ms: number) => {
      started.now += ms;
      await new Promise((resolve) => setImmediate(resolve));
    };
    return started;
  }

  now = 1_000_000;
  /**
   * The handler reads the world's time (`Date.now()` during an invocation), so the user's `timeout`, the visibility
   * grace and the handler's waits count in the world's time like the service's lag windows: a history replays the
   * same under any machine load. The waiter itself waits 2 real ms per poll; each poll moves the world by POLL_MS.
   */
  readonly clock: WorldClock = {
    now: () => this.now,
    sleep: () => new Promise((resolve) => setTimeout(resolve, 2)),
    run: async <T>(fn: () => Promise<T>): Promise<T> => {
      const original = Date.now;
      Date.now = () => this.now;
      try {
        return await fn();
      } finally {
        Date.now = original;
      }
    },
  };

  sim!: MskSimulator;
  handler!: Handler;
  cloudFormation!: LocalCloudFormationApi;
  /** An operator's client of the simulator (makes the replicators the adopting sequences find). */
  operator!: KafkaClient;
  /** The replicator the sequence's first step adopts, if any. */
  adoptable?: string;
  /** Every physical id CloudFormation recorded as deployed in the sequence. */
  readonly everTracked = new Set<string>();
  /** Reads of what the service holds, for the plan: no lag, no fault, nothing drawn from the hostile generator. */
  get truth() {
    this.truthClient ??= groundTruthKafka(this.sim);
    return this.truthClient;
  }
  private truthClient?: ReturnType<typeof groundTruthKafka>;
  /** Tag keys someone else edited on some replicator: the template no longer decides them. */
  readonly editedTags = new Set<string>();

  /**
   * A new sequence: a fresh hostile generator, no recorded calls, no edited tags, and a fresh handler (each sequence
   * is another stack, with a provider of its own: nothing the SDK client learnt in one sequence reaches the next).
   */
  begin(seed: number, adoptable?: string): void {
    this.handler = loadBundledHandler(this.sim.endpoint, 'us-east-1', undefined, this.cloudFormation.endpoint);
    this.sim.beHostile({ seed, ...HOSTILITY });
    this.sim.resetCalls();
    this.editedTags.clear();
    this.everTracked.clear();
    this.adoptable = adoptable;
  }

  /**
   * The replicators of the resource: those it created, and the one it adopts once it carries its owner tag (or once
   * CloudFormation deployed it: an operator may edit the owner tag away since, and a deployed adoption is never undone).
   */
  ofResource(resource: CloudFormationResource): Set<string> {
    const mine = this.createdBy(resource);
    const adopted = this.adoptable === undefined ? undefined : this.sim.replicator(this.adoptable);
    if (adopted !== undefined && (adopted.tags[OWNER_TAG] === ownerOf(resource) || this.everTracked.has(adopted.arn))) mine.add(adopted.arn);
    return mine;
  }

  /** ARNs of every replicator a CreateReplicator carrying the resource's owner tag created (lost responses included). */
  createdBy(resource: CloudFormationResource): Set<string> {
    const owner = ownerOf(resource);
    const tagsOf = (c: RecordedCall) => c.input.tags as Record<string, string> | undefined;
    return new Set(this.sim.callsTo('CreateReplicator')
      .filter((c) => (c.status === 200 || c.lostResponse) && tagsOf(c)?.[OWNER_TAG] === owner)
      .map((c) => c.replicatorArn!));
  }

  /** Replicators ever marked retained (by tag at creation or a TagResource that took effect), or marked now. */
  retained(): Set<string> {
    const marked = this.sim.callsTo('TagResource')
      .filter((c) => (c.status === 204 || c.status === 200 || c.lostResponse)
        && (c.input.tags as Record<string, string> | undefined)?.[RETAINED_TAG] !== undefined)
      .map((c) => c.replicatorArn!);
    return new Set([...marked, ...this.sim.replicators().filter((r) => r.tags[RETAINED_TAG] !== undefined).map((r) => r.arn)]);
  }

  /** The resource's replicators that are not retained, after letting deletions in progress finish. */
  mine(resource: CloudFormationResource): ReplicatorRecord[] {
    const created = this.ofResource(resource);
    const retained = this.retained();
    const mine = () => this.sim.replicators().filter((r) => created.has(r.arn) && !retained.has(r.arn));
    for (let i = 0; i < 50 && mine().some((r) => r.state === 'DELETING'); i++) this.now += POLL_MS;
    return mine();
  }
}

function holds(r: ReplicatorRecord, t: Template, sequence: number, editedTags: Set<string>): string | undefined {
  const nameOk = t.name === 'generated' ? r.name.startsWith(`Prop${sequence}-`) : r.name === `prop-${sequence}-${t.name}`;
  const source = r.kafkaClusters.find((c) => c.amazonMskCluster?.mskClusterArn === r.replicationInfo.sourceKafkaClusterArn);
  const mismatches = [
    nameOk ? undefined : `name ${r.name}`,
    r.serviceExecutionRoleArn === ROLES[t.role] ? undefined : `role ${r.serviceExecutionRoleArn}`,
    source?.amazonMskCluster?.mskClusterArn === SOURCES[t.source] ? undefined : `source ${source?.amazonMskCluster?.mskClusterArn}`,
    r.replicationInfo.targetCompressionType === t.compression ? undefined : `compression ${r.replicationInfo.targetCompressionType}`,
    JSON.stringify([...r.replicationInfo.topicReplication.topicsToReplicate].sort()) === JSON.stringify([...TOPICS[t.topics]].sort())
      ? undefined : `topics ${JSON.stringify(r.replicationInfo.topicReplication.topicsToReplicate)}`,
    editedTags.has('team') || r.tags.team === t.team ? undefined : `tag team=${r.tags.team}`,
  ].filter((m) => m !== undefined);
  return mismatches.length === 0 ? undefined : mismatches.join(', ');
}

/** Checks the invariants; returns a description of the first violation. */
function violation(
  resource: CloudFormationResource,
  deployed: Template | undefined,
  sequence: number,
  everTracked: Set<string>,
): string | undefined {
  const mine = world.mine(resource);
  const active = mine.filter((r) => ACTIVE.has(r.state));
  if (active.length > 1) return `${active.length} replicators active: ${active.map((r) => `${r.name} ${r.state}`).join(', ')}`;
  const strays = [...world.retained()].filter((arn) => world.ofResource(resource).has(arn) && !everTracked.has(arn)
    && world.sim.replicator(arn) !== undefined);
  if (strays.length > 0) return `retained a replicator that was never deployed: ${strays.join(', ')}`;
  if (!resource.status?.endsWith('_COMPLETE')) return undefined;
  // a settled stack: nothing of the resource replicates but what CloudFormation tracks
  const untracked = active.filter((r) => deployed === undefined || r.arn !== resource.physicalResourceId);
  if (untracked.length > 0) return `untracked replicator active: ${untracked.map((r) => `${r.name} ${r.state}`).join(', ')}`;
  if (deployed === undefined) return undefined;
  const tracked = world.sim.replicator(resource.physicalResourceId!);
  if (tracked === undefined) return `the tracked replicator ${resource.physicalResourceId} does not exist`;
  const mismatch = holds(tracked, deployed, sequence, world.editedTags);
  if (mismatch) return `tracked replicator ${tracked.name} (${tracked.state}) does not hold ${JSON.stringify(deployed)}: ${mismatch}`;
  return undefined;
}

interface MutableOptions {
  maxPolls: number;
  releaseOnFirstResponse: boolean;
  /** How many service calls were recorded when CloudFormation received the first response of the step. */
  firstResponseAt?: number;
}

/** What `disagreement` answers for a request that gave up on transient errors before creating (not checkable). */
const GAVE_UP = 'gave up on transient errors';

/** Writes that change a replicator. */
const WRITES = new Set(['CreateReplicator', 'UpdateReplicationInfo', 'DeleteReplicator', 'TagResource', 'UntagResource']);
/** A call the service carried out, whether or not its response reached the handler. */
const tookEffect = (c: RecordedCall) => (c.status >= 200 && c.status < 300) || c.lostResponse === true;
/** A call answered a transient error before any processing (429, 5xx, a dropped connection; not a lost response). */
const transient = (c: RecordedCall) => !c.lostResponse && (c.status === 0 || c.status === 429 || c.status >= 500);

/** The request that deploys a step's template (the Create or Update carrying it), up to CloudFormation's receipt of its response. */
interface DeployingRequest {
  readonly plan: ReplicatorPlan;
  /** The physical id the Update was sent to; undefined for a Create. */
  readonly sentTo?: string;
  /** The response CloudFormation received. */
  readonly result: ProviderResult;
  /** The service calls the handler made for it. */
  readonly calls: readonly RecordedCall[];
}

/**
 * Where the deployment disagrees with the plan of its template, or undefined. Judged on the deploying request alone:
 * the rollback and cleanup CloudFormation sends afterwards answer a failure (the property test's faults) and are not
 * what the plan describes. Within that request:
 * - create: exactly one replicator of the resource created; on SUCCESS, the id answered is that replicator.
 * - nothing, tags only, in place: no replicator created, and the id answered is the one the Update was sent to.
 * - replace: exactly one replicator created; on SUCCESS, the id answered is that replicator (a new id).
 * - return: no replicator created; on SUCCESS, the id answered is the replicator the plan names.
 * - adopt: no replicator created; on SUCCESS, the id answered is the existing replicator the plan names.
 * - refused: FAILED, with no write carried out (no create, update, tag, untag or delete), and for an Update the id
 *   answered is the one it was sent to (CloudFormation records nothing new).
 * Every verdict is checked under every fault, because none of these facts can depend on one:
 * - the plan is made after the operator's tag edit of the step, from the ground truth, so it sees the edit; the
 *   handler may read the tags before the edit (lagging reads), which changes which tags it writes, never whether it
 *   creates (tags decide no verdict but tags only and, during a rollback, which replicator to return to);
 * - which fields force a new replicator cannot lag: they never change on a live replicator;
 * - failures (creation ending FAILED, the framework's or the user's timeout, a replicator invisible after creation, a
 *   replicator turning FAILED mid-request) strike after the decision: they fail the request, and a failed request is
 *   answered with the id onEvent returned (the created replicator for create and replace, the tracked one otherwise);
 * - another resource failing (`otherResourceFails`) and the rollbacks strike after the response.
 * What a fault changes is whether the request succeeds, hence the "on SUCCESS" conditions. One exemption, `GAVE_UP`: a
 * create or replace that FAILED, created nothing, and whose last call was answered a transient error gave up before
 * its CreateReplicator took effect (the SDK's retries used up; seen only in long runs, PROPERTY_KEEP=1 with
 * PROPERTY_SEED=random): what it did is what the plan said it would try, and the rollback has nothing to undo.
 */
function disagreement(request: DeployingRequest, owner: string): string | undefined {
  const { plan, result, sentTo } = request;
  const created = request.calls.filter((c) => c.operation === 'CreateReplicator' && tookEffect(c)
    && (c.input.tags as Record<string, string> | undefined)?.[OWNER_TAG] === owner).map((c) => c.replicatorArn!);
  const writes = request.calls.filter((c) => WRITES.has(c.operation) && tookEffect(c)).map((c) => c.operation);
  const last = request.calls[request.calls.length - 1];
  switch (plan.verdict) {
    case 'create':
    case 'replace':
      if (created.length === 0 && result.status === 'FAILED' && last !== undefined && transient(last)) return GAVE_UP;
      if (created.length !== 1) return `${created.length} replicators created`;
      if (result.status === 'SUCCESS' && result.physicalResourceId !== created[0]) {
        return `SUCCESS with ${result.physicalResourceId}, not the replicator created (${created[0]})`;
      }
      return undefined;
    case 'nothing':
    case 'tags':
    case 'in-place':
      if (created.length > 0) return `replicators created: ${created.join(', ')}`;
      if (result.physicalResourceId !== sentTo) return `${result.status} with ${result.physicalResourceId}, not ${sentTo}`;
      return undefined;
    case 'adopt':
      if (created.length > 0) return `replicators created: ${created.join(', ')}`;
      if (result.status === 'SUCCESS' && result.physicalResourceId !== plan.replicatorArn) {
        return `SUCCESS with ${result.physicalResourceId}, not the replicator adopted (${plan.replicatorArn})`;
      }
      return undefined;
    case 'return':
      if (created.length > 0) return `replicators created: ${created.join(', ')}`;
      if (result.status === 'SUCCESS' && result.physicalResourceId !== plan.returnTo) {
        return `SUCCESS with ${result.physicalResourceId}, not ${plan.returnTo}`;
      }
      return undefined;
    case 'refuse':
      if (result.status !== 'FAILED') return `${result.status} with ${result.physicalResourceId}`;
      if (writes.length > 0) return `writes carried out: ${writes.join(', ')}`;
      if (sentTo !== undefined && result.physicalResourceId !== sentTo) return `FAILED with ${result.physicalResourceId}, not ${sentTo}`;
      return undefined;
    default:
      return `a ${plan.verdict} plan for a template that keeps the replicator`;
  }
}

/** What "as found" compares: everything an adoption or its undoing could change, and the state. */
function snapshot(arn: string) {
  const r = world.sim.replicator(arn);
  return r && structuredClone({
    arn: r.arn,
    state: r.state,
    replicationInfo: r.replicationInfo,
    logDelivery: r.logDelivery,
    kafkaClusters: r.kafkaClusters,
    serviceExecutionRoleArn: r.serviceExecutionRoleArn,
    tags: r.tags,
  });
}

/**
 * Lists of names as sets: topics, consumer groups, subnets and security groups have no order (the native schema marks
 * them `insertionOrder: false`; the hostile mode answers them in any order, and the record of how a replicator was
 * found keeps the order it was read in).
 */
function asSets(value: unknown): unknown {
  if (Array.isArray(value)) return value.every((v) => typeof v === 'string') ? [...value].sort() : value.map(asSets);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asSets(v)]));
}

/**
 * The adoption invariants of one adopting Create, after CloudFormation settled (see the header): `found` is the
 * replicator as it was before the request, `calls` every service call of the step (rollback included).
 */
function adoptionViolation(
  plan: ReplicatorPlan, ok: boolean, found: ReturnType<typeof snapshot>, calls: readonly RecordedCall[],
): string | undefined {
  const writes = calls.filter((c) => WRITES.has(c.operation) && tookEffect(c));
  if (plan.verdict === 'refuse' && writes.length > 0) {
    return `a refused adoption wrote: ${writes.map((c) => `${c.operation} ${c.replicatorArn ?? ''}`).join(', ')}`;
  }
  if (ok || found === undefined) return undefined;
  const deletes = writes.filter((c) => c.operation === 'DeleteReplicator' && c.replicatorArn === found.arn);
  if (deletes.length > 0) return `a failed adoption deleted the replicator it found (${found.arn})`;
  const now = snapshot(found.arn);
  if (now === undefined) return `the replicator found (${found.arn}) no longer exists`;
  const turnedFailed = (world.sim.hostile?.events ?? []).some((e) => e.kind === 'turnedFailed' && e.arn === found.arn);
  const expectedState = found.state === 'FAILED' || turnedFailed ? now.state === 'FAILED' || now.state === 'RUNNING' : now.state === 'RUNNING';
  if (!expectedState) return `the replicator found ${found.state} is ${now.state}`;
  // a replicator the service turned FAILED during the rollback cannot be given its configuration back (no update
  // applies to a FAILED replicator): only that it still exists is required then
  if (turnedFailed && now.state === 'FAILED') return undefined;
  const differs = (['replicationInfo', 'logDelivery', 'kafkaClusters', 'serviceExecutionRoleArn', 'tags'] as const)
    .filter((k) => JSON.stringify(asSets(now[k])) !== JSON.stringify(asSets(found[k])));
  if (differs.length > 0) {
    return `a failed adoption left the replicator found changed in ${differs.join(', ')}: `
      + differs.map((k) => `${JSON.stringify(found[k])} -> ${JSON.stringify(now[k])}`).join('; ');
  }
  return undefined;
}

/**
 * Plays one step with its fault; returns whether the template is now what CloudFormation considers deployed, and where
 * the deploying request disagreed with the plan of the step's template.
 */
async function play(resource: CloudFormationResource, options: MutableOptions, step: Step, sequence: number, retain: boolean, existing?: Existing) {
  const { sim } = world;
  if (step.operatorEdit && resource.physicalResourceId !== undefined && sim.replicator(resource.physicalResourceId)) {
    const edit = sim.editTagsAsOperator(resource.physicalResourceId);
    if (process.env.PROPERTY_LOG) process.stderr.write(`LOG operator: ${edit}\n`);
    world.editedTags.add(edit.split(' ')[1]);
  }
  const properties = render(step.template, sequence, retain, step.fault !== 'failCreationLater', existing !== undefined);
  // the user's timeout fires while the service is slow; the service recovers once CloudFormation has the answer
  if (step.fault === 'userTimeout' && !step.template.timeout) properties.TimeoutSeconds = USER_TIMEOUT_SECONDS;
  const creating = resource.physicalResourceId === undefined || resource.status === 'ROLLBACK_COMPLETE';
  const adopting = creating && properties.AdoptExisting === 'true';
  // the replicator an adopting Create finds, as it is before the request
  const found = adopting && world.adoptable !== undefined ? snapshot(world.adoptable) : undefined;
  // what `cdk-msk-replicator plan` prints for this template, before anything of the step's fault is armed
  const sentTo = creating ? undefined : resource.physicalResourceId;
  const planStarted = performance.now();
  const plan = await planReplicator({
    logicalId: resource.logicalResourceId,
    newProps: properties as Json,
    oldProps: creating ? undefined : resource.properties as Json,
    physicalId: sentTo,
    stackId: resource.stackId,
    kafka: world.truth,
  });
  planMs += performance.now() - planStarted;
  if (process.env.PROPERTY_LOG) process.stderr.write(`LOG plan: ${plan.verdict}: ${plan.summary}\n`);
  switch (step.fault) {
    case 'failCreation':
    case 'failCreationLater':
      sim.failNextCreation('INSUFFICIENT_CAPACITY', 'No capacity for the replicator');
      break;
    case 'frameworkTimeout':
      sim.holdState('*', true);
      options.maxPolls = 6;
      options.releaseOnFirstResponse = true;
      break;
    case 'userTimeout':
      sim.holdState('*', true);
      options.releaseOnFirstResponse = true;
      break;
    case 'invisibleAfterCreate':
      sim.hideNextCreation(6 * POLL_MS);
      break;
    default:
      break;
  }
  let result: ProviderResult;
  const callsBefore = sim.calls.length;
  options.firstResponseAt = undefined;
  try {
    if (adopting && step.fault === 'otherResourceFails') result = await resource.createThenRollBack(properties);
    else if (creating) result = await resource.create(properties);
    else if (step.fault === 'otherResourceFails') result = await resource.updateThenRollBack(properties);
    else result = await resource.update(properties);
  } finally {
    sim.clearFaults();
    sim.holdState('*', false);
    options.maxPolls = 400;
    options.releaseOnFirstResponse = false;
  }
  const key = `${adopting ? 'adopt' : creating ? 'create' : 'update'}/${step.fault}/${result.status}/${resource.status}`;
  outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  if (adopting) {
    const adoption = `${existing}/${step.fault}/${result.status}/${resource.status}/${plan.verdict}`;
    adoptions.set(adoption, (adoptions.get(adoption) ?? 0) + 1);
  }
  const ok = result.status === 'SUCCESS' && (creating ? !(adopting && step.fault === 'otherResourceFails') : step.fault !== 'otherResourceFails');
  const calls = sim.calls.slice(callsBefore, options.firstResponseAt ?? sim.calls.length);
  const adoptionProblem = adopting ? adoptionViolation(plan, ok, found, sim.calls.slice(callsBefore)) : undefined;
  if (adoptionProblem !== undefined) return { ok, disagrees: `adoption (${existing}, plan "${plan.verdict}: ${plan.summary}"): ${adoptionProblem}` };
  let disagrees = disagreement({ plan, sentTo, result, calls }, ownerOf(resource));
  if (disagrees === GAVE_UP) {
    planUnchecked += 1;
    return { ok, disagrees: undefined };
  }
  // and for the whole step: a replacement that deployed leaves CloudFormation tracking another replicator
  if (disagrees === undefined && plan.verdict === 'replace' && ok && resource.physicalResourceId === sentTo) {
    disagrees = 'deployed, and CloudFormation still tracks the same id';
  }
  if (disagrees !== undefined) disagrees = `plan "${plan.verdict}: ${plan.summary}" disagrees with the deployment: ${disagrees}`;
  else planChecked.set(plan.verdict, (planChecked.get(plan.verdict) ?? 0) + 1);
  return { ok, disagrees };
}

/**
 * PROPERTY_KEEP=1 (exploration): two updates in three keep the create-only fields (name, compression, source, role) of
 * the step before, so that more plans are in place, tags only or nothing (drawn independently, all four stay the same
 * in one update in 24). Derived from the sequence's seed, so a run replays; off in CI, which plays the histories of
 * CI_SEED as drawn.
 */
function keepingCreateOnlyFields(history: readonly Step[], seed: number): Step[] {
  return history.map((step, i) => {
    const before = history[i - 1]?.template;
    if (before === undefined || (seed + i) % 3 === 0) return step;
    const { name, compression, source, role } = before;
    return { ...step, template: { ...step.template, name, compression, source, role } };
  });
}

/**
 * Makes the replicator an adopting sequence finds, as an operator would (CreateReplicator through the simulator's
 * API, hostile mode off), and lets it reach RUNNING: the first template's name, and its fields but for `existing`.
 */
async function operatorReplicator(t: Template, existing: Existing, sequence: number, retain: boolean): Promise<string> {
  const other = {
    ...t,
    compression: existing === 'compression' ? (t.compression === 'NONE' ? 'LZ4' as const : 'NONE' as const) : t.compression,
    source: existing === 'source' ? (t.source === 'p' ? 'q' as const : 'p' as const) : t.source,
    role: existing === 'role' ? (t.role === 'r1' ? 'r2' as const : 'r1' as const) : t.role,
    topics: existing === 'topics' || existing === 'topics-and-tags' ? (t.topics === 1 ? 2 as const : 1 as const) : t.topics,
  };
  const tags: Record<string, string> = existing === 'tags' || existing === 'topics-and-tags'
    ? { 'team': t.team === 'x' ? 'y' : 'x', 'cost-centre': 'ops' } : { team: t.team };
  world.sim.beHostile(undefined);
  const props = decodeProperties(render(other, sequence, retain));
  const created = await world.operator.send(new CreateReplicatorCommand(createReplicatorRequest(props, props.ReplicatorName!, tags)));
  world.now += 100;
  if (world.sim.replicator(created.ReplicatorArn!)?.state !== 'RUNNING') throw new Error('the operator\'s replicator did not reach RUNNING');
  return created.ReplicatorArn!;
}

/** Plays one sequence; throws with the first violated invariant. */
async function playSequence(drawn: readonly Step[], retain: boolean, seed: number, sequence: number, existing?: Existing): Promise<void> {
  // an adopting sequence's first template has a fixed name: the replicator to adopt is found by it
  const history = existing === undefined || drawn[0].template.name !== 'generated'
    ? drawn : [{ ...drawn[0], template: { ...drawn[0].template, name: 'a' as const } }, ...drawn.slice(1)];
  world.begin(seed, existing === undefined ? undefined : await operatorReplicator(history[0].template, existing, sequence, retain));
  try {
    const options: MutableOptions & ProviderOptions = {
      queryIntervalMs: 2,
      clock: world.clock,
      maxPolls: 400,
      onLog: process.env.PROPERTY_LOG ? (line: string) => process.stderr.write(`LOG ${line}\n`) : undefined,
      releaseOnFirstResponse: false,
      onPoll: () => {
        world.now += POLL_MS;
      },
      onResponse: () => {
        options.firstResponseAt ??= world.sim.calls.length;
        if (options.releaseOnFirstResponse) {
          options.releaseOnFirstResponse = false;
          world.sim.holdState('*', false);
          options.maxPolls = 400;
        }
      },
    };
    const resource = new CloudFormationResource(world.handler, options,
      `arn:aws:cloudformation:us-east-1:123456789012:stack/Property${sequence}/${sequence}`);
    world.cloudFormation.addStack(resource);
    let deployed: Template | undefined;
    const everTracked = world.everTracked;
    for (const step of process.env.PROPERTY_KEEP ? keepingCreateOnlyFields(history, seed) : history) {
      steps += 1;
      const creating = resource.physicalResourceId === undefined || resource.status === 'ROLLBACK_COMPLETE';
      const { ok, disagrees } = await play(resource, options, step, sequence, retain, existing);
      if (ok) deployed = step.template;
      else if (creating) deployed = undefined;
      if (deployed !== undefined && resource.physicalResourceId !== undefined) everTracked.add(resource.physicalResourceId);
      const problem = disagrees ?? violation(resource, deployed, sequence, everTracked);
      if (problem) {
        const requests = resource.history.map((h) => `${h.phase} ${h.result.status}${h.result.reason ? `: ${h.result.reason.split('\n')[0]}` : ''}`);
        throw new Error(`after ${JSON.stringify(step)} (stack ${resource.status}): ${problem}\nrequests:\n  ${requests.join('\n  ')}`);
      }
      // a stack whose rollback failed takes no further updates (CloudFormation needs ContinueUpdateRollback)
      if (resource.status?.endsWith('_FAILED')) break;
    }
    if (deployed === undefined && resource.status !== 'UPDATE_ROLLBACK_FAILED' && resource.status !== 'ROLLBACK_FAILED') return;
    const result = await resource.delete();
    if (result.status !== 'SUCCESS') return;
    const left = world.mine(resource);
    if (left.length > 0) throw new Error(`after delete: ${left.map((r) => `${r.name} ${r.state}`).join(', ')}`);
  } finally {
    for (const event of world.sim.hostile?.events ?? []) hostileEvents.set(event.kind, (hostileEvents.get(event.kind) ?? 0) + 1);
  }
}

test('random histories against a hostile MSK keep one active replicator, the tracked one holding the deployed template', async () => {
  const started = Date.now();
  await fc.assert(
    fc.asyncProperty(sequenceArb, async ({ history, retain, seed, existing }) => {
      sequences += 1;
      if (existing !== undefined) adoptingSequences += 1;
      playing = playSequence(history, retain, seed, sequences, existing);
      await playing;
    }),
    {
      numRuns: 10_000,
      // One fixed seed by default, so that a red build names a history anyone can replay; PROPERTY_SEED replays a
      // reported run or explores another (PROPERTY_SEED=random draws one). Histories random seeds found that are still
      // open are listed in the README ("Faults, and what happens", open cases).
      seed: seedOf(process.env.PROPERTY_SEED),
      interruptAfterTimeLimit: TIME_LIMIT_MS,
      markInterruptAsFailure: false,
      ...(process.env.PROPERTY_PATH ? { path: process.env.PROPERTY_PATH, endOnFailure: true } : {}),
    },
  );
  expect(sequences).toBeGreaterThan(10);
  expect(Date.now() - started).toBeLessThan(TIME_LIMIT_MS + 15_000);
}, TIME_LIMIT_MS + 30_000);
