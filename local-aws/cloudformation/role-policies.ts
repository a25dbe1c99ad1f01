import type { PolicyDocument } from '../iam/policy-evaluator';

/**
 * The identity policies IAM holds for the roles of a stack, changed as CloudFormation creates, updates and deletes
 * `AWS::IAM::Role` (its inline `Policies`), `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy` (their `Roles`):
 *
 * - An inline policy is stored IN the role under its name: `AWS::IAM::Policy` writes it with PutRolePolicy ("Adds or
 *   updates an inline policy document that is embedded in the specified IAM role",
 *   https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html) and removes it with DeleteRolePolicy
 *   by name (https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRolePolicy.html). So two policy resources
 *   with the same `PolicyName` on one role overwrite each other, and deleting either removes the name: modelled.
 * - A managed policy is attached by its identity; deleting it detaches it.
 * - Deleting a role deletes its policies with it.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Properties = Record<string, Json>;

const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
/** The role logical ids a policy names in `Roles` (`{ Ref: id }`). */
const rolesOf = (properties: Properties): string[] => asList(properties.Roles as Json[] | undefined)
  .map((role) => (role as { Ref?: string } | null)?.Ref).filter((id): id is string => typeof id === 'string');

export class RolePolicies {
  /** role logical id -> inline policy name -> document */
  private readonly inline = new Map<string, Map<string, PolicyDocument>>();
  /** managed policy logical id -> its document and the roles it is attached to */
  private readonly managed = new Map<string, { document: PolicyDocument; roles: string[] }>();
  private readonly roles = new Set<string>();

  /** A resource created (`before` undefined) or updated to `after`; resources of other types are ignored. */
  public applied(type: string, logicalId: string, before: Properties | undefined, after: Properties): void {
    if (before !== undefined) this.removed(type, logicalId, before, { keepRole: true });
    switch (type) {
      case 'AWS::IAM::Role': {
        this.roles.add(logicalId);
        const own = this.inlineOf(logicalId);
        for (const p of asList(after.Policies as Json[] | undefined) as Array<{ PolicyName: string; PolicyDocument: Json }>) {
          own.set(p.PolicyName, p.PolicyDocument as unknown as PolicyDocument);
        }
        return;
      }
      case 'AWS::IAM::Policy':
        for (const role of rolesOf(after)) this.inlineOf(role).set(after.PolicyName as string, after.PolicyDocument as unknown as PolicyDocument);
        return;
      case 'AWS::IAM::ManagedPolicy':
        this.managed.set(logicalId, { document: after.PolicyDocument as unknown as PolicyDocument, roles: rolesOf(after) });
        return;
      default:
    }
  }

  /** A resource deleted (or the old version of an updated one, with `keepRole`). */
  public removed(type: string, logicalId: string, properties: Properties, options: { keepRole?: boolean } = {}): void {
    switch (type) {
      case 'AWS::IAM::Role':
        if (options.keepRole) {
          const own = asList(properties.Policies as Json[] | undefined) as Array<{ PolicyName: string }>;
          for (const p of own) this.inlineOf(logicalId).delete(p.PolicyName);
        } else {
          this.roles.delete(logicalId);
          this.inline.delete(logicalId);
        }
        return;
      case 'AWS::IAM::Policy':
        for (const role of rolesOf(properties)) this.inline.get(role)?.delete(properties.PolicyName as string);
        return;
      case 'AWS::IAM::ManagedPolicy':
        this.managed.delete(logicalId);
        return;
      default:
    }
  }

  /** The documents in force on the role `roleLogicalId` now. */
  public of(roleLogicalId: string): PolicyDocument[] {
    const attached = [...this.managed.values()].filter((m) => m.roles.includes(roleLogicalId)).map((m) => m.document);
    return [...(this.inline.get(roleLogicalId)?.values() ?? []), ...attached];
  }

  /** The role logical ids that exist now. */
  public roleIds(): string[] {
    return [...this.roles];
  }

  private inlineOf(role: string): Map<string, PolicyDocument> {
    let own = this.inline.get(role);
    if (own === undefined) this.inline.set(role, own = new Map());
    return own;
  }
}
