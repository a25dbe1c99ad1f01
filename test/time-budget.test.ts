import { Template } from 'aws-cdk-lib/assertions';
import { exampleProperties, exampleStack } from '../examples/orders-replication';
import { CloudFormationResource, Handler, loadBundledHandler } from '../local-aws/cloudformation/provider-framework';
import { providerModelOf } from '../local-aws/cloudformation/provider-model';
import { MskSimulator } from '../local-aws/msk-simulator';
import { MAX_ATTEMPTS, MAX_BACKOFF_MS, REQUEST_TIMEOUT_MS } from '../src/provider/kafka-client';
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
  });

  test('one MSK call, every attempt hung, still ends inside the isComplete function\'s timeout', () => {
    const oneCallMs = MAX_ATTEMPTS * REQUEST_TIMEOUT_MS + MAX_BACKOFF_MS;
    expect(oneCallMs).toBeLessThan(model.isCompleteTimeoutSeconds * 1000);
    expect(oneCallMs).toBeLessThan(model.onEventTimeoutSeconds * 1000);
  });
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
