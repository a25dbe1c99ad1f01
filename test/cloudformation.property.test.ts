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
import { MskSimulator, ReplicatorRecord } from '../local-aws/msk-simulator';

/**
 * Random CloudFormation histories of one `Custom::MskReplicator`, played by the faithful emulator against the
 * simulator: creates, updates (in place, replacements, renames), injected faults (creation ending FAILED, at once or
 * after a `waitForRunning: false` deployment; the framework's timeout; a replicator invisible right after creation;
 * a rollback caused by another resource), the rollbacks CloudFormation sends, and a final delete.
 *
 * After every step: no *_FAILED stack state, no failed cleanup, at most one replicator owned by the stack, and it is
 * the one CloudFormation tracks, holding the last template that deployed successfully; with RETAIN, every retained
 * replicator is one CloudFormation had deployed. After the delete: nothing owned (retained ones aside).
 *
 * Bounded in time for CI: as many sequences as fit in TIME_LIMIT_MS (the count is printed).
 */

const TIME_LIMIT_MS = 40_000;
const OWNER_TAG = 'cdk-msk-replicator:owner';
const RETAINED_TAG = 'cdk-msk-replicator:retained';
const TOPICS = { 1: ['orders\\..*'], 2: ['orders\\..*', 'payments\\..*'] } as const;

interface Template {
  readonly name: 'generated' | 'a' | 'b';
  readonly compression: 'NONE' | 'LZ4';
  readonly topics: 1 | 2;
  readonly team: 'x' | 'y';
  /** replacementProtection: a protected replacement fails the step, and an allowed one's rollback must not be refused */
  readonly protection: boolean;
}

type Fault = 'none' | 'failCreation' | 'failCreationLater' | 'timeout' | 'invisibleAfterCreate' | 'otherResourceFails';

interface Step {
  readonly template: Template;
  readonly fault: Fault;
}

const templateArb: fc.Arbitrary<Template> = fc.record({
  name: fc.constantFrom('generated' as const, 'a' as const, 'b' as const),
  compression: fc.constantFrom('NONE' as const, 'LZ4' as const),
  topics: fc.constantFrom(1 as const, 2 as const),
  team: fc.constantFrom('x' as const, 'y' as const),
  // off two times in three, so that most histories still replace
  protection: fc.constantFrom(false, false, true),
});
const faultArb: fc.Arbitrary<Fault> = fc.constantFrom<Fault>(
  'none', 'none', 'failCreation', 'failCreationLater', 'timeout', 'invisibleAfterCreate', 'otherResourceFails');
const historyArb = fc.array(fc.record({ template: templateArb, fault: faultArb }), { minLength: 1, maxLength: 5 });
/** A history, and the removal policy of the resource (RETAIN keeps replicators CloudFormation deletes running). */
const sequenceArb = fc.record({ history: historyArb, retain: fc.boolean() });

let sim: MskSimulator;
let handler: Handler;
let base: Properties;
let sequences = 0;
let steps = 0;
const outcomes = new Map<string, number>();

beforeAll(async () => {
  sim = await MskSimulator.start({ timing: { creatingMs: 20, updatingMs: 10, deletingMs: 10 } });
  handler = loadBundledHandler(sim.endpoint);
  base = exampleProperties({ topicReplication: { topicsToReplicate: [...TOPICS[1]] } });
});
afterAll(async () => {
  await sim.stop();
  // eslint-disable-next-line no-console
  console.info(`CloudFormation property test: ${sequences} sequences, ${steps} steps; outcomes ${JSON.stringify(Object.fromEntries(outcomes))}`);
});

function render(t: Template, sequence: number, retain: boolean, waitForRunning = true): Properties {
  const p = JSON.parse(JSON.stringify(base)) as Record<string, any>;
  delete p.ReplicatorName;
  delete p.ReplicatorNamePrefix;
  if (t.name === 'generated') p.ReplicatorNamePrefix = `Prop${sequence}`;
  else p.ReplicatorName = `prop-${sequence}-${t.name}`;
  p.TargetCompressionType = t.compression;
  p.TopicReplication.TopicsToReplicate = [...TOPICS[t.topics]];
  p.Tags = { team: t.team };
  p.WaitForRunning = String(waitForRunning);
  p.DeletionBehaviour = retain ? 'retain' : 'destroy';
  p.ReplacementProtection = String(t.protection);
  return p;
}

function ownerOf(resource: CloudFormationResource): string {
  return createHash('sha256').update(`${resource.stackId}|${resource.logicalResourceId}`).digest('hex').slice(0, 32);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The replicators the stack owns: its owner tag and not retained. A retained one was deleted from the stack by a
 * RETAIN removal policy; it must have been the tracked one after some successful step (see `violation`).
 */
async function owned(resource: CloudFormationResource): Promise<ReplicatorRecord[]> {
  const mine = () => ownerTagged(resource).filter((r) => r.tags[RETAINED_TAG] === undefined);
  for (let i = 0; i < 50 && mine().some((r) => r.state === 'DELETING'); i++) await sleep(10);
  return mine();
}

function ownerTagged(resource: CloudFormationResource): ReplicatorRecord[] {
  const owner = ownerOf(resource);
  return sim.replicators().filter((r) => r.tags[OWNER_TAG] === owner);
}

function holds(r: ReplicatorRecord, t: Template, sequence: number): boolean {
  const nameOk = t.name === 'generated' ? r.name.startsWith(`Prop${sequence}-`) : r.name === `prop-${sequence}-${t.name}`;
  return nameOk
    && r.replicationInfo.targetCompressionType === t.compression
    && JSON.stringify(r.replicationInfo.topicReplication.topicsToReplicate) === JSON.stringify(TOPICS[t.topics])
    && r.tags.team === t.team;
}

/** Checks the invariants; returns a description of the first violation. */
async function violation(
  resource: CloudFormationResource,
  deployed: Template | undefined,
  sequence: number,
  everTracked: Set<string>,
): Promise<string | undefined> {
  if (resource.status?.endsWith('_FAILED')) return `stack ${resource.status}`;
  if (resource.cleanupFailures.length > 0) return `cleanup failed: ${JSON.stringify(resource.cleanupFailures)}`;
  const mine = await owned(resource);
  // RETAIN keeps only what CloudFormation had deployed: never a replacement it rolled back from
  const strays = ownerTagged(resource).filter((r) => r.tags[RETAINED_TAG] !== undefined && !everTracked.has(r.arn));
  if (strays.length > 0) return `retained a replicator that was never deployed: ${strays.map((r) => r.name).join(', ')}`;
  if (deployed === undefined) {
    return mine.length === 0 ? undefined : `left behind: ${mine.map((r) => `${r.name} ${r.state}`).join(', ')}`;
  }
  if (mine.length !== 1) return `${mine.length} replicators: ${mine.map((r) => `${r.name} ${r.state}`).join(', ')}`;
  if (mine[0].arn !== resource.physicalResourceId) return `tracked ${resource.physicalResourceId}, exists ${mine[0].arn}`;
  if (!holds(mine[0], deployed, sequence)) return `tracked replicator does not hold ${JSON.stringify(deployed)}`;
  return undefined;
}

/** Plays one step with its fault; returns whether the template is now what CloudFormation considers deployed. */
async function play(resource: CloudFormationResource, options: MutableOptions, step: Step, sequence: number, retain: boolean) {
  const properties = render(step.template, sequence, retain, step.fault !== 'failCreationLater');
  switch (step.fault) {
    case 'failCreation':
    case 'failCreationLater':
      sim.failNextCreation('INSUFFICIENT_CAPACITY', 'No capacity for the replicator');
      break;
    case 'timeout':
      sim.holdState('*', true);
      options.maxPolls = 6;
      options.releaseOnFirstResponse = true;
      break;
    case 'invisibleAfterCreate':
      sim.hideNextCreation(60);
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

interface MutableOptions {
  maxPolls: number;
  releaseOnFirstResponse: boolean;
}

test('random histories end with one tracked replicator holding the last deployed template, and nothing after delete', async () => {
  const started = Date.now();
  await fc.assert(
    fc.asyncProperty(sequenceArb, async ({ history, retain }) => {
      sequences += 1;
      const sequence = sequences;
      const options: MutableOptions & ProviderOptions = {
        queryIntervalMs: 2,
        maxPolls: 400,
        releaseOnFirstResponse: false,
        onResponse: () => {
          if (options.releaseOnFirstResponse) {
            options.releaseOnFirstResponse = false;
            sim.holdState('*', false);
            options.maxPolls = 400;
          }
        },
      };
      const resource = new CloudFormationResource(handler, options,
        `arn:aws:cloudformation:us-east-1:123456789012:stack/Property${sequence}/${sequence}`);
      let deployed: Template | undefined;
      const everTracked = new Set<string>();
      for (const step of history) {
        steps += 1;
        const creating = resource.physicalResourceId === undefined || resource.status === 'ROLLBACK_COMPLETE';
        const ok = await play(resource, options, step, sequence, retain);
        if (ok) deployed = step.template;
        else if (creating) deployed = undefined;
        if (deployed !== undefined) everTracked.add(resource.physicalResourceId!);
        const problem = await violation(resource, deployed, sequence, everTracked);
        if (problem) throw new Error(`after ${JSON.stringify(step)}: ${problem}`);
      }
      if (deployed !== undefined) {
        const result = await resource.delete();
        if (result.status !== 'SUCCESS') throw new Error(`delete failed: ${result.reason}`);
      }
      const left = await owned(resource);
      if (left.length > 0) throw new Error(`after delete: ${left.map((r) => `${r.name} ${r.state}`).join(', ')}`);
      const problem = await violation(resource, undefined, sequence, everTracked);
      if (problem) throw new Error(`after delete: ${problem}`);
    }),
    { numRuns: 10_000, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false },
  );
  expect(sequences).toBeGreaterThan(10);
  expect(Date.now() - started).toBeLessThan(TIME_LIMIT_MS + 15_000);
}, TIME_LIMIT_MS + 30_000);
