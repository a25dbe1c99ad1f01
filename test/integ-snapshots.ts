import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Synthesizes each integration test app (test/integ.*.ts) and compares its templates with the committed
 * snapshot in test/<name>.snapshot/, like integ-runner's snapshot check. With --update, rewrites the snapshots.
 */

export const INTEG_DIR = __dirname;

export function integTests(): string[] {
  return fs.readdirSync(INTEG_DIR).filter((f) => /^integ\..+\.ts$/.test(f)).sort();
}

export function snapshotDir(integFile: string): string {
  return path.join(INTEG_DIR, `${integFile}.snapshot`);
}

/** The templates an integ app synthesizes, by file name. */
export function synthesizeTemplates(integFile: string): Record<string, string> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'integ-'));
  execFileSync(process.execPath, [require.resolve('ts-node/dist/bin'), '--project', path.join(INTEG_DIR, '..', 'tsconfig.dev.json'),
    path.join(INTEG_DIR, integFile)], { env: { ...process.env, CDK_OUTDIR: outdir }, stdio: ['ignore', 'ignore', 'inherit'] });
  const templates: Record<string, string> = {};
  for (const file of fs.readdirSync(outdir).filter((f) => f.endsWith('.template.json')).sort()) {
    const template = fs.readFileSync(path.join(outdir, file), 'utf8')
      // integ-tests assertions carry a per-synth salt (Date.now) so they run on every deployment
      .replace(/"salt": ?"\d+"/g, '"salt": "<per-synth>"');
    templates[file] = `${JSON.stringify(JSON.parse(template), null, 1)}\n`;
  }
  fs.rmSync(outdir, { recursive: true, force: true });
  return templates;
}

export function readSnapshot(integFile: string): Record<string, string> {
  const dir = snapshotDir(integFile);
  if (!fs.existsSync(dir)) return {};
  return Object.fromEntries(fs.readdirSync(dir).sort().map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}

if (require.main === module && process.argv.includes('--update')) {
  for (const integFile of integTests()) {
    const dir = snapshotDir(integFile);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    for (const [file, content] of Object.entries(synthesizeTemplates(integFile))) fs.writeFileSync(path.join(dir, file), content);
    console.log(`updated ${path.relative(process.cwd(), dir)}`);
  }
}
