import * as timers from 'timers';
import { DescribeReplicatorCommand } from '@aws-sdk/client-kafka';
import { Template } from 'aws-cdk-lib/assertions';
import { exampleProperties, exampleStack } from '../examples/orders-replication';
import { CloudFormationResource, Handler, loadBundledHandler } from '../local-aws/cloudformation/provider-framework';
import { providerModelOf } from '../local-aws/cloudformation/provider-model';
import { MskSimulator } from '../local-aws/msk-simulator';
import { ServiceError } from '../local-aws/msk-simulator/http-protocol';
import { DEADLINE_MARGIN_MS } from '../src/provider/invocation-deadline';
import { CALL_BOUND_MS, kafkaClient, MAX_ATTEMPTS, REQUEST_TIMEOUT_MS } from '../src/provider/kafka-client';
import { ReplicatorProvider } from '../src/provider/replicator-provider';

/**
 * The provider's time budget (ReplicatorProvider.TOTAL_TIMEOUT, kafka-client.ts), read from what is synthesized,
 * and a hung request met by the handler.
 */

describe('the time budget, from the synthesized template', () => {
  type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
  const template = Template.fromStack(exampleStack().stack).toJSON() as { Resources: Resources };
  const model = providerModelOf(template);
  const replicator = Object.values(template.Resources).find((r) => r.Type === 'Custom::MskReplicator')!;
  const serviceTimeoutSeconds = Number(replicator.Properties.ServiceTimeout);

  test('the waiter answers before CloudFormation\'s ServiceTimeout, with the stated margin', () => {
    const { intervalSeconds, maxAttempts, backoffRate } = model.waiter;
    expect(backoffRate).toBe(1);
    expect(serviceTimeoutSeconds).toBe(3600);
    const waits = intervalSeconds * maxAttempts;
    const roundTrips = (maxAttempts + 1) * ReplicatorProvider.POLL_ROUND_TRIP_ALLOWANCE.toSeconds();
    const worst = model.onEventTimeoutSeconds + waits + roundTrips;
    expect(worst + ReplicatorProvider.SERVICE_TIMEOUT_MARGIN.toSeconds()).toBeLessThanOrEqual(serviceTimeoutSeconds);
    // the numbers the comment on TOTAL_TIMEOUT states
    expect([model.onEventTimeoutSeconds, waits, roundTrips, worst]).toEqual([120, 3000, 303, 3423]);
    // what the margin absorbs: polls that each wait out one hung attempt, or whose call runs to its bound
    const margin = serviceTimeoutSeconds - worst;
    const allowance = ReplicatorProvider.POLL_ROUND_TRIP_ALLOWANCE.toSeconds();
    expect(margin).toBe(177);
    expect(Math.floor(margin / (REQUEST_TIMEOUT_MS / 1000))).toBe(35);
    expect(Math.floor(margin / (CALL_BOUND_MS / 1000 - allowance))).toBe(4);
  });

  test('three MSK calls at their longest fit one isComplete poll; onEvent keeps one call\'s worth in hand', () => {
    expect(CALL_BOUND_MS).toBe(45_500);
    // a poll sends a call only while CALL_BOUND_MS remains (call-gate.ts): the third starts with at least that much
    expect(model.isCompleteTimeoutSeconds).toBe(ReplicatorProvider.IS_COMPLETE_TIMEOUT.toSeconds());
    expect(model.isCompleteTimeoutSeconds * 1000 - 2 * CALL_BOUND_MS).toBeGreaterThanOrEqual(CALL_BOUND_MS);
    expect(CALL_BOUND_MS).toBeLessThan(model.onEventTimeoutSeconds * 1000);
    expect(DEADLINE_MARGIN_MS).toBe(CALL_BOUND_MS);
  });
});

/**
 * The bound of one call, measured: the real client (kafkaClient(): the SDK's retry middleware and HTTP handler, our
 * retry strategy) against the simulator answering every attempt 429 with `Retry-After: 3600` one millisecond before the
 * request timeout would end it, the longest an attempt can take and still be throttled. Time is virtual (jest's fake
 * timers: the SDK's and the simulator's setTimeout and Date), real I/O flows between the steps.
 */
describe('one call, every attempt throttled at the last moment', () => {
  let sim: MskSimulator;
  const saved = { ...process.env };

  beforeAll(async () => {
    sim = await MskSimulator.start();
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_KAFKA: sim.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'example-secret',
    });
  });
  afterAll(async () => {
    process.env = saved;
    await sim.stop();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  /** Lets real I/O (the sockets) proceed, on a timer jest does not fake. */
  const settle = () => new Promise((resolve) => timers.setTimeout(resolve, 25));

  test(`takes at most CALL_BOUND_MS (${CALL_BOUND_MS} ms), Retry-After ignored, all ${MAX_ATTEMPTS} attempts made`, async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const throttleNext = () => sim.beforeNext('DescribeReplicator', async () => {
      throttleNext();
      await new Promise((resolve) => setTimeout(resolve, REQUEST_TIMEOUT_MS - 1));
      throw new ServiceError('TooManyRequestsException', 'Rate exceeded', undefined, { 'retry-after': '3600' });
    });
    throttleNext();
    const client = kafkaClient();
    const started = Date.now();
    let ended: number | undefined;
    const call = client.send(new DescribeReplicatorCommand({ ReplicatorArn: 'arn:aws:kafka:us-east-1:123456789012:replicator/x/1' }))
      .catch((error: unknown) => error)
      .finally(() => { ended = Date.now(); });

    while (ended === undefined) {
      await settle();
      if (ended === undefined) await jest.advanceTimersToNextTimerAsync();
    }
    const error = await call as { name?: string; $metadata?: { attempts?: number } };

    expect(error.name).toBe('TooManyRequestsException');
    expect(error.$metadata?.attempts).toBe(MAX_ATTEMPTS);
    expect(sim.callsTo('DescribeReplicator').map((c) => c.status)).toEqual(Array(MAX_ATTEMPTS).fill(429));
    expect(ended - started).toBeGreaterThanOrEqual(MAX_ATTEMPTS * (REQUEST_TIMEOUT_MS - 1));
    expect(ended - started).toBeLessThanOrEqual(CALL_BOUND_MS);
    client.destroy();
  }, 60_000);
});

describe('a hung request', () => {
  let sim: MskSimulator;
  let handler: Handler;
  let release: () => void = () => undefined;
  const hung = new Promise<void>((resolve) => { release = resolve; });

  beforeAll(async () => {
    sim = await MskSimulator.start({ timing: { creatingMs: 60, updatingMs: 40, deletingMs: 40 } });
    handler = loadBundledHandler(sim.endpoint);
  });
  afterAll(async () => {
    release();
    await sim.stop();
  });

  test('every attempt of a poll\'s DescribeReplicator unanswered: the poll is "not yet", the next poll completes', async () => {
    const logs: string[] = [];
    const resource = new CloudFormationResource(handler, { queryIntervalMs: 10, onLog: (line) => logs.push(line) },
      'arn:aws:cloudformation:us-east-1:123456789012:stack/TimeBudget/0a1b2c3d');
    // the service accepts the connection and never answers, for every attempt of the first poll's call
    let hangs = 0;
    const hangNext = () => sim.beforeNext('DescribeReplicator', async () => {
      if (++hangs < MAX_ATTEMPTS) hangNext();
      await hung;
    });
    hangNext();

    const result = await resource.create(exampleProperties());

    expect(result.reason).toBeUndefined();
    expect(result.status).toBe('SUCCESS');
    expect(hangs).toBe(MAX_ATTEMPTS);
    expect(logs.some((l) => /^transient TimeoutError .*: trying again at the next poll$/.test(l))).toBe(true);
    expect(result.polls).toBeGreaterThanOrEqual(2);
    expect(sim.replicator(resource.physicalResourceId!)!.state).toBe('RUNNING');
  }, 120_000);
});
