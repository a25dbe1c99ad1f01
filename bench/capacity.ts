import { MANY_STACK_NAME, manyReplicatorsTemplate } from '../examples/many-replicators';
import { ACCOUNT, REGION } from '../examples/orders-replication';
import {
  CFN_RESOURCE_LIMIT, CFN_TEMPLATE_BYTES_LIMIT, IAM_INLINE_CHARS_PER_ROLE, IAM_MANAGED_POLICIES_PER_ROLE, measureStack, StackMeasure,
} from '../local-aws/cloudformation/limits';

/**
 * How many default replicators (each with its own pair of MSK clusters, in two shared VPCs) one stack can hold
 * under every CloudFormation and IAM limit, measured on synthesized templates with intrinsics resolved to
 * realistic lengths (local-aws/cloudformation/limits.ts). Each quantity grows linearly with N; the maximum is
 * computed from the growth between two sizes and then checked by synthesizing it and one more.
 */

export interface CapacityResult {
  readonly samples: Array<{ n: number; measure: StackMeasure }>;
  readonly limits: Array<{ name: string; limit: number; fixed: number; perReplicator: number; maxN: number }>;
  readonly maxN: number;
  readonly binding: string;
  readonly check: { atMax: StackMeasure; beyond: StackMeasure };
}

const measure = (n: number) => measureStack(manyReplicatorsTemplate(n), { stackName: MANY_STACK_NAME, region: REGION, account: ACCOUNT });
const largestInline = (m: StackMeasure) => Math.max(...m.roles.map((r) => r.inlineChars));
const largestManagedCount = (m: StackMeasure) => Math.max(...m.roles.map((r) => r.managedPolicies));

const QUANTITIES: Array<{ name: string; limit: number; of: (m: StackMeasure) => number }> = [
  { name: 'CloudFormation resources per stack', limit: CFN_RESOURCE_LIMIT, of: (m) => m.resources },
  { name: 'template size (bytes)', limit: CFN_TEMPLATE_BYTES_LIMIT, of: (m) => m.templateBytes },
  { name: 'IAM inline policy characters of the largest role', limit: IAM_INLINE_CHARS_PER_ROLE, of: largestInline },
  { name: 'IAM managed policies attached to one role', limit: IAM_MANAGED_POLICIES_PER_ROLE, of: largestManagedCount },
];

const within = (m: StackMeasure) => QUANTITIES.every((q) => q.of(m) <= q.limit);

export function measureCapacity(): CapacityResult {
  const samples = [1, 10, 50].map((n) => ({ n, measure: measure(n) }));
  const [, ten, fifty] = samples;
  const limits = QUANTITIES.map((q) => {
    const perReplicator = (q.of(fifty.measure) - q.of(ten.measure)) / (fifty.n - ten.n);
    const fixed = q.of(ten.measure) - perReplicator * ten.n;
    const maxN = perReplicator > 0 ? Math.floor((q.limit - fixed) / perReplicator) : Infinity;
    return { name: q.name, limit: q.limit, fixed, perReplicator, maxN };
  });
  const tightest = limits.reduce((a, b) => (b.maxN < a.maxN ? b : a));
  const atMax = measure(tightest.maxN);
  const beyond = measure(tightest.maxN + 1);
  if (!within(atMax) || within(beyond)) {
    throw new Error(`capacity: the linear estimate ${tightest.maxN} does not hold when synthesized`);
  }
  return { samples, limits, maxN: tightest.maxN, binding: tightest.name, check: { atMax, beyond } };
}

const num = (x: number, digits = 0) => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '∞');

export function capacitySection(result: CapacityResult): string[] {
  const lines: string[] = [];
  lines.push('## Stack capacity: default replicators per stack');
  lines.push('');
  lines.push('One stack with N default `MskReplicator`s, each between its own pair of MSK clusters, in two shared imported VPCs '
    + '(`examples/many-replicators.ts`). Measured on the synthesized template with `Ref`/`Fn::GetAtt` of roles and '
    + 'functions resolved to names of the longest length CloudFormation generates (64 characters), as IAM measures the '
    + 'documents when they are deployed; policy sizes exclude whitespace (`local-aws/cloudformation/limits.ts`).');
  lines.push('');
  lines.push('| N | resources | template bytes | largest role: inline policy characters | that role |');
  lines.push('|---|---|---|---|---|');
  for (const { n, measure: m } of result.samples) {
    const top = [...m.roles].sort((a, b) => b.inlineChars - a.inlineChars)[0];
    lines.push(`| ${n} | ${m.resources} | ${num(m.templateBytes)} | ${num(top.inlineChars)} | \`${top.logicalId}\` |`);
  }
  lines.push('');
  lines.push('| limit | value | fixed part | per replicator | largest N within it |');
  lines.push('|---|---|---|---|---|');
  for (const l of result.limits) {
    lines.push(`| ${l.name} | ${num(l.limit)} | ${num(l.fixed, 1)} | ${num(l.perReplicator, 1)} | ${num(l.maxN)} |`);
  }
  lines.push('');
  lines.push(`**Largest number of default replicators in one stack: ${result.maxN}**, bound by: ${result.binding}. Checked by `
    + `synthesis: at N = ${result.maxN} every limit holds (largest inline policy ${num(largestInline(result.check.atMax))} `
    + `characters, ${result.check.atMax.resources} resources); at N = ${result.maxN + 1} one is exceeded `
    + `(${num(largestInline(result.check.beyond))} characters, ${result.check.beyond.resources} resources).`);
  lines.push('');
  return lines;
}
