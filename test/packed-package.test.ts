import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { promisify } from 'util';
import { App } from 'aws-cdk-lib';
import { ACCOUNT, exampleStack, REGION } from '../examples/orders-replication';
import { loadBundledHandler } from '../local-aws/cloudformation/provider-framework';
import { LocalCloudFormationApi } from '../local-aws/cloudformation/query-api';
import { CfnTemplate, CloudFormationStack } from '../local-aws/cloudformation/stack';
import { MskSimulator } from '../local-aws/msk-simulator';
import { TargetCompressionType } from '../src';
import { installPackedPackage } from './fixtures/packed-package';

/**
 * The package as a user gets it. The commands (`cdk-msk-replicator-drift`, `cdk-msk-replicator plan`): the package is
 * packed (`npm pack`), installed from the tarball into a scratch project, and its bins run with a clean environment (no
 * AWS_REGION, an empty HOME) against the local world over HTTP: the example app synthesized into the project's `cdk.out`
 * (as `cdk synth` leaves it) and deployed through the CloudFormation stack emulator against the MSK simulator; the local
 * CloudFormation API serves that stack's template and resources. Both reject requests signed for another Region, as
 * regional AWS endpoints do. The tarball holds what `npx projen bundle` (the commands, the handler) and `npx projen
 * compile` (lib/) built: the build runs them before this test.
 */
const ROOT = path.join(__dirname, '..');
let sim: MskSimulator;
let cloudFormation: LocalCloudFormationApi;
let bin: string;
let planBin: string;
let templateFile: string;
let logicalId: string;
let arn: string;
let scratch: string;
let emptyHome: string;

beforeAll(async () => {
  const installed = installPackedPackage('drift');
  ({ scratch, emptyHome } = installed);
  bin = installed.bin('cdk-msk-replicator-drift');
  planBin = installed.bin('cdk-msk-replicator');

  sim = await MskSimulator.start({ region: REGION, timing: { creatingMs: 20, updatingMs: 20, deletingMs: 20 } });
  const app = new App({ outdir: path.join(scratch, 'cdk.out') });
  exampleStack({ tags: { team: 'streaming' } }, app);
  const assembly = app.synth();
  templateFile = path.join(assembly.directory, assembly.getStackByName('OrdersReplication').templateFile);
  const template = JSON.parse(fs.readFileSync(templateFile, 'utf8')) as CfnTemplate;
  logicalId = Object.entries(template.Resources).find(([, r]) => r.Type === 'Custom::MskReplicator')![0];
  const stack = new CloudFormationStack(loadBundledHandler(sim.endpoint), {
    region: REGION, account: ACCOUNT, stackName: 'OrdersReplication', provider: { queryIntervalMs: 5 },
  });
  expect(await stack.deploy(template)).toBe('CREATE_COMPLETE');
  arn = stack.resource(logicalId)!.physicalId;
  cloudFormation = await LocalCloudFormationApi.start({ region: REGION, stacks: [stack] });
}, 120_000);
afterAll(async () => {
  await cloudFormation?.stop();
  await sim?.stop();
});

const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'example-secret' };

/** Runs the installed bin in the scratch project, with `env` and nothing else of this process's environment. */
async function run(args: string[], env: Record<string, string> = CREDENTIALS, file = bin): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(file, args, {
      cwd: scratch,
      env: {
        PATH: process.env.PATH ?? '',
        // no ~/.aws: only what `env` gives
        HOME: emptyHome,
        // no EC2 instance metadata to wait for
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_ENDPOINT_URL_KAFKA: sim.endpoint,
        AWS_ENDPOINT_URL_CLOUDFORMATION: cloudFormation.endpoint,
        ...env,
      },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('--stack: the replicator found from the deployed stack, the template and Region from ./cdk.out', () => {
  test('no drift, exit 0, after DescribeStackResource of the stack\'s one replicator', async () => {
    const { code, stdout, stderr } = await run(['--stack', 'OrdersReplication']);
    expect(stderr).not.toMatch(/cdk-msk-replicator-drift:/);
    expect(stdout).toMatch(new RegExp(`^no drift: OrdersReplication-Replicator-[0-9A-F]{8}-\\w+ matches ${logicalId} of ${templateFile}\n$`));
    expect(code).toBe(0);
    expect(cloudFormation.calls.filter((c) => c.action === 'DescribeStackResource').pop()?.params)
      .toMatchObject({ StackName: 'OrdersReplication', LogicalResourceId: logicalId });
  });

  test('a stack that is not deployed: exit 1, saying what to check', async () => {
    // (the Region from the manifest next to the template)
    const { code, stderr } = await run(['--stack', 'OrdersReplicaton', '--template', templateFile]);
    expect(stderr).toContain(`cdk-msk-replicator-drift: CloudFormation has no stack OrdersReplicaton in ${REGION}`);
    expect(code).toBe(1);
  });

  test('a stack that is not in ./cdk.out: exit 1, naming the stacks there', async () => {
    const { code, stderr } = await run(['--stack', 'Orders']);
    expect(stderr).toContain('has no stack Orders (its stacks: OrdersReplication): pass --template <file>');
    expect(code).toBe(1);
  });

  test('a profile that does not exist: exit 1, and how to create or list profiles', async () => {
    const { code, stderr } = await run(['--stack', 'OrdersReplication'], { AWS_PROFILE: 'ghost' });
    expect(stderr).toMatch(/^cdk-msk-replicator-drift: the AWS profile "ghost" \(AWS_PROFILE\) does not exist: it is in neither ~\/.aws\/config nor ~\/.aws\/credentials .*`aws configure list-profiles` lists the profiles; `aws configure --profile ghost` or `aws configure sso --profile ghost` creates it/m);
    expect(code).toBe(1);
  });

  test('no credentials at all: exit 1, and where the command looks for them', async () => {
    const { code, stderr } = await run(['--stack', 'OrdersReplication'], {});
    expect(stderr).toMatch(/^cdk-msk-replicator-drift: no AWS credentials found\. The command uses the standard AWS credential chain: set AWS_PROFILE/m);
    expect(stderr).toContain('cloudformation:DescribeStackResource');
    expect(code).toBe(1);
  });
});

describe('cdk-msk-replicator plan: the deployed stack, the synthesized template from ./cdk.out or --app', () => {
  const plan = (args: string[]) => run(['plan', ...args], CREDENTIALS, planBin);
  /** What the plan may call on MSK (its usage text): reads only. */
  const PLAN_READS = ['DescribeReplicator', 'ListTagsForResource', 'ListReplicators'];

  /** `cdk synth` of the example app with `options` into a cloud assembly of its own, in the scratch project. */
  function assembly(options: Parameters<typeof exampleStack>[0]): string {
    const outdir = fs.mkdtempSync(path.join(scratch, 'cdk.out-'));
    const app = new App({ outdir });
    exampleStack(options, app);
    app.synth();
    return path.relative(scratch, outdir);
  }

  test('the template that is deployed: no change, exit 0, the Region from ./cdk.out', async () => {
    const { code, stdout, stderr } = await plan(['--stack', 'OrdersReplication']);
    expect(stderr).not.toMatch(/cdk-msk-replicator/);
    expect(stdout).toMatch(/^Stack OrdersReplication in us-east-1 \(CREATE_COMPLETE\): 1 replicator\(s\)$/m);
    expect(stdout).toContain(`${logicalId}: no change\n  no change to OrdersReplication-Replicator-`);
    expect(stdout).toMatch(/\n1 no change: no replicator is replaced\n$/);
    expect(code).toBe(0);
    expect(cloudFormation.calls.map((c) => c.action)).toEqual(expect.arrayContaining(['DescribeStacks', 'GetTemplate', 'ListStackResources']));
  });

  test('a pending replacement: REPLACE with its cause and consequences, exit 3; the same as JSON', async () => {
    const changed = assembly({ tags: { team: 'streaming' }, targetCompressionType: TargetCompressionType.LZ4, replacementProtection: false });
    const callsBefore = sim.calls.length;
    const text = await plan(['--stack', 'OrdersReplication', '--app', changed]);
    expect(text.stderr).not.toMatch(/cdk-msk-replicator/);
    expect(text.stdout).toContain(`${logicalId}: REPLACE\n  REPLACE OrdersReplication-Replicator-`);
    expect(text.stdout).toMatch(/with a new replicator OrdersReplication-Replicator-\S+-<suffix generated at deploy>: targetCompressionType cannot change in place/);
    expect(text.stdout).toContain('    targetCompressionType: "NONE" -> "LZ4"');
    expect(text.stdout).toMatch(/both write to the target: records of that overlap arrive twice\n/);
    expect(text.stdout).toMatch(/\n1 REPLACE: a replicator will be REPLACED\n$/);
    expect(text.code).toBe(3);

    const json = await plan(['--stack', 'OrdersReplication', '--app', changed, '--json']);
    expect(json.code).toBe(3);
    const doc = JSON.parse(json.stdout);
    expect(doc).toMatchObject({
      formatVersion: 1, stack: 'OrdersReplication', region: REGION, stackStatus: 'CREATE_COMPLETE', exitCode: 3, counts: { replace: 1 },
    });
    expect(doc.replicators).toHaveLength(1);
    expect(doc.replicators[0]).toMatchObject({ logicalId, verdict: 'replace', replicatorArn: arn, causes: ['targetCompressionType'] });
    // read-only: the two plans only read
    expect(sim.calls.slice(callsBefore).map((c) => c.operation).filter((o) => !PLAN_READS.includes(o))).toEqual([]);
    expect(sim.calls.slice(callsBefore).map((c) => c.operation)).toContain('DescribeReplicator');
  });
});

test('the installed bin takes the Region from the ARN: no drift, exit 0', async () => {
  const { code, stdout, stderr } = await run([arn, '--template', templateFile]);
  // (on Node 20 the bundled SDK prints a NodeVersionSupportWarning to stderr; nothing else may be there)
  expect(stderr).not.toMatch(/Region is missing|cdk-msk-replicator-drift:/);
  expect(stdout).toMatch(/^no drift: OrdersReplication-Replicator-/);
  expect(code).toBe(0);
});

test('the ARN\'s Region wins over AWS_REGION, and --region overrides both', async () => {
  expect((await run([arn, '--template', templateFile], { ...CREDENTIALS, AWS_REGION: 'eu-west-1' })).code).toBe(0);
  const wrong = await run([arn, '--template', templateFile, '--region', 'eu-west-1']);
  expect(wrong.code).toBe(1);
  expect(wrong.stderr).toContain("Credential should be scoped to a valid region, not 'eu-west-1'");
});

test('drift is listed with exit 2', async () => {
  sim.modifyOutOfBand(arn, { tags: { team: 'hijacked' } });
  const { code, stdout } = await run([arn, '--template', templateFile]);
  expect(stdout).toContain('tags.team: template "streaming", live "hijacked" (fixed in place by the next update)');
  expect(code).toBe(2);
  const byStack = await run(['--stack', 'OrdersReplication']);
  expect(byStack.stdout).toBe(stdout);
  expect(byStack.code).toBe(2);
});

test('--help prints the usage with the exit codes and exits 0', async () => {
  const { code, stdout } = await run(['--help']);
  expect(code).toBe(0);
  expect(stdout).toMatch(/^usage: cdk-msk-replicator-drift --stack <stack> .*\n {7}cdk-msk-replicator-drift <replicator-arn> --template/);
  expect(stdout).toMatch(/0 +no drift[\s\S]*2 +drift[\s\S]*1 +error[\s\S]*64 +invalid command line/);
});

test.each([
  [[], 'the replicator is missing: give --stack <stack> or a replicator ARN'],
  [['arn:aws:kafka:us-east-1:123456789012:replicator/a/b'], '--template is missing'],
  [['not-an-arn', '--template', 't.json'], 'not-an-arn is not a replicator ARN'],
  [['--frobnicate'], 'unknown option --frobnicate'],
])('invalid command line %j exits 64: %s', async (args, reason) => {
  const { code, stderr } = await run(args);
  expect(code).toBe(64);
  expect(stderr).toContain(reason);
  expect(stderr).toContain('usage: cdk-msk-replicator-drift');
});

describe('validation errors of the installed library', () => {
  // A consumer's app (plain JavaScript, run with source maps on, as ts-node and tsx run a CDK app) that makes one mistake
  // per public construct.
  const APP = [
    "const { App, Errors, Stack } = require('aws-cdk-lib');",
    "const ec2 = require('aws-cdk-lib/aws-ec2');",
    "const { ActiveActiveReplication, MskReplicator, ReplicatorCluster, ReplicatorSourceClusterPolicy } = require('cdk-msk-replicator');",
    'const report = (e) => ({ validation: Errors.isValidationError(e), path: e.constructPath, message: e.message, stack: e.stack });',
    'const mistakes = [];',
    'const app = new App();',
    "const stack = new Stack(app, 'S', { env: { account: '123456789012', region: 'us-east-1' } });",
    "const west = new Stack(app, 'W', { env: { account: '123456789012', region: 'us-west-2' } });",
    "const vpc = (s, id) => ec2.Vpc.fromVpcAttributes(s, id, { vpcId: 'vpc-1', vpcCidrBlock: '10.0.0.0/16',",
    "  availabilityZones: [s.region + 'a', s.region + 'b'], privateSubnetIds: ['subnet-a', 'subnet-b'] });",
    'const cluster = (region, name) => `arn:aws:kafka:${region}:123456789012:cluster/${name}/1`;',
    'try {',
    "  new MskReplicator(stack, 'Replicator', { replicatorName: 'my_name',",
    "    source: ReplicatorCluster.fromMskCluster({ clusterArn: cluster('us-east-1', 'a'), vpc: vpc(stack, 'V1') }),",
    "    target: ReplicatorCluster.fromMskCluster({ clusterArn: cluster('us-east-1', 'b'), vpc: vpc(stack, 'V2') }) });",
    '} catch (e) { mistakes.push(report(e)); }',
    'try {',
    "  new ReplicatorSourceClusterPolicy(stack, 'Access', { clusterArn: cluster('us-west-2', 'a') });",
    '} catch (e) { mistakes.push(report(e)); }',
    'try {',
    "  new ActiveActiveReplication(app, 'Pair', { clusterA: { stack: west, clusterArn: cluster('us-east-1', 'a'), vpc: vpc(west, 'VA') },",
    "    clusterB: { stack, clusterArn: cluster('us-west-2', 'b'), vpc: vpc(stack, 'VB') } });",
    '} catch (e) { mistakes.push(report(e)); }',
    'console.log(JSON.stringify(mistakes));',
  ].join('\n');

  test('name the construct path, and their stack starts at the line of the app, not at a file the package does not ship', () => {
    // the library's peers, as the consumer's app has them
    for (const peer of ['aws-cdk-lib', 'constructs']) {
      const link = path.join(scratch, 'node_modules', peer);
      if (!fs.existsSync(link)) fs.symlinkSync(path.join(ROOT, 'node_modules', peer), link, 'dir');
    }
    fs.writeFileSync(path.join(scratch, 'app.js'), APP);
    const output = execFileSync(process.execPath, ['--enable-source-maps', 'app.js'], { cwd: scratch, encoding: 'utf8' });
    const mistakes = JSON.parse(output) as Array<{ validation: boolean; path: string; message: string; stack: string }>;
    expect(mistakes.map((m) => [m.validation, m.path])).toEqual([[true, 'S/Replicator'], [true, 'S/Access'], [true, 'Pair']]);
    expect(mistakes[0].message).toMatch(/^`replicatorName` must match .* got: my_name/);
    expect(mistakes[1].message).toMatch(/^`clusterArn` must be a cluster of this stack's Region us-east-1/);
    expect(mistakes[2].message).toMatch(/^`clusterA.clusterArn` is a cluster of us-east-1 and `clusterB.clusterArn` one of us-west-2/);
    for (const mistake of mistakes) {
      const frames = mistake.stack.split('\n').filter((line) => /^\s+at /.test(line));
      expect(frames[0]).toContain(path.join(scratch, 'app.js'));
      expect(mistake.stack).not.toMatch(/cdk-msk-replicator[\\/]src[\\/]/);
      expect(mistake.stack).toContain('Relates to construct');
    }
  });
});
