import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import * as ts from 'typescript';
import { exampleStack } from '../examples/orders-replication';

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

test('the README\'s Development section says .NET is not built here, and that jsii-rosetta still checks it', () => {
  const development = README.slice(README.indexOf('## Development'));
  expect(development).toMatch(/\.NET is not built here/);
  expect(development).toMatch(/jsii-rosetta still compiles the README's C#/);
  expect(development).toContain('EBADENGINE');
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

test('what the README says stays after cdk destroy: the provider log groups are retained', () => {
  const { stack } = exampleStack();
  const logGroups = Template.fromStack(stack).findResources('AWS::Logs::LogGroup');
  expect(Object.keys(logGroups).map((id) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(
    ['cdkmskreplicatorReplicatorProviderIsCompleteLogs', 'cdkmskreplicatorReplicatorProviderOnEventLogs', 'cdkmskreplicatorReplicatorProviderWaiterLogs'].sort());
  for (const group of Object.values(logGroups)) expect(group.DeletionPolicy).toBe('Retain');
  expect(README).toContain('`OnEventLogs`, `IsCompleteLogs`, `WaiterLogs`');
});
