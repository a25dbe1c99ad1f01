/**
 * Benchmarks of cdk-msk-replicator, written to docs/benchmarks.md (overwritten) and printed.
 *
 *   npx ts-node --project tsconfig.dev.json bench/run.ts
 *
 * What it measures, all in one run:
 *   1. Synth time of an app with N = 1, 10 and 100 replicators: `MskReplicator` against the same topology written
 *      with the L1 `aws_msk.CfnReplicator` plus equivalent service execution roles and security groups.
 *   2. CloudFormation resources per replicator and the fixed overhead of the shared provider (linear fit).
 *   3. The size of the bundled handler asset (raw, gzip, raw deflate as in a zip) and what it is made of.
 *   4. The cold load time of the handler asset against loading `@aws-sdk/client-kafka` alone, in fresh processes.
 *   5. The MSK API calls per lifecycle operation, played through the bundled handler against the local simulator.
 *   6. How many default replicators one stack can hold under CloudFormation's and IAM's limits (bench/capacity.ts).
 *
 * Why ratios: absolute timings depend on the machine and on whatever else runs on it, so every timing is set
 * against a baseline measured in the same run, with the variants alternated (ABBA order, or rotated for more
 * than two) and repeated; the report gives medians with min and max, and the ratio of the medians together with
 * the median and range of the ratios of each alternated pair.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as v8 from 'v8';
import * as vm from 'vm';
import * as zlib from 'zlib';
import { App, AssetStaging, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as msk from 'aws-cdk-lib/aws-msk';
import { Construct } from 'constructs';
import { ACCOUNT, clusterVpc, exampleStack, REGION, ReplicatorOptions, synthesizedProperties } from '../examples/orders-replication';
import { CloudFormationResource, Handler, HANDLER_ASSET, loadBundledHandler } from '../local-aws/cloudformation/provider-framework';
import { MskSimulator, RecordedCall } from '../local-aws/msk-simulator';
import { MskReplicator, ReplicatorCluster, TargetCompressionType } from '../src';
import { capacitySection, measureCapacity } from './capacity';

const ROOT = path.join(__dirname, '..');
const REPORT = path.join(ROOT, 'docs', 'benchmarks.md');
const COMMAND = 'npx ts-node --project tsconfig.dev.json bench/run.ts';

/** Progress goes to stderr so that stdout holds only the report. */
const progress = (line: string) => process.stderr.write(`[bench] ${line}\n`);

// ---------------------------------------------------------------------------------------------------------------
// Statistics and formatting
// ---------------------------------------------------------------------------------------------------------------

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
const min = (values: number[]) => Math.min(...values);
const max = (values: number[]) => Math.max(...values);

/** `12.3 (10.1–15.0)`: median, then min–max. */
function spread(values: number[], digits = 1): string {
  return `${median(values).toFixed(digits)} (${min(values).toFixed(digits)}–${max(values).toFixed(digits)})`;
}

/** A count: `3`, or `3 (2–4)` when the repetitions differ. */
function countSpread(values: number[]): string {
  const m = median(values);
  const shown = Number.isInteger(m) ? String(m) : m.toFixed(1);
  return min(values) === max(values) ? shown : `${shown} (${min(values)}–${max(values)})`;
}

const bytes = (n: number) => n.toLocaleString('en-US');
const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

/** Least-squares line through (x, y): slope, intercept and the largest absolute residual. */
function linearFit(points: Array<[number, number]>): { slope: number; intercept: number; maxResidual: number } {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const maxResidual = Math.max(...points.map(([x, y]) => Math.abs(y - (intercept + slope * x))));
  return { slope, intercept, maxResidual };
}

/** A full collection before each timed run, so garbage left by the previous run is not charged to the next. */
const collectGarbage: () => void = (() => {
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as () => void;
  } catch {
    return () => undefined;
  }
})();

// ---------------------------------------------------------------------------------------------------------------
// 1 + 2. Synthesis: MskReplicator against CfnReplicator
// ---------------------------------------------------------------------------------------------------------------

type Variant = 'MskReplicator' | 'CfnReplicator';
const VARIANTS: Variant[] = ['MskReplicator', 'CfnReplicator'];
const STACK_NAME = 'ReplicationBench';
/** Disables CDK's 500-resource check so that N = 100 can be synthesized at all (see the report). */
const RESOURCE_LIMIT_CONTEXT = '@aws-cdk/core:stackResourceLimit';
const CFN_RESOURCE_LIMIT = 500;
const CFN_TEMPLATE_BYTES_LIMIT = 1_000_000;

const clusterArn = (side: 'primary' | 'dr', i: number) =>
  `arn:aws:kafka:${REGION}:${ACCOUNT}:cluster/orders-${side}-${i}/${String(i).padStart(8, '0')}-2222-3333-4444-555555555555-1`;

/** The same actions `ReplicatorCluster.grantReplicationSource` / `grantReplicationTarget` grant, written out. */
const SOURCE_ACTIONS = {
  cluster: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster', 'kafka-cluster:WriteDataIdempotently'],
  topic: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData', 'kafka-cluster:DescribeTopicDynamicConfiguration'],
  group: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'],
};
const TARGET_ACTIONS = {
  cluster: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster', 'kafka-cluster:AlterCluster', 'kafka-cluster:WriteDataIdempotently'],
  topic: [
    'kafka-cluster:DescribeTopic', 'kafka-cluster:CreateTopic', 'kafka-cluster:AlterTopic', 'kafka-cluster:WriteData',
    'kafka-cluster:ReadData', 'kafka-cluster:DescribeTopicDynamicConfiguration', 'kafka-cluster:AlterTopicDynamicConfiguration',
  ],
  group: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'],
};

/** The replicator `i` of the L1 variant: role, security groups and CfnReplicator, with MskReplicator's defaults. */
function cfnReplicator(stack: Stack, i: number, sourceVpc: ec2.IVpc, targetVpc: ec2.IVpc): void {
  // Same construct ids as MskReplicator uses, so the role and security groups get the same logical ids and can be
  // compared one to one (see checkEquivalence).
  const scope = new Construct(stack, `Replicator${i}`);
  const sides = [
    { side: 'Source', vpc: sourceVpc, arn: clusterArn('primary', i), actions: SOURCE_ACTIONS },
    { side: 'Target', vpc: targetVpc, arn: clusterArn('dr', i), actions: TARGET_ACTIONS },
  ];
  const role = new iam.Role(scope, 'ServiceExecutionRole', {
    description: 'Service execution role of an MSK Replicator',
    assumedBy: new iam.ServicePrincipal('kafka.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }),
  });
  for (const { arn, actions } of sides) {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: actions.cluster, resources: [arn] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: actions.topic, resources: [`${arn.replace(':cluster/', ':topic/')}/*`] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: actions.group, resources: [`${arn.replace(':cluster/', ':group/')}/*`] }));
  }
  const kafkaClusters = sides.map(({ side, vpc, arn }) => {
    const group = new ec2.SecurityGroup(scope, `${side}SecurityGroup`, {
      vpc,
      description: `MSK Replicator network interfaces (${side.toLowerCase()} side)`,
      allowAllOutbound: false,
    });
    group.addEgressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(9098), 'Kafka brokers');
    return {
      amazonMskCluster: { mskClusterArn: arn },
      vpcConfig: {
        subnetIds: vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds,
        securityGroupIds: [group.securityGroupId],
      },
    };
  });
  const replicator = new msk.CfnReplicator(scope, 'Resource', {
    replicatorName: `orders-replicator-${i}`,
    serviceExecutionRoleArn: role.roleArn,
    kafkaClusters,
    replicationInfoList: [{
      sourceKafkaClusterArn: clusterArn('primary', i),
      targetKafkaClusterArn: clusterArn('dr', i),
      targetCompressionType: 'NONE',
      topicReplication: {
        topicsToReplicate: [`orders-${i}\\..*`],
        topicsToExclude: [],
        copyTopicConfigurations: true,
        copyAccessControlListsForTopics: true,
        detectAndCopyNewTopics: true,
        startingPosition: { type: 'LATEST' },
        topicNameConfiguration: { type: 'PREFIXED_WITH_SOURCE_CLUSTER_ALIAS' },
      },
      consumerGroupReplication: {
        consumerGroupsToReplicate: ['.*'],
        consumerGroupsToExclude: [],
        synchroniseConsumerGroupOffsets: true,
        detectAndCopyNewConsumerGroups: true,
        consumerGroupOffsetSyncMode: 'LEGACY',
      },
    }],
  });
  // As MskReplicator does: the role and its policy exist before MSK is asked to assume it.
  replicator.node.addDependency(role);
}

function mskReplicator(stack: Stack, i: number, sourceVpc: ec2.IVpc, targetVpc: ec2.IVpc): void {
  new MskReplicator(stack, `Replicator${i}`, {
    source: ReplicatorCluster.fromMskCluster({ clusterArn: clusterArn('primary', i), vpc: sourceVpc }),
    target: ReplicatorCluster.fromMskCluster({ clusterArn: clusterArn('dr', i), vpc: targetVpc }),
    topicReplication: { topicsToReplicate: [`orders-${i}\\..*`] },
  });
}

interface Template {
  Resources: Record<string, { Type: string; Properties?: unknown }>;
}

interface SynthRun {
  readonly constructMs: number;
  readonly synthMs: number;
  readonly totalMs: number;
  readonly template: Template;
  readonly templateBytes: number;
}

/** One timed synthesis: a new App (outdir in a fresh temp dir), N replicators, `app.synth()`. */
function synthOnce(variant: Variant, n: number): SynthRun {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'msk-replicator-bench-'));
  try {
    // Each run hashes the handler asset again, as a fresh `cdk synth` process would.
    AssetStaging.clearAssetHashCache();
    collectGarbage();
    const t0 = performance.now();
    const app = new App({ outdir, context: { [RESOURCE_LIMIT_CONTEXT]: 0 } });
    const stack = new Stack(app, STACK_NAME, { env: { account: ACCOUNT, region: REGION } });
    const sourceVpc = clusterVpc(stack, 'PrimaryVpc', '10.1.0.0/16', '0primary');
    const targetVpc = clusterVpc(stack, 'DrVpc', '10.2.0.0/16', '0dr');
    const add = variant === 'MskReplicator' ? mskReplicator : cfnReplicator;
    for (let i = 0; i < n; i++) add(stack, i, sourceVpc, targetVpc);
    const t1 = performance.now();
    const assembly = app.synth();
    const t2 = performance.now();
    const artifact = assembly.getStackArtifact(STACK_NAME);
    return {
      constructMs: t1 - t0,
      synthMs: t2 - t1,
      totalMs: t2 - t0,
      template: artifact.template as Template,
      templateBytes: fs.statSync(artifact.templateFullPath).size,
    };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Repetitions per N, as alternated pairs: cheap small apps get more, N = 100 fewer. */
const SYNTH_PLAN: Array<{ n: number; pairs: number }> = [
  { n: 1, pairs: 20 },
  { n: 10, pairs: 16 },
  { n: 100, pairs: 14 },
];

interface SynthResult {
  readonly n: number;
  readonly runs: Record<Variant, SynthRun[]>;
  /** MskReplicator / CfnReplicator per alternated pair. */
  readonly pairRatios: number[];
}

function measureSynth(): SynthResult[] {
  // Warm-up (module loading, JIT), not reported.
  for (const variant of VARIANTS) for (let k = 0; k < 2; k++) synthOnce(variant, 10);
  const results: SynthResult[] = [];
  for (const { n, pairs } of SYNTH_PLAN) {
    progress(`synth N=${n}: ${pairs} alternated pairs`);
    const runs: Record<Variant, SynthRun[]> = { MskReplicator: [], CfnReplicator: [] };
    const pairRatios: number[] = [];
    for (let p = 0; p < pairs; p++) {
      const order = p % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
      const pair = {} as Record<Variant, SynthRun>;
      for (const variant of order) pair[variant] = synthOnce(variant, n);
      for (const variant of VARIANTS) runs[variant].push(pair[variant]);
      pairRatios.push(pair.MskReplicator.totalMs / pair.CfnReplicator.totalMs);
    }
    results.push({ n, runs, pairRatios });
  }
  return results;
}

function countByType(template: Template): Map<string, number> {
  const counts = new Map<string, number>();
  for (const resource of Object.values(template.Resources)) counts.set(resource.Type, (counts.get(resource.Type) ?? 0) + 1);
  return counts;
}

/**
 * Every role, policy and security group of the L1 variant must exist in the MskReplicator template under the same
 * logical id with the same properties: the baseline then carries exactly the IAM and network resources MskReplicator
 * creates for the service, and the comparison is about the rest.
 */
function checkEquivalence(cfn: Template, mskTemplate: Template): { compared: number; differences: string[]; descriptionOnly: string[] } {
  // Free-text descriptions do not change what is synthesized or deployed; a difference only there is reported apart.
  const withoutDescriptions = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(withoutDescriptions);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value)
      .filter(([key]) => key !== 'Description' && key !== 'GroupDescription')
      .map(([key, v]) => [key, withoutDescriptions(v)]));
  };
  const differences: string[] = [];
  const descriptionOnly: string[] = [];
  let compared = 0;
  for (const [logicalId, resource] of Object.entries(cfn.Resources)) {
    if (resource.Type === 'AWS::MSK::Replicator') continue;
    compared += 1;
    const other = mskTemplate.Resources[logicalId];
    if (other === undefined) {
      differences.push(`${logicalId} (${resource.Type}) missing from the MskReplicator template`);
    } else if (other.Type !== resource.Type
      || JSON.stringify(withoutDescriptions(other.Properties)) !== JSON.stringify(withoutDescriptions(resource.Properties))) {
      differences.push(`${logicalId} (${resource.Type}) differs`);
    } else if (JSON.stringify(other.Properties) !== JSON.stringify(resource.Properties)) {
      descriptionOnly.push(`${logicalId} (${resource.Type})`);
    }
  }
  return { compared, differences, descriptionOnly };
}

// ---------------------------------------------------------------------------------------------------------------
// 3. The handler asset
// ---------------------------------------------------------------------------------------------------------------

interface AssetResult {
  readonly raw: number;
  readonly gzip: number;
  readonly gzip9: number;
  readonly deflateRaw: number;
  readonly rebuild?: { bytes: number; groups: Array<[string, number]>; packages: Array<[string, number]> };
  readonly rebuildError?: string;
  /** The same esbuild command with one of the size measures undone, to show what each one saves. */
  readonly variants?: Array<{ label: string; bytes: number }>;
}

/** The handler's esbuild arguments that keep the asset small, and what undoing each one means. */
const SIZE_MEASURES: Array<{ label: string; drop: (arg: string) => boolean }> = [
  { label: 'the SDK\'s default credential chain instead of the environment provider', drop: (a) => a.startsWith('--alias:@aws-sdk/credential-provider-node=') },
  { label: 'CommonJS builds (esbuild\'s default main fields) instead of `module` first', drop: (a) => a.startsWith('--main-fields=') },
];

/** The package an esbuild input belongs to (`@scope/name`, `name`), or this library's sources. */
function packageOf(input: string): string {
  const marker = 'node_modules/';
  const at = input.lastIndexOf(marker);
  if (at < 0) return 'this library (src/)';
  const parts = input.slice(at + marker.length).split('/');
  return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

function groupOf(pkg: string): string {
  if (pkg.startsWith('@aws-sdk/')) return '@aws-sdk/*';
  if (pkg.startsWith('@smithy/')) return '@smithy/*';
  if (pkg.startsWith('@aws-crypto/')) return '@aws-crypto/*';
  return pkg.startsWith('this library') ? pkg : 'other packages';
}

/**
 * Rebuilds the handler into a temp dir with the project's own esbuild command (read from .projen/tasks.json) plus
 * a metafile, to attribute the bytes of the output to packages.
 */
/** The arguments of the project's esbuild command for the handler (from .projen/tasks.json), without the outfile. */
function handlerEsbuildArgs(): string[] {
  const tasks = JSON.parse(fs.readFileSync(path.join(ROOT, '.projen', 'tasks.json'), 'utf8')) as {
    tasks: Record<string, { steps?: Array<{ execArgs?: string[] }> }>;
  };
  const execArgs = tasks.tasks['bundle:provider/handler.lambda']?.steps?.find((s) => s.execArgs?.[0] === 'esbuild')?.execArgs;
  if (!execArgs) throw new Error('no esbuild step in the task bundle:provider/handler.lambda');
  return execArgs.slice(1).filter((a) => !a.startsWith('--outfile='));
}

/** Runs esbuild with `args` into a temp dir; returns the output's size and, when asked, its metafile. */
function esbuildInto<T>(args: string[], read: (outfile: string, metafile: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msk-replicator-bench-esbuild-'));
  try {
    const outfile = path.join(dir, 'index.js');
    const metafile = path.join(dir, 'meta.json');
    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'esbuild'),
      [...args, `--outfile=${outfile}`, `--metafile=${metafile}`, '--log-level=error'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    return read(outfile, metafile);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The handler rebuilt with one size measure (or all of them) undone. */
function measureVariants(): AssetResult['variants'] {
  const args = handlerEsbuildArgs();
  const size = (outfile: string) => fs.statSync(outfile).size;
  return [
    ...SIZE_MEASURES.map(({ label, drop }) => ({ label: `without one measure: ${label}`, bytes: esbuildInto(args.filter((a) => !drop(a)), size) })),
    { label: 'without any of them (the plain bundle)', bytes: esbuildInto(args.filter((a) => !SIZE_MEASURES.some(({ drop }) => drop(a))), size) },
  ];
}

function rebuildWithMetafile(): AssetResult['rebuild'] {
  return esbuildInto(handlerEsbuildArgs(), (outfile, metafile) => {
    const meta = JSON.parse(fs.readFileSync(metafile, 'utf8')) as {
      outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
    };
    const byPackage = new Map<string, number>();
    for (const output of Object.values(meta.outputs)) {
      for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
        byPackage.set(packageOf(input), (byPackage.get(packageOf(input)) ?? 0) + bytesInOutput);
      }
    }
    const byGroup = new Map<string, number>();
    for (const [pkg, n] of byPackage) byGroup.set(groupOf(pkg), (byGroup.get(groupOf(pkg)) ?? 0) + n);
    const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]);
    return { bytes: fs.statSync(outfile).size, groups: sorted(byGroup), packages: sorted(byPackage).slice(0, 10) };
  });
}

function measureAsset(): AssetResult {
  const content = fs.readFileSync(HANDLER_ASSET);
  const result = {
    raw: content.length,
    gzip: zlib.gzipSync(content).length,
    gzip9: zlib.gzipSync(content, { level: 9 }).length,
    deflateRaw: zlib.deflateRawSync(content).length,
  };
  try {
    return { ...result, rebuild: rebuildWithMetafile(), variants: measureVariants() };
  } catch (error) {
    return { ...result, rebuildError: (error as Error).message.split('\n')[0] };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 4. Cold load in fresh processes
// ---------------------------------------------------------------------------------------------------------------

interface LoadVariant {
  readonly label: string;
  readonly code: string;
}

/** Each child reports how long its require took and how long after process start it finished. */
const childScript = (load: string) =>
  `const t=performance.now();${load};const e=performance.now();`
  + 'process.stdout.write(JSON.stringify({require:e-t,sinceStart:e,modules:Object.keys(require.cache).length}))';

const LOAD_VARIANTS: LoadVariant[] = [
  { label: 'bare `node -e ""` (process start only)', code: childScript('') },
  { label: "`require('@aws-sdk/client-kafka')`", code: childScript("require('@aws-sdk/client-kafka')") },
  {
    label: "`require('@aws-sdk/client-kafka')` + `new KafkaClient()` (what the handler does at load)",
    code: childScript("new (require('@aws-sdk/client-kafka').KafkaClient)({maxAttempts:6})"),
  },
  { label: 'the handler asset `assets/provider/handler.lambda/index.js`', code: childScript(`require(${JSON.stringify(HANDLER_ASSET)})`) },
];
const LOAD_ROUNDS = 15;
const LOAD_WARMUP_ROUNDS = 2;

interface LoadSample {
  readonly wallMs: number;
  readonly requireMs: number;
  readonly sinceStartMs: number;
  /** Modules in the child's require cache after loading. */
  readonly modules: number;
}

function loadOnce(variant: LoadVariant): LoadSample {
  // A clean environment: no NODE_OPTIONS or ts-node hooks inherited; a Region as Lambda sets one.
  const env = { PATH: process.env.PATH ?? '', HOME: os.homedir(), AWS_REGION: REGION };
  const t0 = performance.now();
  const child = spawnSync(process.execPath, ['-e', variant.code], { cwd: ROOT, env, encoding: 'utf8' });
  const wallMs = performance.now() - t0;
  if (child.status !== 0) throw new Error(`${variant.label} exited ${child.status}: ${child.stderr}`);
  const reported = JSON.parse(child.stdout) as { require: number; sinceStart: number; modules: number };
  return { wallMs, requireMs: reported.require, sinceStartMs: reported.sinceStart, modules: reported.modules };
}

function measureLoad(): LoadSample[][] {
  const samples: LoadSample[][] = LOAD_VARIANTS.map(() => []);
  for (let round = 0; round < LOAD_WARMUP_ROUNDS + LOAD_ROUNDS; round++) {
    // Rotate the order each round, so no variant always runs right after the same other one.
    for (let k = 0; k < LOAD_VARIANTS.length; k++) {
      const index = (round + k) % LOAD_VARIANTS.length;
      const sample = loadOnce(LOAD_VARIANTS[index]);
      if (round >= LOAD_WARMUP_ROUNDS) samples[index].push(sample);
    }
  }
  return samples;
}

// ---------------------------------------------------------------------------------------------------------------
// 5. MSK API calls per lifecycle operation
// ---------------------------------------------------------------------------------------------------------------

const SIM_TIMING = { creatingMs: 300, updatingMs: 200, deletingMs: 200 };
const QUERY_INTERVAL_MS = 50;
const LIFECYCLE_REPETITIONS = 5;
const WRITE_OPERATIONS = ['CreateReplicator', 'UpdateReplicationInfo', 'DeleteReplicator', 'TagResource', 'UntagResource'];
const READ_OPERATIONS = ['DescribeReplicator', 'ListTagsForResource', 'ListReplicators'];

/** One CloudFormation request within a lifecycle step, as seen in one repetition. */
interface RequestSample {
  readonly requestType: string;
  readonly status: string;
  readonly polls: number;
  readonly calls: RecordedCall[];
}

interface StepSample {
  readonly requests: RequestSample[];
  readonly ms: number;
}

const STEPS = [
  'create',
  'in-place update (topics changed)',
  'no-op update (same properties)',
  'replacement (target compression changed)',
  'delete',
] as const;

function lifecycleProperties() {
  const synth = (options: ReplicatorOptions) => synthesizedProperties(exampleStack(options).stack);
  const v1 = synth({ tags: { team: 'streaming' }, topicReplication: { topicsToReplicate: ['orders\\..*'] } });
  const v2 = synth({ tags: { team: 'streaming' }, topicReplication: { topicsToReplicate: ['orders\\..*', 'payments\\..*'] } });
  const v3 = synth({
    tags: { team: 'streaming' },
    topicReplication: { topicsToReplicate: ['orders\\..*', 'payments\\..*'] },
    targetCompressionType: TargetCompressionType.ZSTD,
  });
  return { v1, v2, v3 };
}

async function measureLifecycle(): Promise<StepSample[][]> {
  const { v1, v2, v3 } = lifecycleProperties();
  const sim = await MskSimulator.start({ timing: SIM_TIMING });
  try {
    const bundled = loadBundledHandler(sim.endpoint);
    // Marks where each CloudFormation request starts in the simulator's call log.
    let marks: number[] = [];
    const handler: Handler = {
      onEventHandler: (event, context) => {
        marks.push(sim.calls.length);
        return bundled.onEventHandler(event, context);
      },
      isCompleteHandler: (event, context) => bundled.isCompleteHandler(event, context),
    };
    const samples: StepSample[][] = STEPS.map(() => []);
    for (let rep = 0; rep < LIFECYCLE_REPETITIONS; rep++) {
      progress(`lifecycle repetition ${rep + 1}/${LIFECYCLE_REPETITIONS}`);
      const resource = new CloudFormationResource(handler, { queryIntervalMs: QUERY_INTERVAL_MS });
      const actions = [
        () => resource.create(v1),
        () => resource.update(v2),
        () => resource.update(v2),
        () => resource.update(v3),
        () => resource.delete(),
      ];
      for (let s = 0; s < STEPS.length; s++) {
        sim.resetCalls();
        marks = [];
        const historyStart = resource.history.length;
        const t0 = performance.now();
        await actions[s]();
        const ms = performance.now() - t0;
        const history = resource.history.slice(historyStart);
        const requests = history.map((h, k): RequestSample => ({
          requestType: h.requestType,
          status: h.result.status === 'SUCCESS' ? 'SUCCESS' : `FAILED: ${h.result.reason}`,
          polls: h.result.polls,
          calls: sim.calls.slice(marks[k], marks[k + 1] ?? sim.calls.length),
        }));
        samples[s].push({ requests, ms });
      }
      if (sim.replicators().length > 0) throw new Error(`${sim.replicators().length} replicator(s) left in the simulator`);
    }
    return samples;
  } finally {
    await sim.stop();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------------------------

function environment(): string[] {
  const version = (pkg: string) => {
    try {
      return (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  };
  let commit = 'unknown';
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' }).trim().length > 0;
    commit = `${head}${dirty ? ' (working tree has uncommitted changes)' : ''}`;
  } catch {
    // not a git checkout
  }
  const cpus = os.cpus();
  return [
    `- Date: ${new Date().toISOString()}`,
    `- Commit: ${commit}`,
    `- Node.js: ${process.version} (${process.platform}/${process.arch})`,
    `- Machine: ${cpus.length} cores (os.cpus().length), ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    `- aws-cdk-lib ${version('aws-cdk-lib')}, @aws-sdk/client-kafka ${version('@aws-sdk/client-kafka')} (bundled into the handler)`,
    `- Reproduce: \`${COMMAND}\` (from the repository root, after \`npx projen bundle\` so that the handler asset is current)`,
  ];
}

interface SynthSummary {
  readonly lines: string[];
  readonly ratio100: number;
  readonly range100: [number, number];
}

function synthSection(results: SynthResult[], equivalence: ReturnType<typeof checkEquivalence>): SynthSummary {
  const lines: string[] = [];
  lines.push('## 1. Synth time: MskReplicator vs CfnReplicator');
  lines.push('');
  lines.push('One stack (account and Region fixed) with two imported VPCs and N replicators, each between its own pair of MSK '
    + 'clusters. **MskReplicator**: `new MskReplicator(...)` with default role and security groups (plus, once per stack, '
    + 'the shared provider). **CfnReplicator**: `aws_msk.CfnReplicator` with the same replication settings spelled out, '
    + 'an `iam.Role` trusted by `kafka.amazonaws.com` (same `aws:SourceAccount` condition) with the same six scoped '
    + '`kafka-cluster:` statements, and the same two security groups (egress TCP 9098 to the VPC CIDR).');
  lines.push('');
  lines.push(`Equivalence check at N = 1: ${equivalence.compared} resources of the CfnReplicator variant other than the replicator `
    + '(role, role policy, security groups) compared with the MskReplicator template by logical id and properties: '
    + (equivalence.differences.length > 0
      ? `**differences**: ${equivalence.differences.join('; ')}.`
      : equivalence.descriptionOnly.length > 0
        ? `**identical except description texts** of ${equivalence.descriptionOnly.join(', ')}.`
        : '**identical**.'));
  lines.push('');
  lines.push('Each run: a new `App` with `outdir` in a fresh temp dir, construction, `app.synth()` (writes the template and '
    + 'stages the asset); the asset hash cache is cleared and a full GC is done before each run, outside the timing. '
    + 'The two variants alternate in ABBA order; two warm-up runs of each are discarded. '
    + `CDK's 500-resource check is disabled (context \`${RESOURCE_LIMIT_CONTEXT}: 0\`), see section 2.`);
  lines.push('');
  lines.push('| N | runs per variant | MskReplicator ms, median (min–max) | CfnReplicator ms, median (min–max) | ratio of medians | ratio per alternated pair, median (min–max) |');
  lines.push('|---:|---:|---:|---:|---:|---:|');
  let ratio100 = NaN;
  let range100: [number, number] = [NaN, NaN];
  for (const r of results) {
    const l2 = r.runs.MskReplicator.map((x) => x.totalMs);
    const l1 = r.runs.CfnReplicator.map((x) => x.totalMs);
    const ratio = median(l2) / median(l1);
    if (r.n === 100) {
      ratio100 = ratio;
      range100 = [min(r.pairRatios), max(r.pairRatios)];
    }
    lines.push(`| ${r.n} | ${l2.length} | ${spread(l2)} | ${spread(l1)} | **${ratio.toFixed(2)}×** | ${spread(r.pairRatios, 2)} |`);
  }
  lines.push('');
  const met = ratio100 <= 1.5;
  const borderline = met !== (range100[1] <= 1.5) || met !== (range100[0] <= 1.5);
  lines.push(`**Goal: at most 1.5× at N = 100. Measured ${ratio100.toFixed(2)}× (ratio of medians): ${met ? 'MET' : 'NOT MET'}.**`
    + (borderline ? ` The per-pair ratios (${range100[0].toFixed(2)}–${range100[1].toFixed(2)}) straddle 1.5×, so the verdict is sensitive to noise.` : ''));
  lines.push('');
  lines.push('Where the time goes (medians, ms): construction of the constructs vs `app.synth()` (prepare, validate, resolve, write):');
  lines.push('');
  lines.push('| N | MskReplicator construct | MskReplicator app.synth() | CfnReplicator construct | CfnReplicator app.synth() |');
  lines.push('|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const m = (v: Variant, k: 'constructMs' | 'synthMs') => median(r.runs[v].map((x) => x[k])).toFixed(1);
    lines.push(`| ${r.n} | ${m('MskReplicator', 'constructMs')} | ${m('MskReplicator', 'synthMs')} | ${m('CfnReplicator', 'constructMs')} | ${m('CfnReplicator', 'synthMs')} |`);
  }
  lines.push('');
  return { lines, ratio100, range100 };
}

function resourceSection(results: SynthResult[]): { lines: string[]; fits: Record<Variant, ReturnType<typeof linearFit>> } {
  const lines: string[] = [];
  lines.push('## 2. CloudFormation resources per replicator and fixed overhead');
  lines.push('');
  lines.push('Resources counted in the synthesized templates of section 1 (the imported VPCs add none).');
  lines.push('');
  lines.push('| N | MskReplicator resources | CfnReplicator resources | MskReplicator template bytes | CfnReplicator template bytes |');
  lines.push('|---:|---:|---:|---:|---:|');
  const total = (r: SynthResult, v: Variant) => Object.keys(r.runs[v][0].template.Resources).length;
  const flag = (count: number) => (count > CFN_RESOURCE_LIMIT ? ` ⚠ > ${CFN_RESOURCE_LIMIT}` : '');
  const flagBytes = (n: number) => (n > CFN_TEMPLATE_BYTES_LIMIT ? ' ⚠ > 1 MB' : '');
  for (const r of results) {
    const mb = r.runs.MskReplicator[0].templateBytes;
    const cb = r.runs.CfnReplicator[0].templateBytes;
    lines.push(`| ${r.n} | ${total(r, 'MskReplicator')}${flag(total(r, 'MskReplicator'))} | ${total(r, 'CfnReplicator')}${flag(total(r, 'CfnReplicator'))} `
      + `| ${bytes(mb)}${flagBytes(mb)} | ${bytes(cb)}${flagBytes(cb)} |`);
  }
  lines.push('');
  const fits = {} as Record<Variant, ReturnType<typeof linearFit>>;
  lines.push('Least-squares fit `resources = fixed + per replicator × N` over N = 1, 10, 100 (a residual of 0 means exactly linear):');
  lines.push('');
  lines.push('| variant | per replicator | fixed | largest residual | by difference: (N10 − N1) / 9, N1 − that |');
  lines.push('|---|---:|---:|---:|---:|');
  for (const v of VARIANTS) {
    const points = results.map((r): [number, number] => [r.n, total(r, v)]);
    const fit = linearFit(points);
    fits[v] = fit;
    const r1 = results.find((r) => r.n === 1)!;
    const r10 = results.find((r) => r.n === 10)!;
    const per = (total(r10, v) - total(r1, v)) / 9;
    lines.push(`| ${v} | ${fit.slope.toFixed(2)} | ${fit.intercept.toFixed(2)} | ${fit.maxResidual.toFixed(2)} | ${per.toFixed(2)}, ${(total(r1, v) - per).toFixed(2)} |`);
  }
  lines.push('');
  lines.push('By resource type (from N = 1 and N = 10; per replicator = difference / 9, fixed = N1 − per replicator):');
  lines.push('');
  lines.push('| resource type | MskReplicator per replicator | MskReplicator fixed (shared provider) | CfnReplicator per replicator | CfnReplicator fixed |');
  lines.push('|---|---:|---:|---:|---:|');
  const r1 = results.find((r) => r.n === 1)!;
  const r10 = results.find((r) => r.n === 10)!;
  const counts = (r: SynthResult, v: Variant) => countByType(r.runs[v][0].template);
  const types = new Set<string>();
  for (const v of VARIANTS) for (const t of counts(r10, v).keys()) types.add(t);
  for (const type of [...types].sort()) {
    const cells = VARIANTS.map((v) => {
      const c1 = counts(r1, v).get(type) ?? 0;
      const c10 = counts(r10, v).get(type) ?? 0;
      const per = (c10 - c1) / 9;
      return [per, c1 - per].map((x) => (Number.isInteger(x) ? String(x) : x.toFixed(2)));
    });
    lines.push(`| ${type} | ${cells[0][0]} | ${cells[0][1]} | ${cells[1][0]} | ${cells[1][1]} |`);
  }
  lines.push('');
  const msk100 = total(results.find((r) => r.n === 100)!, 'MskReplicator');
  const maxPerStack = Math.floor((CFN_RESOURCE_LIMIT - fits.MskReplicator.intercept) / fits.MskReplicator.slope);
  const maxPerStackCfn = Math.floor((CFN_RESOURCE_LIMIT - fits.CfnReplicator.intercept) / fits.CfnReplicator.slope);
  lines.push(`CloudFormation allows ${CFN_RESOURCE_LIMIT} resources per stack, and CDK refuses to synthesize more by default: `
    + `with default roles and security groups one stack holds at most **${maxPerStack} MskReplicators** `
    + `(${maxPerStackCfn} of the CfnReplicator variant). N = 100 MskReplicators (${msk100} resources) cannot be deployed as one stack.`);
  lines.push('');
  return { lines, fits };
}

function assetSection(asset: AssetResult): { lines: string[]; met: boolean } {
  const goal = 300 * 1024;
  const met = asset.raw <= goal;
  const lines: string[] = [];
  lines.push('## 3. Handler asset size');
  lines.push('');
  lines.push('`assets/provider/handler.lambda/index.js`: one minified esbuild bundle with `@aws-sdk/client-kafka` inside. '
    + 'It is the code of **both** provider functions (onEvent: `index.onEventHandler`, isComplete: `index.isCompleteHandler`), '
    + 'staged and uploaded once per stack.');
  lines.push('');
  lines.push('| measure | bytes | KiB |');
  lines.push('|---|---:|---:|');
  lines.push(`| minified (on disk) | ${bytes(asset.raw)} | ${kib(asset.raw)} |`);
  lines.push(`| gzip (zlib default level 6) | ${bytes(asset.gzip)} | ${kib(asset.gzip)} |`);
  lines.push(`| gzip (level 9) | ${bytes(asset.gzip9)} | ${kib(asset.gzip9)} |`);
  lines.push(`| raw deflate, default level (what a zip entry holds; the deployed zip adds ~100 bytes of headers) | ${bytes(asset.deflateRaw)} | ${kib(asset.deflateRaw)} |`);
  lines.push('');
  lines.push(`**Goal: at most 300 KiB minified (307,200 bytes). Measured ${kib(asset.raw)} (${(asset.raw / goal).toFixed(2)}× the goal): ${met ? 'MET' : 'NOT MET'}.**`);
  lines.push('');
  if (asset.rebuild) {
    const r = asset.rebuild;
    lines.push("What it is made of: the project's esbuild command"
      + ' (from `.projen/tasks.json`) rerun into a temp dir with a metafile'
      + ` produced ${bytes(r.bytes)} bytes (${r.bytes === asset.raw ? 'the same size as the asset' : `the asset has ${bytes(asset.raw)}: it is not a build of the current sources, run \`npx projen bundle\``}). `
      + 'Bytes in the output by origin:');
    lines.push('');
    lines.push('| origin | bytes | share |');
    lines.push('|---|---:|---:|');
    for (const [group, n] of r.groups) lines.push(`| ${group} | ${bytes(n)} | ${((100 * n) / r.bytes).toFixed(1)} % |`);
    lines.push('');
    lines.push(`Largest packages: ${r.packages.map(([pkg, n]) => `${pkg} ${kib(n)}`).join(', ')}.`);
    lines.push('');
    lines.push('What each size measure saves: the same esbuild command rerun with it undone (the environment-only '
      + 'credential provider is an esbuild alias, `module` first is `mainFields`; both in `.projenrc.ts`).');
    lines.push('');
    lines.push('| build | bytes | KiB | × the asset |');
    lines.push('|---|---:|---:|---:|');
    lines.push(`| as shipped | ${bytes(r.bytes)} | ${kib(r.bytes)} | 1.00 |`);
    for (const v of asset.variants ?? []) lines.push(`| ${v.label} | ${bytes(v.bytes)} | ${kib(v.bytes)} | ${(v.bytes / r.bytes).toFixed(2)} |`);
  } else {
    lines.push(`(The breakdown by package could not be produced: ${asset.rebuildError}.)`);
  }
  lines.push('');
  return { lines, met };
}

function loadSection(samples: LoadSample[][]): string[] {
  const lines: string[] = [];
  lines.push('## 4. Cold load: handler asset vs `@aws-sdk/client-kafka` alone');
  lines.push('');
  lines.push(`Fresh \`node -e\` processes (${process.version}, cwd = repository root, a clean environment with only PATH, HOME and AWS_REGION), `
    + `${LOAD_ROUNDS} of each after ${LOAD_WARMUP_ROUNDS} warm-up rounds, in an order rotated every round. `
    + '"wall" is spawn to exit as seen by the parent; "net" is the median wall minus the median wall of the bare process; '
    + '"require" is measured inside the child around the `require` (and the client construction) alone.');
  lines.push('');
  lines.push('| process | wall ms, median (min–max) | net of process start, ms | require ms (in the child), median (min–max) | modules loaded |');
  lines.push('|---|---:|---:|---:|---:|');
  const bare = median(samples[0].map((s) => s.wallMs));
  LOAD_VARIANTS.forEach((variant, i) => {
    const wall = samples[i].map((s) => s.wallMs);
    const loaded = i === 0 ? '—' : countSpread(samples[i].map((s) => s.modules));
    lines.push(`| ${variant.label} | ${spread(wall)} | ${i === 0 ? '—' : (median(wall) - bare).toFixed(1)} `
      + `| ${i === 0 ? '—' : spread(samples[i].map((s) => s.requireMs))} | ${loaded} |`);
  });
  lines.push('');
  const handler = samples[3];
  const sdk = samples[1];
  const sdkClient = samples[2];
  const wallRatio = median(handler.map((s) => s.wallMs)) / median(sdk.map((s) => s.wallMs));
  const netRatio = (median(handler.map((s) => s.wallMs)) - bare) / (median(sdk.map((s) => s.wallMs)) - bare);
  const requireRatio = median(handler.map((s) => s.requireMs)) / median(sdk.map((s) => s.requireMs));
  const requireRatioClient = median(handler.map((s) => s.requireMs)) / median(sdkClient.map((s) => s.requireMs));
  lines.push(`Handler / SDK alone: wall **${wallRatio.toFixed(2)}×**, net of process start **${netRatio.toFixed(2)}×**, `
    + `require time in the child **${requireRatio.toFixed(2)}×** (against SDK + new KafkaClient: ${requireRatioClient.toFixed(2)}×). `
    + `On this measure the single bundled file loads ${requireRatio <= 1 ? 'faster than' : 'slower than'} the SDK from node_modules `
    + `(${median(sdk.map((s) => s.modules))} files, some of whose dependencies, such as credential providers, are required only `
    + 'when first used, while the bundle parses and evaluates everything it holds). This measures module loading on this machine, '
    + 'not a Lambda cold start (which adds the runtime init and the download of the code, and runs Node.js 22).');
  lines.push('');
  return lines;
}

function lifecycleSection(samples: StepSample[][]): string[] {
  const lines: string[] = [];
  lines.push('## 5. MSK API calls per lifecycle operation');
  lines.push('');
  lines.push('The bundled handler driven by the CloudFormation/Provider harness (`local-aws/cloudformation/provider-framework.ts`) against the local '
    + `MSK API simulator, ${LIFECYCLE_REPETITIONS} repetitions of create → in-place update → no-op update → replacement → delete `
    + '(properties synthesized from `examples/orders-replication.ts`, as in the demo). '
    + `Simulator timing: CREATING ${SIM_TIMING.creatingMs} ms, UPDATING ${SIM_TIMING.updatingMs} ms, DELETING ${SIM_TIMING.deletingMs} ms; `
    + `isComplete polled every ${QUERY_INTERVAL_MS} ms. Counts are median (min–max) over the repetitions. `
    + '**DescribeReplicator counts depend on polling**: they grow with the time a state lasts divided by the query interval '
    + '(in AWS: up to ~30 minutes of CREATING polled every 30 s, so up to ~60 Describes for a create). '
    + 'Write counts do not depend on timing.');
  lines.push('');
  lines.push('| operation | CloudFormation request | result | isComplete polls | writes | reads | writes total | reads total | error answers | wall ms |');
  lines.push('|---|---|---|---:|---|---|---:|---:|---|---:|');
  const opCounts = (reps: RequestSample[], ops: string[]) => ops
    .map((op) => ({ op, values: reps.map((r) => r.calls.filter((c) => c.operation === op).length) }))
    .filter(({ values }) => max(values) > 0)
    .map(({ op, values }) => `${op} ${countSpread(values)}`)
    .join(', ') || 'none';
  STEPS.forEach((step, s) => {
    const reps = samples[s];
    const requestCount = max(reps.map((r) => r.requests.length));
    for (let k = 0; k < requestCount; k++) {
      const requests = reps.map((r) => r.requests[k]).filter((r): r is RequestSample => r !== undefined);
      const requestType = requests[0].requestType;
      const label = step.startsWith('replacement') && requestType === 'Delete'
        ? 'Delete (cleanup of the old replicator)'
        : requestType;
      const statuses = [...new Set(requests.map((r) => r.status))].join('; ');
      const errors = new Map<string, number[]>();
      requests.forEach((r, i) => {
        for (const c of r.calls.filter((x) => x.status >= 400 || x.status === 0)) {
          const key = `${c.operation} ${c.errorType ?? c.status}`;
          const arr = errors.get(key) ?? requests.map(() => 0);
          arr[i] += 1;
          errors.set(key, arr);
        }
      });
      const errorText = [...errors.entries()].map(([key, values]) => `${key} ${countSpread(values)}`).join(', ') || 'none';
      const total = (ops: string[]) => countSpread(requests.map((r) => r.calls.filter((c) => ops.includes(c.operation)).length));
      lines.push(`| ${k === 0 ? step : ''} | ${label} | ${statuses} | ${countSpread(requests.map((r) => r.polls))} `
        + `| ${opCounts(requests, WRITE_OPERATIONS)} | ${opCounts(requests, READ_OPERATIONS)} | ${total(WRITE_OPERATIONS)} | ${total(READ_OPERATIONS)} `
        + `| ${errorText} | ${k === 0 ? spread(reps.map((r) => r.ms), 0) : ''} |`);
    }
  });
  lines.push('');
  lines.push('Writes are `CreateReplicator`, `UpdateReplicationInfo`, `DeleteReplicator`, `TagResource`, `UntagResource`; reads are '
    + '`DescribeReplicator`, `ListTagsForResource`, `ListReplicators`. "error answers" are responses of 4xx/5xx the handler '
    + 'expects (for example the NotFound that tells it a deleted replicator is gone); they are included in the read and write counts. '
    + 'The wall time of a step covers all of its requests and is dominated by the simulated state durations.');
  lines.push('');
  return lines;
}

const loadAverage = () => os.loadavg().map((x) => x.toFixed(2)).join(', ');

async function main(): Promise<void> {
  const started = performance.now();
  const loadBefore = loadAverage();
  progress(`asset: ${path.relative(ROOT, HANDLER_ASSET)}`);
  const asset = measureAsset();

  progress('synth: warm-up');
  const synth = measureSynth();
  const n1 = synth.find((r) => r.n === 1)!;
  const equivalence = checkEquivalence(n1.runs.CfnReplicator[0].template, n1.runs.MskReplicator[0].template);

  progress(`cold load: ${LOAD_VARIANTS.length} process kinds × ${LOAD_ROUNDS} (+${LOAD_WARMUP_ROUNDS} warm-up rounds)`);
  const load = measureLoad();

  progress('lifecycle against the simulator');
  const lifecycle = await measureLifecycle();

  progress('stack capacity under CloudFormation and IAM limits');
  const capacity = measureCapacity();

  const synthPart = synthSection(synth, equivalence);
  const resourcePart = resourceSection(synth);
  const assetPart = assetSection(asset);
  const runtimeSeconds = (performance.now() - started) / 1000;
  const loadAfter = loadAverage();

  const lines: string[] = [];
  lines.push('# Benchmarks');
  lines.push('');
  lines.push('Generated by `bench/run.ts`; every number below was measured in the run described here (nothing is carried over '
    + 'from earlier runs). Timings are relative: compare the ratios, not the milliseconds, across machines.');
  lines.push('');
  lines.push(...environment());
  lines.push(`- Runtime of the benchmark: ${runtimeSeconds.toFixed(0)} s (plus ts-node start-up)`);
  lines.push(`- Load average (1, 5, 15 min) at start: ${loadBefore}; at end: ${loadAfter} (other work on the machine widens the spreads)`);
  lines.push('');
  lines.push('## Goals');
  lines.push('');
  lines.push('| goal | measured | verdict |');
  lines.push('|---|---|---|');
  lines.push(`| synth time MskReplicator / CfnReplicator at N = 100 ≤ 1.5× | ${synthPart.ratio100.toFixed(2)}× (pairs ${synthPart.range100[0].toFixed(2)}–${synthPart.range100[1].toFixed(2)}×) | ${synthPart.ratio100 <= 1.5 ? 'met' : 'NOT met'} |`);
  lines.push(`| handler asset ≤ 300 KiB minified | ${kib(asset.raw)} (${bytes(asset.raw)} bytes) | ${assetPart.met ? 'met' : 'NOT met'} |`);
  lines.push('');
  lines.push(...synthPart.lines, ...resourcePart.lines, ...assetPart.lines, ...loadSection(load), ...lifecycleSection(lifecycle),
    ...capacitySection(capacity));

  const report = `${lines.join('\n')}`;
  fs.mkdirSync(path.dirname(REPORT), { recursive: true });
  fs.writeFileSync(REPORT, `${report}\n`);
  process.stdout.write(`${report}\n`);
  progress(`report written to ${path.relative(ROOT, REPORT)} in ${runtimeSeconds.toFixed(0)} s`);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
