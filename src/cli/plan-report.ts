import { EXIT_PLAN_REFUSED, EXIT_PLAN_REPLACEMENT, EXIT_PLAN_SAFE } from './plan-arguments';
import type { PlanVerdict, StackPlan } from './stack-plan';

/**
 * The plan as text for a person, or as JSON for a pipeline (`formatVersion` changes only when a field changes meaning
 * or goes away; new fields may appear within a version).
 */

export const PLAN_FORMAT_VERSION = 1;

const LABELS: Record<PlanVerdict, string> = {
  'create': 'create',
  'adopt': 'adopt',
  'nothing': 'no change',
  'tags': 'tags only',
  'in-place': 'in place',
  'replace': 'REPLACE',
  'return': 'RETURN',
  'refuse': 'REFUSED',
  'delete': 'delete',
  'retain': 'retain',
};

/**
 * 4 when a change is refused, else 3 when a replicator is replaced (by a new one, or by one of the resource's own that
 * still runs: the replicator in service changes either way), else 0.
 */
export function planExitCode(plan: StackPlan): number {
  if (plan.replicators.some((r) => r.verdict === 'refuse')) return EXIT_PLAN_REFUSED;
  if (plan.replicators.some((r) => r.verdict === 'replace' || r.verdict === 'return')) return EXIT_PLAN_REPLACEMENT;
  return EXIT_PLAN_SAFE;
}

function counts(plan: StackPlan): Partial<Record<PlanVerdict, number>> {
  const out: Partial<Record<PlanVerdict, number>> = {};
  for (const r of plan.replicators) out[r.verdict] = (out[r.verdict] ?? 0) + 1;
  return out;
}

export function planText(plan: StackPlan): string {
  const status = plan.stackStatus === undefined ? 'not deployed' : plan.stackStatus;
  const lines = [`Stack ${plan.stackName} in ${plan.region} (${status}): ${plan.replicators.length} replicator(s)`, ''];
  for (const r of plan.replicators) {
    lines.push(`${r.logicalId}: ${LABELS[r.verdict]}`);
    lines.push(`  ${r.summary}`);
    for (const detail of r.details) lines.push(`    ${detail}`);
    if (r.reason !== undefined) lines.push(`    the deployment fails with: ${r.reason}`);
    if (r.drift.length > 0) {
      lines.push('  drift (the live replicator differs from the deployed template):');
      for (const d of r.drift) lines.push(`    ${d.field}: deployed ${JSON.stringify(d.desired)}, live ${JSON.stringify(d.live)}`);
    }
    lines.push('');
  }
  const summary = Object.entries(counts(plan)).map(([verdict, n]) => `${n} ${LABELS[verdict as PlanVerdict]}`).join(', ');
  const code = planExitCode(plan);
  const outcome = code === EXIT_PLAN_REFUSED ? 'a change is refused: the deployment would fail'
    : code === EXIT_PLAN_REPLACEMENT ? 'a replicator will be REPLACED' : 'no replicator is replaced';
  lines.push(`${summary || 'no replicators'}: ${outcome}`);
  return lines.join('\n');
}

export function planJson(plan: StackPlan): string {
  return JSON.stringify({
    formatVersion: PLAN_FORMAT_VERSION,
    stack: plan.stackName,
    region: plan.region,
    stackStatus: plan.stackStatus ?? null,
    exitCode: planExitCode(plan),
    counts: counts(plan),
    replicators: plan.replicators,
  }, undefined, 2);
}
