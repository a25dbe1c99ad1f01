import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ts from 'typescript';
import { ACCOUNT, clusterVpc, exampleStack, REGION, SOURCE_CLUSTER_ARN, TARGET_CLUSTER_ARN } from '../examples/orders-replication';
import * as lib from '../src';
import { readmeSection, runReadmeExample } from './readme-examples';

/**
 * The README's promises that a test can keep: its complete app synthesizes as written (with
 * `cdk-msk-replicator` resolved to this package's sources), and what it says stays after `cdk destroy`.
 */
const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');

function completeApp(): string {
  const section = README.slice(README.indexOf('## A complete app'));
  const match = /```ts nofixture\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error('README: no ```ts nofixture block under "## A complete app"');
  return match[1];
}

test('the README starts with the two fresh-clone commands, then at most one line about Node.js', () => {
  const lines = README.split('\n');
  expect(lines.slice(0, 8)).toEqual([
    '# cdk-msk-replicator',
    '',
    expect.stringMatching(/^## Contributors: from a fresh clone/),
    '',
    '```sh',
    expect.stringMatching(/^npm ci && npm run demo +# set up and run the offline demo/),
    expect.stringMatching(/^npm ci && CI=true npx projen build +# set up and run the tests/),
    '```',
  ]);
  const beforeNextHeading = lines.slice(8, lines.findIndex((line, i) => i >= 8 && line.startsWith('## '))).filter((line) => line !== '');
  expect(beforeNextHeading.length).toBeLessThanOrEqual(1);
  expect(beforeNextHeading.join('')).toMatch(/Node\.js/);
});

test('the README tells users how to install in every language', () => {
  for (const install of ['npm install cdk-msk-replicator', 'pip install cdk-msk-replicator', '<artifactId>cdk-msk-replicator</artifactId>',
    'dotnet add package CdkMskReplicator', 'go get github.com/cdk-msk-replicator/cdk-msk-replicator-go/cdkmskreplicator']) {
    expect(README).toContain(install);
  }
});

test('the README\'s Development section says .NET is not built here, and that jsii-rosetta only translates to C#', () => {
  const development = README.slice(README.indexOf('## Development'));
  expect(development).toMatch(/\.NET is not built here/);
  // jsii-rosetta compiles the TypeScript of each example and translates it; no .NET SDK compiles the C#
  expect(development).toMatch(/jsii-rosetta still translates the README's\s+examples to C#/);
  expect(development).toMatch(/it compiles their TypeScript, not the C#, which nothing here compiles/);
  expect(README).not.toMatch(/compil\w*\s+(the\s+)?(README's\s+)?C#/);
  expect(README).not.toMatch(/C#\s+translations?\s+compil/);
  expect(development).toContain('EBADENGINE');
});

/** The `cdk.context.json` the README gives for the complete app. */
function completeAppContext(): Record<string, unknown> {
  const section = README.slice(README.indexOf('## A complete app'), README.indexOf('## Scenarios'));
  const match = /```json\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error('README: no ```json block (cdk.context.json) under "## A complete app"');
  return JSON.parse(match[1]);
}

/** Runs the complete app as the CDK CLI does (context in CDK_CONTEXT_JSON, output in CDK_OUTDIR); its template. */
type SynthesizedTemplate = { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };

function synthesizeCompleteApp(context: Record<string, unknown>): { template: SynthesizedTemplate; missing: unknown[] } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-app-'));
  const { outputText } = ts.transpileModule(completeApp(), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true },
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = (id: string) => (id === 'cdk-msk-replicator' ? require('../src') : require(id));
  const previous = { outdir: process.env.CDK_OUTDIR, context: process.env.CDK_CONTEXT_JSON };
  process.env.CDK_OUTDIR = outdir;
  process.env.CDK_CONTEXT_JSON = JSON.stringify(context);
  try {
    new Function('require', 'exports', 'module', outputText)(load, {}, { exports: {} });
  } finally {
    for (const [name, value] of [['CDK_OUTDIR', previous.outdir], ['CDK_CONTEXT_JSON', previous.context]] as const) {
      if (value === undefined) delete process.env[name]; else process.env[name] = value;
    }
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  return { template: JSON.parse(fs.readFileSync(path.join(outdir, 'OrdersReplication.template.json'), 'utf8')), missing: manifest.missing ?? [] };
}

test('the complete app of the README, with the README\'s cdk.context.json, synthesizes a replicator with its alarms in that VPC', () => {
  const { template, missing } = synthesizeCompleteApp(completeAppContext());
  expect(missing).toEqual([]);
  const resources = Object.values(template.Resources);
  const [replicator] = resources.filter((r) => r.Type === 'Custom::MskReplicator');
  // the private subnets of the looked-up VPC, on both sides
  const privateSubnets = ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'];
  expect(replicator.Properties).toMatchObject({ Source: { SubnetIds: privateSubnets }, Target: { SubnetIds: privateSubnets } });
  expect(resources.filter((r) => r.Type === 'AWS::EC2::SecurityGroup').map((r) => r.Properties.VpcId)).toEqual(['vpc-0a1b2c3d4e5f67890', 'vpc-0a1b2c3d4e5f67890']);
  expect(resources.filter((r) => r.Type === 'AWS::CloudWatch::Alarm').length).toBe(9);
  // both clusters' brokers let the replicator in on 9098
  expect(resources.filter((r) => r.Type === 'AWS::EC2::SecurityGroupIngress' && r.Properties.FromPort === 9098)).toHaveLength(2);
});

test('the README\'s cdk.context.json is what the lookup of the complete app asks for: without it, the synth records it as missing', () => {
  const { missing } = synthesizeCompleteApp({});
  expect((missing as Array<{ key: string; provider: string }>).map((m) => [m.provider, m.key])).toEqual(
    Object.keys(completeAppContext()).map((key) => ['vpc-provider', key]));
});

test('what the README says about cdk destroy: the provider\'s four log groups are deleted with the stack', () => {
  const { stack } = exampleStack();
  const logGroups = Template.fromStack(stack).findResources('AWS::Logs::LogGroup');
  const named = /\(`OnEventLogs`, `IsCompleteLogs`, `FrameworkLogs`, `WaiterLogs`\)/.exec(README)![0].match(/`(\w+)`/g)!.map((n) => n.slice(1, -1));
  expect(Object.keys(logGroups).map((id) => id.replace(/^cdkmskreplicatorReplicatorProvider(\w+)[0-9A-F]{8}$/, '$1')).sort()).toEqual(named.sort());
  for (const group of Object.values(logGroups)) expect(group.DeletionPolicy).toBe('Delete');
});

test('the README\'s providerLogs example keeps the provider\'s log groups after cdk destroy, ten years', () => {
  const app = new App();
  const stack = new Stack(app, 'Audited', { env: { account: ACCOUNT, region: REGION } });
  const [example] = readmeSection('After `cdk destroy`');
  runReadmeExample(example, {
    ...lib,
    ...cdk,
    logs,
    primaryClusterArn: SOURCE_CLUSTER_ARN,
    drClusterArn: TARGET_CLUSTER_ARN,
    primaryVpc: clusterVpc(stack, 'PrimaryVpc', '10.1.0.0/16', '0primary'),
    drVpc: clusterVpc(stack, 'DrVpc', '10.2.0.0/16', '0dr'),
  }, stack);
  const logGroups = Object.values(Template.fromStack(stack).findResources('AWS::Logs::LogGroup'));
  expect(logGroups.map((g) => [g.DeletionPolicy, g.Properties.RetentionInDays])).toEqual(Array(4).fill(['Retain', 3653]));
});
