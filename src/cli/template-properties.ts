import { DEPLOY_TIME_VALUE } from '../provider/drift';
import { decodeProperties, ReplicatorProperties } from '../provider/properties';

/**
 * Reads the `Custom::MskReplicator` properties out of a synthesized CloudFormation template (cdk.out).
 * Intrinsic functions (Ref, Fn::GetAtt, Fn::Join, ...) become DEPLOY_TIME_VALUE: they are only known once
 * CloudFormation deploys, so the drift report does not compare them.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function replaceIntrinsics(value: Json): Json {
  if (Array.isArray(value)) return value.map(replaceIntrinsics);
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) return DEPLOY_TIME_VALUE;
  const out: Record<string, Json> = {};
  for (const key of keys) out[key] = replaceIntrinsics(value[key]);
  return out;
}

/** The `Custom::MskReplicator` of a template: `logicalId`, or the only one. */
export function replicatorInTemplate(template: Json, logicalId?: string): { logicalId: string; properties: ReplicatorProperties } {
  const resources = (template as { Resources?: Record<string, { Type?: string; Properties?: Json }> }).Resources ?? {};
  const replicators = Object.entries(resources).filter(([, r]) => r.Type === 'Custom::MskReplicator');
  const chosen = logicalId !== undefined ? replicators.filter(([id]) => id === logicalId) : replicators;
  if (chosen.length !== 1) {
    const ids = replicators.map(([id]) => id).join(', ') || 'none';
    throw new Error(logicalId !== undefined
      ? `No Custom::MskReplicator with logical id ${logicalId} in the template (found: ${ids})`
      : `The template has ${replicators.length} Custom::MskReplicator resources (${ids}): choose one with --logical-id`);
  }
  return { logicalId: chosen[0][0], properties: decodeProperties(replaceIntrinsics(chosen[0][1].Properties ?? {})) };
}
