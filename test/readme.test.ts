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

test('the README starts with the contributor commands, then tells users how to install', () => {
  const lines = README.split('\n');
  expect(lines.slice(0, 7).join('\n')).toContain(
    '```sh\nnpm ci && npm run demo               # set up and run the offline demo');
  expect(lines.slice(0, 7).join('\n')).toContain('npm ci && CI=true npx projen build   # set up and run the tests');
  for (const install of ['npm install cdk-msk-replicator', 'pip install cdk-msk-replicator', '<artifactId>cdk-msk-replicator</artifactId>',
    'dotnet add package CdkMskReplicator', 'go get github.com/cdk-msk-replicator/cdk-msk-replicator-go/cdkmskreplicator']) {
    expect(README).toContain(install);
  }
});

test('the complete app of the README synthesizes a replicator with its alarms', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-app-'));
  const { outputText } = ts.transpileModule(completeApp(), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true },
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = (id: string) => (id === 'cdk-msk-replicator' ? require('../src') : require(id));
  const previous = process.env.CDK_OUTDIR;
  process.env.CDK_OUTDIR = outdir;
  try {
    new Function('require', 'exports', 'module', outputText)(load, {}, { exports: {} });
  } finally {
    if (previous === undefined) delete process.env.CDK_OUTDIR; else process.env.CDK_OUTDIR = previous;
  }
  const template = JSON.parse(fs.readFileSync(path.join(outdir, 'OrdersReplication.template.json'), 'utf8'));
  const resources = Object.values(template.Resources) as Array<{ Type: string; Properties: Record<string, unknown> }>;
  expect(resources.filter((r) => r.Type === 'Custom::MskReplicator')).toHaveLength(1);
  expect(resources.filter((r) => r.Type === 'AWS::CloudWatch::Alarm').length).toBe(9);
  // both clusters' brokers let the replicator in on 9098
  expect(resources.filter((r) => r.Type === 'AWS::EC2::SecurityGroupIngress' && r.Properties.FromPort === 9098)).toHaveLength(2);
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
