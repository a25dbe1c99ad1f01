import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { promisify } from 'util';
import { CreateReplicatorCommand, KafkaClient } from '@aws-sdk/client-kafka';
import { App, Stack } from 'aws-cdk-lib';
import { ACCOUNT, REGION, synthesizedProperties } from '../examples/orders-replication';
import { readmeAdoption } from './fixtures/adoption-world';
import { installPackedPackage } from './fixtures/packed-package';
import { loadBundledHandler } from '../local-aws/cloudformation/provider-framework';
import { LocalCloudFormationApi } from '../local-aws/cloudformation/query-api';
import { CfnTemplate, CloudFormationStack } from '../local-aws/cloudformation/stack';
import { MskSimulator } from '../local-aws/msk-simulator';
import { decodeProperties } from '../src/provider/properties';
import { createReplicatorRequest } from '../src/provider/requests';

/**
 * The README's migration guide ("Adopting an existing replicator") with the package as a user gets it: the installed
 * `cdk-msk-replicator plan` (packed with `npm pack`, installed from the tarball, run with a clean environment) and the
 * handler asset the package ships, against the local world: a replicator made outside any stack (as the console, the
 * CLI or a `CfnReplicator` removed under `DeletionPolicy: Retain` leave it), the README's app synthesized into its own
 * cloud assembly, planned, deployed, planned again. The tarball holds what `npx projen bundle` and `npx projen compile`
 * built: the build runs them before this test.
 */
const STACK = 'OrdersMigrated';
let sim: MskSimulator;
let scratch: string;
let emptyHome: string;
let planBin: string;

beforeAll(async () => {
  const installed = installPackedPackage('migration');
  ({ scratch, emptyHome } = installed);
  planBin = installed.bin('cdk-msk-replicator');
  sim = await MskSimulator.start({ region: REGION, timing: { creatingMs: 20, updatingMs: 20, deletingMs: 20 } });
}, 120_000);
afterAll(async () => sim?.stop());

async function plan(cloudFormationEndpoint: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(planBin, ['plan', '--stack', STACK, '--app', path.join(scratch, 'cdk.out')], {
      cwd: scratch,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: emptyHome,
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_ENDPOINT_URL_KAFKA: sim.endpoint,
        AWS_ENDPOINT_URL_CLOUDFORMATION: cloudFormationEndpoint,
        AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'example-secret',
      },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function untilRunning(arn: string): Promise<void> {
  for (let i = 0; i < 200 && sim.replicator(arn)?.state !== 'RUNNING'; i++) await new Promise((r) => setTimeout(r, 10));
  expect(sim.replicator(arn)?.state).toBe('RUNNING');
}

test('from a replicator made outside the stack: plan says adopt, the deployment adopts it with one update, plan then says no change', async () => {
  // step (3): the README's app, in a cloud assembly as `cdk synth` leaves it
  const app = new App({ outdir: path.join(scratch, 'cdk.out') });
  const stack = new Stack(app, STACK, { env: { account: ACCOUNT, region: REGION } });
  readmeAdoption(stack);
  const assembly = app.synth();
  const template = JSON.parse(fs.readFileSync(path.join(assembly.directory, assembly.getStackByName(STACK).templateFile), 'utf8')) as CfnTemplate;
  const logicalId = Object.entries(template.Resources).find(([, r]) => r.Type === 'Custom::MskReplicator')![0];

  // the replicator as it runs before the migration: the template's clusters, network and role; other topics and tags
  const props = decodeProperties(synthesizedProperties(stack));
  const operator = new KafkaClient({ region: REGION, endpoint: sim.endpoint, credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'example' } });
  const made = { ...props, TopicReplication: { ...props.TopicReplication, TopicsToReplicate: ['orders'] } };
  const arn = (await operator.send(new CreateReplicatorCommand(createReplicatorRequest(made, 'orders-dr', { owner: 'data-platform' })))).ReplicatorArn!;
  await untilRunning(arn);

  const cfn = new CloudFormationStack(loadBundledHandler(sim.endpoint), {
    region: REGION, account: ACCOUNT, stackName: STACK, provider: { queryIntervalMs: 5 },
  });
  const api = await LocalCloudFormationApi.start({ region: REGION, stacks: [cfn] });
  process.env.AWS_ENDPOINT_URL_CLOUDFORMATION = api.endpoint;
  try {
    // step (4): plan before deploying
    const before = await plan(api.endpoint);
    // (stderr may hold the runtime's own warnings, such as the SDK's about Node.js 20; never the command's errors)
    expect(before.stderr).not.toMatch(/cdk-msk-replicator:/);
    expect(before.stdout).toContain(`${logicalId}: adopt\n  adopt orders-dr (RUNNING), nothing copied again; in place: TopicReplication`);
    expect(before.stdout).toContain('topicReplication.topicsToReplicate: +.* -orders');
    expect(before.code).toBe(0);

    // step (5): deploy
    sim.resetCalls();
    expect(await cfn.deploy(template)).toBe('CREATE_COMPLETE');
    expect(cfn.resource(logicalId)!.physicalId).toBe(arn);
    expect(sim.callsTo('CreateReplicator')).toHaveLength(0);
    expect(sim.callsTo('UpdateReplicationInfo')).toHaveLength(1);
    expect(sim.replicator(arn)!.tags.owner).toBe('data-platform');

    // and afterwards the stack manages it: plan sees nothing to do
    const after = await plan(api.endpoint);
    expect(after.stdout).toContain(`${logicalId}: no change`);
    expect(after.code).toBe(0);
    expect(await cfn.destroy()).toBe('DELETE_COMPLETE');
    expect(sim.replicator(arn)).toBeUndefined();
  } finally {
    await api.stop();
  }
});
