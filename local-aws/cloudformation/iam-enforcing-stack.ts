import { resolveIntrinsics } from './intrinsics';
import { Handler } from './provider-framework';
import type { CloudFormationAuthorizer } from './query-api';
import { CfnTemplate, CloudFormationStack, StackOptions } from './stack';
import { evaluate, PolicyDocument } from '../iam/policy-evaluator';
import { MskSimulator, NetworkDirectory } from '../msk-simulator';

/**
 * A stack whose handler calls are authorized by IAM: every MSK call (and each action MSK performs with the
 * caller's credentials, see msk-simulator/authorization.ts) is evaluated against the policies attached to the
 * calling function's role at that moment of the deployment, in CloudFormation's order (stack.ts). A call AWS would
 * deny answers 403 ForbiddenException. `network` tells the simulator which VPC each subnet and security group is in.
 *
 * The replicators' own access too: after every change to a role or policy, the simulator is told the policies in
 * force on each role of the stack (a deleted role has none), so it can record every moment a replicator in service
 * is cut off from its clusters by its service execution role (`sim.accessGaps()`).
 */
export function iamEnforcingStack(
  sim: MskSimulator, handler: Handler, network: NetworkDirectory, options: StackOptions = {}, operator: PolicyDocument[] = [],
): CloudFormationStack {
  const stack = new CloudFormationStack(handler, options);
  const account = options.account ?? '123456789012';
  // A call made while no handler function runs is an operator's (a command such as `plan`), authorized by `operator`.
  sim.enforceIam((permission) => ({
    allowed: evaluate(stack.caller !== undefined ? stack.policiesOf(stack.caller) : operator, permission) === 'Allow',
    principalArn: stack.caller !== undefined
      ? `arn:aws:sts::${account}:assumed-role/${stack.caller}/handler`
      : `arn:aws:sts::${account}:assumed-role/operator/cli`,
  }), network);
  const told = new Set<string>();
  stack.onResourceChange = () => {
    const now = stack.rolePolicies();
    for (const { roleArn, policies } of now) {
      told.add(roleArn);
      sim.setRolePolicies(roleArn, policies);
    }
    for (const roleArn of told) {
      if (now.some((r) => r.roleArn === roleArn)) continue;
      sim.setRolePolicies(roleArn, []);
      told.delete(roleArn);
    }
  };
  return stack;
}

/**
 * Authorizes the local CloudFormation API (query-api.ts) the way `iamEnforcingStack` authorizes MSK: a call made while a
 * handler function runs is evaluated against that function's role's policies at that moment; any other call is an
 * operator's, authorized by `operator`.
 */
export function cloudFormationAuthorizer(
  stack: CloudFormationStack, options: StackOptions = {}, operator: PolicyDocument[] = [],
): CloudFormationAuthorizer {
  const account = options.account ?? '123456789012';
  return (action, resource) => ({
    allowed: evaluate(stack.caller !== undefined ? stack.policiesOf(stack.caller) : operator, { action, resource }) === 'Allow',
    principalArn: stack.caller !== undefined
      ? `arn:aws:sts::${account}:assumed-role/${stack.caller}/handler`
      : `arn:aws:sts::${account}:assumed-role/operator/cli`,
  });
}

/**
 * Where subnets and the template's security groups live, as EC2 would answer: `subnets` maps the (imported) subnet
 * ids to their VPC ids; each `AWS::EC2::SecurityGroup` of the template is in its `VpcId`, under the physical id
 * `resolveIntrinsics` gives it.
 */
export function networkOf(template: CfnTemplate, subnets: Record<string, string>, context: { region: string; account: string }): NetworkDirectory {
  const directory: Record<string, { vpcId: string }> = {};
  for (const [subnetId, vpcId] of Object.entries(subnets)) directory[subnetId] = { vpcId };
  for (const [id, r] of Object.entries(template.Resources)) {
    if (r.Type !== 'AWS::EC2::SecurityGroup') continue;
    const groupId = resolveIntrinsics({ 'Fn::GetAtt': [id, 'GroupId'] }, context) as string;
    directory[groupId] = { vpcId: r.Properties!.VpcId as string };
  }
  return directory;
}
