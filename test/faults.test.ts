import { createServer, IncomingHttpHeaders, request as httpRequest, Server } from 'http';
import { AddressInfo } from 'net';
import { exampleProperties, ReplicatorOptions } from '../examples/orders-replication';
import { CloudFormationResource, Handler, loadBundledHandler, Properties, ProviderOptions } from '../local-aws/cloudformation/provider-framework';
import { VirtualClock } from '../local-aws/cloudformation/world-clock';
import { InjectableError, MskSimulator, OperationName, ReplicatorRecord } from '../local-aws/msk-simulator';
import { TargetCompressionType } from '../src';
import type { ProviderEvent } from '../src/provider/events';

/**
 * Reliability of the bundled handler under faults, played through the CloudFormation harness against the
 * local MSK API simulator over HTTP. Every test asserts what the simulator holds at the end (which replicators
 * exist, with which configuration) and, where the deployment must fail, the reason CloudFormation shows.
 *
 * The handler's SDK client makes up to 6 attempts per call (5 retries with jittered exponential backoff, longer
 * for throttling), and isComplete treats a transient error that outlives those retries as "not yet".
 *
 * The handler reaches the simulator through a pass-through proxy: the simulator's `ConnectionReset` drops a
 * request before processing it, while a real connection can also break after the service processed the request
 * and before the answer arrived. The proxy plays that second case (`loseNextResponse`).
 *
 * Each test loads the handler afresh (a cold Lambda): the SDK's retry capacity (a token bucket per client) that
 * one test spends on retries does not carry over into the next.
 */

let sim: MskSimulator;
let proxy: LossyProxy;
let handler: Handler;
/** What the handler logged during the current test. */
let logs: string[] = [];
const timers: NodeJS.Timeout[] = [];

beforeAll(async () => {
  // the Date header follows the clock the handler reads (real, or a StretchedClock's during an invocation)
  sim = await MskSimulator.start({ timing: { creatingMs: 60, updatingMs: 40, deletingMs: 40 }, dateClock: () => Date.now() });
  proxy = await LossyProxy.start(sim);
});
afterAll(async () => {
  await proxy.stop();
  await sim.stop();
});
beforeEach(() => {
  handler = loadBundledHandler(proxy.endpoint);
  sim.resetCalls();
  logs = [];
});
afterEach(() => {
  afterPollsHook = undefined;
  timers.splice(0).forEach(clearTimeout);
  sim.clearFaults();
  sim.holdState('*', false);
  proxy.clear();
});

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------

const TOPICS_V1 = ['orders\\..*'];
const TOPICS_V2 = ['orders\\..*', 'payments\\..*'];

const props = (options: ReplicatorOptions = {}): Properties => exampleProperties(options);
const named = (name: string): ReplicatorRecord[] => sim.replicators().filter((r) => r.name === name);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const statuses = (operation: OperationName) => sim.callsTo(operation).map((c) => c.status);

/** Runs `change` after `ms` (a state released from a timer); a replicator that is gone by then is left alone. */
function later(ms: number, change: () => void): void {
  timers.push(setTimeout(() => {
    try {
      change();
    } catch {
      // the replicator no longer exists
    }
  }, ms));
}

/** A change released after a number of isComplete polls (not after a time: polls slow down on a busy machine). */
let afterPollsHook: { remaining: number; change: () => void } | undefined;

/** Runs `change` once `polls` more isComplete calls have returned "not yet" or "done": the handler waited that long. */
function afterPolls(polls: number, change: () => void): void {
  afterPollsHook = { remaining: polls, change };
}

function countPoll(): void {
  if (afterPollsHook === undefined) return;
  afterPollsHook.remaining -= 1;
  if (afterPollsHook.remaining <= 0) {
    const { change } = afterPollsHook;
    afterPollsHook = undefined;
    change();
  }
}

function newResource(options: ProviderOptions = {}): CloudFormationResource {
  return new CloudFormationResource(handler, { queryIntervalMs: 10, onLog: (line) => logs.push(line), onPoll: countPoll, ...options });
}

/**
 * The waiter's interval and the handler's own waits at their real length for the handler (`Date.now()`), while the
 * service, on real time, moves 10 ms per wait: for a grace period of minutes in a test whose service is not virtual.
 */
class StretchedClock extends VirtualClock {
  public async sleep(virtualMs: number): Promise<void> {
    this.advance(virtualMs);
    await sleep(10);
  }
}

/** A resource whose creation succeeded, with the replicator RUNNING under `name`. */
async function created(
  name: string,
  options: ReplicatorOptions = {},
  providerOptions: ProviderOptions = {},
): Promise<{ resource: CloudFormationResource; arn: string }> {
  const resource = newResource(providerOptions);
  const result = await resource.create(props({ replicatorName: name, topicReplication: { topicsToReplicate: TOPICS_V1 }, ...options }));
  expect(result.reason).toBeUndefined();
  expect(result.status).toBe('SUCCESS');
  sim.resetCalls();
  return { resource, arn: resource.physicalResourceId! };
}

/** The Delete CloudFormation sends for `physicalId` (cleanup phase, or a retried stack deletion). */
function deleteEvent(resource: CloudFormationResource, properties: Properties, physicalId: string): ProviderEvent {
  return {
    RequestType: 'Delete',
    RequestId: `delete-${Math.random().toString(36).slice(2, 10)}`,
    StackId: resource.stackId,
    LogicalResourceId: resource.logicalResourceId,
    PhysicalResourceId: physicalId,
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:framework-onEvent', ...properties },
  };
}

async function waitUntilGone(arn: string | undefined): Promise<void> {
  for (let i = 0; i < 100 && arn !== undefined && sim.replicator(arn) !== undefined; i++) await sleep(20);
  expect(arn === undefined ? undefined : sim.replicator(arn)).toBeUndefined();
}

function expectConfig(r: ReplicatorRecord | undefined, topics: string[], compression = 'NONE'): void {
  expect(r).toBeDefined();
  expect(r!.state).toBe('RUNNING');
  expect(r!.replicationInfo.topicReplication.topicsToReplicate).toEqual(topics);
  expect(r!.replicationInfo.targetCompressionType).toBe(compression);
}

/**
 * A pass-through HTTP proxy in front of the simulator that can let a request reach the simulator (which
 * processes it) and then break the connection instead of passing the answer on.
 */
class LossyProxy {
  public static async start(upstream: MskSimulator): Promise<LossyProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new LossyProxy(server, upstream);
  }

  public readonly endpoint: string;
  private readonly toLose: OperationName[] = [];

  private constructor(private readonly server: Server, private readonly upstream: MskSimulator) {
    this.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const target = new URL(upstream.endpoint);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const headers: IncomingHttpHeaders = { ...req.headers, host: target.host };
        const forward = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => body.push(chunk));
          answer.on('end', () => {
            // the simulator records a call as it answers it; these requests come one at a time, so it is the last
            const operation = this.upstream.calls[this.upstream.calls.length - 1]?.operation;
            const index = this.toLose.findIndex((op) => op === operation);
            if (index >= 0) {
              this.toLose.splice(index, 1);
              req.socket.destroy();
              return;
            }
            const { connection: _c, 'keep-alive': _k, 'transfer-encoding': _t, ...passOn } = answer.headers;
            res.writeHead(answer.statusCode ?? 500, { ...passOn, 'content-length': Buffer.concat(body).length });
            res.end(Buffer.concat(body));
          });
        });
        forward.on('error', () => req.socket.destroy());
        forward.end(Buffer.concat(chunks));
      });
    });
  }

  /** The simulator processes the next request of `operation`, but its answer never reaches the client. */
  public loseNextResponse(operation: OperationName): void {
    this.toLose.push(operation);
  }

  public clear(): void {
    this.toLose.length = 0;
  }

  public async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Throttling, 5xx, connection failures
// ---------------------------------------------------------------------------------------------------------------

describe('throttling (429) several times in a row', () => {
  const TIMES = 3;

  test('CreateReplicator: the SDK retries, exactly one replicator is created', async () => {
    sim.inject({ operation: 'CreateReplicator', error: 'TooManyRequestsException', times: TIMES });
    const resource = newResource();

    const result = await resource.create(props({ replicatorName: 'faults-429-create', topicReplication: { topicsToReplicate: TOPICS_V1 } }));

    expect(result.status).toBe('SUCCESS');
    expect(statuses('CreateReplicator')).toEqual([429, 429, 429, 200]);
    const [only, ...others] = named('faults-429-create');
    expect(others).toEqual([]);
    expect(only.arn).toBe(result.physicalResourceId);
    expectConfig(only, TOPICS_V1);
  });

  test('DescribeReplicator: creation still completes', async () => {
    sim.inject({ operation: 'DescribeReplicator', error: 'TooManyRequestsException', times: TIMES });
    const resource = newResource();

    const result = await resource.create(props({ replicatorName: 'faults-429-describe', topicReplication: { topicsToReplicate: TOPICS_V1 } }));

    expect(result.status).toBe('SUCCESS');
    expect(statuses('DescribeReplicator').filter((s) => s === 429)).toHaveLength(TIMES);
    expect(named('faults-429-describe')).toHaveLength(1);
    expectConfig(sim.replicator(result.physicalResourceId), TOPICS_V1);
    expect(resource.attributes.CurrentVersion).toBe(sim.replicator(result.physicalResourceId)!.currentVersion);
  });

  test('UpdateReplicationInfo: the update is applied once', async () => {
    const { resource, arn } = await created('faults-429-update');
    sim.inject({ operation: 'UpdateReplicationInfo', error: 'TooManyRequestsException', times: TIMES });

    const result = await resource.update(props({ replicatorName: 'faults-429-update', topicReplication: { topicsToReplicate: TOPICS_V2 } }));

    expect(result.status).toBe('SUCCESS');
    expect(result.physicalResourceId).toBe(arn);
    expect(statuses('UpdateReplicationInfo')).toEqual([429, 429, 429, 200]);
    expect(named('faults-429-update')).toHaveLength(1);
    expectConfig(sim.replicator(arn), TOPICS_V2);
  });

  test('DeleteReplicator: the replicator is deleted', async () => {
    const { resource, arn } = await created('faults-429-delete');
    sim.inject({ operation: 'DeleteReplicator', error: 'TooManyRequestsException', times: TIMES });

    const result = await resource.delete();

    expect(result.status).toBe('SUCCESS');
    // the last call confirms it is gone (a Describe's NotFound may lag behind a create)
    expect(statuses('DeleteReplicator')).toEqual([429, 429, 429, 200, 404]);
    expect(sim.replicator(arn)).toBeUndefined();
    expect(named('faults-429-delete')).toEqual([]);
  });

  test('TagResource: the tags are applied', async () => {
    const { resource, arn } = await created('faults-429-tag', { tags: { team: 'streaming' } });
    sim.inject({ operation: 'TagResource', error: 'TooManyRequestsException', times: TIMES });

    const result = await resource.update(props({
      replicatorName: 'faults-429-tag', topicReplication: { topicsToReplicate: TOPICS_V1 }, tags: { team: 'platform', env: 'prod' },
    }));

    expect(result.status).toBe('SUCCESS');
    expect(statuses('TagResource')).toEqual([429, 429, 429, 204]);
    expect(sim.replicator(arn)!.tags).toMatchObject({ team: 'platform', env: 'prod' });
    expectConfig(sim.replicator(arn), TOPICS_V1);
  });
});

describe('server errors (500 / 503) several times in a row', () => {
  test.each<[OperationName, InjectableError, number]>([
    ['CreateReplicator', 'InternalServerErrorException', 500],
    ['CreateReplicator', 'ServiceUnavailableException', 503],
  ])('%s answered %s 5 times: absorbed by the SDK retries, one replicator', async (operation, error, status) => {
    sim.inject({ operation, error, times: 5 });
    const name = `faults-${status}-create`;

    const result = await newResource().create(props({ replicatorName: name, topicReplication: { topicsToReplicate: TOPICS_V1 } }));

    expect(result.status).toBe('SUCCESS');
    expect(statuses('CreateReplicator')).toEqual([status, status, status, status, status, 200]);
    expect(named(name)).toHaveLength(1);
    expectConfig(named(name)[0], TOPICS_V1);
  });

  test('UpdateReplicationInfo answered 503 5 times: the update is applied', async () => {
    const { resource, arn } = await created('faults-503-update');
    sim.inject({ operation: 'UpdateReplicationInfo', error: 'ServiceUnavailableException', times: 5 });

    const result = await resource.update(props({ replicatorName: 'faults-503-update', topicReplication: { topicsToReplicate: TOPICS_V2 } }));

    expect(result.status).toBe('SUCCESS');
    expect(statuses('UpdateReplicationInfo')).toEqual([503, 503, 503, 503, 503, 200]);
    expectConfig(sim.replicator(arn), TOPICS_V2);
  });

  test('DescribeReplicator answered 500 more often than the SDK retries: isComplete waits for the next poll', async () => {
    sim.inject({ operation: 'DescribeReplicator', error: 'InternalServerErrorException', times: 8 });

    const result = await newResource().create(props({ replicatorName: 'faults-500-describe', topicReplication: { topicsToReplicate: TOPICS_V1 } }));

    expect(result.status).toBe('SUCCESS');
    expect(result.polls).toBeGreaterThanOrEqual(2);
    expect(statuses('DescribeReplicator').filter((s) => s === 500)).toHaveLength(8);
    expect(logs.some((l) => /^transient InternalServerErrorException .*trying again at the next poll/.test(l))).toBe(true);
    expect(named('faults-500-describe')).toHaveLength(1);
    expectConfig(sim.replicator(result.physicalResourceId), TOPICS_V1);
  });

  test('DeleteReplicator answered 503 more often than the SDK retries: the delete still completes', async () => {
    const { resource, arn } = await created('faults-503-delete');
    sim.inject({ operation: 'DeleteReplicator', error: 'ServiceUnavailableException', times: 7 });

    const result = await resource.delete();

    expect(result.status).toBe('SUCCESS');
    expect(statuses('DeleteReplicator')).toEqual([503, 503, 503, 503, 503, 503, 503, 200, 404]);
    expect(sim.replicator(arn)).toBeUndefined();
  });

  test('CreateReplicator answered 503 more often than the SDK retries: the create fails with the service error, nothing is left', async () => {
    sim.inject({ operation: 'CreateReplicator', error: 'ServiceUnavailableException', times: 6 });
    // an unanswered CreateReplicator may have taken effect: isComplete, then the rollback Delete, look for the replicator
    // by name for the 2-minute visibility grace each (pending-creation.ts) before they believe there is none
    const resource = newResource({ clock: new StretchedClock() });

    const result = await resource.create(props({ replicatorName: 'faults-503-create-exhausted' }));

    expect(result.status).toBe('FAILED');
    expect(result.reason).toContain('The service is temporarily unavailable');
    expect(statuses('CreateReplicator')).toEqual([503, 503, 503, 503, 503, 503]);
    // CloudFormation's rollback deletes the id that the failure carried: nothing to find, and it succeeds
    expect(resource.history.map((h) => [h.requestType, h.result.status])).toEqual([['Create', 'FAILED'], ['Delete', 'SUCCESS']]);
    expect(named('faults-503-create-exhausted')).toEqual([]);
  });
});

describe('connection failures', () => {
  test('CreateReplicator reset before the service saw it: the SDK retries, exactly one replicator', async () => {
    sim.inject({ operation: 'CreateReplicator', error: 'ConnectionReset', times: 2 });

    const result = await newResource().create(props({ replicatorName: 'faults-reset-create', topicReplication: { topicsToReplicate: TOPICS_V1 } }));

    expect(result.status).toBe('SUCCESS');
    expect(statuses('CreateReplicator')).toEqual([0, 0, 200]);
    expect(named('faults-reset-create').map((r) => r.arn)).toEqual([result.physicalResourceId]);
    expectConfig(named('faults-reset-create')[0], TOPICS_V1);
  });

  test('CreateReplicator processed but its answer lost: the retry gets ConflictException and the handler adopts its replicator', async () => {
    proxy.loseNextResponse('CreateReplicator');

    const result = await newResource().create(props({ replicatorName: 'faults-lost-create', topicReplication: { topicsToReplicate: TOPICS_V1 } }));

    expect(result.reason).toBeUndefined();
    expect(result.status).toBe('SUCCESS');
    expect(sim.callsTo('CreateReplicator').map((c) => c.errorType ?? c.status)).toEqual([200, 'ConflictException']);
    expect(sim.callsTo('ListReplicators').length).toBeGreaterThanOrEqual(1);
    expect(logs.some((l) => /already created by this request, adopting/.test(l))).toBe(true);
    const all = named('faults-lost-create');
    expect(all.map((r) => r.arn)).toEqual([result.physicalResourceId]);
    expectConfig(all[0], TOPICS_V1);
  });

  test('CreateReplicator answer lost while ListReplicators and ListTagsForResource lag behind it: the handler reads again and adopts', async () => {
    proxy.loseNextResponse('CreateReplicator');
    sim.lagListsAfterNextCreate(2);

    const result = await newResource().create(props({ replicatorName: 'faults-lost-create-lagging', topicReplication: { topicsToReplicate: TOPICS_V1 } }));

    expect(result.reason).toBeUndefined();
    expect(result.status).toBe('SUCCESS');
    expect(sim.callsTo('CreateReplicator').map((c) => c.errorType ?? c.status)).toEqual([200, 'ConflictException']);
    expect(sim.callsTo('ListTagsForResource').map((c) => c.errorType ?? c.status)).toEqual(['NotFoundException', 'NotFoundException', 200]);
    const all = named('faults-lost-create-lagging');
    expect(all.map((r) => r.arn)).toEqual([result.physicalResourceId]);
    expectConfig(all[0], TOPICS_V1);
  });

  test('DescribeReplicator reset twice: creation completes', async () => {
    sim.inject({ operation: 'DescribeReplicator', error: 'ConnectionReset', times: 2 });

    const result = await newResource().create(props({ replicatorName: 'faults-reset-describe', topicReplication: { topicsToReplicate: TOPICS_V1 } }));

    expect(result.status).toBe('SUCCESS');
    expect(statuses('DescribeReplicator').slice(0, 2)).toEqual([0, 0]);
    expect(named('faults-reset-describe')).toHaveLength(1);
    expectConfig(named('faults-reset-describe')[0], TOPICS_V1);
  });

  test('UpdateReplicationInfo reset before the service saw it: the update is applied', async () => {
    const { resource, arn } = await created('faults-reset-update');
    sim.inject({ operation: 'UpdateReplicationInfo', error: 'ConnectionReset', times: 2 });

    const result = await resource.update(props({ replicatorName: 'faults-reset-update', topicReplication: { topicsToReplicate: TOPICS_V2 } }));

    expect(result.status).toBe('SUCCESS');
    expect(statuses('UpdateReplicationInfo')).toEqual([0, 0, 200]);
    expectConfig(sim.replicator(arn), TOPICS_V2);
  });

  test('UpdateReplicationInfo processed but its answer lost: the retry is rejected, the handler sees the update took, and completes', async () => {
    const { resource, arn } = await created('faults-lost-update');
    proxy.loseNextResponse('UpdateReplicationInfo');

    const result = await resource.update(props({ replicatorName: 'faults-lost-update', topicReplication: { topicsToReplicate: TOPICS_V2 } }));

    expect(result.reason).toBeUndefined();
    expect(result.status).toBe('SUCCESS');
    // the first was applied (answer lost), the SDK's retry was rejected: the replicator was UPDATING by then
    expect(statuses('UpdateReplicationInfo')).toEqual([200, 400]);
    expectConfig(sim.replicator(arn), TOPICS_V2);
    expect(resource.attributes.CurrentVersion).toBe(sim.replicator(arn)!.currentVersion);
  });

  test('TagResource reset twice: the tags are applied', async () => {
    const { resource, arn } = await created('faults-reset-tag');
    sim.inject({ operation: 'TagResource', error: 'ConnectionReset', times: 2 });

    const result = await resource.update(props({
      replicatorName: 'faults-reset-tag', topicReplication: { topicsToReplicate: TOPICS_V1 }, tags: { env: 'prod' },
    }));

    expect(result.status).toBe('SUCCESS');
    expect(statuses('TagResource')).toEqual([0, 0, 204]);
    expect(sim.replicator(arn)!.tags).toMatchObject({ env: 'prod' });
  });

  test('DeleteReplicator reset before the service saw it: deleted, nothing left', async () => {
    const { resource, arn } = await created('faults-reset-delete');
    sim.inject({ operation: 'DeleteReplicator', error: 'ConnectionReset', times: 2 });

    const result = await resource.delete();

    expect(result.status).toBe('SUCCESS');
    expect(statuses('DeleteReplicator')).toEqual([0, 0, 200, 404]);
    expect(sim.replicator(arn)).toBeUndefined();
  });

  test('DeleteReplicator processed but its answer lost: the delete completes only once the replicator is gone', async () => {
    const { resource, arn } = await created('faults-lost-delete');
    proxy.loseNextResponse('DeleteReplicator');
    // DELETING lasts until released, so the SDK's retry always finds the replicator still there
    sim.holdState(arn, true);
    later(150, () => sim.holdState(arn, false));

    const result = await resource.delete();

    expect(result.reason).toBeUndefined();
    expect(result.status).toBe('SUCCESS');
    expect(sim.callsTo('DeleteReplicator')[0].status).toBe(200);
    // "complete" must mean gone, as for an undisturbed delete (CloudFormation removes the handler's
    // permissions and the service execution role right after)
    expect(sim.replicator(arn)).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Lifecycle faults
// ---------------------------------------------------------------------------------------------------------------

describe('creation that ends FAILED', () => {
  test('the service code and message are the CloudFormation reason, and no replicator is left', async () => {
    sim.failNextCreation('KAFKA_CLUSTER_NOT_REACHABLE', 'The replicator could not reach broker b-1 on port 9098');
    const resource = newResource();

    const result = await resource.create(props({ replicatorName: 'faults-create-failed' }));

    expect(result.status).toBe('FAILED');
    expect(result.reason).toContain('faults-create-failed failed to create: '
      + 'KAFKA_CLUSTER_NOT_REACHABLE: The replicator could not reach broker b-1 on port 9098');
    // the rollback deletes what the failure carried: the replicator's ARN
    expect(resource.history.map((h) => [h.requestType, h.result.status])).toEqual([['Create', 'FAILED'], ['Delete', 'SUCCESS']]);
    await waitUntilGone(result.physicalResourceId);
    expect(named('faults-create-failed')).toEqual([]);
  });
});

describe('concurrent writers', () => {
  test('a new CurrentVersion between DescribeReplicator and UpdateReplicationInfo: the update is still applied', async () => {
    const { resource, arn } = await created('faults-concurrent-version');
    sim.beforeNext('UpdateReplicationInfo', (s) => {
      s.bumpVersion(arn);
    });

    const result = await resource.update(props({
      replicatorName: 'faults-concurrent-version', topicReplication: { topicsToReplicate: TOPICS_V2 },
    }));

    expect(result.reason).toBeUndefined();
    expect(result.status).toBe('SUCCESS');
    const updates = sim.callsTo('UpdateReplicationInfo');
    expect(updates.map((c) => c.status)).toEqual([400, 200]);
    expect(updates[0].errorMessage).toMatch(/currentVersion/);
    expect(updates[1].input.currentVersion).not.toBe(updates[0].input.currentVersion);
    expectConfig(sim.replicator(arn), TOPICS_V2);
  });

  test('an update requested while the replicator is UPDATING waits, then is applied', async () => {
    const { resource, arn } = await created('faults-update-while-updating');
    sim.setState(arn, 'UPDATING');
    afterPolls(4, () => sim.setState(arn, 'RUNNING'));

    const result = await resource.update(props({
      replicatorName: 'faults-update-while-updating', topicReplication: { topicsToReplicate: TOPICS_V2 },
    }));

    expect(result.status).toBe('SUCCESS');
    expect(result.polls).toBeGreaterThan(3);
    // never sent while the replicator was busy (the service would have rejected it)
    expect(statuses('UpdateReplicationInfo')).toEqual([200]);
    expectConfig(sim.replicator(arn), TOPICS_V2);
  });

  test('an update requested while the replicator is still CREATING waits, then is applied', async () => {
    sim.holdState('*', true);
    const resource = newResource();
    const create = await resource.create(props({
      replicatorName: 'faults-update-while-creating', waitForRunning: false, topicReplication: { topicsToReplicate: TOPICS_V1 },
    }));
    expect(create.status).toBe('SUCCESS');
    const arn = create.physicalResourceId;
    sim.holdState(arn, true);
    sim.holdState('*', false);
    expect(sim.replicator(arn)!.state).toBe('CREATING');
    afterPolls(4, () => sim.holdState(arn, false));

    const result = await resource.update(props({
      replicatorName: 'faults-update-while-creating', waitForRunning: false, topicReplication: { topicsToReplicate: TOPICS_V2 },
    }));

    expect(result.status).toBe('SUCCESS');
    expect(result.polls).toBeGreaterThan(3);
    expect(statuses('UpdateReplicationInfo')).toEqual([200]);
    expect(named('faults-update-while-creating')).toHaveLength(1);
    expectConfig(sim.replicator(arn), TOPICS_V2);
  });
});

describe('the replicator deleted outside CloudFormation', () => {
  test('an update creates a new replicator with the desired configuration; a delete then leaves nothing', async () => {
    // the cleanup Delete never sees the old replicator: it believes the NotFound after the 2-minute visibility grace
    const { resource, arn: oldArn } = await created('faults-out-of-band', {}, { clock: new StretchedClock() });
    sim.deleteOutOfBand(oldArn);

    const result = await resource.update(props({ replicatorName: 'faults-out-of-band', topicReplication: { topicsToReplicate: TOPICS_V2 } }));

    expect(result.reason).toBeUndefined();
    expect(result.status).toBe('SUCCESS');
    expect(result.physicalResourceId).not.toBe(oldArn);
    // CloudFormation deletes the old physical id in the cleanup phase: it is gone already, which is fine
    expect(resource.history.slice(-1).map((h) => [h.requestType, h.physicalResourceId, h.result.status]))
      .toEqual([['Delete', oldArn, 'SUCCESS']]);
    const [replacement, ...others] = named('faults-out-of-band');
    expect(others).toEqual([]);
    expect(replacement.arn).toBe(result.physicalResourceId);
    expectConfig(replacement, TOPICS_V2);
    expect(resource.attributes.ReplicatorArn).toBe(replacement.arn);

    const deleted = await resource.delete();

    expect(deleted.status).toBe('SUCCESS');
    expect(named('faults-out-of-band')).toEqual([]);
  });
});

describe('retried deliveries', () => {
  test('the same Create event delivered twice: exactly one replicator', async () => {
    const resource = newResource();
    const event = resource.createEvent(props({ topicReplication: { topicsToReplicate: TOPICS_V1 } }));
    const before = new Set(sim.replicators().map((r) => r.arn));

    const first = await resource.send(event);
    const second = await resource.send(event);

    expect(first.status).toBe('SUCCESS');
    expect(second.status).toBe('SUCCESS');
    expect(second.physicalResourceId).toBe(first.physicalResourceId);
    const made = sim.replicators().filter((r) => !before.has(r.arn));
    expect(made.map((r) => r.arn)).toEqual([first.physicalResourceId]);
    expectConfig(made[0], TOPICS_V1);
    expect(sim.callsTo('CreateReplicator').map((c) => c.errorType ?? c.status)).toEqual([200, 'ConflictException']);
  });

  test('the same Create event delivered twice at the same time: exactly one replicator', async () => {
    const resource = newResource();
    const event = resource.createEvent(props({ replicatorName: 'faults-double-delivery', topicReplication: { topicsToReplicate: TOPICS_V1 } }));

    // the harness swaps console.log per invocation; two at once would leave it swapped
    const consoleLog = console.log;
    const [first, second] = await Promise.all([resource.send(event), resource.send(event)]).finally(() => {
      console.log = consoleLog;
    });

    expect([first.status, second.status]).toEqual(['SUCCESS', 'SUCCESS']);
    expect(second.physicalResourceId).toBe(first.physicalResourceId);
    expect(named('faults-double-delivery').map((r) => r.arn)).toEqual([first.physicalResourceId]);
    expectConfig(named('faults-double-delivery')[0], TOPICS_V1);
  });
});

describe('failed updates and their rollback', () => {
  test('an update the service rejects fails with its message; the rollback leaves the old configuration', async () => {
    const { resource, arn } = await created('faults-rejected-update');
    const before = sim.replicator(arn)!;
    const rejected = props({ replicatorName: 'faults-rejected-update', topicReplication: { topicsToReplicate: TOPICS_V2 } });
    // a pattern the construct would refuse, as a hand-written template could hold it: the service rejects it
    (rejected.TopicReplication as { TopicsToReplicate: string[] }).TopicsToReplicate = ['orders\\..*', 'payments('];

    const result = await resource.update(rejected);

    expect(result.status).toBe('FAILED');
    expect(result.reason).toMatch(/^UpdateReplicationInfo of arn:aws:kafka:.* was rejected: .*"payments\(" is not a valid regular expression/);
    // the harness rolled back: an Update to the old properties, which succeeds
    const rollback = resource.history[resource.history.length - 1];
    expect([rollback.requestType, rollback.result.status]).toEqual(['Update', 'SUCCESS']);
    expect(statuses('UpdateReplicationInfo')).toEqual([400]);
    const after = sim.replicator(arn)!;
    expectConfig(after, TOPICS_V1);
    expect(after.currentVersion).toBe(before.currentVersion);
    expect(named('faults-rejected-update')).toHaveLength(1);
  });

  test('a replacement whose new replicator ends FAILED: the old one is untouched, the half-made one is gone', async () => {
    const resource = newResource();
    const oldProps = props({ topicReplication: { topicsToReplicate: TOPICS_V1 } });
    expect((await resource.create(oldProps)).status).toBe('SUCCESS');
    const oldArn = resource.physicalResourceId!;
    const before = sim.replicator(oldArn)!;
    sim.resetCalls();
    sim.failNextCreation('INSUFFICIENT_CAPACITY', 'No capacity for the replicator in subnet-0dra');

    const result = await resource.update(props({
      topicReplication: { topicsToReplicate: TOPICS_V1 }, targetCompressionType: TargetCompressionType.LZ4, replacementProtection: false,
    }));

    expect(result.status).toBe('FAILED');
    expect(result.reason).toContain('failed to create: INSUFFICIENT_CAPACITY: No capacity for the replicator in subnet-0dra');
    const newArn = result.physicalResourceId;
    expect(newArn).not.toBe(oldArn);
    // CloudFormation recorded the FAILED response's id (the new ARN): the rollback Update goes there, and the handler
    // answers with the original's ARN, without writing; the cleanup phase then deletes the failed one.
    // (This expectation used to send the rollback to the old id: the real Provider framework does not.)
    expect(resource.history.slice(-2).map((h) => [h.phase, h.requestType, h.physicalResourceId, h.result.status, h.result.physicalResourceId]))
      .toEqual([['rollback', 'Update', newArn, 'SUCCESS', oldArn], ['cleanup', 'Delete', newArn, 'SUCCESS', newArn]]);
    expect(sim.callsTo('CreateReplicator')).toHaveLength(1);
    expect(sim.callsTo('UpdateReplicationInfo')).toEqual([]);

    await waitUntilGone(newArn);
    expect(resource.physicalResourceId).toBe(oldArn);
    const old = sim.replicator(oldArn)!;
    expectConfig(old, TOPICS_V1, 'NONE');
    expect(old.currentVersion).toBe(before.currentVersion);
  });
});

describe('delete while the replicator is busy', () => {
  test('requested while CREATING: waits, then deletes; nothing left', async () => {
    sim.holdState('*', true);
    const resource = newResource();
    const create = await resource.create(props({ replicatorName: 'faults-delete-while-creating', waitForRunning: false }));
    expect(create.status).toBe('SUCCESS');
    const arn = create.physicalResourceId;
    sim.holdState(arn, true);
    sim.holdState('*', false);
    expect(sim.replicator(arn)!.state).toBe('CREATING');
    afterPolls(4, () => sim.holdState(arn, false));

    const result = await resource.delete();

    expect(result.status).toBe('SUCCESS');
    expect(result.polls).toBeGreaterThan(3);
    expect(statuses('DeleteReplicator')).toEqual([200, 404]);
    expect(named('faults-delete-while-creating')).toEqual([]);
  });

  test('requested while UPDATING: waits, then deletes; nothing left', async () => {
    const { resource, arn } = await created('faults-delete-while-updating');
    sim.setState(arn, 'UPDATING');
    afterPolls(4, () => sim.setState(arn, 'RUNNING'));

    const result = await resource.delete();

    expect(result.status).toBe('SUCCESS');
    expect(result.polls).toBeGreaterThan(3);
    expect(statuses('DeleteReplicator')).toEqual([200, 404]);
    expect(named('faults-delete-while-updating')).toEqual([]);
  });

  test('the replicator starts UPDATING between DescribeReplicator and DeleteReplicator: waits, then deletes; nothing left', async () => {
    const { resource, arn } = await created('faults-delete-raced');
    sim.beforeNext('DeleteReplicator', (s) => {
      s.setState(arn, 'UPDATING');
      later(150, () => s.setState(arn, 'RUNNING'));
    });

    const result = await resource.delete();

    expect(result.status).toBe('SUCCESS');
    // "complete" must mean gone: a replicator still there is orphaned once CloudFormation forgets it
    expect(sim.replicator(arn)).toBeUndefined();
    await sleep(200);
    expect(named('faults-delete-raced')).toEqual([]);
  });
});

describe('the Provider framework times out', () => {
  test('create times out while CREATING; the rollback delete times out too; a retried delete cleans up', async () => {
    sim.holdState('*', true);
    const resource = newResource({ maxPolls: 5 });
    const properties = props({ replicatorName: 'faults-timeout', topicReplication: { topicsToReplicate: TOPICS_V1 } });

    const result = await resource.create(properties);

    expect(result.status).toBe('FAILED');
    expect(result.reason).toMatch(/timed out/);
    const arn = result.physicalResourceId;
    // The rollback Delete (sent for the replicator's ARN) cannot delete a CREATING replicator and times out too:
    // in CloudFormation the stack ends ROLLBACK_FAILED, and the replicator is still there, CREATING.
    const rollback = resource.history[resource.history.length - 1];
    expect([rollback.requestType, rollback.physicalResourceId, rollback.result.status]).toEqual(['Delete', arn, 'FAILED']);
    expect(rollback.result.reason).toMatch(/timed out/);
    expect(statuses('DeleteReplicator')).toEqual([]);
    expect(named('faults-timeout').map((r) => [r.arn, r.state])).toEqual([[arn, 'CREATING']]);

    // What is left: the replicator, carrying this resource's owner tag, and a stack in ROLLBACK_FAILED.
    // Recreating the stack (a new stack id, so another owner) under the same fixed name is refused, and that
    // failed create's rollback leaves the existing replicator alone.
    sim.holdState('*', false);
    const other = new CloudFormationResource(handler, { queryIntervalMs: 10, onLog: (line) => logs.push(line) },
      'arn:aws:cloudformation:us-east-1:123456789012:stack/DemoStack/9f8e7d6c');
    const refused = await other.create(properties);
    expect(refused.status).toBe('FAILED');
    expect(refused.reason).toMatch(/^A replicator named "faults-timeout" already exists .* was not created by this resource/);
    expect(named('faults-timeout').map((r) => [r.arn, r.state])).toEqual([[arn, 'RUNNING']]);

    // Recovery: deleting the stack (or continuing the rollback) sends the same Delete for the same physical id
    // again; the replicator has left CREATING, so it is deleted and nothing is orphaned.
    const retried = await resource.send(deleteEvent(resource, properties, arn));

    expect(retried.status).toBe('SUCCESS');
    expect(named('faults-timeout')).toEqual([]);
  });
});

describe("the replicator's own timeout (TimeoutSeconds, enforced by isComplete)", () => {
  test('create times out while CREATING with the handler\'s message; after the hold a retried delete cleans up', async () => {
    sim.holdState('*', true);
    const resource = newResource();
    // the construct accepts 30 s at least; a template can hold less, and CloudFormation delivers it as a string
    const properties = { ...props({ replicatorName: 'faults-own-timeout' }), TimeoutSeconds: '1' };

    const result = await resource.create(properties);

    expect(result.status).toBe('FAILED');
    const arn = result.physicalResourceId;
    // the handler's message, then the log group the framework names; no stack trace
    expect(result.reason).toMatch(new RegExp(`^Timed out waiting for ${arn} \\(the replicator's \`timeout\` elapsed\\)\\. `
      + 'The replicator keeps its current state; the next deployment continues from it\\.\n\nLogs: /aws/lambda/\\S+\n$'));
    // `timeout` does not bound the rollback Delete: it waits for the provider's total, and the replicator is held
    // CREATING longer than that here, so the framework times it out (the same case as 'the Provider framework times out')
    const rollback = resource.history[resource.history.length - 1];
    expect([rollback.requestType, rollback.result.status]).toEqual(['Delete', 'FAILED']);
    expect(rollback.result.reason).toBe('Operation timed out');
    expect(named('faults-own-timeout').map((r) => r.state)).toEqual(['CREATING']);

    sim.holdState('*', false);
    const retried = await resource.send(deleteEvent(resource, properties, arn));

    expect(retried.status).toBe('SUCCESS');
    expect(named('faults-own-timeout')).toEqual([]);
  });
});
