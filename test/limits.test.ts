import { MANY_STACK_NAME, manyReplicatorsTemplate } from '../examples/many-replicators';
import { ACCOUNT, REGION } from '../examples/orders-replication';
import {
  CFN_RESOURCE_LIMIT, CFN_TEMPLATE_BYTES_LIMIT, IAM_INLINE_CHARS_PER_ROLE, IAM_MANAGED_POLICIES_PER_ROLE, IAM_MANAGED_POLICY_CHARS,
  measureStack,
} from '../local-aws/cloudformation/limits';

/**
 * 50 default replicators, each with its own pair of clusters, in one stack: within every CloudFormation and IAM
 * limit, measured on the documents as deployed (see local-aws/cloudformation/limits.ts).
 */
const measure = (n: number) => measureStack(manyReplicatorsTemplate(n), { stackName: MANY_STACK_NAME, region: REGION, account: ACCOUNT });

describe('50 default replicators in one stack', () => {
  const fifty = measure(50);

  test('CloudFormation: at most 500 resources and a 1 MB template', () => {
    expect(fifty.resources).toBeLessThanOrEqual(CFN_RESOURCE_LIMIT);
    expect(fifty.templateBytes).toBeLessThanOrEqual(CFN_TEMPLATE_BYTES_LIMIT);
  });

  test('IAM: every role within 10,240 characters of inline policy, managed policies within 6,144 and at most 20 per role', () => {
    expect(fifty.roles.filter((role) => role.inlineChars > IAM_INLINE_CHARS_PER_ROLE)).toEqual([]);
    expect(fifty.roles.filter((role) => role.managedPolicies > IAM_MANAGED_POLICIES_PER_ROLE)).toEqual([]);
    expect(fifty.largestManagedPolicyChars).toBeLessThanOrEqual(IAM_MANAGED_POLICY_CHARS);
  });

  test('a service execution role fits its old and its new policy at once (both are attached while a cluster changes)', () => {
    const roles = measure(1).roles.filter((role) => role.logicalId.includes('ServiceExecutionRole'));
    expect(roles).toHaveLength(1);
    expect(2 * roles[0].inlineChars).toBeLessThanOrEqual(IAM_INLINE_CHARS_PER_ROLE);
  });

  test('the handler roles grow by one role ARN per replicator, not by a policy per replicator', () => {
    const ten = measure(10);
    const largest = (m: typeof ten) => Math.max(...m.roles.map((r) => r.inlineChars));
    const perReplicator = (largest(fifty) - largest(ten)) / 40;
    // one service execution role ARN as deployed (~95 characters) plus its JSON quotes and comma
    expect(perReplicator).toBeLessThanOrEqual(110);
    // resources: a fixed overhead plus the same count per replicator
    expect((fifty.resources - ten.resources) % 40).toBe(0);
  });
});
