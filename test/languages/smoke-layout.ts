import * as fs from 'fs';
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

/** The `cdk.context.json` the README gives for its complete app (the ```json block under "## A complete app"). */
export function readmeContext(): string {
  const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## A complete app'), readme.indexOf('## Scenarios'));
  const match = /```json\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error('README: no ```json block (cdk.context.json) under "## A complete app"');
  return match[1];
}
