/**
 * Installs each language's smoke app from the packages `npx projen package:*` wrote to dist/, the way a user installs
 * a CDK library, and synthesizes it with the CDK CLI (which reads the app's cdk.json and cdk.context.json):
 *
 * - TypeScript: `npm install` of the npm tarball, aws-cdk-lib and constructs; `tsc` (strict) against the installed
 *   declarations; `cdk synth` runs `node app.js`.
 * - Python: a fresh virtual environment, `pip install` of the wheel and aws-cdk-lib from PyPI; `cdk synth` runs
 *   `.venv/bin/python app.py`.
 * - Java: Maven with the jar from the Maven repository in dist/java and aws-cdk-lib from Maven Central;
 *   `cdk synth` runs `mvn compile exec:java`.
 * - Go: the module in dist/go (a `replace` directive, as for any module not yet published) and aws-cdk-go from the
 *   Go module proxy; `go vet`; `cdk synth` runs `go run .`.
 *
 * Each app's `cdk.context.json` is the one the README gives for its complete app (the answer of the VPC lookup), so
 * the CLI synthesizes offline what a user who saved that file would.
 *
 * aws-cdk-lib is the version this repository's TypeScript tests use, in every language. Each app's cloud assembly and
 * the validation error it caught go to .languages-out/<language>/, which languages.smoke.ts and the template scans
 * read. Usage: `ts-node test/languages/synth-smoke-apps.ts [language...]` (all four by default).
 */
import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LANGUAGES, Language, languageOutDir, readmeContext, REPO } from './smoke-layout';

const DIST = path.join(REPO, 'dist');
const CDK_CLI = path.join(REPO, 'node_modules', '.bin', 'cdk');
const installedVersion = (pkg: string): string =>
  JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules', pkg, 'package.json'), 'utf8')).version;
const CDK_VERSION = installedVersion('aws-cdk-lib');
const CONSTRUCTS_VERSION = installedVersion('constructs');
const LIBRARY_VERSION = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).version as string;

/** Scratch projects live outside the repository: their node_modules, venv and build output stay out of jest and tsc. */
const WORK = process.env.SMOKE_WORK_DIR
  ?? path.join(os.tmpdir(), `cdk-msk-replicator-smoke-${crypto.createHash('sha256').update(REPO).digest('hex').slice(0, 8)}`);

function run(cwd: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  process.stdout.write(`  $ ${[command, ...args].join(' ')}\n`);
  try {
    return execFileSync(command, args, {
      cwd,
      env: { ...process.env, ...env },
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${failed.stdout ?? ''}\n${failed.stderr ?? ''}`);
  }
}

function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function onlyFile(dir: string, pattern: RegExp): string {
  const matches = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => pattern.test(f)) : [];
  if (matches.length !== 1) throw new Error(`expected one ${pattern} in ${dir} (run the package task first), found: ${matches.join(', ') || 'none'}`);
  return path.join(dir, matches[0]);
}

/** A fresh copy of test/languages/<language> in the scratch directory, with the README's `cdk.context.json`. */
function scratchProject(language: Language): string {
  const dir = path.join(WORK, language);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(path.join(__dirname, language), dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'cdk.context.json'), readmeContext());
  return dir;
}

/** Installs the built package and the app's dependencies; returns a note on what was installed. */
const INSTALL: Record<Language, (dir: string) => string> = {
  typescript: (dir) => {
    const tarball = onlyFile(path.join(DIST, 'js'), /\.tgz$/);
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'smoke', private: true }, undefined, 2));
    run(dir, 'npm', ['install', '--no-audit', '--no-fund', tarball, `aws-cdk-lib@${CDK_VERSION}`,
      `constructs@${CONSTRUCTS_VERSION}`, `@types/node@${installedVersion('@types/node')}`]);
    const lock = JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8'));
    const resolved = lock.packages['node_modules/cdk-msk-replicator']?.resolved as string | undefined;
    if (resolved === undefined || path.resolve(dir, resolved.replace(/^file:/, '')) !== tarball) {
      throw new Error(`cdk-msk-replicator was not installed from ${tarball} (resolved: ${resolved})`);
    }
    run(dir, path.join(REPO, 'node_modules', '.bin', 'tsc'), ['-p', '.']);
    return `cdk-msk-replicator from ${path.relative(REPO, tarball)}, aws-cdk-lib ${CDK_VERSION}`;
  },
  python: (dir) => {
    const wheel = onlyFile(path.join(DIST, 'python'), /\.whl$/);
    run(dir, 'python3', ['-m', 'venv', '.venv']);
    run(dir, '.venv/bin/pip', ['install', '--no-input', '--disable-pip-version-check', wheel, `aws-cdk-lib==${CDK_VERSION}`]);
    const frozen = run(dir, '.venv/bin/pip', ['freeze', '--disable-pip-version-check']);
    if (!frozen.includes(`cdk-msk-replicator @ file://${wheel}`)) throw new Error(`the wheel ${wheel} is not what pip installed:\n${frozen}`);
    return frozen.trim().split('\n').filter((l) => /^(aws-cdk-lib|constructs|jsii)==/.test(l)).join(', ') + `, the wheel ${path.relative(REPO, wheel)}`;
  },
  java: (dir) => {
    const repository = path.join(DIST, 'java');
    const jar = onlyFile(path.join(repository, 'io/github/cdk-msk-replicator/cdk-msk-replicator', LIBRARY_VERSION), /^cdk-msk-replicator-[^-]+\.jar$/);
    // A version of our own coordinates already in the local repository would shadow the jar just built: Maven takes
    // a release version it holds without asking any repository again. aws-cdk-lib and the plugins stay cached.
    const localRepository = /-Dmaven\.repo\.local=(\S+)/.exec(process.env.MAVEN_OPTS ?? '')?.[1] ?? path.join(os.homedir(), '.m2', 'repository');
    const localCopy = path.join(localRepository, 'io', 'github', 'cdk-msk-replicator');
    fs.rmSync(localCopy, { recursive: true, force: true });
    fs.mkdirSync(path.join(dir, '.mvn'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.mvn', 'maven.config'),
      [`-Dlibrary.repository=file://${repository}`, `-Dlibrary.version=${LIBRARY_VERSION}`, `-Dcdk.version=${CDK_VERSION}`].join('\n') + '\n');
    run(dir, 'mvn', ['-B', '-q', 'compile']);
    const used = path.join(localCopy, 'cdk-msk-replicator', LIBRARY_VERSION, path.basename(jar));
    if (!fs.existsSync(used) || sha256(used) !== sha256(jar)) throw new Error(`Maven did not resolve the jar just built (${jar})`);
    return `the jar ${path.relative(REPO, jar)} (sha256 ${sha256(jar).slice(0, 12)}), aws-cdk-lib ${CDK_VERSION}`;
  },
  go: (dir) => {
    const module = path.join(DIST, 'go', 'cdkmskreplicator');
    const modulePath = /^module (\S+)$/m.exec(fs.readFileSync(path.join(module, 'go.mod'), 'utf8'))?.[1];
    run(dir, 'go', ['mod', 'edit', `-replace=${modulePath}=${module}`, `-require=github.com/aws/aws-cdk-go/awscdk/v2@v${CDK_VERSION}`]);
    run(dir, 'go', ['mod', 'tidy']);
    run(dir, 'go', ['vet', '.']);
    return `the module ${path.relative(REPO, module)} (${modulePath}), awscdk/v2 v${CDK_VERSION}`;
  },
};

function synthesize(language: Language): Record<string, number | string> {
  const timings: Record<string, number | string> = {};
  const started = Date.now();
  const dir = scratchProject(language);
  process.stdout.write(`${language}: installing in ${dir}\n`);
  timings.installed = INSTALL[language](dir);
  const installed = Date.now();
  timings.installSeconds = (installed - started) / 1000;

  const out = languageOutDir(language);
  fs.rmSync(out, { recursive: true, force: true });
  process.stdout.write(`${language}: cdk synth\n`);
  run(dir, CDK_CLI, ['synth', '--quiet', '--no-notices', '--output', path.join(out, 'cdk.out')], {
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  });
  fs.copyFileSync(path.join(dir, 'validation-error.txt'), path.join(out, 'validation-error.txt'));
  timings.synthSeconds = (Date.now() - installed) / 1000;
  return timings;
}

function main(): void {
  const requested = process.argv.slice(2);
  for (const name of requested) {
    if (!(LANGUAGES as readonly string[]).includes(name)) throw new Error(`unknown language ${name}; one of ${LANGUAGES.join(', ')}`);
  }
  const languages = requested.length > 0 ? requested as Language[] : [...LANGUAGES];
  const summary: Record<string, Record<string, number | string>> = {};
  let failed = 0;
  for (const language of languages) {
    try {
      summary[language] = synthesize(language);
      process.stdout.write(`${language}: ok (install ${summary[language].installSeconds} s, synth ${summary[language].synthSeconds} s)\n`);
    } catch (error) {
      failed++;
      summary[language] = { error: (error as Error).message };
      process.stdout.write(`${language}: FAILED\n${(error as Error).message}\n`);
    }
  }
  fs.writeFileSync(path.join(languageOutDir(languages[0]), '..', 'smoke-apps.json'), JSON.stringify(summary, undefined, 2));
  process.stdout.write(`languages: ${languages.length - failed} passed, ${failed} failed\n`);
  if (failed > 0) process.exitCode = 1;
}

main();
