import { execFileSync, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { goBuildListFile, installedVersions, pinnedAwsCdkLib, pinnedVersions } from './pinned-versions';
import { LANGUAGES, MAVEN_REPOSITORY, REPO, scratchDir } from './smoke-layout';

/**
 * The packages built and how the smoke apps installed them (synth-smoke-apps.ts): the README's install table names
 * what was built; each app resolved exactly its pinned dependencies; the Java app's Maven runs use the runner's own
 * local repository and fail on a checksum mismatch. Run by `npx projen test:languages`, after the packages are built.
 */

const README = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
const CDK_VERSION = JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules', 'aws-cdk-lib', 'package.json'), 'utf8')).version as string;
const LIBRARY_VERSION = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).version as string;

const sorted = (versions: Map<string, string>) => [...versions].map(([name, version]) => `${name}==${version}`).sort();

describe.each(['typescript', 'python', 'java'] as const)('the %s smoke app\'s dependencies', (language) => {
  test('are exactly the pinned versions: none more, none less, none moved', () => {
    expect(sorted(installedVersions(language))).toEqual(sorted(pinnedVersions(language)));
  });
});

describe('the go smoke app\'s modules', () => {
  const buildList = new Map(fs.readFileSync(goBuildListFile(), 'utf8').split('\n').filter((l) => l !== '').map((l) => l.split('==') as [string, string]));
  const goSum = fs.readFileSync(path.join(__dirname, 'go', 'go.sum'), 'utf8');

  test('every module whose packages the app builds is required in go.mod, at the version built', () => {
    const pins = pinnedVersions('go');
    expect([...installedVersions('go')].filter(([module, version]) => pins.get(module) !== version).map(([m, v]) => `${m} ${v}`)).toEqual([]);
    expect(installedVersions('go').get('github.com/aws/aws-cdk-go/awscdk/v2')).toBe(`v${CDK_VERSION}`);
  });

  test('every module go.mod requires is selected at exactly that version', () => {
    const pins = pinnedVersions('go');
    expect(sorted(new Map([...pins.keys()].map((module) => [module, buildList.get(module) ?? 'not in the build list'])))).toEqual(sorted(pins));
  });

  test('go.sum hashes the source and the go.mod of every module built', () => {
    // (the go command itself refuses, read-only, any other module whose go.mod or source it loads without a go.sum line)
    const hashed = (module: string, version: string, what: '' | '/go.mod') => new RegExp(`^${module.replace(/\./g, '\\.')} ${version}${what} h1:`, 'm').test(goSum);
    expect([...installedVersions('go')].filter(([module, version]) => !hashed(module, version, '') || !hashed(module, version, '/go.mod'))
      .map(([m, v]) => `${m} ${v}`)).toEqual([]);
  });
});

describe.each(LANGUAGES)('the %s smoke app', (language) => {
  test('pins aws-cdk-lib at the version of the TypeScript tests', () => {
    expect(pinnedAwsCdkLib(language)).toBe(CDK_VERSION);
  });
});

describe('the Java smoke app\'s Maven runs', () => {
  const javaDir = scratchDir('java');
  const mvn = (cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync('mvn', ['-B', ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });

  test('use the runner\'s own local repository, whatever settings.xml or MAVEN_OPTS say', () => {
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'maven-elsewhere-'));
    try {
      const settings = path.join(elsewhere, 'settings.xml');
      fs.writeFileSync(settings, `<settings><localRepository>${path.join(elsewhere, 'settings-repository')}</localRepository></settings>\n`);
      // offline: it succeeds only if Maven reads the repository the install filled
      const run = mvn(javaDir, ['-q', '-o', '-s', settings, 'compile'], { MAVEN_OPTS: `-Dmaven.repo.local=${path.join(elsewhere, 'maven-opts-repository')}` });
      // (Maven 3.8 prints colour resets even in batch mode)
      expect({ status: run.status, output: `${run.stdout}${run.stderr}`.replace(/\x1b\[[0-9;]*m/g, '') }).toEqual({ status: 0, output: '' });
      expect(fs.readdirSync(elsewhere)).toEqual(['settings.xml']);
      const jar = `cdk-msk-replicator-${LIBRARY_VERSION}.jar`;
      const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
      expect(sha256(path.join(MAVEN_REPOSITORY, 'io/github/cdk-msk-replicator/cdk-msk-replicator', LIBRARY_VERSION, jar)))
        .toBe(sha256(path.join(REPO, 'dist/java/io/github/cdk-msk-replicator/cdk-msk-replicator', LIBRARY_VERSION, jar)));
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  test('fail on a download whose checksum does not match (--strict-checksums), where Maven\'s default only warns', () => {
    // the built jar republished under another version in a repository whose .sha1 for the jar is wrong
    const version = `${LIBRARY_VERSION}-checksum-mismatch`;
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'maven-checksum-'));
    const coordinates = 'io/github/cdk-msk-replicator/cdk-msk-replicator';
    const cached = path.join(MAVEN_REPOSITORY, coordinates, version);
    try {
      const published = path.join(work, 'repository', coordinates, version);
      fs.mkdirSync(published, { recursive: true });
      const built = path.join(REPO, 'dist', 'java', coordinates, LIBRARY_VERSION, `cdk-msk-replicator-${LIBRARY_VERSION}`);
      const pom = fs.readFileSync(`${built}.pom`, 'utf8').replace(`<version>${LIBRARY_VERSION}</version>`, `<version>${version}</version>`);
      const sha1 = (data: string | Buffer) => crypto.createHash('sha1').update(data).digest('hex');
      fs.writeFileSync(path.join(published, `cdk-msk-replicator-${version}.pom`), pom);
      fs.writeFileSync(path.join(published, `cdk-msk-replicator-${version}.pom.sha1`), sha1(pom));
      fs.copyFileSync(`${built}.jar`, path.join(published, `cdk-msk-replicator-${version}.jar`));
      fs.writeFileSync(path.join(published, `cdk-msk-replicator-${version}.jar.sha1`), sha1('not the jar'));

      const project = path.join(work, 'project');
      fs.cpSync(javaDir, project, { recursive: true, filter: (source) => !source.startsWith(path.join(javaDir, 'target')) });
      const config = path.join(project, '.mvn', 'maven.config');
      const withRepository = fs.readFileSync(config, 'utf8')
        .replace(/^-Dlibrary\.repository=.*$/m, `-Dlibrary.repository=file://${path.join(work, 'repository')}`)
        .replace(/^-Dlibrary\.version=.*$/m, `-Dlibrary.version=${version}`);
      fs.rmSync(cached, { recursive: true, force: true });
      fs.writeFileSync(config, withRepository);
      const strict = mvn(project, ['dependency:resolve', '-DincludeArtifactIds=cdk-msk-replicator']);
      expect(strict.status).not.toBe(0);
      expect(strict.stdout).toMatch(/[Cc]hecksum validation failed/);
      expect(fs.existsSync(path.join(cached, `cdk-msk-replicator-${version}.jar`))).toBe(false);

      // the same without --strict-checksums: Maven warns and takes the jar
      fs.writeFileSync(config, withRepository.replace(/^--strict-checksums\n/m, ''));
      const lax = mvn(project, ['dependency:resolve', '-DincludeArtifactIds=cdk-msk-replicator']);
      expect(lax.status).toBe(0);
      expect(lax.stdout).toMatch(/[Cc]hecksum validation failed/);
      expect(fs.existsSync(path.join(cached, `cdk-msk-replicator-${version}.jar`))).toBe(true);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
      fs.rmSync(cached, { recursive: true, force: true });
    }
  });
});

describe('the README install table names what was built', () => {
  const row = (language: string) => README.split('\n').find((line) => line.startsWith(`| ${language} |`)) ?? '';
  const zipEntries = (file: string) => execFileSync('python3', ['-c',
    'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', file], { encoding: 'utf8' }).split('\n');
  const zipEntry = (file: string, entry: string) => execFileSync('python3', ['-c',
    'import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())', file, entry], { encoding: 'utf8' });
  const only = (dir: string, pattern: RegExp) => {
    const found = fs.readdirSync(dir).filter((f) => pattern.test(f));
    expect(found).toHaveLength(1);
    return path.join(dir, found[0]);
  };

  test('npm: the package name', () => {
    const tarball = only(path.join(REPO, 'dist', 'js'), /\.tgz$/);
    const name = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' })).name;
    expect(row('TypeScript / JavaScript')).toContain(`\`npm install ${name}\``);
  });

  test('Python: the distribution and the module', () => {
    const wheel = only(path.join(REPO, 'dist', 'python'), /\.whl$/);
    const entries = zipEntries(wheel);
    const metadata = zipEntry(wheel, entries.find((e) => e.endsWith('.dist-info/METADATA'))!);
    const distribution = /^Name: (\S+)$/m.exec(metadata)![1];
    const modules = [...new Set(entries.filter((e) => e.endsWith('/__init__.py') && e.split('/').length === 2).map((e) => e.split('/')[0]))];
    expect(modules).toHaveLength(1);
    expect(row('Python')).toContain(`\`pip install ${distribution}\` (module \`${modules[0]}\`)`);
  });

  test('Java: the Maven coordinates and the package', () => {
    const repository = path.join(REPO, 'dist', 'java');
    const pomFile = execFileSync('find', [repository, '-name', '*.pom'], { encoding: 'utf8' }).trim();
    const pom = fs.readFileSync(pomFile, 'utf8');
    const coordinate = (tag: string) => new RegExp(`<project[\\s\\S]*?\\n  <${tag}>([^<]+)</${tag}>`).exec(pom)![1];
    const jar = pomFile.replace(/\.pom$/, '.jar');
    const packages = [...new Set(zipEntries(jar).filter((e) => e.endsWith('/MskReplicator.class')).map((e) => path.dirname(e).replace(/\//g, '.')))];
    expect(packages).toHaveLength(1);
    expect(row('Java (Maven)')).toContain(
      `<groupId>${coordinate('groupId')}</groupId><artifactId>${coordinate('artifactId')}</artifactId>`);
    expect(row('Java (Maven)')).toContain(`(package \`${packages[0]}\`)`);
  });

  test('Go: the module path, whose last element is the package', () => {
    const moduleDir = path.join(REPO, 'dist', 'go', 'cdkmskreplicator');
    const modulePath = /^module (\S+)$/m.exec(fs.readFileSync(path.join(moduleDir, 'go.mod'), 'utf8'))![1];
    const packageClause = /^package (\w+)$/m.exec(fs.readFileSync(path.join(moduleDir, 'MskReplicator.go'), 'utf8'))![1];
    expect(row('Go')).toContain(`\`go get ${modulePath}\``);
    expect(modulePath.split('/').pop()).toBe(packageClause);
  });

  test('.NET (not built here): the package id and namespace the assembly declares', () => {
    const assembly = JSON.parse(fs.readFileSync(path.join(REPO, '.jsii'), 'utf8'));
    const dotnet = assembly.targets.dotnet as { packageId: string; namespace: string };
    expect(row('.NET')).toContain(`\`dotnet add package ${dotnet.packageId}\` (namespace \`${dotnet.namespace}\`)`);
  });
});
