import * as fs from 'fs';
import * as path from 'path';

/**
 * Where the newest aws-cdk-lib, constructs and CDK CLI are installed for the runs on the newest version: a scratch
 * directory of its own, so that the project's node_modules keeps the floor that the main suite, jsii and the
 * README examples compile against.
 */
export const ROOT = path.join(__dirname, '..', '..');
export const NEWEST_DIR = path.join(ROOT, '.newest-aws-cdk');
export const VERSIONS_FILE = path.join(NEWEST_DIR, 'versions.json');

/** The versions installed by `install.ts`, each the newest in the registry when it ran. */
export interface NewestVersions {
  /** The newest aws-cdk-lib (installed in NEWEST_DIR). */
  readonly awsCdkLib: string;
  /** The newest constructs. */
  readonly constructs: string;
  /** The newest CDK CLI (the `aws-cdk` package). */
  readonly awsCdkCli: string;
  /** The floor: the aws-cdk-lib of the project's own node_modules. */
  readonly floor: string;
}

/** The recorded versions; throws (it never skips) when the install step has not run. */
export function newestVersions(): NewestVersions {
  if (!fs.existsSync(VERSIONS_FILE)) {
    throw new Error(`${path.relative(ROOT, VERSIONS_FILE)} is missing: the newest aws-cdk-lib is not installed. `
      + 'Run `npx projen newest-aws-cdk:install` (the test:newest-* tasks run it first).');
  }
  return JSON.parse(fs.readFileSync(VERSIONS_FILE, 'utf8')) as NewestVersions;
}
