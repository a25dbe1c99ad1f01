/**
 * Resolves the intrinsic functions of a synthesized template's resource properties the way CloudFormation
 * would, with made-up physical values for the referenced resources, and turns scalars into strings as
 * CloudFormation does for custom resource properties.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface ResolveContext {
  readonly region: string;
  readonly account: string;
  /** Physical values for `Ref` / `Fn::GetAtt`, keyed `LogicalId` or `LogicalId.Attribute`. */
  readonly values?: Record<string, string>;
  /**
   * The stack's id, `arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>`: what `AWS::StackId` and (its name
   * part) `AWS::StackName` resolve to ("Pseudo parameters reference",
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html).
   */
  readonly stackId?: string;
}

function fakeValue(ref: string, ctx: ResolveContext): string {
  if (ctx.values?.[ref] !== undefined) return ctx.values[ref];
  const [logicalId, attribute] = ref.split('.');
  if (attribute === 'Arn') return `arn:aws:iam::${ctx.account}:role/${logicalId}`;
  if (attribute === 'GroupId') return `sg-${logicalId.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 17)}`;
  if (logicalId === 'AWS::Region') return ctx.region;
  if (logicalId === 'AWS::AccountId') return ctx.account;
  if (logicalId === 'AWS::Partition') return 'aws';
  if (logicalId === 'AWS::StackId' && ctx.stackId !== undefined) return ctx.stackId;
  if (logicalId === 'AWS::StackName' && ctx.stackId !== undefined) return ctx.stackId.split('/')[1];
  if (logicalId === 'AWS::URLSuffix') return 'amazonaws.com';
  return `${logicalId}-physical`;
}

export function resolveIntrinsics(value: Json, ctx: ResolveContext): Json {
  if (Array.isArray(value)) return value.map((v) => resolveIntrinsics(v, ctx));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const [fn] = keys;
    const arg = value[fn];
    switch (fn) {
      case 'Ref':
        return fakeValue(arg as string, ctx);
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = arg as string[];
        return fakeValue(`${logicalId}.${attribute}`, ctx);
      }
      case 'Fn::Join': {
        const [separator, parts] = arg as [string, Json[]];
        return (resolveIntrinsics(parts, ctx) as Json[]).join(separator);
      }
      case 'Fn::Split': {
        const [separator, source] = arg as [string, Json];
        return String(resolveIntrinsics(source, ctx)).split(separator);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [number | string, Json];
        return (resolveIntrinsics(list, ctx) as Json[])[Number(index)];
      }
      default:
        break;
    }
  }
  const out: Record<string, Json> = {};
  for (const key of keys) out[key] = resolveIntrinsics(value[key], ctx);
  return out;
}

/** CloudFormation passes every scalar of a custom resource's properties as a string. */
export function stringifyScalars(value: Json): Json {
  if (Array.isArray(value)) return value.map(stringifyScalars);
  if (value === null) return value;
  if (typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) out[k] = stringifyScalars(v);
    return out;
  }
  return String(value);
}
