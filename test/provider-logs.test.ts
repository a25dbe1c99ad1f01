import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { clusterVpc, exampleStack, SOURCE_CLUSTER_ARN, TARGET_CLUSTER_ARN } from '../examples/orders-replication';
import { MskReplicator, ReplicatorCluster } from '../src';

/**
 * The provider's log groups after `cdk destroy`: a documented choice (`providerLogs`), by default deleted with the
 * stack. Run on the floor and on the newest aws-cdk-lib, with and without the `@aws-cdk/aws-lambda:useCdkManagedLogGroup`
 * feature flag that `cdk init` sets on the newest (with it, aws-cdk-lib 2.278.0 gives every Lambda function without a
 * log group one of its own, RETAIN and 731 days).
 */

const LAMBDA_LOG_GROUP_FLAG = '@aws-cdk/aws-lambda:useCdkManagedLogGroup';
const PROVIDER_LOG_GROUPS = ['FrameworkLogs', 'IsCompleteLogs', 'OnEventLogs', 'WaiterLogs'];

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string };

function resources(stack: Stack): Record<string, Resource> {
  return Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
}

/** The construct id of a provider log group, from its logical id. */
const providerLogGroupId = (logicalId: string) => /^cdkmskreplicatorReplicatorProvider(\w+?)[0-9A-F]{8}$/.exec(logicalId)?.[1];

describe.each([false, true])(`with ${LAMBDA_LOG_GROUP_FLAG} %s`, (flag) => {
  const app = () => new App({ context: { [LAMBDA_LOG_GROUP_FLAG]: flag } });

  test('every log group of the stack is one of the provider\'s four, deleted with the stack and kept one year', () => {
    const all = resources(exampleStack({}, app()).stack);
    const logGroups = Object.entries(all).filter(([, r]) => r.Type === 'AWS::Logs::LogGroup');
    expect(logGroups.map(([id]) => providerLogGroupId(id)).sort()).toEqual(PROVIDER_LOG_GROUPS);
    for (const [, group] of logGroups) {
      expect({ deletion: group.DeletionPolicy, replace: group.UpdateReplacePolicy, days: group.Properties.RetentionInDays })
        .toEqual({ deletion: 'Delete', replace: 'Delete', days: 365 });
    }
  });

  test('every Lambda function and the waiter log to a log group of the stack: Lambda creates none of its own', () => {
    const all = resources(exampleStack({}, app()).stack);
    const logGroupIds = Object.keys(all).filter((id) => all[id].Type === 'AWS::Logs::LogGroup');
    const functions = Object.values(all).filter((r) => r.Type === 'AWS::Lambda::Function');
    // the library's onEvent and isComplete, and the Provider framework's onEvent, isComplete and onTimeout
    expect(functions).toHaveLength(5);
    for (const fn of functions) {
      const logGroup = (fn.Properties.LoggingConfig as { LogGroup?: { Ref?: string } } | undefined)?.LogGroup?.Ref;
      expect(logGroupIds).toContain(logGroup);
    }
    const [waiter] = Object.values(all).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine');
    const destination = JSON.stringify((waiter.Properties.LoggingConfiguration as { Destinations: unknown[] }).Destinations);
    expect(logGroupIds.filter((id) => destination.includes(id))).toHaveLength(1);
  });

  test('each function\'s role may write logs to that function\'s log group only: no managed policy, no logs action on another group', () => {
    const all = resources(exampleStack({}, app()).stack);
    const roles = Object.entries(all).filter(([, r]) => r.Type === 'AWS::IAM::Role');
    for (const [, role] of roles) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const policies = Object.values(all).filter((r) => r.Type === 'AWS::IAM::Policy');
    for (const fn of Object.values(all).filter((r) => r.Type === 'AWS::Lambda::Function')) {
      const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const ownLogGroup = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      const logStatements = policies
        .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
        .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Array<{ Action: string | string[]; Resource: unknown }> }).Statement)
        .filter((st) => ([] as string[]).concat(st.Action).some((a) => a.startsWith('logs:') && a !== 'logs:CreateLogDelivery'));
      expect(logStatements.map((st) => ({ actions: ([] as string[]).concat(st.Action).sort(), resource: st.Resource }))).toEqual([
        { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resource: { 'Fn::GetAtt': [ownLogGroup, 'Arn'] } },
      ]);
    }
  });

  test('providerLogs on one replicator sets retention and removal of all four, whichever replicator of the stack sets it', () => {
    const { stack } = exampleStack({}, app());
    // a second replicator, created after the provider, is the one that sets the options
    new MskReplicator(stack, 'Second', {
      source: ReplicatorCluster.fromMskCluster({ clusterArn: SOURCE_CLUSTER_ARN, vpc: clusterVpc(stack, 'V1', '10.1.0.0/16', '0primary') }),
      target: ReplicatorCluster.fromMskCluster({ clusterArn: TARGET_CLUSTER_ARN, vpc: clusterVpc(stack, 'V2', '10.2.0.0/16', '0dr') }),
      providerLogs: { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.RETAIN },
    });
    const logGroups = Object.values(resources(stack)).filter((r) => r.Type === 'AWS::Logs::LogGroup');
    expect(logGroups).toHaveLength(4);
    for (const group of logGroups) {
      expect({ deletion: group.DeletionPolicy, replace: group.UpdateReplacePolicy, days: group.Properties.RetentionInDays })
        .toEqual({ deletion: 'Retain', replace: 'Retain', days: 30 });
    }
  });
});

test('retention INFINITE renders no RetentionInDays, as logs.LogGroup does', () => {
  const { stack } = exampleStack({ providerLogs: { retention: logs.RetentionDays.INFINITE } });
  for (const group of Object.values(resources(stack)).filter((r) => r.Type === 'AWS::Logs::LogGroup')) {
    expect(group.Properties?.RetentionInDays).toBeUndefined();
    expect(group.DeletionPolicy).toBe('Delete');
  }
});

test('fails if two replicators of a stack set different providerLogs: they share one provider', () => {
  const { stack } = exampleStack({ providerLogs: { removalPolicy: RemovalPolicy.RETAIN } });
  const second = () => new MskReplicator(stack, 'Second', {
    source: ReplicatorCluster.fromMskCluster({ clusterArn: SOURCE_CLUSTER_ARN, vpc: clusterVpc(stack, 'V1', '10.1.0.0/16', '0primary') }),
    target: ReplicatorCluster.fromMskCluster({ clusterArn: TARGET_CLUSTER_ARN, vpc: clusterVpc(stack, 'V2', '10.2.0.0/16', '0dr') }),
    providerLogs: { removalPolicy: RemovalPolicy.DESTROY },
  });
  expect(second).toThrow('`providerLogs` must be the same for every replicator of the stack (they share one provider), got '
    + '{ retention: (default), removalPolicy: destroy } here and { retention: (default), removalPolicy: retain } at '
    + 'OrdersReplication/Replicator: set it on one replicator of the stack');
});

test('providerLogs that differ only by spelling out a default are the same choice: no error', () => {
  const { stack } = exampleStack({ providerLogs: { removalPolicy: RemovalPolicy.DESTROY } });
  new MskReplicator(stack, 'Second', {
    source: ReplicatorCluster.fromMskCluster({ clusterArn: SOURCE_CLUSTER_ARN, vpc: clusterVpc(stack, 'V1', '10.1.0.0/16', '0primary') }),
    target: ReplicatorCluster.fromMskCluster({ clusterArn: TARGET_CLUSTER_ARN, vpc: clusterVpc(stack, 'V2', '10.2.0.0/16', '0dr') }),
    providerLogs: { retention: logs.RetentionDays.ONE_YEAR },
  });
  for (const group of Object.values(resources(stack)).filter((r) => r.Type === 'AWS::Logs::LogGroup')) {
    expect(group.Properties?.RetentionInDays).toBe(365);
    expect(group.DeletionPolicy).toBe('Delete');
  }
});
