import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { NEWEST_DIR, newestVersions, ROOT } from './versions';

/**
 * A new user's first hour, on the newest aws-cdk-lib and CDK CLI of the registry (installed by
 * `npx projen newest-aws-cdk:install`): a fresh app made by the newest CLI's `cdk init app --language typescript`,
 * with this package installed from its packed tarball and the newest aws-cdk-lib; the README's complete app as the
 * app's `bin/<app>.ts`; then the real CLI's `cdk synth`, offline (no credentials, an empty home directory, no instance
 * metadata). Run by `npx projen test:fresh-app`, after the build (it packs lib/ and assets/ as they are).
 *
 * Fails on any error, and on any deprecation warning, of either synth that must succeed.
 */

const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const APP_NAME = 'orders-replication';
const versions = newestVersions();
let appDir: string;
let home: string;

function readmeBlock(fence: string): string {
  const section = README.slice(README.indexOf('## A complete app'), README.indexOf('## Scenarios'));
  const match = new RegExp(`\`\`\`${fence}\\n([\\s\\S]*?)\`\`\``).exec(section);
  if (!match) throw new Error(`README: no \`\`\`${fence} block under "## A complete app"`);
  return match[1];
}

/** Runs a command of the app the way a user's shell would, without AWS credentials. */
function inApp(command: string, args: string[]): { status: number | null; stdout: string; stderr: string; seconds: number } {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, {
    cwd: appDir,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      HOME: home,
      // no EC2 instance metadata, no telemetry, no npm update notice: nothing that needs more than the registry
      AWS_EC2_METADATA_DISABLED: 'true',
      CDK_DISABLE_CLI_TELEMETRY: 'true',
      NPM_CONFIG_UPDATE_NOTIFIER: 'false',
    },
    timeout: 600_000,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, seconds };
}

const cdk = () => path.join(appDir, 'node_modules', '.bin', 'cdk');

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'lib', 'index.js')) || !fs.existsSync(path.join(ROOT, 'assets', 'provider', 'handler.lambda', 'index.js'))) {
    throw new Error('lib/ or assets/ is missing: run `npx projen build` (or compile and bundle) before test:fresh-app');
  }
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'fresh-app-'));
  home = path.join(scratch, 'home');
  fs.mkdirSync(home);
  appDir = path.join(scratch, APP_NAME);
  fs.mkdirSync(appDir);
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], {
    cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'],
  }));
  const tarball = path.join(scratch, packed[0].filename);

  // `cdk init` by the newest CLI (installed by the install step), writing the files only: the install below is
  // the one `cdk init` would run, plus this package and the newest aws-cdk-lib
  const init = inApp(path.join(NEWEST_DIR, 'node_modules', '.bin', 'cdk'), ['init', 'app', '--language', 'typescript', '--generate-only']);
  if (init.status !== 0) throw new Error(`cdk init failed:\n${init.stdout}\n${init.stderr}`);
  const install = inApp('npm', ['install', '--no-audit', '--no-fund', tarball,
    `aws-cdk-lib@${versions.awsCdkLib}`, `constructs@${versions.constructs}`, `aws-cdk@${versions.awsCdkCli}`]);
  if (install.status !== 0) throw new Error(`npm install failed:\n${install.stdout}\n${install.stderr}`);
  fs.writeFileSync(path.join(appDir, 'bin', `${APP_NAME}.ts`), readmeBlock('ts nofixture'));
}, 600_000);

test(`the app runs the newest aws-cdk-lib (${versions.awsCdkLib}) and CDK CLI (${versions.awsCdkCli}), with the feature flags cdk init sets`, () => {
  const installed = (name: string) => JSON.parse(fs.readFileSync(path.join(appDir, 'node_modules', name, 'package.json'), 'utf8')).version;
  expect({ lib: installed('aws-cdk-lib'), cli: installed('aws-cdk'), replicator: installed('cdk-msk-replicator') })
    .toEqual({ lib: versions.awsCdkLib, cli: versions.awsCdkCli, replicator: expect.any(String) });
  const context = JSON.parse(fs.readFileSync(path.join(appDir, 'cdk.json'), 'utf8')).context;
  expect(context['@aws-cdk/aws-lambda:useCdkManagedLogGroup']).toBe(true);
});

test('the first synth, without credentials and without cdk.context.json, fails as the README says', () => {
  const synth = inApp(cdk(), ['synth', '--no-notices']);
  expect(synth.status).not.toBe(0);
  expect(synth.stdout + synth.stderr).toContain('Need to perform AWS calls for account 111111111111, but no credentials have been configured');
  expect(README.replace(/\s+/g, ' ')).toContain('Need to perform AWS calls for account 111111111111, but no credentials have been configured');
});

test('with the README\'s cdk.context.json, cdk synth succeeds offline: no error, no warning, no deprecation', () => {
  fs.writeFileSync(path.join(appDir, 'cdk.context.json'), readmeBlock('json'));
  const synth = inApp(cdk(), ['synth', '--no-notices']);
  const output = `${synth.stdout}\n${synth.stderr}`;
  expect({ status: synth.status, stderr: synth.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
  expect(output).not.toMatch(/deprecat/i);
  expect(synth.stderr).not.toMatch(/error|warning/i);

  const template = JSON.parse(fs.readFileSync(path.join(appDir, 'cdk.out', 'OrdersReplication.template.json'), 'utf8'));
  const resources = Object.values(template.Resources) as Array<{ Type: string; DeletionPolicy?: string }>;
  expect(resources.filter((r) => r.Type === 'Custom::MskReplicator')).toHaveLength(1);
  // nothing of the provider outlives the stack: no log group is retained, and every function logs to one of them
  expect(resources.filter((r) => r.Type === 'AWS::Logs::LogGroup').map((r) => r.DeletionPolicy)).toEqual(['Delete', 'Delete', 'Delete', 'Delete']);
  const summary = {
    awsCdkLib: versions.awsCdkLib,
    awsCdkCli: versions.awsCdkCli,
    resources: resources.length,
    synthSeconds: Number(synth.seconds.toFixed(1)),
    stderr: synth.stderr.trim(),
  };
  fs.writeFileSync(path.join(NEWEST_DIR, 'fresh-app-result.json'), JSON.stringify(summary, null, 2));
  console.log(`fresh app: ${summary.resources} resources in OrdersReplication, cdk synth took ${summary.synthSeconds} s `
    + `(aws-cdk-lib ${summary.awsCdkLib}, CDK CLI ${summary.awsCdkCli}); stderr: ${summary.stderr || '(empty)'}`);
});
