import { createHash } from 'crypto';
import { RemovalPolicy } from 'aws-cdk-lib';
import { exampleProperties, ReplicatorOptions } from '../examples/orders-replication';
import {
  CloudFormationResource,
  Handler,
  loadBundledHandler,
  Properties,
  ProviderOptions,
  ProviderResult,
} from '../local-aws/cloudformation/provider-framework';
import { MskSimulator, ReplicatorRecord } from '../local-aws/msk-simulator';
import { TargetCompressionType } from '../src';
import { FOUND_AS_TAG_PREFIX } from '../src/provider/adoption';
import {
  DEPLOYED_TAG_KEY,
  HANDLER_TAG_KEYS,
  MANAGED_BY_TAG_KEY,
  OWNER_TAG_KEY,
  REPLACES_TAG_KEY,
  REQUEST_TAG_KEY,
  RETAINED_TAG_KEY,
  ROLLED_BACK_TAG_KEY,
} from '../src/provider/lifecycle';
import { ownerTagValue, requestTagValue } from '../src/provider/ownership';

/**
 * Which replicator a rollback returns to, which one RETAIN keeps, and how a retried create finds its own replicator,
 * when the world is less tidy than the happy path: the replacement already gone, the original's tags edited or
 * removed, lists reported in another order, list reads lagging behind the write, a cleanup that failed. Played by
 * the CloudFormation emulator with the bundled handler against the simulator; every test asserts which replicators
 * exist at the end and which one CloudFormation tracks.
 */

const TOPICS = ['orders\\..*', 'payments\\..*'];

let sim: MskSimulator;
let handler: Handler;
let logs: string[] = [];
let stackCount = 0;

beforeAll(async () => {
  sim = await MskSimulator.start({ timing: { creatingMs: 60, updatingMs: 40, deletingMs: 40 } });
});
afterAll(async () => {
  await sim.stop();
});
beforeEach(() => {
  handler = loadBundledHandler(sim.endpoint);
  sim.resetCalls();
  logs = [];
});
afterEach(() => {
  sim.clearFaults();
  sim.holdState('*', false);
  sim.enforceIam(undefined);
  // every test's stack generates names with the same stem: what one test leaves must not be a candidate for the next
  for (const r of sim.replicators()) sim.deleteOutOfBand(r.arn);
});

const props = (options: ReplicatorOptions = {}): Properties =>
  exampleProperties({ topicReplication: { topicsToReplicate: TOPICS }, replacementProtection: false, ...options });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const retain = { removalPolicy: RemovalPolicy.RETAIN };

/** Called with each response CloudFormation receives; tests set it once the stack is deployed. */
let onResponse: ((result: ProviderResult) => void) | undefined;
afterEach(() => {
  onResponse = undefined;
});

function newStack(options: ProviderOptions = {}): CloudFormationResource {
  stackCount += 1;
  return new CloudFormationResource(handler, {
    queryIntervalMs: 10,
    onLog: (line: string) => logs.push(line),
    onResponse: (result) => onResponse?.(result),
    ...options,
  }, `arn:aws:cloudformation:us-east-1:123456789012:stack/Identity${stackCount}/0a1b2c3d-${stackCount}`);
}

function ownerOf(resource: CloudFormationResource): string {
  return createHash('sha256').update(`${resource.stackId}|${resource.logicalResourceId}`).digest('hex').slice(0, 32);
}

/** Every replicator this stack's handler created (by name: tags may have been removed), once deletions are over. */
async function settledMadeBy(made: Set<string>): Promise<ReplicatorRecord[]> {
  const mine = () => sim.replicators().filter((r) => made.has(r.arn));
  for (let i = 0; i < 50 && mine().some((r) => r.state === 'DELETING'); i++) await sleep(20);
  return mine();
}

/** ARNs of every replicator created since the test started. */
function created(): Set<string> {
  return new Set(sim.callsTo('CreateReplicator').filter((c) => c.status === 200).map((c) => c.replicatorArn!));
}

async function deployed(options: ReplicatorOptions = {}) {
  const resource = newStack();
  const result = await resource.create(props(options));
  expect(result.reason).toBeUndefined();
  const arn = resource.physicalResourceId!;
  return { resource, arn };
}

/** Runs `change` once, when CloudFormation receives the FAILED response of the update (before its rollback). */
function whenUpdateFails(change: (failedId: string) => void): void {
  onResponse = (result) => {
    if (result.status !== 'FAILED') return;
    onResponse = undefined;
    change(result.physicalResourceId);
  };
}

/** An IAM world that denies one action to the handler, as a tag policy or an SCP would. */
function deny(action: string): void {
  sim.enforceIam((permission) => ({
    allowed: permission.action !== action,
    principalArn: 'arn:aws:sts::123456789012:assumed-role/ReplicatorProviderRole/handler',
  }));
}

describe('a rolled-back replacement returns to the original and never creates a third replicator', () => {
  test('the replacement is already gone when the rollback comes: found by its owner tag and configuration', async () => {
    const { resource, arn: original } = await deployed();
    sim.failNextCreation('INSUFFICIENT_CAPACITY', 'No capacity for the replicator in subnet-0dra');
    whenUpdateFails((failed) => sim.deleteOutOfBand(failed));

    const result = await resource.update(props({ targetCompressionType: TargetCompressionType.LZ4 }));

    expect(result.status).toBe('FAILED');
    expect(resource.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(resource.physicalResourceId).toBe(original);
    expect(sim.callsTo('CreateReplicator').filter((c) => c.status === 200)).toHaveLength(2);
    const left = await settledMadeBy(new Set([original, ...created()]));
    expect(left.map((r) => [r.arn, r.replicationInfo.targetCompressionType])).toEqual([[original, 'NONE']]);
  });

  test("the original's tags were removed: found through the replacement's `replaces` tag, its owner tag restored", async () => {
    const { resource, arn: original } = await deployed({ tags: { team: 'streaming' } });
    sim.failNextCreation('INSUFFICIENT_CAPACITY', 'No capacity for the replicator in subnet-0dra');
    whenUpdateFails(() => sim.modifyOutOfBand(original, { removeTagKeys: Object.keys(sim.replicator(original)!.tags) }));

    const result = await resource.update(props({ tags: { team: 'streaming' }, targetCompressionType: TargetCompressionType.LZ4 }));

    expect(result.status).toBe('FAILED');
    expect(resource.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(resource.physicalResourceId).toBe(original);
    const left = await settledMadeBy(new Set([original, ...created()]));
    expect(left.map((r) => r.arn)).toEqual([original]);
    // the rollback's reconciliation puts the template's tags and the owner tag back
    expect(left[0].tags).toMatchObject({ team: 'streaming', [OWNER_TAG_KEY]: ownerOf(resource) });
  });

  test("the original's owner tag was rewritten by someone else: found through the replacement's `replaces` tag, its owner tag restored", async () => {
    // Found by the property test in hostile mode (an operator's edit rewrote the owner tag to a placeholder before a
    // replacement whose user `timeout` elapsed): the rollback judged the original someone else's and created a third.
    const { resource, arn: original } = await deployed();
    sim.failNextCreation('INSUFFICIENT_CAPACITY', 'No capacity for the replicator in subnet-0dra');
    whenUpdateFails(() => sim.modifyOutOfBand(original, { tags: { [OWNER_TAG_KEY]: 'edited-by-tag-policy' } }));

    const result = await resource.update(props({ targetCompressionType: TargetCompressionType.LZ4 }));

    expect(result.status).toBe('FAILED');
    expect(resource.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(resource.physicalResourceId).toBe(original);
    const left = await settledMadeBy(new Set([original, ...created()]));
    expect(left.map((r) => r.arn)).toEqual([original]);
    expect(left[0].tags).toMatchObject({ [OWNER_TAG_KEY]: ownerOf(resource) });
  });

  test("the original's tags were removed and the replacement is gone: the rollback refuses to create a third", async () => {
    const { resource, arn: original } = await deployed();
    sim.failNextCreation('INSUFFICIENT_CAPACITY', 'No capacity for the replicator in subnet-0dra');
    whenUpdateFails((failed) => {
      sim.modifyOutOfBand(original, { removeTagKeys: Object.keys(sim.replicator(original)!.tags) });
      sim.deleteOutOfBand(failed);
    });

    await resource.update(props({ targetCompressionType: TargetCompressionType.LZ4 }));

    expect(resource.status).toBe('UPDATE_ROLLBACK_FAILED');
    const rollback = resource.history[resource.history.length - 1];
    expect(rollback.phase).toBe('rollback');
    expect(rollback.result.reason).toMatch(new RegExp(`^Replicator ${original} has this resource's name and the requested `
      + 'configuration but not its owner tag'));
    // the original and the failed replacement: no third
    expect(sim.callsTo('CreateReplicator').filter((c) => c.status === 200)).toHaveLength(2);
    expect(sim.replicator(original)!.state).toBe('RUNNING');
  });

  test('the original reports its lists in another order: still the original, and nothing is sent to it', async () => {
    const { resource, arn: original } = await deployed();
    sim.reverseUnorderedLists(original);
    const before = sim.replicator(original)!;
    expect(before.kafkaClusters[0].vpcConfig!.subnetIds).toEqual(['subnet-0primaryb', 'subnet-0primarya']);
    sim.resetCalls();
    sim.failNextCreation('INSUFFICIENT_CAPACITY', 'No capacity for the replicator in subnet-0dra');

    const result = await resource.update(props({ targetCompressionType: TargetCompressionType.LZ4 }));

    expect(result.status).toBe('FAILED');
    expect(resource.physicalResourceId).toBe(original);
    expect(sim.callsTo('CreateReplicator')).toHaveLength(1);
    expect(sim.callsTo('UpdateReplicationInfo')).toEqual([]);
    const left = await settledMadeBy(new Set([original, ...created()]));
    expect(left.map((r) => r.arn)).toEqual([original]);
    expect(left[0].currentVersion).toBe(before.currentVersion);
  });

  test('a rollback target that is DELETING is not returned to: a new replicator with the old configuration', async () => {
    const { resource, arn: original } = await deployed();
    sim.failNextCreation('INSUFFICIENT_CAPACITY', 'No capacity for the replicator in subnet-0dra');
    whenUpdateFails(() => {
      sim.setState(original, 'DELETING');
      sim.holdState(original, true);
    });

    const result = await resource.update(props({ targetCompressionType: TargetCompressionType.LZ4 }));

    expect(result.status).toBe('FAILED');
    expect(resource.history.map((h) => [h.phase, h.result.status])).toEqual([
      ['create', 'SUCCESS'], ['update', 'FAILED'], ['rollback', 'SUCCESS'], ['cleanup', 'SUCCESS'],
    ]);
    expect(resource.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    const tracked = resource.physicalResourceId!;
    expect(tracked).not.toBe(original);
    expect(sim.replicator(tracked)!.replicationInfo.targetCompressionType).toBe('NONE');
  });

  test('the original is returned to only when it has the requested configuration', async () => {
    // A -> B whose cleanup fails: the original (A) is left, owned and not retained
    const { resource, arn: first } = await deployed();
    onResponse = (result) => {
      if (result.status === 'SUCCESS') deny('kafka:DeleteReplicator');
    };
    expect((await resource.update(props({ targetCompressionType: TargetCompressionType.LZ4 }))).status).toBe('SUCCESS');
    onResponse = undefined;
    sim.enforceIam(undefined);
    expect(resource.cleanupFailures.map((f) => f.physicalResourceId)).toEqual([first]);
    const second = resource.physicalResourceId!;
    expect(sim.replicator(second)!.tags[REPLACES_TAG_KEY]).toBe(first);

    // B -> C: the replicator B replaced (A) is there, but does not have C's configuration
    const result = await resource.update(props({ targetCompressionType: TargetCompressionType.GZIP }));

    expect(result.status).toBe('SUCCESS');
    const third = resource.physicalResourceId!;
    expect([first, second]).not.toContain(third);
    expect(sim.replicator(third)!.replicationInfo.targetCompressionType).toBe('GZIP');
    expect(sim.replicator(first)!.replicationInfo.targetCompressionType).toBe('NONE');
  });
});

describe('RETAIN decides on a marker written when a rollback returns to the original', () => {
  test('a leftover original (failed cleanup), then a stack delete: the tracked replicator is retained, the leftover untouched', async () => {
    const { resource, arn: original } = await deployed(retain);
    // the cleanup of the original (a RETAIN delete: it tags the replicator) is denied once the update succeeded
    onResponse = (result) => {
      if (result.status === 'SUCCESS') deny('kafka:TagResource');
    };
    expect((await resource.update(props({ ...retain, targetCompressionType: TargetCompressionType.LZ4 }))).status).toBe('SUCCESS');
    onResponse = undefined;
    sim.enforceIam(undefined);
    const live = resource.physicalResourceId!;
    // an error other than "gone" fails the cleanup instead of passing for "nothing to retain"
    expect(resource.cleanupFailures.map((f) => f.physicalResourceId)).toEqual([original]);
    expect(resource.cleanupFailures[0].reason).toMatch(/not authorized to perform: kafka:TagResource/);
    expect(sim.replicator(original)!.tags[RETAINED_TAG_KEY]).toBeUndefined();
    sim.resetCalls();

    expect((await resource.delete()).status).toBe('SUCCESS');

    expect(sim.callsTo('DeleteReplicator')).toEqual([]);
    expect(sim.replicator(live)!.state).toBe('RUNNING');
    expect(sim.replicator(live)!.tags[RETAINED_TAG_KEY]).toBe('true');
    // never deleted: CloudFormation forgot it when its cleanup failed, and nothing of this stack deletes it
    expect(sim.replicator(original)!.state).toBe('RUNNING');
  });

  test('RETAIN and a stack rollback after a completed replacement: back to the original, the replacement deleted', async () => {
    const { resource, arn: original } = await deployed(retain);

    await resource.updateThenRollBack(props({ ...retain, targetCompressionType: TargetCompressionType.LZ4 }));

    expect(resource.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(resource.physicalResourceId).toBe(original);
    const replacement = resource.history.find((h) => h.phase === 'cleanup')!.physicalResourceId!;
    expect(replacement).not.toBe(original);
    expect(logs.some((l) => /rolled back from .* deleted despite the RETAIN removal policy/.test(l))).toBe(true);
    const left = await settledMadeBy(new Set([original, ...created()]));
    expect(left.map((r) => [r.arn, r.tags[RETAINED_TAG_KEY]])).toEqual([[original, undefined]]);
  });

  test('a retained original is never returned to', async () => {
    // A -> B under RETAIN: the cleanup retains A
    const { resource, arn: first } = await deployed(retain);
    expect((await resource.update(props({ ...retain, targetCompressionType: TargetCompressionType.LZ4 }))).status).toBe('SUCCESS');
    expect(sim.replicator(first)!.tags[RETAINED_TAG_KEY]).toBe('true');

    // B -> A: A is retained (no longer the stack's): a new replicator
    const result = await resource.update(props(retain));

    expect(result.reason).toBeUndefined();
    expect(result.status).toBe('SUCCESS');
    const third = resource.physicalResourceId!;
    expect(third).not.toBe(first);
    expect(sim.replicator(third)!.replicationInfo.targetCompressionType).toBe('NONE');
    expect(sim.replicator(first)!.tags[RETAINED_TAG_KEY]).toBe('true');
  });
});

describe('adoption after a lost CreateReplicator response', () => {
  test('ListReplicators and ListTagsForResource lag behind the create: the retried delivery still adopts its replicator', async () => {
    const resource = newStack();
    const event = resource.createEvent(props());
    sim.lagListsAfterNextCreate(2);

    const first = await resource.send(event);
    const second = await resource.send(event);

    expect(second.reason).toBeUndefined();
    expect(second.status).toBe('SUCCESS');
    expect(second.physicalResourceId).toBe(first.physicalResourceId);
    expect(sim.callsTo('CreateReplicator').map((c) => c.errorType ?? c.status)).toEqual([200, 'ConflictException']);
    expect(sim.callsTo('ListTagsForResource').some((c) => c.errorType === 'NotFoundException')).toBe(true);
    expect(logs.some((l) => /already created by this request, adopting/.test(l))).toBe(true);
    expect([...created()]).toEqual([first.physicalResourceId]);
  });
});

describe('the tag keys are public contract', () => {
  // Renaming a key, or changing how a value is derived, orphans every replicator made by the previous version.
  test('the literal keys', () => {
    expect({
      OWNER_TAG_KEY,
      REQUEST_TAG_KEY,
      REPLACES_TAG_KEY,
      RETAINED_TAG_KEY,
      DEPLOYED_TAG_KEY,
      ROLLED_BACK_TAG_KEY,
      MANAGED_BY_TAG_KEY,
      FOUND_AS_TAG_PREFIX,
    }).toEqual({
      OWNER_TAG_KEY: 'cdk-msk-replicator:owner',
      MANAGED_BY_TAG_KEY: 'cdk-msk-replicator:managed-by',
      FOUND_AS_TAG_PREFIX: 'cdk-msk-replicator:found-as/',
      REQUEST_TAG_KEY: 'cdk-msk-replicator:request',
      REPLACES_TAG_KEY: 'cdk-msk-replicator:replaces',
      RETAINED_TAG_KEY: 'cdk-msk-replicator:retained',
      DEPLOYED_TAG_KEY: 'cdk-msk-replicator:deployed',
      ROLLED_BACK_TAG_KEY: 'cdk-msk-replicator:rolled-back-to',
    });
    expect([...HANDLER_TAG_KEYS].sort()).toEqual([
      'cdk-msk-replicator:deployed', 'cdk-msk-replicator:managed-by', 'cdk-msk-replicator:owner', 'cdk-msk-replicator:replaces',
      'cdk-msk-replicator:request', 'cdk-msk-replicator:retained', 'cdk-msk-replicator:rolled-back-to',
    ]);
  });

  test('the values', () => {
    const event = {
      RequestType: 'Create' as const,
      RequestId: 'b9a1e3c2-0000-4000-8000-000000000001',
      StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Orders/0a1b2c3d',
      LogicalResourceId: 'Replicator',
      ResourceProperties: {},
    };
    // sha-256 of `<StackId>|<LogicalResourceId>` (and `|<RequestId>`), the first 32 hexadecimal digits
    expect(ownerTagValue(event)).toBe('6e0fbe69525b71f93c5551472ddf98ab');
    expect(requestTagValue(event)).toBe('4f8a1b8dd0462d45d725eec0efd56da0');
  });
});
