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
