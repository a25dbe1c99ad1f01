import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as msk from 'aws-cdk-lib/aws-msk';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { exampleStack } from '../examples/orders-replication';

/**
 * The README statements that depend on the aws-cdk-lib version, checked on the version this run loads: the floor in
 * the main suite, the newest of the registry in `npx projen test:newest` (test/newest-aws-cdk/). Where the two
 * behave differently, the README names the version it describes and the test takes the branch of the one it runs on.
 */

const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const RUNNING: string = require('aws-cdk-lib/package.json').version;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const FLOOR: string = require('../package.json').devDependencies['aws-cdk-lib'];
const ON_FLOOR = RUNNING === FLOOR;
const LAMBDA_LOG_GROUP_FLAG = '@aws-cdk/aws-lambda:useCdkManagedLogGroup';
const STRICT_VALIDATION_FLAG = '@aws-cdk/core:validateAgainstDefaultRules';

/** The number a README sentence states, found with `pattern` (its first group). */
function stated(pattern: RegExp): number {
  const match = pattern.exec(README.replace(/\s+/g, ' '));
  if (match === null) throw new Error(`README: no match for ${pattern}`);
  return Number(match[1]);
}

test(`this run loads aws-cdk-lib ${RUNNING} (the floor is ${FLOOR})`, () => {
  expect(RUNNING).toMatch(/^2\.\d+\.\d+$/);
  expect(README).toContain(`\`aws-cdk-lib\` >= ${FLOOR}`);
});

describe.each([false, true])(`the provider's resources, with ${LAMBDA_LOG_GROUP_FLAG} %s`, (flag) => {
  test('are as many as the README says, in "What it costs" and in "Performance"', () => {
    const { stack } = exampleStack({}, new App({ context: { [LAMBDA_LOG_GROUP_FLAG]: flag } }));
    const resources = Object.entries(Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string }>);
    const provider = resources.filter(([id]) => id.startsWith('cdkmskreplicatorReplicatorProvider'));
    // everything else belongs to the one replicator: the custom resource, its role and policy, two security groups
    expect(resources.length - provider.length).toBe(5);
    expect(provider.length).toBe(stated(/a stack-singleton provider \((\d+) resources with aws-cdk-lib/));
    expect(provider.length).toBe(stated(/plus (\d+) for the shared provider/));
    expect(README.replace(/\s+/g, ' ')).toContain(`with aws-cdk-lib ${FLOOR} and 2.278.0, with or without the \`${LAMBDA_LOG_GROUP_FLAG}\` feature flag`);
  });
});

describe('"Why not CfnReplicator": what aws-cdk-lib itself checks of a CfnReplicator at synth', () => {
  function synthesizeLongName(context: Record<string, unknown>): { thrown?: Error; report: string } {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-replicator-'));
    const app = new App({ outdir, context });
    new msk.CfnReplicator(new Stack(app, 'L1'), 'Replicator', {
      replicatorName: 'r'.repeat(135),
      serviceExecutionRoleArn: 'arn:aws:iam::111111111111:role/replicator',
      kafkaClusters: [],
      replicationInfoList: [],
    });
    let thrown: Error | undefined;
    try {
      app.synth();
    } catch (error) {
      thrown = error as Error;
    }
    const file = path.join(outdir, 'validation-report.json');
    return { thrown, report: fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '' };
  }

  const finding = 'ReplicatorName: length 135 exceeds maximum 128 (CloudFormation Validate)';

  test('the README row names both behaviours with their versions', () => {
    const row = README.split('\n').find((line) => line.startsWith('| Validation at synth |'))!;
    expect(row).toContain(`with aws-cdk-lib ${FLOOR}: required properties and types`);
    expect(row).toContain('with 2.278.0 also the resource schema\'s constraints');
    expect(row).toContain(`\`${finding}\``);
    expect(row).toContain(STRICT_VALIDATION_FLAG);
  });

  if (ON_FLOOR) {
    test(`on ${FLOOR} a 135-character name passes synth unreported`, () => {
      const { thrown, report } = synthesizeLongName({});
      expect(thrown).toBeUndefined();
      expect(report).not.toContain('exceeds maximum 128');
    });
  } else {
    test(`on ${RUNNING} a 135-character name is a warning, and an error with ${STRICT_VALIDATION_FLAG}`, () => {
      const lenient = synthesizeLongName({});
      expect(lenient.thrown).toBeUndefined();
      expect(JSON.parse(lenient.report).pluginReports.flatMap((r: { violations: Array<{ description: string; severity: string }> }) => r.violations)
        .filter((v: { description: string }) => v.description === finding.replace(' (CloudFormation Validate)', '')))
        .toEqual([expect.objectContaining({ severity: 'warning' })]);
      const strict = synthesizeLongName({ [STRICT_VALIDATION_FLAG]: true });
      expect(strict.thrown?.message).toContain(`ERROR ${finding}`);
      expect(strict.report).toContain('length 135 exceeds maximum 128');
    });
  }
});

describe('cdk-nag as a validation plugin (README, "Security by default")', () => {
  test('the README says what each version does', () => {
    const text = README.replace(/\s+/g, ' ');
    expect(text).toContain(`aws-cdk-lib ${FLOOR} gives the plugin no construct tree and it reports a plugin failure instead of findings (the synth's process exits 1); 2.278.0 gives it one`);
  });

  test(ON_FLOOR ? `on ${FLOOR} the plugin route reports a plugin failure` : `on ${RUNNING} the plugin route reports the findings, as validateScope does`, () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'nag-plugin-'));
    const app = new App({ outdir });
    const { stack } = exampleStack({}, app);
    // a finding of the test's own: a bucket without access logs or TLS enforcement
    new s3.Bucket(stack, 'Unprotected');
    Validations.of(app).addPlugins(new AwsSolutionsChecks() as unknown as Parameters<ReturnType<typeof Validations.of>['addPlugins']>[0]);
    // the floor reports the plugin's failure by setting the process's exit code (core/lib/private/synthesis.ts),
    // which is restored here so that it does not fail the test run; the newest throws on the bucket's findings
    let thrown: unknown;
    const exitCode = process.exitCode;
    let exitCodeSet: typeof process.exitCode;
    try {
      app.synth();
    } catch (error) {
      thrown = error;
    } finally {
      exitCodeSet = process.exitCode;
      process.exitCode = exitCode;
    }
    expect({ thrown: thrown !== undefined, exitCode: exitCodeSet }).toEqual(ON_FLOOR ? { thrown: false, exitCode: 1 } : { thrown: true, exitCode });
    const file = ['validation-report.json', 'policy-validation-report.json'].map((f) => path.join(outdir, f)).find((f) => fs.existsSync(f))!;
    const report = JSON.parse(fs.readFileSync(file, 'utf8'));
    // (2.257.0 nests the plugin's name in `summary`)
    const nag = report.pluginReports.find((r: { pluginName?: string; summary?: { pluginName: string } }) =>
      (r.pluginName ?? r.summary?.pluginName) === 'AwsSolutions');
    if (ON_FLOOR) {
      expect(JSON.stringify(nag)).toContain('NagPack requires a construct tree on the validation context');
      expect(nag.violations).toEqual([]);
    } else {
      type Violation = { violatingConstructs?: Array<{ constructPath: string }>; violatingResources?: Array<{ constructPath: string }> };
      const paths = nag.violations.flatMap((v: Violation) => (v.violatingConstructs ?? v.violatingResources ?? []).map((c) => c.constructPath));
      expect(paths.length).toBeGreaterThan(0);
      // only the test's bucket: the library's own findings are acknowledged, and the plugin sees the acknowledgements
      expect(paths.filter((p: string) => !p.startsWith('OrdersReplication/Unprotected'))).toEqual([]);
    }
  });
});
