import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { Template } from 'aws-cdk-lib/assertions';
import { exampleProperties, exampleStack } from '../examples/orders-replication';
import { CloudFormationResource, Handler, loadBundledHandler } from '../local-aws/cloudformation/provider-framework';
import { MskSimulator } from '../local-aws/msk-simulator';

/**
 * Reconciliation against the live replicator: drift made outside CloudFormation is healed by the next Update
 * the handler receives, and reported read-only by the drift command.
 */
let sim: MskSimulator;
let handler: Handler;

beforeAll(async () => {
  sim = await MskSimulator.start({ timing: { creatingMs: 40, updatingMs: 30, deletingMs: 30 } });
  handler = loadBundledHandler(sim.endpoint);
});
afterAll(async () => sim.stop());

const WRITES = ['CreateReplicator', 'UpdateReplicationInfo', 'DeleteReplicator', 'TagResource', 'UntagResource'];
const writes = () => sim.calls.filter((c) => WRITES.includes(c.operation));

const baseline = { tags: { team: 'streaming' }, topicReplication: { topicsToReplicate: ['orders\\..*'] } };

async function deployed() {
  const resource = new CloudFormationResource(handler, { queryIntervalMs: 5 });
  const result = await resource.create(exampleProperties(baseline));
  expect(result.status).toBe('SUCCESS');
  sim.resetCalls();
  return resource;
}

/** An Update whose only change is unrelated to the drifted field (what a routine deployment looks like). */
const unrelatedChange = () => exampleProperties({ ...baseline, waitForRunning: false });

test('drift in topics is healed by the next update with one UpdateReplicationInfo', async () => {
  const resource = await deployed();
  const arn = resource.physicalResourceId!;
  sim.modifyOutOfBand(arn, { topicReplication: { topicsToReplicate: ['everything.*'], copyTopicConfigurations: false } });
  sim.resetCalls();

  expect((await resource.update(unrelatedChange())).status).toBe('SUCCESS');

  expect(writes().map((c) => c.operation)).toEqual(['UpdateReplicationInfo']);
  expect(writes()[0].input.topicReplication).toMatchObject({ topicsToReplicate: ['orders\\..*'], copyTopicConfigurations: true });
  expect(writes()[0].input.consumerGroupReplication).toBeUndefined();
  const live = sim.replicator(arn)!.replicationInfo.topicReplication;
  expect(live.topicsToReplicate).toEqual(['orders\\..*']);
  expect(live.copyTopicConfigurations).toBe(true);
});

test('drift in consumer groups and their flags is healed', async () => {
  const resource = await deployed();
  const arn = resource.physicalResourceId!;
  sim.modifyOutOfBand(arn, { consumerGroupReplication: { consumerGroupsToExclude: ['ops-.*'], detectAndCopyNewConsumerGroups: false } });
  sim.resetCalls();

  await resource.update(unrelatedChange());

  expect(writes().map((c) => c.operation)).toEqual(['UpdateReplicationInfo']);
  const live = sim.replicator(arn)!.replicationInfo.consumerGroupReplication;
  expect(live.consumerGroupsToExclude).toEqual([]);
  expect(live.detectAndCopyNewConsumerGroups).toBe(true);
});

test('drift in tags is healed; a tag someone else added is left alone', async () => {
  const resource = await deployed();
  const arn = resource.physicalResourceId!;
  sim.modifyOutOfBand(arn, { tags: { team: 'hijacked', addedByOps: 'keep-me' } });
  sim.resetCalls();

  await resource.update(unrelatedChange());

  expect(writes().map((c) => c.operation)).toEqual(['TagResource']);
  expect(sim.replicator(arn)!.tags).toMatchObject({ team: 'streaming', addedByOps: 'keep-me' });
});

test('an update whose result the live replicator already has makes no write call', async () => {
  const resource = await deployed();
  const arn = resource.physicalResourceId!;
  // someone already applied by hand exactly what the next template says
  sim.modifyOutOfBand(arn, { topicReplication: { topicsToReplicate: ['orders\\..*', 'payments\\..*'] } });
  sim.resetCalls();

  const result = await resource.update(exampleProperties({ ...baseline, topicReplication: { topicsToReplicate: ['orders\\..*', 'payments\\..*'] } }));

  expect(result.status).toBe('SUCCESS');
  expect(writes()).toEqual([]);
  expect(sim.calls.filter((c) => c.errorType !== undefined)).toEqual([]);
});

describe('drift command (bundled, read-only)', () => {
  const cli = path.join(__dirname, '..', 'assets', 'cli', 'drift.cli', 'index.js');
  let templateFile: string;

  beforeAll(() => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drift-'));
    templateFile = path.join(dir, 'OrdersReplication.template.json');
    fs.writeFileSync(templateFile, JSON.stringify(Template.fromStack(exampleStack(baseline).stack).toJSON()));
  });

  async function runCli(arn: string): Promise<{ code: number; stdout: string }> {
    try {
      const { stdout } = await promisify(execFile)(process.execPath, [cli, arn, '--template', templateFile], {
        env: { ...process.env, AWS_ENDPOINT_URL_KAFKA: sim.endpoint, AWS_REGION: 'us-east-1' },
      });
      return { code: 0, stdout };
    } catch (error) {
      const e = error as { code: number; stdout: string };
      return { code: e.code, stdout: e.stdout };
    }
  }

  test('reports no drift for a replicator that matches the template (exit 0)', async () => {
    const resource = await deployed();
    const { code, stdout } = await runCli(resource.physicalResourceId!);
    expect(stdout).toMatch(/^no drift/);
    expect(code).toBe(0);
  });

  test('lists each drifted field with template and live values (exit 2), and writes nothing', async () => {
    const resource = await deployed();
    const arn = resource.physicalResourceId!;
    sim.modifyOutOfBand(arn, {
      topicReplication: { topicsToExclude: ['tmp\\..*'] },
      consumerGroupReplication: { synchroniseConsumerGroupOffsets: false },
      tags: { team: 'hijacked' },
    });
    sim.resetCalls();

    const { code, stdout } = await runCli(arn);

    expect(code).toBe(2);
    expect(stdout).toContain('3 field(s)');
    expect(stdout).toContain('topicReplication.topicsToExclude: template [], live ["tmp\\\\..*"] (fixed in place by the next update)');
    expect(stdout).toContain('consumerGroupReplication.synchroniseConsumerGroupOffsets: template true, live false');
    expect(stdout).toContain('tags.team: template "streaming", live "hijacked"');
    expect(writes()).toEqual([]);
  });
});
