import * as fs from 'fs';
import * as path from 'path';
import { Language, languageOutDir } from './smoke-layout';

/**
 * The exact versions each smoke app installs besides the library itself, read from the files its own tooling reads:
 *
 * - TypeScript: `dependencies` and `overrides` (the transitive packages) of test/languages/typescript/package.json;
 * - Python: test/languages/python/constraints.txt (`pip install -c`);
 * - Java: `<dependencyManagement>` of test/languages/java/pom.xml;
 * - Go: the `require` lines of test/languages/go/go.mod, whose hashes test/languages/go/go.sum holds.
 *
 * synth-smoke-apps.ts records what each install resolved (`installedFile`); built-packages.smoke.ts compares the two,
 * so a dependency that appears, vanishes or moves fails the test. Packages bundled inside another (aws-cdk-lib's npm
 * bundle) ship at that package's version and are not listed. For Go, the record is the modules whose packages the
 * app builds; go.mod also requires modules of the build list that provide none (as `go mod tidy` keeps them), so the
 * test checks both ways against the build list (`goBuildListFile`) and go.sum.
 */
export function pinnedVersions(language: Language): Map<string, string> {
  const dir = path.join(__dirname, language);
  const read = (file: string) => fs.readFileSync(path.join(dir, file), 'utf8');
  switch (language) {
    case 'typescript': {
      const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string>; overrides: Record<string, string> };
      return new Map(Object.entries({ ...pkg.dependencies, ...pkg.overrides }));
    }
    case 'python':
      return new Map(read('constraints.txt').split('\n').filter((line) => line !== '' && !line.startsWith('#'))
        .map((line) => line.split('==') as [string, string]));
    case 'java': {
      const management = /<dependencyManagement>([\s\S]*?)<\/dependencyManagement>/.exec(read('pom.xml'))?.[1] ?? '';
      return new Map([...management.matchAll(/<dependency>([\s\S]*?)<\/dependency>/g)].map(([, dependency]) => {
        const tag = (name: string) => new RegExp(`<${name}>([^<]+)</${name}>`).exec(dependency)?.[1];
        return [`${tag('groupId')}:${tag('artifactId')}`, tag('version')!];
      }));
    }
    case 'go': {
      const goMod = read('go.mod');
      const requires = [...goMod.matchAll(/^require \(\n([\s\S]*?)^\)/gm)].flatMap((block) => block[1].split('\n'))
        .map((line) => /^\s+(\S+) (v\S+)/.exec(line)).filter((m): m is RegExpExecArray => m !== null);
      const replaced = new Set([...goMod.matchAll(/^replace (\S+) =>/gm)].map((m) => m[1]));
      return new Map(requires.filter((m) => !replaced.has(m[1])).map((m) => [m[1], m[2]]));
    }
  }
}

/** The name under which each language's pins hold aws-cdk-lib, pinned at the version of the TypeScript tests. */
const AWS_CDK_LIB: Record<Language, string> = {
  typescript: 'aws-cdk-lib',
  python: 'aws-cdk-lib',
  java: 'software.amazon.awscdk:aws-cdk-lib',
  go: 'github.com/aws/aws-cdk-go/awscdk/v2',
};

/** The aws-cdk-lib version a language's smoke app pins (without Go's `v`). */
export function pinnedAwsCdkLib(language: Language): string | undefined {
  return pinnedVersions(language).get(AWS_CDK_LIB[language])?.replace(/^v/, '');
}

/** Where synth-smoke-apps.ts records what a language's install resolved: `name==version` lines. */
export function installedFile(language: Language): string {
  return path.join(languageOutDir(language), 'installed.txt');
}

export function installedVersions(language: Language): Map<string, string> {
  return new Map(fs.readFileSync(installedFile(language), 'utf8').split('\n').filter((line) => line !== '')
    .map((line) => line.split('==') as [string, string]));
}

/** Where synth-smoke-apps.ts records the Go app's whole build list (`go list -m all`): `path==version` lines. */
export function goBuildListFile(): string {
  return path.join(languageOutDir('go'), 'build-list.txt');
}
