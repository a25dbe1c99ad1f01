import { awscdk, JsonFile } from 'projen';

/**
 * The runs on the newest aws-cdk-lib. The project compiles and runs its main suite against the floor (`cdkVersion`,
 * the oldest aws-cdk-lib it supports), but users install the newest: these tasks install the newest aws-cdk-lib,
 * constructs and CDK CLI that the registry has at build time into `.newest-aws-cdk/` (a scratch directory, so the
 * floor in node_modules stays as it is) and run what a user sees against them.
 *
 * - `test:newest`: the test files that pin user-visible behaviour, with `aws-cdk-lib` and `constructs` mapped to the
 *   newest (jest `moduleNameMapper`, so cdk-nag and the integ-tests library load the same copy), and with
 *   `JSII_DEPRECATED=fail`, which makes every call of a deprecated aws-cdk-lib API throw instead of printing a warning.
 * - `test:fresh-app`: a new CDK app made by the newest CLI's `cdk init`, with the packed tarball and the newest
 *   aws-cdk-lib installed, the README's complete app as its entry point, synthesized by the real CLI offline.
 *
 * Both fail when the newest version cannot be installed: they never skip and never fall back to the floor.
 */

/** Where the newest versions are installed (see test/newest-aws-cdk/versions.ts). */
const NEWEST_DIR = '.newest-aws-cdk';

/**
 * The test files that pin what users see: the README's examples and complete app, the synthesized examples, cdk-nag,
 * the public API's errors and warnings, and the README statements that depend on the aws-cdk-lib version. Tests of
 * the handler and the local AWS are left out (they do not load aws-cdk-lib), and so are the integration snapshots,
 * which record the floor's template byte for byte.
 */
export const USER_VISIBLE_TESTS = [
  'test/readme.test.ts',
  'test/readme-cross-region.test.ts',
  'test/version-statements.test.ts',
  'test/active-active.test.ts',
  'test/nag.test.ts',
  'test/replicator.test.ts',
  'test/network.test.ts',
  'test/schema-constraints.test.ts',
  'test/metrics.test.ts',
  'test/limits.test.ts',
  'test/public-errors.test.ts',
  'test/provider-logs.test.ts',
  'test/misconfigurations.test.ts',
];

export function addNewestAwsCdkRuns(project: awscdk.AwsCdkConstructLibrary): void {
  project.gitignore.exclude(`/${NEWEST_DIR}/`);
  project.addPackageIgnore(`/${NEWEST_DIR}/`);

  const transform = { '^.+\\.[t]sx?$': ['ts-jest', { tsconfig: 'tsconfig.dev.json' }] };
  const common = { rootDir: '../..', transform, testTimeout: 60_000, reporters: ['default'], collectCoverage: false };

  new JsonFile(project, 'test/newest-aws-cdk/jest.config.json', {
    marker: false,
    obj: {
      ...common,
      testMatch: USER_VISIBLE_TESTS.map((file) => `<rootDir>/${file}`),
      moduleNameMapper: {
        '^aws-cdk-lib$': `<rootDir>/${NEWEST_DIR}/node_modules/aws-cdk-lib`,
        '^aws-cdk-lib/(.*)$': `<rootDir>/${NEWEST_DIR}/node_modules/aws-cdk-lib/$1`,
        '^constructs$': `<rootDir>/${NEWEST_DIR}/node_modules/constructs`,
        '^constructs/(.*)$': `<rootDir>/${NEWEST_DIR}/node_modules/constructs/$1`,
      },
      setupFiles: ['<rootDir>/test/newest-aws-cdk/setup.ts'],
    },
  });
  new JsonFile(project, 'test/newest-aws-cdk/fresh-app.jest.config.json', {
    marker: false,
    obj: {
      ...common,
      testMatch: ['<rootDir>/test/newest-aws-cdk/fresh-app.newest.ts'],
      // npm installs into a fresh app and two runs of the real CLI
      testTimeout: 900_000,
    },
  });

  const install = project.addTask('newest-aws-cdk:install', {
    description: `Install the newest aws-cdk-lib, constructs and CDK CLI of the registry into ${NEWEST_DIR}/ (fails if it cannot)`,
    exec: 'ts-node --project tsconfig.dev.json test/newest-aws-cdk/install.ts',
  });

  const newest = project.addTask('test:newest', {
    description: 'Run the tests that pin user-visible behaviour on the newest aws-cdk-lib, failing on any deprecated API call',
    env: { JSII_DEPRECATED: 'fail' },
  });
  newest.spawn(install);
  newest.spawn(project.tasks.tryFind('bundle')!);
  newest.exec('jest --ci --config test/newest-aws-cdk/jest.config.json');

  const freshApp = project.addTask('test:fresh-app', {
    description: 'cdk init a fresh app with the newest CLI and aws-cdk-lib, install the packed package, synthesize the README\'s complete app offline',
  });
  freshApp.spawn(install);
  freshApp.exec('jest --ci --config test/newest-aws-cdk/fresh-app.jest.config.json');
}
