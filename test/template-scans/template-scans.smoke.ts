import * as fs from 'fs';
import * as path from 'path';
import { SCANS_OUT, UNACKNOWLEDGED_OUT } from './scan-layout';
import { LANGUAGES } from '../languages/smoke-layout';

/**
 * What cfn-lint and checkov found in every synthesized example template (scan-templates.ts): no cfn-lint error; each
 * cfn-lint warning explained below (and each explanation still needed); no checkov finding left on the library's
 * resources, each acknowledgement (src/private/checkov-acknowledgements.ts) standing for a check that fails without
 * it; the findings on resources the examples themselves declare listed with their owner.
 * Run by `npx projen test:templates`, after `npx projen test:languages`.
 */

const report = <T>(file: string): T => {
  const full = path.join(SCANS_OUT, file);
  if (!fs.existsSync(full)) throw new Error(`${full} is missing: run test/template-scans/scan-templates.ts first`);
  return JSON.parse(fs.readFileSync(full, 'utf8')) as T;
};
const scanned = report<string[]>('scanned.json');
const templateOf = (file: string) => JSON.parse(fs.readFileSync(path.resolve(SCANS_OUT, '..', '..', file), 'utf8')) as {
  Resources: Record<string, { Type: string }>;
};

interface LintMatch {
  Filename: string;
  Level: 'Error' | 'Warning' | 'Informational';
  Message: string;
  Location: { Path: Array<string | number> };
  Rule: { Id: string };
}

/** A cfn-lint warning that stays, with why. `matches` is given the warning and the type of the resource it is on. */
interface PinnedWarning {
  readonly rule: string;
  readonly matches: (match: LintMatch, resourceType: string) => boolean;
  readonly reason: string;
}

const PINNED_WARNINGS: PinnedWarning[] = [
  {
    rule: 'W3005',
    matches: (m, type) => type === 'AWS::Lambda::Function' && m.Location.Path[2] === 'DependsOn'
      && /dependency already enforced by a 'GetAtt' at 'Resources\/[^/]+\/Properties\/Role'$/.test(m.Message),
    reason: 'Every aws-cdk-lib lambda.Function depends on its execution role besides reading its ARN '
      + '(aws-cdk-lib/aws-lambda/lib/function.ts: `resource.node.addDependency(this.role)`), so that the role\'s '
      + 'policies exist too: the provider\'s two handlers and the three Provider framework functions. Redundant, not wrong.',
  },
  {
    rule: 'W3005',
    matches: (m, type) => type === 'AWS::StepFunctions::StateMachine' && m.Location.Path[2] === 'DependsOn'
      && /dependency already enforced by a 'GetAtt' at 'Resources\/[^/]+\/Properties\/RoleArn'$/.test(m.Message),
    reason: 'aws-cdk-lib\'s StateMachine depends on its role besides reading its ARN (aws-cdk-lib/aws-stepfunctions/lib/'
      + 'state-machine.ts: `resource.node.addDependency(this.role)`): the Provider framework\'s waiter state machine.',
  },
  {
    rule: 'W3037',
    matches: (m, type) => type === 'AWS::IAM::Policy' && /^'createreplicatorreference' is not one of /.test(m.Message),
    reason: 'kafka:CreateReplicatorReference is missing from the IAM action list cfn-lint checks against, but it is one '
      + 'of the create permissions of AWS\'s own AWS::MSK::Replicator handler (the resource schema\'s '
      + 'handlers.create.permissions, shared/reference/cfn-aws-msk-replicator-schema.json): the handler keeps it so '
      + 'that MSK can make the replicator reference it creates with the caller\'s credentials.',
  },
];

describe('cfn-lint', () => {
  const matches = report<LintMatch[]>('cfn-lint.json');
  const typeOf = (m: LintMatch) => templateOf(m.Filename).Resources[String(m.Location.Path[1])]?.Type ?? '(not a resource)';
  const describeMatch = (m: LintMatch) => `${m.Filename} ${m.Rule.Id} ${m.Location.Path.join('/')}: ${m.Message.slice(0, 160)}`;

  test('scanned the templates of every language\'s smoke app and of the examples', () => {
    for (const language of LANGUAGES) {
      expect(scanned.filter((f) => f.startsWith(`.languages-out/${language}/cdk.out/`)).length).toBeGreaterThanOrEqual(5);
    }
    expect(scanned.filter((f) => f.startsWith('.languages-out/examples/')).length).toBeGreaterThanOrEqual(4);
  });

  test('finds no error', () => {
    expect(matches.filter((m) => m.Level === 'Error').map(describeMatch)).toEqual([]);
  });

  test('every warning is one explained in PINNED_WARNINGS', () => {
    const unexplained = matches.filter((m) => m.Level !== 'Error')
      .filter((m) => !PINNED_WARNINGS.some((p) => p.rule === m.Rule.Id && p.matches(m, typeOf(m))));
    expect(unexplained.map(describeMatch)).toEqual([]);
  });

  test.each(PINNED_WARNINGS.map((p) => [p.rule, p.reason.slice(0, 60), p] as const))(
    'the pinned %s warning (%s...) still occurs', (_rule, _reason, pinned) => {
      expect(matches.some((m) => m.Rule.Id === pinned.rule && pinned.matches(m, typeOf(m)))).toBe(true);
    });
});

interface CheckovCheck {
  check_id: string;
  file_path: string;
  resource: string;
  check_result: { result: string; suppress_comment?: string };
}
interface CheckovReport {
  results: { failed_checks: CheckovCheck[]; skipped_checks?: CheckovCheck[]; passed_checks?: CheckovCheck[] };
  summary: { failed: number; skipped: number; passed: number; resource_count: number };
}
const checkovResults = (file: string) => ([] as CheckovReport[]).concat(report<CheckovReport | CheckovReport[]>(file));
const checks = (file: string, kind: 'failed_checks' | 'skipped_checks') =>
  checkovResults(file).flatMap((r) => r.results[kind] ?? []);

/** Findings on resources the examples declare themselves (not the library), with their owner. */
const FINDINGS_OF_THE_EXAMPLES = [
  {
    file: /\/OrdersMigration\.template\.json$/,
    resource: /^AWS::Logs::LogGroup\.ReplicatorLogs[0-9A-F]{8}$/,
    checks: ['CKV_AWS_158'],
    owner: 'the smoke app\'s own log group (`ReplicatorLogs`), which it passes as `logDelivery.cloudWatchLogGroup`',
  },
  {
    file: /\/IntegSnapshot-MskReplicatorIntegAssertions\.template\.json$/,
    resource: /^AWS::Lambda::Function\.SingletonFunction[0-9a-f]{32}Handler[0-9A-F]{8}$/,
    checks: ['CKV_AWS_115', 'CKV_AWS_116', 'CKV_AWS_117'],
    owner: 'the assertion provider of @aws-cdk/integ-tests-alpha in the integration test\'s assertion stack',
  },
];
const ofTheExamples = (c: CheckovCheck) =>
  FINDINGS_OF_THE_EXAMPLES.some((f) => f.file.test(c.file_path) && f.resource.test(c.resource) && f.checks.includes(c.check_id));
const key = (c: CheckovCheck) => `${c.file_path.replace(/^\//, '').replace(`${path.relative(path.resolve(SCANS_OUT, '..', '..'), UNACKNOWLEDGED_OUT)}/`, '')} ${c.resource} ${c.check_id}`;

describe('checkov', () => {
  test('scanned every template, with no parsing error', () => {
    for (const file of ['checkov.json', 'checkov-without-acknowledgements.json']) {
      const resources = checkovResults(file).reduce((n, r) => n + r.summary.resource_count, 0);
      expect(resources).toBeGreaterThan(scanned.length * 10);
    }
  });

  test('leaves nothing failed on the library\'s resources', () => {
    expect(checks('checkov.json', 'failed_checks').filter((c) => !ofTheExamples(c)).map(key)).toEqual([]);
  });

  test('each acknowledgement stands for a check that fails without it, and each such failure is acknowledged', () => {
    const acknowledged = checks('checkov.json', 'skipped_checks').map(key).sort();
    const failingWithout = checks('checkov-without-acknowledgements.json', 'failed_checks').filter((c) => !ofTheExamples(c)).map(key).sort();
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(acknowledged).toEqual(failingWithout);
  });

  test('each acknowledgement carries its reason', () => {
    expect(checks('checkov.json', 'skipped_checks').length).toBeGreaterThan(0);
    for (const skipped of checks('checkov.json', 'skipped_checks')) {
      expect(skipped.check_result.suppress_comment ?? '').toMatch(/^.{80,}$/s);
    }
  });

  test.each(FINDINGS_OF_THE_EXAMPLES.map((f) => [f.owner, f] as const))('the findings on %s still occur', (_owner, finding) => {
    const failed = checks('checkov.json', 'failed_checks').filter((c) => finding.file.test(c.file_path) && finding.resource.test(c.resource));
    expect([...new Set(failed.map((c) => c.check_id))].sort()).toEqual([...finding.checks].sort());
  });
});
