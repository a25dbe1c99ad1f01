/**
 * Installs each language's smoke app from the packages `npx projen package:*` wrote to dist/, the way a user installs
 * a CDK library, with every other dependency at its pinned version (pinned-versions.ts), and synthesizes it with the
 * CDK CLI (which reads the app's cdk.json and cdk.context.json):
 *
 * - TypeScript: `npm install` of the npm tarball into the app's package.json; `tsc` (strict) against the installed
 *   declarations; `cdk synth` runs `node app.js`.
 * - Python: a fresh virtual environment, `pip install -c constraints.txt` of the wheel and aws-cdk-lib from PyPI;
 *   `cdk synth` runs `.venv/bin/python app.py`.
 * - Java: Maven with the jar from the Maven repository in dist/java and aws-cdk-lib from Maven Central, in a local
 *   repository of the runner's own, with strict checksums; `cdk synth` runs `mvn compile exec:java`.
 * - Go: the module in dist/go (a `replace` directive, as for any module not yet published) and aws-cdk-go from the
 *   Go module proxy, at the versions of the app's go.mod and go.sum; `go vet`; `cdk synth` runs `go run .`.
 *
 * Each app's `cdk.context.json` is the one the README gives for its complete app (the answer of the VPC lookup), so
 * the CLI synthesizes offline what a user who saved that file would.
 *
 * aws-cdk-lib is the version this repository's TypeScript tests use, in every language. Each app's cloud assembly and
 * the validation error it caught go to .languages-out/<language>/, which the *.smoke.ts tests and the template scans
 * read. Usage: `ts-node test/languages/synth-smoke-apps.ts [language...]` (all four by default).
 */
import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { goBuildListFile, installedFile, pinnedAwsCdkLib } from './pinned-versions';
import { LANGUAGES, Language, languageOutDir, MAVEN_REPOSITORY, readmeContext, REPO, scratchDir } from './smoke-layout';

const DIST = path.join(REPO, 'dist');
const CDK_CLI = path.join(REPO, 'node_modules', '.bin', 'cdk');
const CDK_VERSION = JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules', 'aws-cdk-lib', 'package.json'), 'utf8')).version as string;
const LIBRARY_VERSION = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).version as string;

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
  if (pinnedAwsCdkLib(language) !== CDK_VERSION) {
    throw new Error(`test/languages/${language} pins aws-cdk-lib ${pinnedAwsCdkLib(language)}, the TypeScript tests use `
      + `${CDK_VERSION}: update its pins (see test/languages/pinned-versions.ts)`);
  }
  const dir = scratchDir(language);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(path.join(__dirname, language), dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'cdk.context.json'), readmeContext());
  return dir;
}

/** Records what a language's install resolved (`name==version` lines), which built-packages.smoke.ts compares with the pins. */
function recordInstalled(language: Language, lines: string[]): void {
  fs.mkdirSync(languageOutDir(language), { recursive: true });
  fs.writeFileSync(installedFile(language), [...new Set(lines)].sort().join('\n') + '\n');
}

/** Installs the built package and the app's pinned dependencies; returns a note on what was installed. */
const INSTALL: Record<Language, (dir: string) => string> = {
  typescript: (dir) => {
    const tarball = onlyFile(path.join(DIST, 'js'), /\.tgz$/);
    // package.json pins every dependency, and its overrides the transitive ones
    run(dir, 'npm', ['install', '--no-audit', '--no-fund', tarball]);
    const lock = JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string; resolved?: string; inBundle?: boolean }>;
    };
    const resolved = lock.packages['node_modules/cdk-msk-replicator']?.resolved;
    if (resolved === undefined || path.resolve(dir, resolved.replace(/^file:/, '')) !== tarball) {
      throw new Error(`cdk-msk-replicator was not installed from ${tarball} (resolved: ${resolved})`);
    }
    // packages bundled inside aws-cdk-lib ship with it, at the versions of its release
    recordInstalled('typescript', Object.entries(lock.packages)
      .filter(([at, p]) => at.startsWith('node_modules/') && !p.inBundle && at !== 'node_modules/cdk-msk-replicator')
      .map(([at, p]) => `${at.replace(/^.*node_modules\//, '')}==${p.version}`));
    run(dir, path.join(REPO, 'node_modules', '.bin', 'tsc'), ['-p', '.']);
    return `cdk-msk-replicator from ${path.relative(REPO, tarball)}, aws-cdk-lib ${CDK_VERSION}`;
  },
  python: (dir) => {
    const wheel = onlyFile(path.join(DIST, 'python'), /\.whl$/);
    run(dir, 'python3', ['-m', 'venv', '.venv']);
    run(dir, '.venv/bin/pip', ['install', '--no-input', '--disable-pip-version-check', '-c', 'constraints.txt', wheel, `aws-cdk-lib==${CDK_VERSION}`]);
    const frozen = run(dir, '.venv/bin/pip', ['freeze', '--disable-pip-version-check']).trim().split('\n');
    // `cdk-msk-replicator @ file:///.../dist/python/<wheel>`, with `#sha256=<hash>` when pip recorded the file's hash
    const installed = frozen.find((line) => line.startsWith('cdk-msk-replicator @ '));
    const recordedHash = /#sha256=([0-9a-f]{64})$/.exec(installed ?? '')?.[1];
    if (installed?.replace(/#sha256=[0-9a-f]{64}$/, '') !== `cdk-msk-replicator @ file://${wheel}` || (recordedHash !== undefined && recordedHash !== sha256(wheel))) {
      throw new Error(`the wheel ${wheel} is not what pip installed:\n${frozen.join('\n')}`);
    }
    recordInstalled('python', frozen.filter((line) => !line.startsWith('cdk-msk-replicator @ ')));
    return frozen.filter((l) => /^(aws-cdk-lib|constructs|jsii)==/.test(l)).join(', ') + `, the wheel ${path.relative(REPO, wheel)}`;
  },
  java: (dir) => {
    const repository = path.join(DIST, 'java');
    const jar = onlyFile(path.join(repository, 'io/github/cdk-msk-replicator/cdk-msk-replicator', LIBRARY_VERSION), /^cdk-msk-replicator-[^-]+\.jar$/);
    // A version of our own coordinates already in the local repository would shadow the jar just built: Maven takes
    // a release version it holds without asking any repository again. aws-cdk-lib and the plugins stay cached.
    const localCopy = path.join(MAVEN_REPOSITORY, 'io', 'github', 'cdk-msk-replicator');
    fs.rmSync(localCopy, { recursive: true, force: true });
    // Every Maven run in the app's directory (this install, and `cdk synth`'s `mvn compile exec:java`) reads
    // .mvn/maven.config: the runner's own local repository (a command-line -D wins over settings.xml's
    // <localRepository> and over MAVEN_OPTS), and --strict-checksums, so that a download whose .sha1 does not match
    // fails instead of Maven 3's default of a warning.
    fs.mkdirSync(path.join(dir, '.mvn'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.mvn', 'maven.config'), [
      '--strict-checksums',
      `-Dmaven.repo.local=${MAVEN_REPOSITORY}`,
      `-Dlibrary.repository=file://${repository}`,
      `-Dlibrary.version=${LIBRARY_VERSION}`,
    ].join('\n') + '\n');
    run(dir, 'mvn', ['-B', '-q', 'compile']);
    const used = path.join(localCopy, 'cdk-msk-replicator', LIBRARY_VERSION, path.basename(jar));
    if (!fs.existsSync(used) || sha256(used) !== sha256(jar)) throw new Error(`Maven did not resolve the jar just built (${jar})`);
    const listing = path.join(dir, 'target', 'dependencies.txt');
    run(dir, 'mvn', ['-B', '-q', 'dependency:list', '-DincludeScope=runtime', '-DoutputAbsoluteArtifactFilename=false',
      '-DexcludeArtifactIds=cdk-msk-replicator', `-DoutputFile=${listing}`]);
    // lines like `   software.amazon.awscdk:aws-cdk-lib:jar:2.257.0:compile`
    recordInstalled('java', fs.readFileSync(listing, 'utf8').split('\n')
      .map((line) => /^\s+([^:\s]+):([^:\s]+):jar:([^:\s]+):(compile|runtime)/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => `${m[1]}:${m[2]}==${m[3]}`));
    return `the jar ${path.relative(REPO, jar)} (sha256 ${sha256(jar).slice(0, 12)}), aws-cdk-lib ${CDK_VERSION}`;
  },
  go: (dir) => {
    const module = path.join(DIST, 'go', 'cdkmskreplicator');
    const modulePath = /^module (\S+)$/m.exec(fs.readFileSync(path.join(module, 'go.mod'), 'utf8'))?.[1];
    // go.mod requires every module at its pinned version and go.sum holds their hashes: no `go mod tidy`, and the
    // go command (read-only on go.mod by default) fails if the library's module needs anything else
    run(dir, 'go', ['mod', 'edit', `-replace=${modulePath}=${module}`]);
    run(dir, 'go', ['mod', 'verify']);
    run(dir, 'go', ['vet', '.']);
    // the modules whose packages the app builds; and the whole build list, which go.sum must hash
    const lines = (text: string) => text.split('\n').filter((line) => line !== '');
    recordInstalled('go', lines(run(dir, 'go', ['list', '-deps', '-f',
      '{{with .Module}}{{if not .Main}}{{if not .Replace}}{{.Path}}=={{.Version}}{{end}}{{end}}{{end}}', '.'])));
    fs.writeFileSync(goBuildListFile(), [...lines(run(dir, 'go', ['list', '-m', '-f',
      '{{if not .Main}}{{if not .Replace}}{{.Path}}=={{.Version}}{{end}}{{end}}', 'all']))].sort().join('\n') + '\n');
    return `the module ${path.relative(REPO, module)} (${modulePath}), awscdk/v2 v${CDK_VERSION}`;
  },
};

function synthesize(language: Language): Record<string, number | string> {
  const timings: Record<string, number | string> = {};
  const started = Date.now();
  // the previous run's output goes first: a failed install or synth leaves nothing a test could take for this run's
  const out = languageOutDir(language);
  fs.rmSync(out, { recursive: true, force: true });
  const dir = scratchProject(language);
  process.stdout.write(`${language}: installing in ${dir}\n`);
  timings.installed = INSTALL[language](dir);
  const installed = Date.now();
  timings.installSeconds = (installed - started) / 1000;

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
