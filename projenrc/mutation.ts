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

/** The unit suites: the handler from source against a mocked SDK client, its waits on a virtual clock. */
const UNIT_SUITES = [
  'test/handler.test.ts',
  'test/handler-create.test.ts',
  'test/handler-retain.test.ts',
  'test/handler-rollback.test.ts',
  'test/planner.property.test.ts',
  'test/planner-examples.test.ts',
  'test/rolled-back-mark.test.ts',
  'test/adoption-tag-lag.test.ts',
  'test/is-complete-paths.test.ts',
  'test/on-event-paths.test.ts',
  'test/planner-fields.test.ts',
  'test/properties-decode.test.ts',
];

/**
 * The local-world suites: the handler from source (HANDLER_SOURCE=src, set by the task) behind aws-cdk-lib's Provider
 * framework runtime, against the MSK simulator and the stack emulator over HTTP. The property test is left out: its
 * histories are random unless seeded, and a seeded one explores no more than these suites pin.
 */
const LOCAL_WORLD_SUITES = [
  'test/lifecycle.test.ts',
  'test/faults.test.ts',
  'test/cloudformation-sequences.test.ts',
  'test/rollback-identity.test.ts',
  'test/hostile-regressions.test.ts',
  'test/late-visibility.test.ts',
  'test/virtual-time.test.ts',
  'test/time-budget.test.ts',
  'test/replacement-protection.test.ts',
  'test/adoption.test.ts',
  'test/adoption-review.test.ts',
  'test/service-role-access.test.ts',
  'test/iam-lifecycle.test.ts',
  'test/onevent-transient.test.ts',
  'test/rollback-mark.test.ts',
  'test/rollback-mark-on-completion.test.ts',
  'test/rollback-return-tags.test.ts',
  'test/rollback-tag-read-lag.test.ts',
  'test/own-replacement-tag-lag.test.ts',
  'test/onevent-rerun-time.test.ts',
  'test/is-complete-invocation-time.test.ts',
  'test/retained-mark.test.ts',
];

/**
 * The test files run against the mutants: per mutant, Stryker runs only the tests that reached it (perTest coverage).
 */
export const MUTATION_TEST_FILES = [...UNIT_SUITES, ...LOCAL_WORLD_SUITES];

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
      // the initial run covers every suite above once, the local-world ones with real waits: minutes, not Stryker's 5
      dryRunTimeoutMinutes: 30,
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
