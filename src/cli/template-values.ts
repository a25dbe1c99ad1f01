/**
 * Resolves the intrinsic functions of a template's resource properties as far as a deployed stack tells, before a
 * deployment: what the `plan` command compares (the deployed template against the synthesized one, both resolved
 * the same way, and the result against the live replicator).
 *
 * - `Ref` of a resource the stack already has: its physical id (ListStackResources); of a pseudo parameter: the
 *   stack's Region, account (from the stack id), partition, URL suffix, stack name and id; of a template parameter:
 *   its default (a CDK app passes none at deploy).
 * - `Fn::GetAtt` and the `Ref` of a resource not deployed yet: a placeholder that names the expression, "known after
 *   deploy". The same expression in both templates yields the same placeholder, so an unchanged reference is not a
 *   change; a changed one is (harsher than the truth when the two expressions end up with the same value).
 * - `Fn::Join`, `Fn::Sub`, `Fn::Select`, `Fn::Split`, `Fn::FindInMap`, `Fn::Base64`: computed from their resolved
 *   arguments ("Intrinsic function reference",
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html). `Fn::If`,
 *   `Fn::ImportValue`, `Fn::GetAZs`, `Fn::Cidr` and anything else: known after deploy.
 * - Scalars become strings, as CloudFormation delivers a custom resource's properties ("Custom resource request
 *   objects": property values are strings).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Marks a value known only once CloudFormation deploys. */
export const KNOWN_AFTER_DEPLOY = '(known after deploy';

/** The placeholder for an expression known only after deploy. */
export function knownAfterDeploy(expression: string): string {
  return `${KNOWN_AFTER_DEPLOY}: ${expression})`;
}

/** Whether a value holds a placeholder for something known only after deploy. */
export function holdsKnownAfterDeploy(value: unknown): boolean {
  return JSON.stringify(value ?? null).includes(KNOWN_AFTER_DEPLOY);
}

export interface TemplateContext {
  readonly region: string;
  /** undefined when the stack is not deployed and cdk.out does not name the account */
  readonly account?: string;
  readonly partition?: string;
  readonly stackName: string;
  readonly stackId?: string;
  /** Physical ids of the deployed resources, by logical id. */
  readonly physicalIds: ReadonlyMap<string, string>;
  /** The template's `Parameters` and `Mappings` sections. */
  readonly parameters?: Record<string, { Default?: Json }>;
  readonly mappings?: Record<string, Record<string, Record<string, Json>>>;
}

function urlSuffix(partition: string): string {
  return partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
}

function pseudo(name: string, ctx: TemplateContext): string | undefined {
  const partition = ctx.partition ?? 'aws';
  switch (name) {
    case 'AWS::Region': return ctx.region;
    case 'AWS::AccountId': return ctx.account ?? knownAfterDeploy(name);
    case 'AWS::Partition': return partition;
    case 'AWS::URLSuffix': return urlSuffix(partition);
    case 'AWS::StackName': return ctx.stackName;
    case 'AWS::StackId': return ctx.stackId ?? knownAfterDeploy(name);
    case 'AWS::NoValue': return undefined;
    default: return knownAfterDeploy(name);
  }
}

function ref(name: string, ctx: TemplateContext): Json {
  if (name.startsWith('AWS::')) return pseudo(name, ctx) ?? null;
  const physical = ctx.physicalIds.get(name);
  if (physical !== undefined) return physical;
  const parameter = ctx.parameters?.[name];
  if (parameter?.Default !== undefined) return String(parameter.Default);
  return knownAfterDeploy(`Ref ${name}`);
}

/** `${Name}`, `${Name.Attribute}` and `${!Literal}` of Fn::Sub. */
function substitute(text: string, variables: Record<string, Json>, ctx: TemplateContext): string {
  return text.replace(/\$\{([^}]*)\}/g, (_match, name: string) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    if (name in variables) return String(variables[name]);
    if (name.includes('.') && !name.startsWith('AWS::')) return knownAfterDeploy(`GetAtt ${name}`);
    return String(ref(name, ctx));
  });
}

function resolveFunction(fn: string, arg: Json, ctx: TemplateContext): Json | typeof UNRESOLVED {
  switch (fn) {
    case 'Ref':
      return ref(String(arg), ctx);
    case 'Fn::GetAtt': {
      const [logicalId, attribute] = Array.isArray(arg) ? arg.map(String) : String(arg).split('.');
      return knownAfterDeploy(`GetAtt ${logicalId}.${attribute}`);
    }
    case 'Fn::Join': {
      const [separator, parts] = arg as [string, Json];
      const list = resolveTemplateValue(parts, ctx);
      return Array.isArray(list) ? list.map(String).join(separator) : knownAfterDeploy('Fn::Join');
    }
    case 'Fn::Split': {
      const [separator, source] = arg as [string, Json];
      return String(resolveTemplateValue(source, ctx)).split(separator);
    }
    case 'Fn::Select': {
      const [index, list] = arg as [Json, Json];
      const items = resolveTemplateValue(list, ctx);
      return Array.isArray(items) ? items[Number(resolveTemplateValue(index, ctx))] ?? null : knownAfterDeploy('Fn::Select');
    }
    case 'Fn::Sub': {
      const [text, variables] = Array.isArray(arg) ? arg as [string, Record<string, Json>] : [arg as string, {}];
      const resolved = resolveTemplateValue(variables ?? {}, ctx) as Record<string, Json>;
      return substitute(String(text), resolved, ctx);
    }
    case 'Fn::FindInMap': {
      const [map, top, second] = (arg as Json[]).map((a) => String(resolveTemplateValue(a, ctx)));
      return ctx.mappings?.[map]?.[top]?.[second] ?? knownAfterDeploy(`Fn::FindInMap ${map}.${top}.${second}`);
    }
    case 'Fn::Base64':
      return Buffer.from(String(resolveTemplateValue(arg, ctx)), 'utf8').toString('base64');
    default:
      return fn.startsWith('Fn::') ? knownAfterDeploy(fn) : UNRESOLVED;
  }
}

const UNRESOLVED = Symbol('not an intrinsic function');

/** `value` with every intrinsic function resolved as far as `ctx` tells, and every scalar a string. */
export function resolveTemplateValue(value: Json, ctx: TemplateContext): Json {
  if (Array.isArray(value)) return value.map((v) => resolveTemplateValue(v, ctx));
  if (value === null) return null;
  if (typeof value !== 'object') return String(value);
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const resolved = resolveFunction(keys[0], value[keys[0]], ctx);
    if (resolved !== UNRESOLVED) return resolved;
  }
  const out: Record<string, Json> = {};
  for (const key of keys) {
    const resolved = resolveTemplateValue(value[key], ctx);
    // AWS::NoValue removes the property ("Pseudo parameters reference")
    if (resolved !== null || value[key] === null) out[key] = resolved;
  }
  return out;
}
