import { createHash } from 'crypto';
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
import type { WorldClock } from '../local-aws/cloudformation/world-clock';
import { HostileOptions, MskSimulator, RecordedCall, ReplicatorRecord } from '../local-aws/msk-simulator';
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
 * Bounded for CI: at most 5 steps per sequence, as many sequences as fit in TIME_LIMIT_MS (counts are printed).
 * To replay a reported run: PROPERTY_SEED=<fast-check seed> (PROPERTY_LOG=1 prints the handler's log and the operator's edits). To look past a defect the reordering of lists finds at
 * once: PROPERTY_NO_SHUFFLE=1 (exploration only; CI runs with every hostile behaviour).
 */

const TIME_LIMIT_MS = 40_000;
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
const sequenceArb = fc.record({ history: historyArb, retain: fc.boolean(), seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }) });

let base: Properties;
let world: World;
let sequences = 0;
let steps = 0;
const outcomes = new Map<string, number>();
const hostileEvents = new Map<string, number>();

beforeAll(async () => {
  base = exampleProperties({ topicReplication: { topicsToReplicate: [...TOPICS[1]] } });
  world = await World.start();
});
afterAll(async () => {
  delete (globalThis as Record<string, unknown>)[SLEEP_HOOK];
  await world.sim.stop();
  // eslint-disable-next-line no-console
  console.info(`CloudFormation property test (hostile MSK): ${sequences} sequences, ${steps} steps; `
    + `outcomes ${JSON.stringify(Object.fromEntries(outcomes))}; hostile events ${JSON.stringify(Object.fromEntries(hostileEvents))}`);
});

function render(t: Template, sequence: number, retain: boolean, waitForRunning = true): Properties {
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
  return p;
}

function ownerOf(resource: CloudFormationResource): string {
  return createHash('sha256').update(`${resource.stackId}|${resource.logicalResourceId}`).digest('hex').slice(0, 32);
}

const ACTIVE = new Set(['RUNNING', 'CREATING', 'UPDATING']);

/**
 * The simulator (in hostile mode, on a virtual clock) and the handler, shared by every sequence: the bundled handler
 * reads its endpoint once per test file. Each sequence restarts the hostile generator from its own seed.
 */
class World {
  static async start(): Promise<World> {
    const started = new World();
    started.sim = await MskSimulator.start({ clock: () => started.now, timing: { creatingMs: 20, updatingMs: 10, deletingMs: 10 } });
    started.handler = loadBundledHandler(started.sim.endpoint);
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
  /** Tag keys someone else edited on some replicator: the template no longer decides them. */
  readonly editedTags = new Set<string>();

  /** A new sequence: a fresh hostile generator, no recorded calls, no edited tags. */
  begin(seed: number): void {
    this.sim.beHostile({ seed, ...HOSTILITY });
    this.sim.resetCalls();
    this.editedTags.clear();
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
    const created = this.createdBy(resource);
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
  const strays = [...world.retained()].filter((arn) => world.createdBy(resource).has(arn) && !everTracked.has(arn)
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
}

/** Plays one step with its fault; returns whether the template is now what CloudFormation considers deployed. */
async function play(resource: CloudFormationResource, options: MutableOptions, step: Step, sequence: number, retain: boolean) {
  const { sim } = world;
  if (step.operatorEdit && resource.physicalResourceId !== undefined && sim.replicator(resource.physicalResourceId)) {
    const edit = sim.editTagsAsOperator(resource.physicalResourceId);
    if (process.env.PROPERTY_LOG) process.stderr.write(`LOG operator: ${edit}\n`);
    world.editedTags.add(edit.split(' ')[1]);
  }
  const properties = render(step.template, sequence, retain, step.fault !== 'failCreationLater');
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
      // the user's timeout fires while the service is slow; the service recovers once CloudFormation has the answer
      if (!step.template.timeout) properties.TimeoutSeconds = USER_TIMEOUT_SECONDS;
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
  const creating = resource.physicalResourceId === undefined || resource.status === 'ROLLBACK_COMPLETE';
  try {
    if (creating) result = await resource.create(properties);
    else if (step.fault === 'otherResourceFails') result = await resource.updateThenRollBack(properties);
    else result = await resource.update(properties);
  } finally {
    sim.clearFaults();
    sim.holdState('*', false);
    options.maxPolls = 400;
    options.releaseOnFirstResponse = false;
  }
  const key = `${creating ? 'create' : 'update'}/${step.fault}/${result.status}/${resource.status}`;
  outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  return result.status === 'SUCCESS' && (creating || step.fault !== 'otherResourceFails');
}

/** Plays one sequence; throws with the first violated invariant. */
async function playSequence(history: readonly Step[], retain: boolean, seed: number, sequence: number): Promise<void> {
  world.begin(seed);
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
        if (options.releaseOnFirstResponse) {
          options.releaseOnFirstResponse = false;
          world.sim.holdState('*', false);
          options.maxPolls = 400;
        }
      },
    };
    const resource = new CloudFormationResource(world.handler, options,
      `arn:aws:cloudformation:us-east-1:123456789012:stack/Property${sequence}/${sequence}`);
    let deployed: Template | undefined;
    const everTracked = new Set<string>();
    for (const step of history) {
      steps += 1;
      const creating = resource.physicalResourceId === undefined || resource.status === 'ROLLBACK_COMPLETE';
      const ok = await play(resource, options, step, sequence, retain);
      if (ok) deployed = step.template;
      else if (creating) deployed = undefined;
      if (deployed !== undefined && resource.physicalResourceId !== undefined) everTracked.add(resource.physicalResourceId);
      const problem = violation(resource, deployed, sequence, everTracked);
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
    fc.asyncProperty(sequenceArb, async ({ history, retain, seed }) => {
      sequences += 1;
      try { await playSequence(history, retain, seed, sequences); } catch (e) { process.stderr.write(`FAILSEQ ${sequences} ${JSON.stringify({history, retain, seed})}\n${(e as Error).message}\n`); throw e; }
    }),
    {
      numRuns: 10_000,
      // One fixed seed by default, so that a red build names a history anyone can replay; PROPERTY_SEED replays a
      // reported run or explores another (PROPERTY_SEED=random draws one). Histories random seeds found that are still
      // open are listed in the README ("Faults, and what happens", open cases).
      seed: seedOf(process.env.PROPERTY_SEED),
      interruptAfterTimeLimit: TIME_LIMIT_MS,
      markInterruptAsFailure: false,
    },
  );
  expect(sequences).toBeGreaterThan(10);
  expect(Date.now() - started).toBeLessThan(TIME_LIMIT_MS + 15_000);
}, TIME_LIMIT_MS + 30_000);
