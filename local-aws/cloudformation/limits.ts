import { resolveIntrinsics } from './intrinsics';

/**
 * The limits that decide whether a synthesized stack deploys, measured on the template as CloudFormation and
 * IAM would see it:
 * - 500 resources per stack and a template body of at most 1 MB (uploaded through S3): "CloudFormation quotas",
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
 * - per IAM role, all inline policies together at most 10,240 characters, a managed policy at most 6,144
 *   characters (whitespace is not counted), at most 20 managed policies attached (10 by default): "IAM and AWS STS
 *   quotas", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 *
 * Intrinsics are resolved to realistic lengths, since IAM measures the documents as deployed: a role or function
 * name CloudFormation generates is `<stack>-<logical id>-<12 random characters>`, cut to 64 characters.
 */

export const CFN_RESOURCE_LIMIT = 500;
export const CFN_TEMPLATE_BYTES_LIMIT = 1_000_000;
export const IAM_INLINE_CHARS_PER_ROLE = 10_240;
export const IAM_MANAGED_POLICY_CHARS = 6_144;
export const IAM_MANAGED_POLICIES_PER_ROLE = 20;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface TemplateLike {
  readonly Resources: Record<string, { Type: string; Properties?: Record<string, Json> }>;
}

export interface RoleMeasure {
  readonly logicalId: string;
  /** All inline policies attached to the role, whitespace excluded. */
  readonly inlineChars: number;
  readonly managedPolicies: number;
}

export interface StackMeasure {
  readonly resources: number;
  readonly templateBytes: number;
  readonly roles: RoleMeasure[];
  /** The largest customer managed policy of the stack, whitespace excluded (0 when none). */
  readonly largestManagedPolicyChars: number;
}

/** A physical name as CloudFormation generates it: 64 characters, the longest IAM allows. */
const generatedName = (stackName: string, logicalId: string) => `${stackName}-${logicalId}`.slice(0, 51) + '-ABCDEFGHIJKL';

/** Ref / Fn::GetAtt values of realistic length for the roles and functions of `template`. */
export function realisticValues(template: TemplateLike, stackName: string, region: string, account: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [id, r] of Object.entries(template.Resources)) {
    const name = generatedName(stackName, id);
    if (r.Type === 'AWS::IAM::Role') {
      values[id] = name;
      values[`${id}.Arn`] = `arn:aws:iam::${account}:role/${name}`;
    } else if (r.Type === 'AWS::Lambda::Function') {
      values[id] = name;
      values[`${id}.Arn`] = `arn:aws:lambda:${region}:${account}:function:${name}`;
    }
  }
  return values;
}

const chars = (document: Json) => JSON.stringify(document).replace(/\s/g, '').length;

export function measureStack(template: TemplateLike, options: { stackName: string; region: string; account: string }): StackMeasure {
  const values = realisticValues(template, options.stackName, options.region, options.account);
  const resolve = (v: Json) => resolveIntrinsics(v, { region: options.region, account: options.account, values });
  const inline = new Map<string, number>();
  const managed = new Map<string, number>();
  let largestManagedPolicyChars = 0;
  const roleIds = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::IAM::Role').map(([id]) => id);
  const rolesOf = (list: Json | undefined) => ((list ?? []) as Json[])
    .map((role) => (role as { Ref?: string }).Ref).filter((id): id is string => id !== undefined);
  for (const id of roleIds) {
    const props = template.Resources[id].Properties ?? {};
    const own = ((props.Policies ?? []) as Array<{ PolicyDocument: Json }>).reduce((n, p) => n + chars(resolve(p.PolicyDocument)), 0);
    inline.set(id, own);
    managed.set(id, ((props.ManagedPolicyArns ?? []) as Json[]).length);
  }
  for (const r of Object.values(template.Resources)) {
    if (r.Type === 'AWS::IAM::Policy') {
      const size = chars(resolve(r.Properties!.PolicyDocument));
      for (const role of rolesOf(r.Properties!.Roles)) inline.set(role, (inline.get(role) ?? 0) + size);
    } else if (r.Type === 'AWS::IAM::ManagedPolicy') {
      largestManagedPolicyChars = Math.max(largestManagedPolicyChars, chars(resolve(r.Properties!.PolicyDocument)));
      for (const role of rolesOf(r.Properties!.Roles)) managed.set(role, (managed.get(role) ?? 0) + 1);
    }
  }
  return {
    resources: Object.keys(template.Resources).length,
    // the CDK CLI uploads the template as synthesized (JSON, one-space indentation)
    templateBytes: Buffer.byteLength(JSON.stringify(template, undefined, 1)),
    roles: roleIds.map((logicalId) => ({ logicalId, inlineChars: inline.get(logicalId) ?? 0, managedPolicies: managed.get(logicalId) ?? 0 })),
    largestManagedPolicyChars,
  };
}
