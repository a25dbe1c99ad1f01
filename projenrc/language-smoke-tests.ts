import { awscdk } from 'projen';

/**
 * The tasks that build every jsii language's package and run it, after `npx projen build`:
 *
 * - `test:languages`: packages JavaScript, Python, Java and Go with projen's own package tasks (jsii-pacmak), installs
 *   each language's smoke app (test/languages/<language>/) from those packages as a user would, synthesizes it with
 *   the CDK CLI, and checks that every language synthesizes the TypeScript app's templates and that the README's
 *   install table names what was built. .NET is not packaged: no .NET SDK on the project's machines (the build's
 *   jsii-rosetta still translates the README's examples to C#, but nothing compiles that C#).
 * - `test:templates`: cfn-lint and checkov (from PyPI, every distribution pinned in test/template-scans/constraints.txt)
 *   over every synthesized example template: the smoke apps of all languages, the examples and the integration test
 *   app; cfn-lint with `--regions` set to each stack's Region.
 */
export function addLanguageSmokeTests(project: awscdk.AwsCdkConstructLibrary): void {
  const languages = project.addTask('test:languages', {
    description: 'Package every jsii language but .NET, then build, run and compare each language\'s smoke app (after build)',
  });
  for (const packageTask of ['package:js', 'package:python', 'package:java', 'package:go']) {
    languages.spawn(project.tasks.tryFind(packageTask)!);
  }
  languages.exec('ts-node --project tsconfig.dev.json test/languages/synth-smoke-apps.ts');
  languages.exec('jest --ci --coverage=false --testMatch "**/test/languages/*.smoke.ts"');

  const templates = project.addTask('test:templates', {
    description: 'cfn-lint and checkov over every synthesized example template (after test:languages)',
  });
  templates.exec('ts-node --project tsconfig.dev.json test/template-scans/scan-templates.ts');
  templates.exec('jest --ci --coverage=false --testMatch "**/test/template-scans/*.smoke.ts"');

  // synthesized assemblies and scan results; the scratch projects (venvs, node_modules, Maven and Go builds) live
  // in the system's temporary directory, away from jest and tsc
  project.gitignore.exclude('/.languages-out/');
  project.addPackageIgnore('/.languages-out/');
  // The TypeScript smoke app imports the package by its published name, which resolves only in its scratch project,
  // where `tsc --strict` checks it against the installed declarations.
  project.eslint?.addIgnorePattern('test/languages/typescript/');
  project.tsconfigDev.addExclude('test/languages/typescript');
}
