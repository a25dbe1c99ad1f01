import { awscdk, javascript } from 'projen';
import { addLanguageSmokeTests } from './projenrc/language-smoke-tests';
import { addMutationTesting } from './projenrc/mutation';
import { addNewestAwsCdkRuns } from './projenrc/newest-aws-cdk';

// The version of @aws-sdk/client-kafka bundled into the handler. Pinned exactly: the Lambda runtime's
// own SDK lags the MSK API and silently drops request fields it does not know.
const CLIENT_KAFKA_VERSION = '3.1169.0';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-msk-replicator',
  description: 'AWS CDK L2 construct for Amazon MSK Replicator: safe in-place updates, generated names, least-privilege roles and an offline MSK API simulator.',
  author: 'cdk-msk-replicator maintainers',
  authorAddress: 'maintainers@cdk-msk-replicator.dev',
  repositoryUrl: 'https://github.com/cdk-msk-replicator/cdk-msk-replicator.git',
  license: 'Apache-2.0',
  keywords: ['cdk', 'awscdk', 'aws-cdk', 'msk', 'kafka', 'replicator', 'disaster-recovery'],
  stability: 'experimental',

  // aws-cdk-lib 2.257.0 is the floor: it is the first line where aws_msk.IReplicatorRef and cdk-nag 3 are both
  // available (see README "Compatibility").
  cdkVersion: '2.257.0',
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  tsconfigDevFile: 'tsconfig.dev.json',
  // The published lib/*.js carry no source map: jsii's default inline maps point stack traces at src/*.ts, which the
  // package does not ship, so a user would be sent to files that are not there. The frames point at lib/*.js instead.
  tsconfig: { compilerOptions: { inlineSourceMap: false, inlineSources: false } },

  // The provider's single handler asset is bundled below (both Lambda functions share it), so auto-discovery
  // of *.lambda.ts files is off.
  lambdaAutoDiscover: false,

  // Every jsii language, with its package name. Packaging them needs the languages' toolchains and
  // registries: under CI=true the build packages JavaScript only, and `test:languages` then packages Python, Java
  // and Go and runs a smoke app in each (projenrc/language-smoke-tests.ts). .NET is not built: jsii-rosetta only
  // translates the README's examples to C#.
  publishToPypi: { distName: 'cdk-msk-replicator', module: 'cdk_msk_replicator' },
  publishToMaven: {
    javaPackage: 'io.github.cdkmskreplicator',
    mavenGroupId: 'io.github.cdk-msk-replicator',
    mavenArtifactId: 'cdk-msk-replicator',
  },
  publishToNuget: { dotNetNamespace: 'CdkMskReplicator', packageId: 'CdkMskReplicator' },
  publishToGo: { moduleName: 'github.com/cdk-msk-replicator/cdk-msk-replicator-go' },

  devDeps: [
    `@aws-sdk/client-kafka@${CLIENT_KAFKA_VERSION}`,
    // the drift command finds a replicator from its stack and logical id (bundled into the command, like client-kafka)
    `@aws-sdk/client-cloudformation@${CLIENT_KAFKA_VERSION}`,
    // the only credential provider the handler bundles (the version client-kafka's default chain resolves to)
    '@aws-sdk/credential-provider-env@3.972.85',
    '@types/aws-lambda',
    'aws-sdk-client-mock',
    'aws-sdk-client-mock-jest',
    'fast-check',
    'cdk-nag@^3.0.2',
    'esbuild',
    // the newest release in the registry for the 2.x line; its aws-cdk-lib peer range includes our floor
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    // The Go module's go.mod requires, as indirect dependencies, the Go modules of the npm packages installed here:
    // pinning aws-cdk-lib's cloud assembly schema to 53.25.0, the version aws-cdk-go's awscdk v2.257.0 itself
    // requires, keeps the Go module buildable against our aws-cdk-lib floor (the Go module proxy here serves
    // awscdkcloudassemblyschema v53.25.0 and not the newer 53.28.0 npm would otherwise pick).
    '@aws-cdk/cloud-assembly-schema@53.25.0',
    // the CDK CLI, which synthesizes the language smoke apps as a user does (test/languages/)
    'aws-cdk@2.1149.0',
  ],

  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'demo', 'bench', 'local-aws', 'examples'],
    // tests, the demo and the harness are typed by tsconfig.dev.json (projen's tsconfigDevFile)
    projectService: false,
    tsconfigPath: './tsconfig.dev.json',
  },

  jestOptions: {
    // snapshots are checked, never silently rewritten
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // lifecycle tests run whole CloudFormation sequences against the simulator over HTTP
      testTimeout: 60_000,
      // the bundled handler is measured through its sources
      coveragePathIgnorePatterns: ['/node_modules/', '<rootDir>/assets/', '<rootDir>/test/', '<rootDir>/local-aws/', '<rootDir>/examples/'],
    },
  },

  gitignore: ['/.demo-out/', '/cdk.out/', '*.bench.tmp'],
});

// The handler (onEvent and isComplete in one file) is bundled by esbuild at build time into assets/, minified,
// with the pinned SDK inside (no externals), so a consumer's synth needs neither esbuild nor Docker, and both
// functions of the provider share one asset.
// - `module` before `main`: the SDK's ES builds, so esbuild drops the ~100 Kafka commands the handler never sends
//   (https://esbuild.github.io/api/#main-fields; the CommonJS builds cannot be tree-shaken).
// - the default credential chain is replaced by the environment provider: Lambda puts the execution role's
//   credentials in the environment (see src/provider/lambda-credentials.ts), so the SSO/INI/process/web-identity/
//   metadata providers and the STS/SSO clients they bring are dead weight. docs/benchmarks.md has the breakdown.
project.bundler.addBundle('src/provider/handler.lambda.ts', {
  platform: 'node',
  target: 'node22',
  externals: [],
  minify: true,
  sourcemap: false,
  mainFields: ['module', 'main'],
  esbuildArgs: {
    '--alias:@aws-sdk/credential-provider-node': './src/provider/lambda-credentials.ts',
    // The ES builds load `node:http` and `node:async_hooks` with import(): in a CommonJS bundle, require() them
    // instead (same modules, loaded synchronously), so the asset also loads where import() is unavailable, as in
    // the tests' jest VM (https://esbuild.github.io/api/#supported).
    '--supported:dynamic-import': 'false',
  },
});

// The commands are self-contained bundles (the SDK bundled like the handler's). They keep the SDK's default credential
// chain: they run on an operator's machine (profiles, SSO).
const CLI_BUNDLE_OPTIONS = {
  platform: 'node',
  target: 'node20',
  externals: [],
  minify: true,
  sourcemap: false,
  executable: true,
  mainFields: ['module', 'main'],
  esbuildArgs: { '--supported:dynamic-import': 'false' },
};
// the read-only drift report
const driftCli = project.bundler.addBundle('src/cli/drift.cli.ts', CLI_BUNDLE_OPTIONS);
project.addBins({ 'cdk-msk-replicator-drift': driftCli.outfile });

// `cdk-msk-replicator plan` (what a deployment will do to each replicator) and `drift`, one command with subcommands
const mainCli = project.bundler.addBundle('src/cli/main.cli.ts', CLI_BUNDLE_OPTIONS);
project.addBins({ 'cdk-msk-replicator': mainCli.outfile });

// the npm package holds the library, the handler asset, .jsii, API.md and the README: nothing else
for (const pattern of ['/demo/', '/docs/', '/test/', '/local-aws/', '/examples/', '/.demo-out/', '/.ci/', '/bench/', '/rosetta/', '/.docs-check/', '.jsii.tabl.json']) {
  project.addPackageIgnore(pattern);
}

// The handler imports the SDK that is bundled into its asset: a build-time dependency, never loaded by the
// construct library itself.
for (const handlerFile of ['provider/handler.lambda', 'provider/lambda-credentials', 'provider/is-complete', 'provider/on-event', 'provider/kafka-calls',
  'provider/kafka-client', 'provider/update-decision', 'cli/drift.cli', 'cli/deployed-stack', 'cli/aws-errors', 'cli/drift-command', 'cli/main.cli',
  'cli/plan-command', 'cli/stack-plan', 'provider/adoption-steps', 'provider/in-place-update', 'provider/stack-status', 'provider/rolled-back-mark',
  'provider/mark-write']) {
  project.eslint?.allowDevDeps(`src/${handlerFile}.ts`);
}

// The README's TypeScript examples must compile strictly, so that jsii-rosetta translates them to Python, Java, C# and
// Go as Construct Hub shows them (it translates; it compiles none of the translations), and the API must render for
// Python. Runs after compile, in every build.
const docsCheck = project.addTask('docs:check', {
  description: 'Compile the README examples strictly with jsii-rosetta and render the Python API docs',
});
docsCheck.exec('jsii-rosetta extract --strict --fail');
docsCheck.exec('jsii-docgen --language python --output .docs-check/API.python.md');
project.postCompileTask.spawn(docsCheck);
project.gitignore.exclude('/.docs-check/', '.jsii.tabl.json');

// Integration tests (test/integ.*.ts, IntegTest with assertions) synthesize into committed snapshots; the jest
// suite fails when a snapshot is out of date, and this task refreshes them after a deliberate change.
const integSnapshot = project.addTask('integ:snapshot', {
  description: 'Re-synthesize test/integ.*.ts into their committed snapshot directories',
});
integSnapshot.spawn(project.tasks.tryFind('bundle')!);
integSnapshot.exec('ts-node --project tsconfig.dev.json test/integ-snapshots.ts --update');

// The benchmark: synth time against aws-cdk-lib's CfnReplicator, resources, asset size, cold load, API calls.
const bench = project.addTask('bench', {
  description: 'Measure against the L1 baseline in the same run and write docs/benchmarks.md',
});
bench.spawn(project.tasks.tryFind('bundle')!);
bench.exec('ts-node --project tsconfig.dev.json bench/run.ts');

// tsconfig for tests, the demo, the benchmark, the example app and the local AWS (projen's tsconfigDevFile)
project.tsconfigDev.addInclude('demo/**/*.ts');
project.tsconfigDev.addInclude('local-aws/**/*.ts');
project.tsconfigDev.addInclude('examples/**/*.ts');
project.tsconfigDev.addInclude('.projenrc.ts');

// The main job: synthesize the example app and play its CloudFormation lifecycle against the local simulator.
const demo = project.addTask('demo', {
  description: 'Synthesize the example app and play create / update / replace / delete against the local MSK simulator',
});
demo.spawn(project.tasks.tryFind('bundle')!);
demo.exec('ts-node --project tsconfig.dev.json demo/main.ts');

// Every jsii language's package built and run, and the template scans: see projenrc/language-smoke-tests.ts.
addLanguageSmokeTests(project);

// The runs on the newest aws-cdk-lib and CDK CLI of the registry (the main suite runs on the floor): see
// projenrc/newest-aws-cdk.ts. `.ci/run` calls them after the build.
addNewestAwsCdkRuns(project);

// Mutation testing of the handler's decision logic, run on demand (`npx projen mutation`): see projenrc/mutation.ts.
addMutationTesting(project);

project.synth();
