import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The languages whose smoke apps are built and synthesized (test/languages/<language>/). */
export const LANGUAGES = ['typescript', 'python', 'java', 'go'] as const;
export type Language = typeof LANGUAGES[number];

export const REPO = path.resolve(__dirname, '..', '..');

/** Where a language's synthesized cloud assembly and caught validation error are written (git-ignored). */
export const LANGUAGES_OUT = path.join(REPO, '.languages-out');
export function languageOutDir(language: string): string {
  return path.join(LANGUAGES_OUT, language);
}

/**
 * The scratch directory of the smoke apps and the scanners (SMOKE_WORK_DIR, or one per checkout in the system's
 * temporary directory): their node_modules, virtual environments and Maven and Go builds stay out of jest and tsc.
 */
export const SMOKE_WORK = process.env.SMOKE_WORK_DIR
  ?? path.join(os.tmpdir(), `cdk-msk-replicator-smoke-${crypto.createHash('sha256').update(REPO).digest('hex').slice(0, 8)}`);

/** The scratch copy of a language's smoke app, where it is installed and synthesized. */
export function scratchDir(language: Language): string {
  return path.join(SMOKE_WORK, language);
}

/**
 * The Maven local repository of the Java smoke app: the runner's own, passed to every Maven run of the app as
 * `-Dmaven.repo.local` (in its .mvn/maven.config), so that neither a settings.xml nor MAVEN_OPTS moves it. It is kept
 * between runs as a cache of released artifacts; the runner deletes this library's own artifact from it first.
 */
export const MAVEN_REPOSITORY = path.join(SMOKE_WORK, 'maven-repository');

/** The virtual environment of the template scanners (test/template-scans/). */
export const SCANNERS_VENV = path.join(SMOKE_WORK, 'scanners');

/** The `cdk.context.json` the README gives for its complete app (the ```json block under "## A complete app"). */
export function readmeContext(): string {
  const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## A complete app'), readme.indexOf('## Scenarios'));
  const match = /```json\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error('README: no ```json block (cdk.context.json) under "## A complete app"');
  return match[1];
}
