import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { IConstruct } from 'constructs';
import { clusterChildArn } from './cluster-arns';

/**
 * Acknowledgements of the cdk-nag `AwsSolutions` findings on resources this library creates, recorded with
 * aws-cdk-lib's `Validations` (the library does not depend on cdk-nag). Each one names a single finding, on
 * the construct that holds it, with the reason it is acceptable. Findings on resources the library does not
 * create (a role passed as `role`, a log bucket) are left to their owner.
 */

const PACK = 'AwsSolutions';

/** A finding id as cdk-nag reports it: `AwsSolutions-IAM5[Resource::...]`, or the bare rule id. */
function finding(rule: string, detail?: string): string {
  return detail === undefined ? `${PACK}-${rule}` : `${PACK}-${rule}[${detail}]`;
}

/** The flat form cdk-nag gives a (resolved) CloudFormation value in a finding id, such as `arn:<AWS::Partition>:...`. */
function flatten(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\${/g, '<').replace(/}/g, '>');
  const node = value as Record<string, unknown>;
  if (node['Fn::Join'] !== undefined) {
    const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
    return items.map(flatten).join(delimiter);
  }
  if (node['Fn::Sub'] !== undefined) return flatten(node['Fn::Sub']);
  if (node['Fn::GetAtt'] !== undefined) {
    const [resource, attribute] = node['Fn::GetAtt'] as [unknown, unknown];
    return `<${flatten(resource)}.${flatten(attribute)}>`;
  }
  if (node['Fn::ImportValue'] !== undefined) return flatten(node['Fn::ImportValue']);
  if (node.Ref !== undefined) return `<${flatten(node.Ref)}>`;
  return JSON.stringify(value);
}

/** `value` (which may hold tokens) in the form cdk-nag shows it for a resource of `scope`'s stack. */
function flattened(scope: IConstruct, value: string): string {
  return flatten(Stack.of(scope).resolve(value));
}

/** The statements of `policy` as they are synthesized (tokens resolved). */
function statementsOf(policy: iam.Policy): Array<Record<string, unknown>> {
  return (Stack.of(policy).resolve(policy.document.toJSON()) as { Statement?: Array<Record<string, unknown>> }).Statement ?? [];
}

/**
 * The statements of `policy` that may hold a wildcard resource, resolved. Cheaper than `statementsOf` for a
 * policy made per replicator: the others are never resolved (a `*` shows in a token-encoded string too).
 */
function wildcardStatementsOf(policy: iam.Policy): Array<Record<string, unknown>> {
  const document = policy.document.toJSON() as { Statement?: Array<Record<string, unknown>> } | undefined;
  return (document?.Statement ?? [])
    .filter((statement) => JSON.stringify(statement.Resource ?? '').includes('*'))
    .map((statement) => Stack.of(policy).resolve(statement) as Record<string, unknown>);
}

function asList(value: unknown): unknown[] {
  return value === undefined ? [] : ([] as unknown[]).concat(value);
}

function acknowledge(scope: IConstruct, id: string, reason: string): void {
  if (id.split('::').length <= 2) {
    Validations.of(scope).acknowledge({ id, reason });
  } else {
    // Validations.acknowledge() accepts at most one '::' in an id (aws-cdk-lib reserves it for a prefix),
    // but a finding id has one more for each pseudo parameter it names (`arn:<AWS::Partition>:...`). Such
    // ids go to the same construct metadata, where acknowledge() records ids and cdk-nag reads them.
    scope.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [id]: reason });
  }
}

/**
 * The provider: the library's two handler functions, and what the `custom-resources` Provider framework
 * creates around them (its three functions, their roles and its waiter state machine).
 *
 * The waiter state machine logs errors only (SF1): see `acknowledgeWaiterLogging`.
 */
export function acknowledgeProvider(handlers: lambda.Function[], framework: IConstruct): void {
  for (const handler of handlers) {
    acknowledge(handler, finding('L1'), 'The handler runtime is pinned to nodejs22.x, the target its asset is bundled for '
      + '(esbuild node22, with a pinned @aws-sdk/client-kafka inside) and the runtime the library documents; moving to a '
      + 'newer runtime is a deliberate change of the library, not a silent one.');
  }
  const frameworkFunctions = framework.node.findAll().filter((c): c is lambda.Function => c instanceof lambda.Function);
  for (const fn of frameworkFunctions) {
    acknowledge(fn, finding('L1'), 'A function of the aws-cdk-lib custom-resources Provider framework: aws-cdk-lib '
      + 'chooses its Node.js runtime (the Provider has no runtime option) and moves it forward with aws-cdk-lib.');
  }
  // The framework's grantInvoke() statements: `<function ARN>:*` of one of the provider's own functions, in the
  // policies of the framework's roles (which the provider creates beside the framework, to scope their logging).
  const invokeWildcards = new Set([...handlers, ...frameworkFunctions].map((fn) => `${flattened(framework, fn.functionArn)}:*`));
  const frameworkRoles = frameworkFunctions.map((fn) => fn.role).filter((role): role is iam.IRole => role !== undefined);
  const frameworkRolePolicies = frameworkRoles.flatMap((role) => role.node.findAll()).filter((c): c is iam.Policy => c instanceof iam.Policy);
  for (const policy of new Set([...framework.node.findAll().filter((c): c is iam.Policy => c instanceof iam.Policy), ...frameworkRolePolicies])) {
    for (const statement of statementsOf(policy)) {
      if (statement.Effect !== 'Allow' || !asList(statement.Action).every((a) => a === 'lambda:InvokeFunction')) continue;
      for (const resource of asList(statement.Resource).map(flatten).filter((r) => invokeWildcards.has(r))) {
        acknowledge(policy, finding('IAM5', `Resource::${resource}`), 'lambda:InvokeFunction on `<function ARN>:*` covers '
          + 'the versions and aliases of one function of this provider, granted by the custom-resources Provider framework '
          + 'so that its functions and waiter state machine can invoke the provider\'s functions, and no other function.');
      }
    }
  }
  // The waiter's error logging: aws-cdk-lib grants its role the CloudWatch Logs delivery actions on `*`.
  for (const policy of framework.node.findAll().filter((c): c is iam.Policy => c instanceof iam.Policy)) {
    const starStatements = statementsOf(policy).filter((st) => asList(st.Resource).includes('*'));
    if (starStatements.length > 0 && starStatements.every((st) => asList(st.Action).every((a) => String(a).startsWith('logs:')))) {
      acknowledge(policy, finding('IAM5', 'Resource::*'), 'The waiter state machine\'s error logging: Step Functions '
        + 'delivers logs through the CloudWatch Logs delivery APIs (logs:CreateLogDelivery, ...), which have no '
        + 'resource-level permissions; aws-cdk-lib grants exactly these to the state machine\'s role.');
    }
  }
  for (const machine of framework.node.findAll().filter((c) => c instanceof sfn.CfnStateMachine)) {
    acknowledge(machine, finding('SF1'), 'The waiter state machine logs ERROR events to its own log group. Level ALL '
      + 'would write every state\'s input, that is whole CloudFormation events with the replicator\'s ARNs, role and '
      + 'tags, which the library keeps out of logs; each poll is logged by the isComplete handler instead.');
    acknowledge(machine, finding('SF2'), 'The Provider framework\'s waiter state machine only invokes the framework\'s '
      + 'isComplete and onTimeout functions, which call the library\'s isComplete handler (each poll is recorded in its log '
      + 'group); aws-cdk-lib offers no X-Ray tracing option for it.');
  }
}

/** Why the handler policies need each wildcard resource, by statement id (see `HandlerPolicies`). */
const HANDLER_POLICY_WILDCARDS = new Map<string, string>([
  ['CreateReplicators', 'A replicator ARN ends in an id MSK generates (`replicator/<name>/<id>`), so it is unknown at '
    + 'synthesis, and a replacement or a rename works on two names at once (the new one, and the old one it reads and '
    + 'CloudFormation then deletes): `replicator/*` of this account and Region, as in AWS\'s documented caller policy.'],
  ['ManageReplicators', 'isComplete updates, tags and deletes replicators whose ARN ends in an id MSK generates, '
    + 'including the replaced one CloudFormation deletes in its cleanup phase after the template no longer names it: '
    + '`replicator/*` of this account and Region, as in AWS\'s documented caller policy.'],
  ['UseReplicatedClusters', 'MSK checks the caller for kafka:DescribeClusterV2 and GetBootstrapBrokers (read-only, '
    + 'nothing that tags or changes a cluster) on the clusters of a replicator it creates: granted on '
    + '`cluster/*` of this account and the replicators\' Regions because one ARN per cluster would grow the shared policy '
    + 'by ~200 characters per replicator and cap a stack at ~28 replicators under IAM\'s 10,240-character limit; creating '
    + 'a replicator also needs `replicator/*` and passing a service execution role, which is granted per role, and data '
    + 'access stays with each service execution role, scoped per cluster.'],
  ['FindReplicatorByName', 'kafka:ListReplicators has no resource-level permissions (a retried create uses it to '
    + 'find the replicator it already made).'],
  ['DescribeReplicatorNetwork', 'ec2:DescribeSubnets, DescribeSecurityGroups and DescribeVpcs have no resource-level '
    + 'permissions (MSK validates the replicator\'s network configuration with them).'],
  ['SetUpLogDelivery', 'The vended log delivery actions are granted on `*` as AWS documents them (the CloudWatch Logs '
    + 'delivery APIs have no resource-level permissions), and only while the replicator delivers logs.'],
  ['CreateNetworkInterfacesInReplicatorVpcs', 'ec2:CreateNetworkInterface authorizes the subnet and security groups '
    + 'the new interface uses: `subnet/*` and `security-group/*` of the replicators\' Regions, limited by the condition '
    + 'ec2:Vpc to the VPCs of the replicators of this stack.'],
  ['CreateReplicatorNetworkInterfaces', 'ec2:CreateNetworkInterface also authorizes the new network interface, whose id '
    + 'does not exist before the call: `network-interface/*` of the replicators\' Regions; an interface is always created '
    + 'in a subnet, which the statement limited to the replicators\' VPCs must allow as well.'],
  ['CreateNetworkInterfacesInReplicatorSubnets', 'ec2:CreateNetworkInterface authorizes the new network interface too, '
    + 'whose id does not exist before the call: `network-interface/*` in the replicator\'s Region(s); the subnets and '
    + 'security groups of the statement are the replicators\' own.'],
  ['KafkaServiceLinkedRole', 'iam:CreateServiceLinkedRole is granted on the ARN AWS documents for the MSK service-linked '
    + 'role (`aws-service-role/kafka.amazonaws.com/AWSServiceRoleForKafka*`), conditioned on iam:AWSServiceName '
    + 'kafka.amazonaws.com; MSK creates that role on first use.'],
]);

/**
 * The wildcard resources of a handler policy. A finding is acknowledged only when every statement that
 * contributes to it has a reason above: a new wildcard, or one in another statement, stays reported. `done`
 * holds what was already acknowledged on this policy (shared policies are revisited as replicators register).
 */
export function acknowledgeHandlerPolicy(policy: iam.Policy, done: Set<string>): void {
  const reasons = new Map<string, string[] | undefined>();
  for (const statement of wildcardStatementsOf(policy)) {
    if (statement.Effect !== 'Allow') continue;
    const reason = typeof statement.Sid === 'string' ? HANDLER_POLICY_WILDCARDS.get(statement.Sid) : undefined;
    const resources = asList(statement.Resource).map(flatten).filter((r) => r.includes('*'));
    for (const resource of resources) {
      const id = finding('IAM5', `Resource::${resource}`);
      const known = reasons.has(id) ? reasons.get(id) : [];
      reasons.set(id, known === undefined || reason === undefined ? undefined : [...new Set([...known, reason])]);
    }
  }
  for (const [id, parts] of reasons) {
    const key = `${policy.node.path}|${id}`;
    if (parts === undefined || done.has(key)) continue;
    done.add(key);
    const reason = parts.join(' ');
    acknowledge(policy, id, id === finding('IAM5', 'Resource::*')
      ? `Resource "*" is used only for actions without resource-level permissions. ${reason}` : reason);
  }
}

/**
 * The topic and consumer group wildcards of a service execution role the library created, granted by
 * `ReplicatorCluster.grantReplicationSource` / `grantReplicationTarget` on each MSK cluster.
 */
export function acknowledgeServiceExecutionRole(role: iam.IRole, clusterArns: Array<string | undefined>): void {
  for (const clusterArn of clusterArns) {
    if (clusterArn === undefined) continue;
    acknowledge(role, finding('IAM5', `Resource::${flattened(role, clusterChildArn(clusterArn, 'topic', '*'))}`),
      'The replicator reads (source) or creates and writes (target) the topics selected by the regular expressions of '
      + 'topicReplication, including topics created after deployment, and its own internal topics, so their names are '
      + 'unknown at synthesis: `topic/<cluster name>/<cluster uuid>/*` is the narrowest ARN that covers them, and it is '
      + 'limited to this one cluster.');
    acknowledge(role, finding('IAM5', `Resource::${flattened(role, clusterChildArn(clusterArn, 'group', '*'))}`),
      'The replicator uses consumer groups it names itself and synchronises the groups selected by the regular '
      + 'expressions of consumerGroupReplication, including groups created after deployment, so their names are '
      + 'unknown at synthesis: `group/<cluster name>/<cluster uuid>/*` is the narrowest ARN that covers them, and it is '
      + 'limited to this one cluster.');
  }
}
