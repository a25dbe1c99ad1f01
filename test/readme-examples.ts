import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * Runs a README example as written: the TypeScript code blocks of one `###` section, transpiled and executed with
 * the names the rosetta fixture (rosetta/default.ts-fixture) declares bound to concrete values, so the test
 * synthesizes exactly what the README shows (jsii-rosetta only compiles it).
 */

const README = path.join(__dirname, '..', 'README.md');

/** The ```ts blocks of the README section whose heading is `### <heading>`, in order. */
export function readmeSection(heading: string): string[] {
  const readme = fs.readFileSync(README, 'utf8');
  const section = readme.split(/^### /m).find((s) => s.startsWith(`${heading}\n`));
  if (section === undefined) throw new Error(`README has no section "### ${heading}"`);
  const body = section.split(/^## /m)[0];
  return [...body.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/**
 * Executes one code block with `scope` as its free names; `declare const x` lines take their value from `scope`, and
 * `this` is `self` (the fixture's stack, for the examples written inside it).
 */
export function runReadmeExample(code: string, scope: Record<string, unknown>, self?: unknown): void {
  const withoutDeclarations = code.replace(/^declare const .*$/gm, '');
  const js = ts.transpileModule(withoutDeclarations, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 },
  }).outputText;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const run = new Function(...Object.keys(scope), js);
  run.apply(self, Object.values(scope));
}
