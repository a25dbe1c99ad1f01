import { DescribeReplicatorCommand, KafkaClient } from '@aws-sdk/client-kafka';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { completeEvent, createEvent, describedReplicator, ORIGINAL_ARN, rawProperties } from './fixtures/handler-fixtures';
import { useVirtualWaits } from './fixtures/virtual-waits';
import { isComplete } from '../src/provider/is-complete';

/** isComplete of a create, in the states the other suites do not reach. */

const kafka = mockClient(KafkaClient);
useVirtualWaits();
const client = new KafkaClient({ region: 'us-east-1' });
const log = () => undefined;

beforeEach(() => kafka.reset());

test.each(['DELETING', 'UPDATING'] as const)('a replicator that is %s while it is being created fails the request, naming the state', async (state) => {
  kafka.on(DescribeReplicatorCommand).resolves(describedReplicator({ ReplicatorState: state }));
  const event = completeEvent(createEvent(rawProperties()), { ReplicatorArn: ORIGINAL_ARN, LifecycleAction: 'create' });

  await expect(isComplete(event, client, log)).rejects.toThrow(`Replicator ${ORIGINAL_ARN} went ${state} while it was being created.`);
});
