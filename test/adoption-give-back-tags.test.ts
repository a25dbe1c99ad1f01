import {
  DescribeReplicatorCommand, KafkaClient, ListTagsForResourceCommand, TagResourceCommand, UntagResourceCommand,
} from '@aws-sdk/client-kafka';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { completeEvent, deleteEvent, describedReplicator, ORIGINAL_ARN, rawProperties } from './fixtures/handler-fixtures';
import { encodeFoundState, foundConfiguration, FOUND_AS_TAG_PREFIX } from '../src/provider/adoption';
import { isComplete } from '../src/provider/is-complete';
import { MANAGED_BY_TAG_KEY, OWNER_TAG_KEY } from '../src/provider/lifecycle';
import { ownerTagValue } from '../src/provider/ownership';
import { SLEEP_HOOK } from '../src/provider/sleep';

/**
 * The give-back of a failed adoption (adoption-steps.ts `releaseStep`) restores the tags from the record the adoption
 * wrote, whatever the tag reads say: a read may lag behind the adoption's TagResource (MSK promises no read-after-write
 * consistency for ListTagsForResource; hostile.ts models it), and the merge of several reads lets the last one win.
 */

const kafka = mockClient(KafkaClient);
const client = new KafkaClient({ region: 'us-east-1' });
const logs: string[] = [];
const log = (message: string) => logs.push(message);

beforeAll(() => {
  (globalThis as Record<string, unknown>)[SLEEP_HOOK] = async () => undefined;
});
afterAll(() => {
  delete (globalThis as Record<string, unknown>)[SLEEP_HOOK];
});
beforeEach(() => kafka.reset());

test('a give-back whose last tag read lags behind the adoption\'s TagResource still gives back the tag values as found', async () => {
  const props = rawProperties({ ReplicatorNamePrefix: undefined, ReplicatorName: 'orders-dr', AdoptExisting: 'true', Tags: { stage: 'prod' } });
  const event = completeEvent(deleteEvent(props, ORIGINAL_ARN), { ReplicatorArn: ORIGINAL_ARN, LifecycleAction: 'adopted-delete' });
  const live = describedReplicator({ ReplicatorName: 'orders-dr' });
  const owner = ownerTagValue(event);
  // the adoption set stage=prod (found: dev) and its ownership (found: absent), with the record of how it found them
  const record = encodeFoundState({
    ...foundConfiguration(live), tags: { stage: 'dev', [OWNER_TAG_KEY]: null, [MANAGED_BY_TAG_KEY]: null }, owner,
  });
  const adopted = { team: 'payments', stage: 'prod', [OWNER_TAG_KEY]: owner, [MANAGED_BY_TAG_KEY]: 'S/Replicator', ...record };
  const asFound = { team: 'payments', stage: 'dev' };
  kafka.on(DescribeReplicatorCommand).resolves(live);
  // five merged reads to decide the fate (a rollback: give back), five for the give-back, the last of which lags
  let tagReads = 0;
  kafka.on(ListTagsForResourceCommand).callsFake(() => ({ Tags: ++tagReads === 10 ? asFound : adopted }));
  kafka.on(TagResourceCommand).resolves({});
  kafka.on(UntagResourceCommand).resolves({});

  await expect(isComplete(event, client, log, async () => 'ROLLBACK_IN_PROGRESS')).resolves.toEqual({ IsComplete: true });

  expect(tagReads).toBe(10);
  expect(kafka).toHaveReceivedCommandWith(TagResourceCommand, { ResourceArn: ORIGINAL_ARN, Tags: { stage: 'dev' } });
  expect(kafka).toHaveReceivedCommandWith(UntagResourceCommand, {
    ResourceArn: ORIGINAL_ARN,
    TagKeys: [MANAGED_BY_TAG_KEY, OWNER_TAG_KEY, ...Object.keys(record)].sort(),
  });
  expect(Object.keys(record).every((k) => k.startsWith(FOUND_AS_TAG_PREFIX))).toBe(true);
});
