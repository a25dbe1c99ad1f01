/**
 * A small evaluator of identity-based IAM policies, enough to decide the calls our handlers make the way AWS
 * decides them. Sources: "Policy evaluation logic" and "Determining whether a request is allowed or denied
 * within an account" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html),
 * and the policy grammar pages cited on each rule below.
 *
 * Not modelled (none of our policies use them): NotAction, NotResource, Principal, policy variables, permissions
 * boundaries, SCPs, session policies, resource-based policies. A statement that uses one is rejected loudly
 * rather than guessed at.
 */

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: PolicyStatement | PolicyStatement[];
}

/** One authorization question: may the principal do `action` on `resource`, with these request context keys? */
export interface AuthorizationRequest {
  readonly action: string;
  readonly resource: string;
  /** Request context keys (`iam:PassedToService`, `ec2:Vpc`, ...); a key that is absent is absent. */
  readonly context?: Record<string, string | undefined>;
}

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * `*` matches any run of characters and `?` any one character. Actions compare case-insensitively ("IAM JSON
 * policy elements: Action": action names are not case sensitive); resources (ARNs) case-sensitively ("IAM JSON
 * policy elements: Resource": wildcards within any ARN segment).
 */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const escaped = pattern.split('').map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\/]/g, '\\$&'))).join('');
  return new RegExp(`^${escaped}$`, ignoreCase ? 'is' : 's').test(value);
}

type ConditionTest = (policyValue: string, requestValue: string) => boolean;

/**
 * The condition operators our policies use ("IAM JSON policy elements: Condition operators",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
 * ArnEquals and ArnLike behave identically: a per-segment match where `*` and `?` are wildcards.
 */
const OPERATORS: Record<string, ConditionTest> = {
  StringEquals: (p, r) => p === r,
  StringNotEquals: (p, r) => p !== r,
  StringEqualsIgnoreCase: (p, r) => p.toLowerCase() === r.toLowerCase(),
  StringLike: (p, r) => wildcardMatch(p, r),
  StringNotLike: (p, r) => !wildcardMatch(p, r),
  ArnEquals: (p, r) => arnMatch(p, r),
  ArnLike: (p, r) => arnMatch(p, r),
};

function arnMatch(pattern: string, arn: string): boolean {
  const p = pattern.split(':');
  const a = arn.split(':');
  // an ARN has six colon-separated parts; the resource part may hold further colons
  if (p.length < 6 || a.length < 6) return false;
  const norm = (parts: string[]) => [...parts.slice(0, 5), parts.slice(5).join(':')];
  const [pn, an] = [norm(p), norm(a)];
  return pn.every((segment, i) => wildcardMatch(segment, an[i]));
}

/**
 * A condition block: every operator and every key in it must hold (AND); several values of one key are
 * alternatives (OR). A key missing from the request fails a positive operator ("Condition keys... If the key
 * that you specify in a policy condition is not present in the request context, the values do not match").
 */
function conditionsHold(condition: PolicyStatement['Condition'], context: Record<string, string | undefined>): boolean {
  for (const [operator, keys] of Object.entries(condition ?? {})) {
    const test = OPERATORS[operator];
    if (test === undefined) throw new Error(`policy evaluator: condition operator ${operator} is not modelled`);
    for (const [key, values] of Object.entries(keys)) {
      const requestValue = Object.entries(context).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
      if (requestValue === undefined) return false;
      if (!asList(values).some((v) => test(v, requestValue))) return false;
    }
  }
  return true;
}

function applies(statement: PolicyStatement, request: AuthorizationRequest): boolean {
  for (const unsupported of ['NotAction', 'NotResource', 'Principal', 'NotPrincipal']) {
    if (unsupported in statement) throw new Error(`policy evaluator: ${unsupported} is not modelled`);
  }
  return asList(statement.Action).some((a) => wildcardMatch(a, request.action, true))
    && asList(statement.Resource).some((r) => wildcardMatch(r, request.resource))
    && conditionsHold(statement.Condition, request.context ?? {});
}

/**
 * The decision for one request against all identity-based policies of the principal: an explicit Deny in any
 * policy wins; otherwise an Allow in any policy allows; otherwise the request is implicitly denied.
 */
export function evaluate(policies: readonly PolicyDocument[], request: AuthorizationRequest): Decision {
  const statements = policies.flatMap((p) => asList(p.Statement));
  if (statements.some((s) => s.Effect === 'Deny' && applies(s, request))) return 'ExplicitDeny';
  return statements.some((s) => s.Effect === 'Allow' && applies(s, request)) ? 'Allow' : 'ImplicitDeny';
}
