import * as fs from 'fs';
import * as path from 'path';
import { assemblyRegions, ScannedTemplate, SCANS_OUT, UNACKNOWLEDGED_OUT } from './scan-layout';
import { LANGUAGES, languageOutDir } from '../languages/smoke-layout';

/**
 * What cfn-lint and checkov found in every synthesized example template (scan-templates.ts), pinned exactly: no
 * cfn-lint error; each cfn-lint warning explained below, and how many of each every template has; no checkov finding
 * left on the library's resources, each acknowledgement (src/private/checkov-acknowledgements.ts) standing for a check
 * that fails without it, and how many of each every template has; the findings on resources the examples themselves
 * declare listed with their owner. A finding that appears or vanishes fails a test.
 * Run by `npx projen test:templates`, after `npx projen test:languages`.
 */

const report = <T>(file: string): T => {
  const full = path.join(SCANS_OUT, file);
  if (!fs.existsSync(full)) throw new Error(`${full} is missing: run test/template-scans/scan-templates.ts first`);
  return JSON.parse(fs.readFileSync(full, 'utf8')) as T;
};
const scannedTemplates = report<ScannedTemplate[]>('scanned.json');
const scanned = scannedTemplates.map((t) => t.file);
/** The name of a scanned template without its directory: the same for the smoke app of every language. */
const templateName = (file: string) => path.basename(file);
/** The smoke apps' templates (each language's assembly holds these) and the examples', by the Region of their stack. */
const SMOKE_TEMPLATES: Record<string, string> = {
  'OrdersFrankfurt.template.json': 'eu-central-1',
  'OrdersIreland.template.json': 'eu-west-1',
  'OrdersIrelandOrdersSourceAccess.template.json': 'eu-west-1',
  'OrdersMigration.template.json': 'eu-central-1',
  'OrdersReplication.template.json': 'eu-central-1',
};
const EXAMPLE_TEMPLATES: Record<string, string> = {
  'Integ-MskReplicatorInteg.template.json': 'us-east-1',
  'Integ-MskReplicatorIntegAssertions.template.json': 'us-east-1',
  'ManyReplicatorsExample.template.json': 'us-east-1',
  'OrdersReplicationExample.template.json': 'us-east-1',
};
/** Counts of `key(item)`, sorted by key, for exact comparisons. */
function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}
/** For every scanned template, the counts of `key` over its findings (`{}` for none). */
function perTemplate<T>(items: T[], fileOf: (item: T) => string, key: (item: T) => string): Record<string, Record<string, number>> {
  return Object.fromEntries(scanned.map((file) => [file, countBy(items.filter((i) => fileOf(i) === file), key)]));
}
/** The expected counts of every scanned template, from a table by template name. */
function expectedPerTemplate(table: Record<string, Record<string, number>>): Record<string, Record<string, number>> {
  return Object.fromEntries(scanned.map((file) => [file, table[templateName(file)] ?? {}]));
}

describe('the scanners', () => {
  test('are the pinned versions, every distribution of their virtual environment as constraints.txt lists it', () => {
    const lines = (text: string) => text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).sort();
    const constraints = lines(fs.readFileSync(path.join(__dirname, 'constraints.txt'), 'utf8'));
    expect(lines(fs.readFileSync(path.join(SCANS_OUT, 'scanners-installed.txt'), 'utf8'))).toEqual(constraints);
    expect(constraints).toEqual(expect.arrayContaining(['cfn-lint==1.58.0', 'checkov==3.3.30']));
    expect(lines(fs.readFileSync(path.join(__dirname, 'requirements.txt'), 'utf8'))).toEqual(['cfn-lint==1.58.0', 'checkov==3.3.30'].sort());
  });

  test('scanned exactly the templates of every language\'s smoke app and of the examples', () => {
    const expected = [
      ...LANGUAGES.flatMap((language) => Object.keys(SMOKE_TEMPLATES).map((name) => `.languages-out/${language}/cdk.out/${name}`)),
      ...Object.keys(EXAMPLE_TEMPLATES).map((name) => `.languages-out/examples/${name}`),
    ];
    expect([...scanned].sort()).toEqual(expected.sort());
  });

  test('know each template\'s Region from its stack, and cfn-lint ran each with that Region alone', () => {
    for (const language of LANGUAGES) {
      const manifest = JSON.parse(fs.readFileSync(path.join(languageOutDir(language), 'cdk.out', 'manifest.json'), 'utf8'));
      expect(assemblyRegions(manifest)).toEqual(SMOKE_TEMPLATES);
    }
    const regionOf = (file: string) => (file.startsWith('.languages-out/examples/') ? EXAMPLE_TEMPLATES : SMOKE_TEMPLATES)[templateName(file)];
    expect(scannedTemplates.map((t) => [t.file, t.region])).toEqual(scanned.map((file) => [file, regionOf(file)]));
    const runs = report<Array<{ region: string; files: string[] }>>('cfn-lint-runs.json');
    expect(runs.map((r) => r.region)).toEqual(['eu-central-1', 'eu-west-1', 'us-east-1']);
    expect(runs.flatMap((r) => r.files.map((file) => [file, r.region])).sort()).toEqual(scanned.map((file) => [file, regionOf(file)]).sort());
  });
});
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
  readonly name: string;
  readonly rule: string;
  readonly matches: (match: LintMatch, resourceType: string) => boolean;
  readonly reason: string;
}

const PINNED_WARNINGS: PinnedWarning[] = [
  {
    name: 'W3005 function DependsOn its role',
    rule: 'W3005',
    matches: (m, type) => type === 'AWS::Lambda::Function' && m.Location.Path[2] === 'DependsOn'
      && /dependency already enforced by a 'GetAtt' at 'Resources\/[^/]+\/Properties\/Role'$/.test(m.Message),
    reason: 'Every aws-cdk-lib lambda.Function depends on its execution role besides reading its ARN '
      + '(aws-cdk-lib/aws-lambda/lib/function.ts: `resource.node.addDependency(this.role)`), so that the role\'s '
      + 'policies exist too: the provider\'s two handlers and the three Provider framework functions. Redundant, not wrong.',
  },
  {
    name: 'W3005 state machine DependsOn its role',
    rule: 'W3005',
    matches: (m, type) => type === 'AWS::StepFunctions::StateMachine' && m.Location.Path[2] === 'DependsOn'
      && /dependency already enforced by a 'GetAtt' at 'Resources\/[^/]+\/Properties\/RoleArn'$/.test(m.Message),
    reason: 'aws-cdk-lib\'s StateMachine depends on its role besides reading its ARN (aws-cdk-lib/aws-stepfunctions/lib/'
      + 'state-machine.ts: `resource.node.addDependency(this.role)`): the Provider framework\'s waiter state machine.',
  },
  {
    name: 'W3037 kafka:CreateReplicatorReference',
    rule: 'W3037',
    matches: (m, type) => type === 'AWS::IAM::Policy' && /^'createreplicatorreference' is not one of /.test(m.Message),
    reason: 'kafka:CreateReplicatorReference is missing from the IAM action list cfn-lint checks against, but it is one '
      + 'of the create permissions of AWS\'s own AWS::MSK::Replicator handler (the resource schema\'s '
      + 'handlers.create.permissions, shared/reference/cfn-aws-msk-replicator-schema.json): the handler keeps it so '
      + 'that MSK can make the replicator reference it creates with the caller\'s credentials.',
  },
];

/**
 * How many of each pinned warning every template has, by template name (the same in every language). A stack with
 * the provider has its five functions (the onEvent and isComplete handlers, the framework's onEvent, isComplete and
 * onTimeout), one waiter state machine and one handler policy with the replicator's create permissions; the source
 * access stack of the active-active pair and the integration test's assertion stack have no provider.
 */
const PROVIDER_WARNINGS = {
  'W3005 function DependsOn its role': 5,
  'W3005 state machine DependsOn its role': 1,
  'W3037 kafka:CreateReplicatorReference': 1,
};
const PINNED_WARNING_COUNTS: Record<string, Record<string, number>> = {
  'OrdersFrankfurt.template.json': PROVIDER_WARNINGS,
  'OrdersIreland.template.json': PROVIDER_WARNINGS,
  'OrdersIrelandOrdersSourceAccess.template.json': {},
  'OrdersMigration.template.json': PROVIDER_WARNINGS,
  'OrdersReplication.template.json': PROVIDER_WARNINGS,
  'Integ-MskReplicatorInteg.template.json': PROVIDER_WARNINGS,
  'Integ-MskReplicatorIntegAssertions.template.json': {},
  'ManyReplicatorsExample.template.json': PROVIDER_WARNINGS,
  'OrdersReplicationExample.template.json': PROVIDER_WARNINGS,
};

describe('cfn-lint', () => {
  const matches = report<LintMatch[]>('cfn-lint.json');
  const typeOf = (m: LintMatch) => templateOf(m.Filename).Resources[String(m.Location.Path[1])]?.Type ?? '(not a resource)';
  const describeMatch = (m: LintMatch) => `${m.Filename} ${m.Rule.Id} ${m.Location.Path.join('/')}: ${m.Message.slice(0, 160)}`;
  const pinnedOf = (m: LintMatch) => PINNED_WARNINGS.filter((p) => m.Level !== 'Error' && p.rule === m.Rule.Id && p.matches(m, typeOf(m)));

  test('reported only on scanned templates', () => {
    expect(matches.filter((m) => !scanned.includes(m.Filename)).map(describeMatch)).toEqual([]);
  });

  test('finds no error', () => {
    expect(matches.filter((m) => m.Level === 'Error').map(describeMatch)).toEqual([]);
  });

  test('every warning is exactly one of PINNED_WARNINGS', () => {
    expect(matches.filter((m) => pinnedOf(m).length !== 1).map(describeMatch)).toEqual([]);
  });

  test('every template has exactly the pinned warnings, each as often as PINNED_WARNING_COUNTS says', () => {
    expect(perTemplate(matches, (m) => m.Filename, (m) => pinnedOf(m)[0]?.name ?? `unexplained ${m.Rule.Id}`))
      .toEqual(expectedPerTemplate(PINNED_WARNING_COUNTS));
  });

  test('the rules that report, by template: W3005 and W3037 where the provider is, none elsewhere', () => {
    expect(perTemplate(matches, (m) => m.Filename, (m) => `${m.Rule.Id} ${m.Level}`)).toEqual(expectedPerTemplate(
      Object.fromEntries(Object.entries(PINNED_WARNING_COUNTS).map(([name, counts]) => [name,
        Object.keys(counts).length === 0 ? {} : { 'W3005 Warning': 6, 'W3037 Warning': 1 } as Record<string, number>]))));
  });
});

interface CheckovCheck {
  check_id: string;
  file_path: string;
  resource: string;
  check_result: { result: string; suppress_comment?: string };
}
interface CheckovReport {
  results: { failed_checks: CheckovCheck[]; skipped_checks?: CheckovCheck[]; passed_checks?: CheckovCheck[]; parsing_errors?: string[] };
  summary: { failed: number; skipped: number; passed: number; parsing_errors: number; resource_count: number };
}
const checkovResults = (file: string) => ([] as CheckovReport[]).concat(report<CheckovReport | CheckovReport[]>(file));
const checks = (file: string, kind: 'failed_checks' | 'skipped_checks' | 'passed_checks') =>
  checkovResults(file).flatMap((r) => r.results[kind] ?? []);
/** The scanned template a check is on (checkov names it from the repository's root, with a leading `/`). */
const unacknowledgedPrefix = `${path.relative(path.resolve(SCANS_OUT, '..', '..'), UNACKNOWLEDGED_OUT)}/`;
const scannedFile = (c: CheckovCheck) => c.file_path.replace(/^\//, '').replace(unacknowledgedPrefix, '');

/** Findings on resources the examples declare themselves (not the library), with their owner. */
const FINDINGS_OF_THE_EXAMPLES = [
  {
    file: /\/OrdersMigration\.template\.json$/,
    resource: /^AWS::Logs::LogGroup\.ReplicatorLogs[0-9A-F]{8}$/,
    checks: ['CKV_AWS_158'],
    owner: 'the smoke app\'s own log group (`ReplicatorLogs`), which it passes as `logDelivery.cloudWatchLogGroup`',
  },
  {
    file: /\/Integ-MskReplicatorIntegAssertions\.template\.json$/,
    resource: /^AWS::Lambda::Function\.SingletonFunction[0-9a-f]{32}Handler[0-9A-F]{8}$/,
    checks: ['CKV_AWS_115', 'CKV_AWS_116', 'CKV_AWS_117'],
    owner: 'the assertion provider of @aws-cdk/integ-tests-alpha in the integration test\'s assertion stack',
  },
];
const ofTheExamples = (c: CheckovCheck) =>
  FINDINGS_OF_THE_EXAMPLES.some((f) => f.file.test(c.file_path) && f.resource.test(c.resource) && f.checks.includes(c.check_id));
const key = (c: CheckovCheck) => `${scannedFile(c)} ${c.resource} ${c.check_id}`;

/**
 * How many acknowledgements of each check every template carries, by template name. A provider acknowledges, on each
 * of its five functions, CKV_AWS_115 (reserved concurrency), CKV_AWS_116 (dead-letter queue) and CKV_AWS_117 (VPC);
 * CKV_AWS_173 (environment variables encrypted with a customer managed key) on the functions that have environment
 * variables (its two handlers and the framework's onEvent); CKV_AWS_158 (log group encrypted with a customer managed
 * key) on each of the provider's four log groups (its three functions' and the waiter's);
 * and CKV_AWS_111 (write access on `*`) on the waiter's policy, whose log delivery actions have no resource-level
 * permissions.
 */
const ACKNOWLEDGEMENT_COUNTS: Record<string, Record<string, number>> = {
  'OrdersFrankfurt.template.json': { CKV_AWS_111: 1, CKV_AWS_115: 5, CKV_AWS_116: 5, CKV_AWS_117: 5, CKV_AWS_158: 4, CKV_AWS_173: 3 },
  'OrdersIreland.template.json': { CKV_AWS_111: 1, CKV_AWS_115: 5, CKV_AWS_116: 5, CKV_AWS_117: 5, CKV_AWS_158: 4, CKV_AWS_173: 3 },
  'OrdersIrelandOrdersSourceAccess.template.json': {},
  'OrdersMigration.template.json': { CKV_AWS_111: 1, CKV_AWS_115: 5, CKV_AWS_116: 5, CKV_AWS_117: 5, CKV_AWS_158: 4, CKV_AWS_173: 3 },
  'OrdersReplication.template.json': { CKV_AWS_111: 1, CKV_AWS_115: 5, CKV_AWS_116: 5, CKV_AWS_117: 5, CKV_AWS_158: 4, CKV_AWS_173: 3 },
  'Integ-MskReplicatorInteg.template.json': { CKV_AWS_111: 1, CKV_AWS_115: 5, CKV_AWS_116: 5, CKV_AWS_117: 5, CKV_AWS_158: 4, CKV_AWS_173: 3 },
  'Integ-MskReplicatorIntegAssertions.template.json': {},
  'ManyReplicatorsExample.template.json': { CKV_AWS_111: 1, CKV_AWS_115: 5, CKV_AWS_116: 5, CKV_AWS_117: 5, CKV_AWS_158: 4, CKV_AWS_173: 3 },
  'OrdersReplicationExample.template.json': { CKV_AWS_111: 1, CKV_AWS_115: 5, CKV_AWS_116: 5, CKV_AWS_117: 5, CKV_AWS_158: 4, CKV_AWS_173: 3 },
};
/** How many of each check fails on what the examples declare themselves (FINDINGS_OF_THE_EXAMPLES), by template name. */
const EXAMPLE_FINDING_COUNTS: Record<string, Record<string, number>> = {
  'OrdersMigration.template.json': { CKV_AWS_158: 1 },
  'Integ-MskReplicatorIntegAssertions.template.json': { CKV_AWS_115: 1, CKV_AWS_116: 1, CKV_AWS_117: 1 },
};

describe('checkov', () => {
  test.each(['checkov.json', 'checkov-without-acknowledgements.json'])('%s: no parsing error, and every resource of every template scanned', (file) => {
    const results = checkovResults(file);
    expect(results.map((r) => r.summary.parsing_errors)).toEqual(results.map(() => 0));
    expect(results.flatMap((r) => r.results.parsing_errors ?? [])).toEqual([]);
    const resources = scanned.reduce((n, f) => n + Object.keys(templateOf(f).Resources).length, 0);
    expect(results.reduce((n, r) => n + r.summary.resource_count, 0)).toBe(resources);
    // the templates without any result hold only types checkov has no check for
    const withResults = new Set((['passed_checks', 'failed_checks', 'skipped_checks'] as const).flatMap((kind) => checks(file, kind)).map(scannedFile));
    expect([...withResults].filter((f) => !scanned.includes(f))).toEqual([]);
    const withoutResults = scanned.filter((f) => !withResults.has(f));
    expect(withoutResults.map(templateName)).toEqual(LANGUAGES.map(() => 'OrdersIrelandOrdersSourceAccess.template.json'));
    expect([...new Set(withoutResults.flatMap((f) => Object.values(templateOf(f).Resources).map((r) => r.Type)))].sort())
      .toEqual(['AWS::CDK::Metadata', 'AWS::MSK::ClusterPolicy']);
  });

  test('leaves nothing failed on the library\'s resources', () => {
    expect(checks('checkov.json', 'failed_checks').filter((c) => !ofTheExamples(c)).map(key)).toEqual([]);
  });

  test('every template carries exactly the acknowledgements of ACKNOWLEDGEMENT_COUNTS', () => {
    expect(perTemplate(checks('checkov.json', 'skipped_checks'), scannedFile, (c) => c.check_id))
      .toEqual(expectedPerTemplate(ACKNOWLEDGEMENT_COUNTS));
  });

  test('each acknowledgement stands for a check that fails without it, and each such failure is acknowledged', () => {
    const acknowledged = checks('checkov.json', 'skipped_checks').map(key).sort();
    const failingWithout = checks('checkov-without-acknowledgements.json', 'failed_checks').filter((c) => !ofTheExamples(c)).map(key).sort();
    expect(acknowledged).toEqual(failingWithout);
  });

  test('each acknowledgement carries its reason', () => {
    for (const skipped of checks('checkov.json', 'skipped_checks')) {
      expect(skipped.check_result.suppress_comment ?? '').toMatch(/^.{80,}$/s);
    }
  });

  test('the findings on what the examples declare themselves are exactly those of EXAMPLE_FINDING_COUNTS', () => {
    expect(perTemplate(checks('checkov.json', 'failed_checks'), scannedFile, (c) => c.check_id))
      .toEqual(expectedPerTemplate(EXAMPLE_FINDING_COUNTS));
  });

  test.each(FINDINGS_OF_THE_EXAMPLES.map((f) => [f.owner, f] as const))('the findings on %s still occur', (_owner, finding) => {
    const failed = checks('checkov.json', 'failed_checks').filter((c) => finding.file.test(c.file_path) && finding.resource.test(c.resource));
    expect([...new Set(failed.map((c) => c.check_id))].sort()).toEqual([...finding.checks].sort());
  });
});
