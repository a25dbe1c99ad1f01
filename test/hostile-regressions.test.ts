import { exampleProperties } from '../examples/orders-replication';
import { CloudFormationResource, loadBundledHandler, Properties, ProviderOptions } from '../local-aws/cloudformation/provider-framework';
import { HostileOptions, MskSimulator, ReplicatorRecord } from '../local-aws/msk-simulator';

/**
 * Defects the hostile-mode property test (cloudformation.property.test.ts) found, each as the shrunk history it
 * reported, replayed deterministically: a hostile mode reduced to the behaviour that matters, from a fixed seed, on a
 * virtual clock (every isComplete poll advances it by POLL_MS), so the same requests meet the same answers.
 */

const POLL_MS = 10;
const ACTIVE = new Set(['RUNNING', 'CREATING', 'UPDATING']);
const ROLE_2 = 'arn:aws:iam::123456789012:role/ReplicatorServiceExecutionRole2F00D123';
const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/Regression/1';
/** Every hostile behaviour off; a test turns on the one it needs. */
const CALM: Omit<HostileOptions, 'seed'> = {
  throttleRate: 0, serverErrorRate: 0, lostResponseRate: 0, staleReadRate: 0, spontaneousFailureRate: 0, shuffleLists: false,
};

let now = 1_000_000;
let sim: MskSimulator;
let handler: ReturnType<typeof loadBundledHandler>;
/** The Provider framework's options; `holdUntilAnswered` keeps the service slow until CloudFormation has an answer. */
const options: ProviderOptions & { maxPolls: number; holdUntilAnswered: boolean } = {
  queryIntervalMs: 2,
  maxPolls: 400,
  holdUntilAnswered: false,
  onPoll: () => {
    now += POLL_MS;
  },
  onResponse: () => {
    if (!options.holdUntilAnswered) return;
    options.holdUntilAnswered = false;
    options.maxPolls = 400;
    sim.holdState('*', false);
  },
};

beforeAll(async () => {
  sim = await MskSimulator.start({ clock: () => now, timing: { creatingMs: 20, updatingMs: 10, deletingMs: 10 } });
  handler = loadBundledHandler(sim.endpoint);
});
afterAll(async () => {
  await sim.stop();
});
beforeEach(() => {
  sim.resetCalls();
});

function template(prefix: string, overrides: Record<string, unknown> = {}): Properties {
  const p = exampleProperties({ topicReplication: { topicsToReplicate: ['orders\\..*'] }, replacementProtection: false }) as Record<string, unknown>;
  delete p.ReplicatorName;
  return { ...p, ReplicatorNamePrefix: prefix, Tags: { team: 'x' }, ...overrides };
}

function active(prefix: string): ReplicatorRecord[] {
  return sim.replicators().filter((r) => r.name.startsWith(`${prefix}-`) && ACTIVE.has(r.state));
}

/** The Provider framework gives up on the next request (6 polls) while the service holds every state. */
function frameworkTimesOutNext(): void {
  sim.holdState('*', true);
  options.maxPolls = 6;
  options.holdUntilAnswered = true;
}

describe('a replacement the framework times out, rolled back while the service answers lists in another order', () => {
  // Property test counterexample (fast-check seed 1, shrunk 11 times):
  //   [create {generated name, role r1}] -> [update {role r2}, fault frameworkTimeout]; hostile seed 0.
  // The rollback Update describes the original, whose subnet list comes back in another order (the native schema marks
  // SubnetIds insertionOrder: false), judges it different from the template and creates a THIRD replicator with the
  // original's configuration; the cleanup deletes the replacement; the original keeps running untracked beside the
  // third: two replicators writing the same target topics. Issue 18, defect 2(c).
  it('leaves one active replicator, the tracked one', async () => {
    const prefix = 'Reorder';
    sim.beHostile(undefined);
    const resource = new CloudFormationResource(handler, options, STACK_ID);
    expect((await resource.create(template(prefix))).status).toBe('SUCCESS');
    const original = resource.physicalResourceId;

    sim.beHostile({ seed: 0, ...CALM, shuffleLists: true });
    frameworkTimesOutNext();
    const update = await resource.update(template(prefix, { ServiceExecutionRoleArn: ROLE_2 }));
    sim.beHostile(undefined);
    expect(update.reason).toBe('Operation timed out');
    expect(resource.status).toBe('UPDATE_ROLLBACK_COMPLETE');

    expect(active(prefix).map((r) => r.arn)).toEqual([resource.physicalResourceId]);
    expect(resource.physicalResourceId).toBe(original);
  });
});

describe('a create whose response is lost, adopted while ListReplicators and ListTagsForResource lag', () => {
  // Property test counterexample (fast-check seed 3, shrunk 18 times, shuffling off):
  //   [create {generated name}] -> [create {generated name}]; hostile seed 1872854540.
  // CreateReplicator succeeds but its response is lost; the SDK retries and meets ConflictException; the adoption
  // reads ListReplicators / ListTagsForResource once, does not see the replicator (or its owner tag) yet, and fails the
  // create with "not created by this resource". CloudFormation's rollback Delete names no replicator, so the one this
  // very request created keeps running, untracked. Issue 18, defect 4.
  it('leaves no untracked replicator running', async () => {
    const prefix = 'LostCreate';
    sim.beHostile({ seed: 1, ...CALM, lostResponseRate: 1, staleReadRate: 1, maxLagReads: 3 });
    const resource = new CloudFormationResource(handler, options, `${STACK_ID}-lost`);
    const result = await resource.create(template(prefix));
    sim.beHostile(undefined);
    expect(sim.callsTo('CreateReplicator')[0].lostResponse).toBe(true);
    const running = active(prefix).map((r) => r.arn);
    expect(running).toEqual(result.status === 'SUCCESS' ? [resource.physicalResourceId] : []);
  });
});

describe('a replacement that fails, rolled back after an operator removed the original\'s owner tag', () => {
  // Property test counterexample (fast-check seed 2, shrunk 7 times, shuffling off):
  //   [create {name b}] -> [operator edits b's tags; update {generated name, role r2, source p, timeout}, fault
  //   invisibleAfterCreate]; hostile seed 16. The replacement timed out; the rollback could not re-identify the original
  //   without its owner tag, tried to create it again, met its name and failed: UPDATE_ROLLBACK_FAILED with the
  //   original and the replacement both running. Replayed here without randomness: the owner tag removed, the
  //   replacement's creation failing. Issue 18, defect 2(b).
  it('returns to the original without a second replicator', async () => {
    sim.beHostile(undefined);
    const resource = new CloudFormationResource(handler, options, `${STACK_ID}-tags`);
    const original = template('Tags', { ReplicatorNamePrefix: undefined, ReplicatorName: 'tags-b' });
    expect((await resource.create(original)).status).toBe('SUCCESS');
    const originalArn = resource.physicalResourceId!;
    sim.modifyOutOfBand(originalArn, { removeTagKeys: ['cdk-msk-replicator:owner'] });

    sim.failNextCreation('INSUFFICIENT_CAPACITY', 'No capacity for the replicator');
    const update = await resource.update(template('Tags', { ServiceExecutionRoleArn: ROLE_2 }));
    expect(update.status).toBe('FAILED');

    expect(resource.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(resource.physicalResourceId).toBe(originalArn);
    const running = sim.replicators().filter((r) => (r.name === 'tags-b' || r.name.startsWith('Tags-')) && ACTIVE.has(r.state));
    expect(running.map((r) => r.arn)).toEqual([originalArn]);
  });
});

/** The property test's hostile rates (cloudformation.property.test.ts HOSTILITY), with lists in their given order. */
const PROPERTY_HOSTILITY: Omit<HostileOptions, 'seed'> = {
  throttleRate: 0.03,
  serverErrorRate: 0.02,
  lostResponseRate: 0.08,
  staleReadRate: 0.5,
  maxLagReads: 3,
  spontaneousFailureRate: 0.003,
  shuffleLists: false,
};

describe('a delete right after a create, while DescribeReplicator still answers NotFound', () => {
  // Property test counterexample (fast-check seed 4, shrunk 5 times, shuffling off):
  //   [create {generated name, waitForRunning false}, fault failCreationLater] then the stack's delete; hostile seed 19.
  // The Delete's DescribeReplicator lags behind the create and answers NotFound; isComplete takes that for "already
  // gone" and reports the delete done: the replicator (CREATING, then FAILED) stays, owned by no stack.
  it('deletes the replicator, or waits until it is gone', async () => {
    const prefix = 'LateDelete';
    sim.beHostile({ seed: 19, ...PROPERTY_HOSTILITY });
    const resource = new CloudFormationResource(handler, options, `${STACK_ID}-late-delete`);
    sim.failNextCreation('INSUFFICIENT_CAPACITY', 'No capacity for the replicator');
    const created = await resource.create(template(prefix, { WaitForRunning: 'false' }));
    sim.clearFaults();
    expect(created.status).toBe('SUCCESS');
    const deleted = await resource.delete();
    sim.beHostile(undefined);
    expect(deleted.status).toBe('SUCCESS');
    const left = sim.replicators().filter((r) => r.name.startsWith(`${prefix}-`) && r.state !== 'DELETING');
    expect(left.map((r) => `${r.name} ${r.state}`)).toEqual([]);
  });
});

describe('the rollback of a replacement while ListTagsForResource lags behind the replacement\'s creation', () => {
  // Property test counterexamples (fast-check seeds 5 and 7, shuffling off), e.g. seed 7:
  //   [create {name a}] -> [update {generated name, source q, role r2, timeout}]; hostile seed 19.
  // The replacement fails (here: the user's timeout); the rollback reads the replacement's tags to find the original
  // (the "replaces" tag), gets the view before they were written (NotFound, or no tags), concludes there is no original
  // and creates one more replicator: with a fixed name it meets the original's name and the rollback fails
  // (UPDATE_ROLLBACK_FAILED, both running); with a generated name a third replicator runs beside the original.
  // Replayed with the replacement's creation failing and the rollback's first read of its tags lagging: the rollback
  // takes the NotFound as fatal and fails (UPDATE_ROLLBACK_FAILED). Issue 18, defect 2 (a cause the review did not
  // list: eventually consistent tag reads).
  it('returns to the original without a third replicator', async () => {
    const prefix = 'LagRollback';
    sim.beHostile(undefined);
    const resource = new CloudFormationResource(handler, options, `${STACK_ID}-lag-rollback`);
    expect((await resource.create(template(prefix))).status).toBe('SUCCESS');
    const originalArn = resource.physicalResourceId!;

    sim.failNextCreation('INSUFFICIENT_CAPACITY', 'No capacity for the replicator');
    // once the replacement has failed, the next read of its tags answers the view before its creation
    sim.beHostile({ seed: 1, ...CALM, staleReadRate: 1, maxLagReads: 1 });
    const lagOnce = (s: MskSimulator) => {
      const replacement = s.replicators().find((r) => r.name.startsWith(`${prefix}-`) && r.arn !== originalArn);
      if (replacement && replacement.state === 'FAILED') s.hostile!.beforeWrite(replacement.arn, undefined);
      else s.beforeNext('ListTagsForResource', lagOnce);
    };
    sim.beforeNext('ListTagsForResource', lagOnce);
    const update = await resource.update(template(prefix, { ServiceExecutionRoleArn: ROLE_2 }));
    sim.beHostile(undefined);
    expect(update.status).toBe('FAILED');

    expect(resource.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(resource.physicalResourceId).toBe(originalArn);
    expect(active(prefix).map((r) => r.arn)).toEqual([originalArn]);
  });
});

describe('a rollback Delete whose response is lost, then checked against a Describe that lags behind it', () => {
  // Found while replaying the property test's create faults (its outcomes count create/failCreation/FAILED/
  // ROLLBACK_FAILED): [create {generated name}, fault failCreation]; hostile seed 8, the property test's rates (seed 10
  // since the Delete reads its replicator as it starts, visibility.ts: those reads draw from the generator too, and
  // seed 10 replays the lost DeleteReplicator response and its rejected retry).
  // isComplete sends DeleteReplicator for the FAILED replicator; the service deletes it but the response is lost; the
  // SDK's retry is rejected (BadRequest: the replicator is DELETING); the Describe meant to explain the rejection
  // lags behind the delete and still shows FAILED with the same version, so isComplete fails the Delete as
  // "rejected": the stack ends ROLLBACK_FAILED (DELETE_FAILED for a stack delete) although the delete went through.
  it('completes the rollback Delete', async () => {
    const prefix = 'LostDelete';
    sim.beHostile({ seed: 10, ...PROPERTY_HOSTILITY });
    const resource = new CloudFormationResource(handler, options, `${STACK_ID}-lost-delete`);
    sim.failNextCreation('INSUFFICIENT_CAPACITY', 'No capacity for the replicator');
    const created = await resource.create(template(prefix));
    sim.clearFaults();
    sim.beHostile(undefined);
    expect(created.status).toBe('FAILED');
    expect(sim.callsTo('DeleteReplicator').some((c) => c.lostResponse)).toBe(true);
    expect(sim.callsTo('DeleteReplicator').some((c) => c.errorType === 'BadRequestException')).toBe(true);
    expect(resource.status).toBe('ROLLBACK_COMPLETE');
    expect(sim.replicators().filter((r) => r.name.startsWith(`${prefix}-`) && r.state !== 'DELETING')).toEqual([]);
  });
});

describe('the rollback of a tags-only update whose first tag read lags behind the update\'s TagResource', () => {
  // Property test counterexample (PROPERTY_ADOPT=1 PROPERTY_KEEP=1 PROPERTY_SEED=733177104, path 15:3; not an adoption:
  // a created replicator): [... update {team y}] -> [update {team x}, fault otherResourceFails]. The update writes
  // team=x; the stack rolls back to team=y; the rollback's one ListTagsForResource answers from before the update's
  // TagResource (a read may lag behind a write, hostile.ts), shows team=y already, and the rollback completes with
  // nothing written: the replicator kept team=x while CloudFormation held the template with team=y. Fixed: the
  // reconciliation takes the tag writes from the event (src/provider/tag-writes.ts); this test failed before.
  it('gives the replicator back the rolled-back template\'s tags', async () => {
    const { arn, resource } = await createdThenRolledBack('LaggingTags', { team: 'y' }, { team: 'x' });
    expect(resource.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(resource.physicalResourceId).toBe(arn);
    expect(sim.replicator(arn)!.tags.team).toBe('y');
  });

  // The same with a key the failed update added: the lagging read does not show it, and the rollback left it.
  it('removes the key the rolled-back update added', async () => {
    const { arn, resource } = await createdThenRolledBack('LaggingNewKey', { team: 'y' }, { team: 'y', env: 'prod' });
    expect(resource.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(sim.replicator(arn)!.tags.env).toBeUndefined();
    expect(sim.replicator(arn)!.tags.team).toBe('y');
  });

  // The same on a replicator that turned FAILED during the update: a rollback that changes nothing in place still applies tags.
  it('gives a FAILED replicator back the rolled-back template\'s tags', async () => {
    const { arn, resource } = await createdThenRolledBack('LaggingFailed', { team: 'y' }, { team: 'x' }, {}, true);
    expect(resource.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(sim.replicator(arn)!.state).toBe('FAILED');
    expect(sim.replicator(arn)!.tags.team).toBe('y');
  });

  // An operator's tag that neither template names stays, however the reads lag.
  it('leaves a tag someone else added', async () => {
    const { arn } = await createdThenRolledBack('LaggingOperator', { team: 'y' }, { team: 'x' }, { 'cost-centre': 'ops' });
    expect(sim.replicator(arn)!.tags).toMatchObject({ 'team': 'y', 'cost-centre': 'ops' });
  });
});

/**
 * Creates a replicator with `tags`, lets an operator add `operatorTags`, then sends an Update to `failedTags` that
 * another resource's failure rolls back, with the rollback's first ListTagsForResource answering from before the
 * update's last tag write (and the replicator turned FAILED before the rollback when `turnsFailed`).
 */
async function createdThenRolledBack(
  prefix: string, tags: Record<string, string>, failedTags: Record<string, string>, operatorTags: Record<string, string> = {},
  turnsFailed = false,
) {
  sim.beHostile(undefined);
  const created = new CloudFormationResource(handler, options, `${STACK_ID}-${prefix}`);
  expect((await created.create(template(prefix, { Tags: tags }))).status).toBe('SUCCESS');
  const arn = created.physicalResourceId!;
  if (Object.keys(operatorTags).length > 0) sim.modifyOutOfBand(arn, { tags: operatorTags });
  const lagOnRollback: ProviderOptions = {
    ...options,
    onResponse: () => {
      if (turnsFailed) sim.setState(arn, 'FAILED', { code: 'REPLICATOR_FAILED', message: 'The replicator cannot reach its clusters' });
      sim.lagNextRead(arn, 'ListTagsForResource');
    },
  };
  const resource = new CloudFormationResource(handler, lagOnRollback, `${STACK_ID}-${prefix}`);
  resource.physicalResourceId = arn;
  resource.properties = created.properties;
  resource.status = created.status;
  expect((await resource.updateThenRollBack(template(prefix, { Tags: failedTags }))).status).toBe('SUCCESS');
  return { arn, resource };
}
