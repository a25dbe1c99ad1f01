import { exampleProperties } from '../examples/orders-replication';
import { CloudFormationResource, Handler, loadBundledHandler, Properties } from '../local-aws/cloudformation/provider-framework';
import { VirtualClock } from '../local-aws/cloudformation/world-clock';
import { MskSimulator } from '../local-aws/msk-simulator';

/**
 * The retained mark under a TagResource that answers NotFound while the replicator exists (the simulator's
 * `answerNotFound`: the MSK Replicator API reference, https://docs.aws.amazon.com/msk/1.0/apireference-replicator/,
 * lists NotFoundException for TagResource and promises no read-after-write consistency; that a replicator read a moment
 * before can answer it is the harsher reading, src/provider/mark-write.ts). A stack Delete under RETAIN read the replicator's
 * markers, then took TagResource's NotFound for "gone": the Delete succeeded and the replicator ran on without the
 * retained mark, so another stack could never adopt it (adoption.ts refuses a replicator another resource owns unless
 * it is retained) and a rollback of the resource could return to it (retained-mark.ts). The Provider framework, the
 * waiter's 30-second polls and the handler's waits run on one virtual clock.
 */

const MINUTE = 60_000;
const RETAINED_TAG = 'cdk-msk-replicator:retained';

let clock: VirtualClock;
let sim: MskSimulator;
let handler: Handler;
let stacks = 0;

beforeAll(async () => {
  clock = new VirtualClock();
  sim = await MskSimulator.start({ ...clock.forService(), timing: { creatingMs: 5 * MINUTE, updatingMs: 2 * MINUTE, deletingMs: 1 * MINUTE } });
});
afterAll(async () => {
  await sim.stop();
});
beforeEach(() => {
  handler = loadBundledHandler(sim.endpoint);
  sim.resetCalls();
});

function retained(name: string): Properties {
  const p = exampleProperties({ topicReplication: { topicsToReplicate: ['orders\\..*'] }, replacementProtection: false }) as Record<string, unknown>;
  delete p.ReplicatorNamePrefix;
  return { ...p, ReplicatorName: name, DeletionBehaviour: 'retain' };
}

async function deployedStack(name: string): Promise<{ resource: CloudFormationResource; arn: string }> {
  stacks += 1;
  const resource = new CloudFormationResource(handler, { clock },
    `arn:aws:cloudformation:us-east-1:123456789012:stack/RetainedMark${stacks}/0a1b2c3d-${stacks}`);
  expect((await resource.create(retained(name))).status).toBe('SUCCESS');
  sim.resetCalls();
  return { resource, arn: resource.physicalResourceId! };
}

test('TagResource answers NotFound to onEvent and to the first poll: the Delete completes once the mark is written, the replicator running', async () => {
  const { resource, arn } = await deployedStack('retained-lag');
  sim.answerNotFound(arn, 'TagResource', 2);

  const result = await resource.delete();

  expect(result.status).toBe('SUCCESS');
  expect(resource.status).toBe('DELETE_COMPLETE');
  expect(sim.callsTo('TagResource').map((c) => c.errorType ?? c.status)).toEqual(['NotFoundException', 'NotFoundException', 204]);
  expect(sim.callsTo('DeleteReplicator')).toEqual([]);
  const replicator = sim.replicator(arn)!;
  expect(replicator.state).toBe('RUNNING');
  expect(replicator.tags[RETAINED_TAG]).toBe('true');
});

test('DescribeReplicator lags as well (its first read after the NotFound answers NotFound too): the mark is still written', async () => {
  const { resource, arn } = await deployedStack('retained-lag-both');
  sim.answerNotFound(arn, 'TagResource', 1);
  // onEvent's RETAIN reads use ListTagsForResource; the first DescribeReplicator is the one confirming the NotFound
  sim.answerNotFound(arn, 'DescribeReplicator', 1);

  const result = await resource.delete();

  expect(result.status).toBe('SUCCESS');
  expect(sim.callsTo('DescribeReplicator').map((c) => c.errorType ?? c.status).slice(0, 2)).toEqual(['NotFoundException', 200]);
  expect(sim.replicator(arn)!.state).toBe('RUNNING');
  expect(sim.replicator(arn)!.tags[RETAINED_TAG]).toBe('true');
});

test('the replicator deleted by someone else between the tag read and TagResource: nothing to retain, the Delete completes', async () => {
  const { resource, arn } = await deployedStack('retained-gone');
  sim.beforeNext('TagResource', (s) => s.deleteOutOfBand(arn));

  const result = await resource.delete();

  expect(result.status).toBe('SUCCESS');
  expect(sim.replicator(arn)).toBeUndefined();
  // believed gone only once DescribeReplicator agreed, at every re-read
  expect(sim.callsTo('DescribeReplicator').map((c) => c.errorType)).toEqual(Array(5).fill('NotFoundException'));
  expect(sim.callsTo('DeleteReplicator')).toEqual([]);
});
