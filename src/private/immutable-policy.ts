import { createHash } from 'crypto';
import { Lazy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * Makes a role's default policy replace-before-delete: its logical id ends with a hash of its resolved document, so
 * any change to the grants (another cluster, another secret, a statement added with `addToRolePolicy`) is a NEW
 * `AWS::IAM::Policy` resource, and the old one is a removed resource.
 *
 * Why: IAM applies a role's policies to a running replicator at once. A policy rewritten in place when a cluster
 * changes would take the old clusters' grants away from the replicator still in service during the ~30 minutes the
 * replacement takes to create, and until the rollback if it fails. A new resource is created before the replicator
 * that depends on it is updated, and a removed one is deleted only in the cleanup phase, after the old replicator
 * ("Update behaviors of stack resources", removed resources are deleted after the update,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html;
 * "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS" in "Stack status codes"), or in the rollback cleanup when the update fails.
 *
 * The policy's name changes with its logical id (aws-cdk-lib's `iam.Policy` derives `PolicyName` from it,
 * aws-iam/lib/policy.ts `generatePolicyName`): IAM keys inline policies by name within a role (PutRolePolicy
 * "Adds or updates an inline policy document that is embedded in the specified IAM role"), so a new policy with the
 * old name would overwrite the old one, and the cleanup's DeleteRolePolicy of the old name would delete the new one.
 */
export function makeDefaultPolicyImmutable(role: iam.Role): void {
  const policy = role.node.tryFindChild('DefaultPolicy');
  if (!(policy instanceof iam.Policy)) return;
  const resource = policy.node.defaultChild as iam.CfnPolicy;
  const stack = Stack.of(role);
  resource.overrideLogicalId(Lazy.string({
    produce: () => {
      const digest = createHash('sha256').update(JSON.stringify(stack.resolve(policy.document))).digest('hex');
      return `${stack.getLogicalId(resource)}${digest.slice(0, 8).toUpperCase()}`;
    },
  }));
}
