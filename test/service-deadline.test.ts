import { Template } from 'aws-cdk-lib/assertions';
import { completeEvent, createEvent, deleteEvent, rawProperties } from './fixtures/handler-fixtures';
import { exampleStack } from '../examples/orders-replication';
import type { IsCompleteEvent } from '../src/provider/events';
import {
  DEFAULT_SERVICE_TIMEOUT_SECONDS, SERVICE_DEADLINE_RESERVE_MS, serviceTimeoutSeconds, serviceTimeRunningOut,
} from '../src/provider/service-deadline';

const STARTED = 1_700_000_000_000;
const ARN = 'arn:aws:kafka:us-east-1:123456789012:replicator/orders-dr/aaaa-1111';

function polled(props: Record<string, unknown>, action: 'create' | 'delete' = 'create'): IsCompleteEvent {
  const request = action === 'create' ? createEvent(props) : deleteEvent(props, ARN);
  return completeEvent(request, { ReplicatorArn: ARN, LifecycleAction: action, RequestedAt: String(STARTED) });
}

describe('CloudFormation\'s ServiceTimeout, enforced by isComplete a poll before CloudFormation would', () => {
  test('the resource\'s own ServiceTimeout, or CloudFormation\'s default of 3,600 s for anything else', () => {
    expect(serviceTimeoutSeconds({ ServiceTimeout: '600' })).toBe(600);
    expect(serviceTimeoutSeconds({})).toBe(DEFAULT_SERVICE_TIMEOUT_SECONDS);
    expect(serviceTimeoutSeconds({ ServiceTimeout: '0' })).toBe(3600);
    expect(serviceTimeoutSeconds({ ServiceTimeout: '3601' })).toBe(3600);
    expect(serviceTimeoutSeconds({ ServiceTimeout: 'soon' })).toBe(3600);
  });

  test('time remains until the reserve: no reason', () => {
    const event = polled(rawProperties({ ServiceTimeout: '3600' }));
    expect(serviceTimeRunningOut(event, STARTED + 3_600_000 - SERVICE_DEADLINE_RESERVE_MS - 1)).toBeUndefined();
  });

  test('within the reserve: the reason names the ServiceTimeout and the time spent', () => {
    const event = polled(rawProperties({ ServiceTimeout: '3600' }));
    expect(serviceTimeRunningOut(event, STARTED + 3_600_000 - SERVICE_DEADLINE_RESERVE_MS))
      .toMatch(/is not ready after 3390 s, and CloudFormation's ServiceTimeout of 3600 s for this request is nearly over/);
  });

  test('a shorter ServiceTimeout is nearer', () => {
    const event = polled(rawProperties({ ServiceTimeout: '600' }));
    expect(serviceTimeRunningOut(event, STARTED + 390_000)).toMatch(/is not ready after 390 s.*ServiceTimeout of 600 s/);
    expect(serviceTimeRunningOut(event, STARTED + 389_999)).toBeUndefined();
  });

  test('a delete is never failed by the guard: its id is recorded, and polling on still deletes the replicator', () => {
    const event = polled(rawProperties({ ServiceTimeout: '600' }), 'delete');
    expect(serviceTimeRunningOut(event, STARTED + 10 * 3_600_000)).toBeUndefined();
    expect(serviceTimeRunningOut({ ...event, Data: { ...event.Data, LifecycleAction: 'adopted-delete' } }, STARTED + 10 * 3_600_000)).toBeUndefined();
    // a replicator RETAIN keeps, whose retained mark is still to be written (retained-mark.ts)
    expect(serviceTimeRunningOut({ ...event, Data: { ...event.Data, LifecycleAction: 'retain', MarkRetained: 'true' } }, STARTED + 10 * 3_600_000))
      .toBeUndefined();
  });

  test('a request without RequestedAt (an earlier version\'s) is not bounded here', () => {
    const event = polled(rawProperties());
    expect(serviceTimeRunningOut({ ...event, Data: { ...event.Data, RequestedAt: undefined } }, STARTED + 10 * 3_600_000)).toBeUndefined();
  });

  test('the reserve covers the isComplete function\'s timeout, the longest a poll started before the deadline can take', () => {
    const template = Template.fromStack(exampleStack().stack);
    const functions = template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.isCompleteHandler' } });
    const timeouts = Object.values(functions).map((f) => Number((f as { Properties: { Timeout: number } }).Properties.Timeout));
    expect(timeouts).toHaveLength(1);
    expect(SERVICE_DEADLINE_RESERVE_MS).toBeGreaterThanOrEqual(timeouts[0] * 1000 + 60_000);
  });
});

describe('the clock starts when the onEvent function received the request', () => {
  test('ReceivedAt, when onEvent stamped it, counts instead of RequestedAt (stamped after onEvent\'s calls)', () => {
    const event = polled(rawProperties({ ServiceTimeout: '3600' }));
    const received = { ...event, Data: { ...event.Data, ReceivedAt: String(STARTED - 100_000) } };
    expect(serviceTimeRunningOut(received, STARTED + 3_600_000 - SERVICE_DEADLINE_RESERVE_MS - 100_000)).toMatch(/is not ready after 3390 s/);
    expect(serviceTimeRunningOut(received, STARTED + 3_600_000 - SERVICE_DEADLINE_RESERVE_MS - 100_001)).toBeUndefined();
  });
});
