import * as fs from 'fs';
import * as path from 'path';
import { languageOutDir, readmeContext, REPO } from './smoke-layout';
import {
  analyticsRuntime, CfnTemplateLike, decodedAnalytics, differences, NORMALIZATIONS, normalizedAssetManifest, normalizedTemplate,
} from './template-normalization';

/**
 * What the smoke apps synthesized (synth-smoke-apps.ts, from the built packages): each language synthesizes the
 * TypeScript app's templates (but for NORMALIZATIONS), really ran in its own runtime, and got the library's
 * validation error as an exception. Run by `npx projen test:languages`, after the packages are built.
 */

const CDK_VERSION = JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules', 'aws-cdk-lib', 'package.json'), 'utf8')).version as string;

function assemblyDir(language: string): string {
  const dir = path.join(languageOutDir(language), 'cdk.out');
  if (!fs.existsSync(path.join(dir, 'manifest.json'))) {
    throw new Error(`no cloud assembly for ${language} in ${dir}: its smoke app did not synthesize (see synth-smoke-apps.ts output)`);
  }
  return dir;
}

function filesOf(language: string, suffix: string): string[] {
  return fs.readdirSync(assemblyDir(language)).filter((f) => f.endsWith(suffix)).sort();
}

function readJson<T = CfnTemplateLike>(language: string, file: string): T {
  return JSON.parse(fs.readFileSync(path.join(assemblyDir(language), file), 'utf8')) as T;
}

function validationError(language: string): string {
  return fs.readFileSync(path.join(languageOutDir(language), 'validation-error.txt'), 'utf8');
}

const RUNTIMES: Record<string, RegExp> = {
  typescript: /^node\.js\/v\d+\./,
  python: /^Python\/3\./,
  java: /^Java\/\d+\./,
  go: /^go1\.\d+/,
};

describe('the TypeScript smoke app (the reference)', () => {
  test('ran on Node.js with the aws-cdk-lib of the tests, and synthesized the README app and the other stacks', () => {
    expect(filesOf('typescript', '.template.json')).toEqual([
      'OrdersFrankfurt.template.json', 'OrdersIreland.template.json', 'OrdersIrelandOrdersSourceAccess.template.json',
      'OrdersMigration.template.json', 'OrdersReplication.template.json',
    ]);
    for (const file of filesOf('typescript', '.template.json')) {
      const template = readJson('typescript', file);
      expect(analyticsRuntime(template)).toMatch(RUNTIMES.typescript);
      expect(decodedAnalytics(template)).toMatch(new RegExp(`^${CDK_VERSION.replace(/\./g, '\\.')}!aws-cdk-lib\\.`));
    }
    const types = Object.values(readJson('typescript', 'OrdersMigration.template.json').Resources!).map((r) => r.Type);
    expect(types.filter((t) => t === 'Custom::MskReplicator')).toHaveLength(1);
  });

  test('synthesized the complete app in the VPC of the README\'s cdk.context.json: its private subnets on both sides', () => {
    type Lookup = { vpcId: string; subnetGroups: Array<{ type: string; subnets: Array<{ subnetId: string }> }> };
    const [lookup] = Object.values(JSON.parse(readmeContext()) as Record<string, Lookup>);
    const privateSubnets = lookup.subnetGroups.filter((g) => g.type === 'Private').flatMap((g) => g.subnets.map((sn) => sn.subnetId));
    expect(privateSubnets.length).toBeGreaterThanOrEqual(2);
    const resources = Object.values(readJson('typescript', 'OrdersReplication.template.json').Resources!);
    const [replicator] = resources.filter((r) => r.Type === 'Custom::MskReplicator');
    expect(replicator.Properties).toMatchObject({ Source: { SubnetIds: privateSubnets }, Target: { SubnetIds: privateSubnets } });
    expect(resources.filter((r) => r.Type === 'AWS::EC2::SecurityGroup').map((r) => r.Properties!.VpcId)).toEqual([lookup.vpcId, lookup.vpcId]);
  });

  test('passed providerLogs (aws-cdk-lib enums in a struct) to the provider of its stack: its four log groups kept ten years and retained', () => {
    const resources = Object.entries(readJson('typescript', 'OrdersMigration.template.json').Resources!)
      .filter(([id, r]) => r.Type === 'AWS::Logs::LogGroup' && id.startsWith('cdkmskreplicatorReplicatorProvider'))
      .map(([, r]) => r as { DeletionPolicy?: string; Properties?: Record<string, unknown> });
    expect(resources.map((r) => [r.DeletionPolicy, r.Properties?.RetentionInDays])).toEqual(Array(4).fill(['Retain', 3653]));
  });

  test('caught the library\'s validation error', () => {
    expect(validationError('typescript')).toBe(
      '`replicatorName` must match ^[0-9A-Za-z][0-9A-Za-z-]*$ (letters, digits and hyphens, starting with a letter or a digit), '
      + 'got: orders_dr');
  });
});

describe.each(['python', 'java', 'go'])('the %s smoke app', (language) => {
  test('synthesizes the same stacks as the TypeScript app', () => {
    expect(filesOf(language, '.template.json')).toEqual(filesOf('typescript', '.template.json'));
  });

  test('ran in its own runtime, with the aws-cdk-lib of the TypeScript tests', () => {
    for (const file of filesOf(language, '.template.json')) {
      const template = readJson(language, file);
      expect(analyticsRuntime(template)).toMatch(RUNTIMES[language]);
      expect(decodedAnalytics(template)).toMatch(new RegExp(`^${CDK_VERSION.replace(/\./g, '\\.')}!aws-cdk-lib\\.`));
    }
  });

  test(`templates are the TypeScript app's, but for: ${NORMALIZATIONS.map((n) => n.where).join('; ')}`, () => {
    const found: string[] = [];
    for (const file of filesOf('typescript', '.template.json')) {
      const diffs = differences(normalizedTemplate(readJson('typescript', file)), normalizedTemplate(readJson(language, file)));
      found.push(...diffs.map((d) => `${file}${d}  (typescript <> ${language})`));
    }
    expect(found).toEqual([]);
  });

  test('asset manifests are the TypeScript app\'s: the handler and Provider framework assets have the same hashes', () => {
    const found: string[] = [];
    for (const file of filesOf('typescript', '.assets.json')) {
      const diffs = differences(normalizedAssetManifest(readJson('typescript', file)), normalizedAssetManifest(readJson(language, file)));
      found.push(...diffs.map((d) => `${file}${d}`));
    }
    expect(found).toEqual([]);
    const assetDirs = (l: string) => fs.readdirSync(assemblyDir(l)).filter((f) => f.startsWith('asset.')).sort();
    expect(assetDirs(language)).toEqual(assetDirs('typescript'));
    expect(assetDirs(language).length).toBeGreaterThan(0);
  });

  test('got the library\'s validation error, with its message, as an exception', () => {
    // Java's exception message is the JavaScript error's stack (name, message, frames, construct path): it
    // carries the message as a line of its own.
    const message = validationError('typescript');
    expect(validationError(language).split('\n').some((line) => line === message || line.endsWith(`» ${message}`))).toBe(true);
  });
});
