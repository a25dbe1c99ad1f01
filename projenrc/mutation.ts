import { awscdk, JsonFile } from 'projen';

/**
 * Mutation testing of the handler's decision logic with StrykerJS (`npx projen mutation`, docs/mutation.md).
 *
 * Not part of `build` nor of `.ci/run`: a run takes tens of minutes on two cores. StrykerJS 9.5.1 is the last line
 * that runs on Node 20 (10.x requires Node 22).
 */

const STRYKER_VERSION = '9.5.1';

/** The files whose mutants are counted: the handler's decisions (the SDK calls around them are in kafka-calls.ts). */
export const MUTATED_FILES = [
  'src/provider/lifecycle.ts',
  'src/provider/on-event.ts',
  'src/provider/is-complete.ts',
  'src/provider/ownership.ts',
  'src/provider/properties.ts',
];

/**
 * The test files run against every mutant. They load the handler from source (the simulator suites load the bundled
 * asset, which no mutant reaches): a suite that can run the handler from source joins with one line here, the task
 * below already setting the variable that makes it do so.
 */
export const MUTATION_TEST_FILES = [
  'test/handler.test.ts',
  'test/handler-create.test.ts',
  'test/handler-retain.test.ts',
  'test/handler-rollback.test.ts',
  'test/planner.property.test.ts',
  'test/planner-examples.test.ts',
];

export function addMutationTesting(project: awscdk.AwsCdkConstructLibrary): void {
  project.addDevDeps(`@stryker-mutator/core@${STRYKER_VERSION}`, `@stryker-mutator/jest-runner@${STRYKER_VERSION}`);

  new JsonFile(project, 'stryker.config.json', {
    marker: false,
    obj: {
      $schema: './node_modules/@stryker-mutator/core/schema/stryker-schema.json',
      mutate: MUTATED_FILES,
      testRunner: 'jest',
      jest: {
        projectType: 'custom',
        // every listed file runs for the dry run; then each mutant runs only the tests that reached it (perTest)
        enableFindRelatedTests: false,
        config: {
          testMatch: MUTATION_TEST_FILES.map((file) => `<rootDir>/${file}`),
          // the sandbox lives under .stryker-tmp/, which the main jest configuration ignores
          testPathIgnorePatterns: ['/node_modules/'],
          // tsconfig.dev.json sets isolatedModules: ts-jest transpiles without type-checking, so a mutant that
          // only breaks a type is not counted as killed
          transform: { '^.+\\.[t]sx?$': ['ts-jest', { tsconfig: 'tsconfig.dev.json' }] },
          testTimeout: 60_000,
          clearMocks: true,
        },
      },
      coverageAnalysis: 'perTest',
      // the machine's cores are shared; `--concurrency 2` on a free machine
      concurrency: 1,
      // later runs re-test only the mutants whose code or covering tests changed (reports/stryker-incremental.json)
      incremental: true,
      reporters: ['clear-text', 'progress', 'html', 'json'],
      htmlReporter: { fileName: 'reports/mutation/mutation.html' },
      jsonReporter: { fileName: 'reports/mutation/mutation.json' },
      clearTextReporter: { allowColor: false, logTests: false },
      // the sandbox needs the sources, the tests and the bundled asset (the examples synthesize a stack); not the
      // build outputs and scratch directories of other tasks
      ignorePatterns: [
        '/lib', '/dist', '/coverage', '/test-reports', '/cdk.out', '/.demo-out', '/.docs-check',
        '/.languages-out', '/.newest-aws-cdk', '/.jsii',
      ],
      thresholds: { high: 90, low: 80, break: null },
      timeoutMS: 60_000,
    },
  });

  const mutation = project.addTask('mutation', {
    description: 'Mutation testing of src/provider/ decision logic with StrykerJS (slow: see docs/mutation.md; not part of build)',
    env: { HANDLER_SOURCE: 'src' },
  });
  // the examples the tests use synthesize a stack, which stages the bundled handler asset
  mutation.spawn(project.tasks.tryFind('bundle')!);
  mutation.exec('stryker run stryker.config.json');

  project.gitignore.exclude('/reports/', '/.stryker-tmp/');
  project.addPackageIgnore('/reports/');
  project.addPackageIgnore('/.stryker-tmp/');
  project.addPackageIgnore('/stryker.config.json');
  project.jest?.addIgnorePattern('/.stryker-tmp/');
  // nor load modules from there (its copy of package.json would collide with ours in jest's module map)
  project.tryFindObjectFile('package.json')?.addOverride('jest.modulePathIgnorePatterns', ['<rootDir>/.stryker-tmp/']);
  project.eslint?.addIgnorePattern('.stryker-tmp/');
  project.tsconfigDev.addExclude('.stryker-tmp');
}
