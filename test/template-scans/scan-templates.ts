/**
 * Runs cfn-lint and checkov (pinned in requirements.txt and constraints.txt, installed from PyPI into a fresh virtual
 * environment) over every synthesized example template: the smoke apps of all languages (.languages-out/<language>/
 * cdk.out, written by test/languages/synth-smoke-apps.ts), the TypeScript examples and the integration test app.
 * cfn-lint runs once per Region, with `--regions` set to the Region of the templates' stacks (read from their cloud
 * assembly manifests). checkov also runs over copies without the library's `Metadata.checkov` acknowledgements. The
 * JSON reports go to .languages-out/scans/, where template-scans.smoke.ts reads them.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { assemblyRegions, EXAMPLES_OUT, SCANNED_DIRS, ScannedTemplate, SCANS_OUT, UNACKNOWLEDGED_OUT } from './scan-layout';
import { manyReplicatorsTemplate } from '../../examples/many-replicators';
import { exampleStack, REGION } from '../../examples/orders-replication';
import { REPO, SCANNERS_VENV } from '../languages/smoke-layout';

function run(command: string, args: string[], okStatuses = [0]): string {
  process.stdout.write(`  $ ${[command, ...args].join(' ').slice(0, 300)}\n`);
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, cwd: REPO });
  if (result.error || !okStatuses.includes(result.status ?? -1)) {
    throw new Error(`${command} exited with ${result.status ?? result.error}:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/** Writes the examples' templates; returns the Region of each one's stack, by file name. */
function writeExamples(): Record<string, string> {
  fs.rmSync(EXAMPLES_OUT, { recursive: true, force: true });
  fs.mkdirSync(EXAMPLES_OUT, { recursive: true });
  const regions: Record<string, string> = {};
  const write = (name: string, template: unknown, region: string) => {
    fs.writeFileSync(path.join(EXAMPLES_OUT, name), JSON.stringify(template, undefined, 1));
    regions[name] = region;
  };
  const app = new App();
  const { stack } = exampleStack({}, app);
  write('OrdersReplicationExample.template.json', app.synth().getStackByName(stack.stackName).template, stack.region);
  // manyReplicatorsTemplate builds its stack in the examples' REGION (examples/many-replicators.ts)
  write('ManyReplicatorsExample.template.json', manyReplicatorsTemplate(3), REGION);
  // the integration test app as its snapshot holds it (test/integ-snapshots.test.ts compares the two), synthesized
  // here for its cloud assembly manifest, which names each stack's Region
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'integ-scan-'));
  try {
    execFileSync(process.execPath, [require.resolve('ts-node/dist/bin'), '--project', path.join(REPO, 'tsconfig.dev.json'),
      path.join(REPO, 'test', 'integ.replicator.ts')], { env: { ...process.env, CDK_OUTDIR: outdir }, stdio: ['ignore', 'ignore', 'inherit'] });
    const integRegions = assemblyRegions(JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')));
    for (const [file, region] of Object.entries(integRegions)) {
      write(`Integ-${file}`, JSON.parse(fs.readFileSync(path.join(outdir, file), 'utf8')), region);
    }
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  return regions;
}

function templates(dir: string, regions: Record<string, string>): ScannedTemplate[] {
  if (!fs.existsSync(dir)) throw new Error(`${dir} does not exist: run test/languages/synth-smoke-apps.ts first`);
  return fs.readdirSync(dir).filter((f) => f.endsWith('.template.json')).sort().map((f) => {
    if (regions[f] === undefined) throw new Error(`no Region known for ${path.join(dir, f)}`);
    return { file: path.relative(REPO, path.join(dir, f)), region: regions[f] };
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
  const report = run(path.join(SCANNERS_VENV, 'bin', 'checkov'), ['--framework', 'cloudformation', '--skip-download',
    '--compact', '--output', 'json', ...files.flatMap((f) => ['--file', f])], [0, 1]);
  fs.writeFileSync(path.join(SCANS_OUT, output), report);
}

function main(): void {
  const exampleRegions = writeExamples();
  const scanned = SCANNED_DIRS.flatMap((dir) => templates(dir, dir === EXAMPLES_OUT ? exampleRegions
    : assemblyRegions(JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')))));
  process.stdout.write(`scanning ${scanned.length} templates\n`);
  fs.rmSync(SCANS_OUT, { recursive: true, force: true });
  fs.mkdirSync(SCANS_OUT, { recursive: true });

  fs.rmSync(SCANNERS_VENV, { recursive: true, force: true });
  run('python3', ['-m', 'venv', SCANNERS_VENV]);
  run(path.join(SCANNERS_VENV, 'bin', 'pip'), ['install', '--no-input', '--disable-pip-version-check', '--quiet',
    '-r', path.join(__dirname, 'requirements.txt'), '-c', path.join(__dirname, 'constraints.txt')]);
  fs.writeFileSync(path.join(SCANS_OUT, 'scanners-installed.txt'),
    run(path.join(SCANNERS_VENV, 'bin', 'pip'), ['freeze', '--disable-pip-version-check']));

  // one cfn-lint run per Region, given that Region: exit codes 2, 4, 6, 8 ... flag errors, warnings, informational
  // matches, which the test judges
  const lintRuns: Array<{ region: string; files: string[] }> = [];
  const matches: unknown[] = [];
  for (const region of [...new Set(scanned.map((t) => t.region))].sort()) {
    const files = scanned.filter((t) => t.region === region).map((t) => t.file);
    const lint = run(path.join(SCANNERS_VENV, 'bin', 'cfn-lint'), ['--format', 'json', '--regions', region, '--', ...files],
      [0, 2, 4, 6, 8, 10, 12, 14]);
    matches.push(...JSON.parse(lint) as unknown[]);
    lintRuns.push({ region, files });
  }
  fs.writeFileSync(path.join(SCANS_OUT, 'cfn-lint.json'), JSON.stringify(matches, undefined, 1));
  fs.writeFileSync(path.join(SCANS_OUT, 'cfn-lint-runs.json'), JSON.stringify(lintRuns, undefined, 1));

  const files = scanned.map((t) => t.file);
  checkov(files, 'checkov.json');
  checkov(withoutCheckovMetadata(files), 'checkov-without-acknowledgements.json');
  fs.writeFileSync(path.join(SCANS_OUT, 'scanned.json'), JSON.stringify(scanned, undefined, 1));
  process.stdout.write(`scans written to ${path.relative(REPO, SCANS_OUT)}\n`);
}

main();
