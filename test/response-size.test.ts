import { createHash } from 'crypto';
import { exampleProperties } from '../examples/orders-replication';
import { CloudFormationResource, loadBundledHandler } from '../local-aws/cloudformation/provider-framework';
import { MskSimulator } from '../local-aws/msk-simulator';
import { conciseError, MAX_REASON_BYTES } from '../src/provider/failure-reason';

/**
 * CloudFormation rejects a custom resource response body over 4,096 bytes ("The total size of the response body can't
 * exceed 4096 bytes", https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html) and then
 * records nothing from it: not the physical id, so a failed create's rollback never learns of the replicator.
 * The body (aws-cdk-lib custom-resources/lib/provider-framework/runtime/cfn-response.js `submitResponse`) carries the
 * reason, the ids and every Data key onEvent returned, JSON-encoded in UTF-8. The reason was bounded in characters
 * (failure-reason.ts, 1,500), while the limit counts bytes: a character outside ASCII takes 2 to 4
 * bytes, and a quote or backslash is escaped to 2. A service message of such characters (MSK's StateInfo.Message is free
 * text, API model `StateInfo`), with the longest names the resource allows (a replicator name of 128 characters, a
 * stack name of 128, a logical id of 255, aws-cdk-lib core/lib/private/uniqueid.js MAX_ID_LEN), took the body past
 * the limit.
 */

let sim: MskSimulator;
beforeAll(async () => {
  sim = await MskSimulator.start({ timing: { creatingMs: 60, updatingMs: 40, deletingMs: 40 } });
});
afterAll(async () => {
  await sim.stop();
});

const OWNER_TAG = 'cdk-msk-replicator:owner';
let stacks = 0;

// Defect (issue 18, review): the failure reason was bounded in characters, the response in bytes.
test.each([
  ['characters of 2 bytes', 'é'.repeat(2000), 'a'],
  ['characters of 3 bytes', '…'.repeat(2000), 'b'],
  ['quotes, escaped to 2 bytes', '"'.repeat(2000), 'c'],
])('a failed creation whose service message is %s: CloudFormation receives the reason and the physical id', async (_kind, message, mark) => {
  stacks += 1;
  const stackId = `arn:aws:cloudformation:us-east-1:123456789012:stack/${'S'.repeat(128)}/0a1b2c3d-0000-4000-8000-00000000000${stacks}`;
  const logicalId = `Replicator${'L'.repeat(245)}`;
  const resource = new CloudFormationResource(loadBundledHandler(sim.endpoint), { queryIntervalMs: 10 }, stackId, logicalId);
  sim.failNextCreation('KAFKA_CLUSTER_NOT_REACHABLE', message);

  const result = await resource.create(exampleProperties({ replicatorName: `${mark}${'x'.repeat(127)}`, replacementProtection: false }));

  expect(result.responseRejected).toBeUndefined();
  expect(result.status).toBe('FAILED');
  expect(result.reason).toMatch(/failed to create: KAFKA_CLUSTER_NOT_REACHABLE: /);
  // the physical id was recorded, so the rollback Delete reached the replicator
  const owner = createHash('sha256').update(`${stackId}|${logicalId}`).digest('hex').slice(0, 32);
  expect(sim.replicators().filter((r) => r.tags[OWNER_TAG] === owner && r.state !== 'DELETING')).toEqual([]);
});

test('the reason is bounded in the bytes of its JSON encoding, cut at a whole character', () => {
  const encoded = (text: string) => Buffer.byteLength(JSON.stringify(text), 'utf8') - 2;
  for (const character of ['a', 'é', '…', '😀', '"', '\\']) {
    const reason = conciseError(new Error(character.repeat(3000))).message;
    expect(encoded(reason)).toBeLessThanOrEqual(MAX_REASON_BYTES);
    expect(encoded(reason)).toBeGreaterThan(MAX_REASON_BYTES - 8);
    expect(reason.endsWith('…')).toBe(true);
    expect([...reason.slice(0, -1)].every((c) => c === character)).toBe(true);
  }
  expect(conciseError(new Error('short\n  reason')).message).toBe('short reason');
});
