import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { NEWEST_DIR, NewestVersions, ROOT, VERSIONS_FILE } from './versions';

/**
 * Installs the newest aws-cdk-lib, constructs and CDK CLI that the npm registry has right now into `.newest-aws-cdk/`
 * and records their versions in `.newest-aws-cdk/versions.json`. The project's own node_modules (the floor) is not
 * touched. Any failure (registry unreachable, install failed, a version other than the newest installed) exits
 * non-zero: the runs on the newest version never fall back to the floor.
 */

const PACKAGES = { awsCdkLib: 'aws-cdk-lib', constructs: 'constructs', awsCdkCli: 'aws-cdk' } as const;

function newestInRegistry(name: string): string {
  const version = execFileSync('npm', ['view', name, 'version'], { encoding: 'utf8' }).trim();
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`npm view ${name} version answered "${version}"`);
  return version;
}

function installedVersion(name: string): string | undefined {
  const file = path.join(NEWEST_DIR, 'node_modules', name, 'package.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version : undefined;
}

function main(): void {
  const floor = (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'aws-cdk-lib', 'package.json'), 'utf8')) as { version: string }).version;
  const wanted = Object.fromEntries(Object.entries(PACKAGES).map(([key, name]) => [key, newestInRegistry(name)])) as
    Record<keyof typeof PACKAGES, string>;
  const upToDate = Object.entries(PACKAGES).every(([key, name]) => installedVersion(name) === wanted[key as keyof typeof PACKAGES]);
  if (!upToDate) {
    fs.rmSync(NEWEST_DIR, { recursive: true, force: true });
    fs.mkdirSync(NEWEST_DIR, { recursive: true });
    const dependencies = Object.fromEntries(Object.entries(PACKAGES).map(([key, name]) => [name, wanted[key as keyof typeof PACKAGES]]));
    fs.writeFileSync(path.join(NEWEST_DIR, 'package.json'), JSON.stringify({ name: 'newest-aws-cdk', private: true, dependencies }, null, 2));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: NEWEST_DIR, stdio: 'inherit' });
  }
  for (const [key, name] of Object.entries(PACKAGES)) {
    const installed = installedVersion(name);
    if (installed !== wanted[key as keyof typeof PACKAGES]) {
      throw new Error(`${name}: ${wanted[key as keyof typeof PACKAGES]} is the newest in the registry, but ${installed ?? 'nothing'} is installed in ${NEWEST_DIR}`);
    }
  }
  const versions: NewestVersions = { ...wanted, floor };
  fs.writeFileSync(VERSIONS_FILE, JSON.stringify(versions, null, 2));
  console.log(`newest in the registry: aws-cdk-lib ${versions.awsCdkLib}, constructs ${versions.constructs}, CDK CLI ${versions.awsCdkCli} `
    + `(the floor, in node_modules: aws-cdk-lib ${floor}) ${upToDate ? 'already installed' : 'installed'} in ${path.relative(ROOT, NEWEST_DIR)}/`);
}

main();
