/**
 * Runs cfn-lint and checkov (pinned in requirements.txt, installed from PyPI into a fresh virtual environment) over
 * every synthesized example template: the smoke apps of all languages (.languages-out/<language>/cdk.out, written
 * by test/languages/synth-smoke-apps.ts), the TypeScript examples and the integration test's snapshot. checkov also
 * runs over copies without the library's `Metadata.checkov` acknowledgements. The JSON reports go to
 * .languages-out/scans/, where template-scans.smoke.ts reads them.
 */
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { EXAMPLES_OUT, SCANNED_DIRS, SCANS_OUT, UNACKNOWLEDGED_OUT } from './scan-layout';
import { manyReplicatorsTemplate } from '../../examples/many-replicators';
import { exampleStack } from '../../examples/orders-replication';
import { REPO } from '../languages/smoke-layout';

const VENV = path.join(process.env.SMOKE_WORK_DIR
  ?? path.join(os.tmpdir(), `cdk-msk-replicator-smoke-${crypto.createHash('sha256').update(REPO).digest('hex').slice(0, 8)}`), 'scanners');

function run(command: string, args: string[], okStatuses = [0]): string {
  process.stdout.write(`  $ ${[command, ...args].join(' ').slice(0, 300)}\n`);
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, cwd: REPO });
  if (result.error || !okStatuses.includes(result.status ?? -1)) {
    throw new Error(`${command} exited with ${result.status ?? result.error}:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

function writeExamples(): void {
  fs.rmSync(EXAMPLES_OUT, { recursive: true, force: true });
  fs.mkdirSync(EXAMPLES_OUT, { recursive: true });
  const write = (name: string, template: unknown) =>
    fs.writeFileSync(path.join(EXAMPLES_OUT, `${name}.template.json`), JSON.stringify(template, undefined, 1));
  const app = new App();
  const { stack } = exampleStack({}, app);
  write('OrdersReplicationExample', app.synth().getStackByName(stack.stackName).template);
  write('ManyReplicatorsExample', manyReplicatorsTemplate(3));
  const snapshot = path.join(REPO, 'test', 'integ.replicator.ts.snapshot');
  for (const file of fs.readdirSync(snapshot).filter((f) => f.endsWith('.template.json'))) {
    fs.copyFileSync(path.join(snapshot, file), path.join(EXAMPLES_OUT, `IntegSnapshot-${file}`));
  }
}

function templates(dirs: string[]): string[] {
  return dirs.flatMap((dir) => {
    if (!fs.existsSync(dir)) throw new Error(`${dir} does not exist: run test/languages/synth-smoke-apps.ts first`);
    return fs.readdirSync(dir).filter((f) => f.endsWith('.template.json')).sort().map((f) => path.relative(REPO, path.join(dir, f)));
  });
}

/** Copies of the templates without any resource's `Metadata.checkov`, in the same relative layout. */
function withoutCheckovMetadata(files: string[]): string[] {
  fs.rmSync(UNACKNOWLEDGED_OUT, { recursive: true, force: true });
  return files.map((file) => {
    const template = JSON.parse(fs.readFileSync(path.join(REPO, file), 'utf8'));
    for (const resource of Object.values(template.Resources ?? {}) as Array<{ Metadata?: Record<string, unknown> }>) {
      if (resource.Metadata) delete resource.Metadata.checkov;
    }
    const copy = path.join(UNACKNOWLEDGED_OUT, file);
    fs.mkdirSync(path.dirname(copy), { recursive: true });
    fs.writeFileSync(copy, JSON.stringify(template, undefined, 1));
    return path.relative(REPO, copy);
  });
}

function checkov(files: string[], output: string): void {
  // exit code 1: failed checks, which the test judges
  const report = run(path.join(VENV, 'bin', 'checkov'), ['--framework', 'cloudformation', '--skip-download',
    '--compact', '--output', 'json', ...files.flatMap((f) => ['--file', f])], [0, 1]);
  fs.writeFileSync(path.join(SCANS_OUT, output), report);
}

function main(): void {
  writeExamples();
  const files = templates(SCANNED_DIRS);
  process.stdout.write(`scanning ${files.length} templates\n`);
  fs.mkdirSync(SCANS_OUT, { recursive: true });

  fs.rmSync(VENV, { recursive: true, force: true });
  run('python3', ['-m', 'venv', VENV]);
  run(path.join(VENV, 'bin', 'pip'), ['install', '--no-input', '--disable-pip-version-check', '--quiet', '-r', path.join(__dirname, 'requirements.txt')]);

  // exit codes 2, 4, 6, 8 ... flag errors, warnings, informational matches: the test judges them
  const lint = run(path.join(VENV, 'bin', 'cfn-lint'), ['--format', 'json', '--', ...files], [0, 2, 4, 6, 8, 10, 12, 14]);
  fs.writeFileSync(path.join(SCANS_OUT, 'cfn-lint.json'), lint);
  checkov(files, 'checkov.json');
  checkov(withoutCheckovMetadata(files), 'checkov-without-acknowledgements.json');
  fs.writeFileSync(path.join(SCANS_OUT, 'scanned.json'), JSON.stringify(files, undefined, 1));
  process.stdout.write(`scans written to ${path.relative(REPO, SCANS_OUT)}\n`);
}

main();
