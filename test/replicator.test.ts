import { App, CfnParameter, Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { clusterVpc, exampleStack, exampleVpcId, SOURCE_CLUSTER_ARN, TARGET_CLUSTER_ARN } from '../examples/orders-replication';
import { resolveIntrinsics } from '../local-aws/cloudformation/intrinsics';
import { evaluate, PolicyDocument } from '../local-aws/iam/policy-evaluator';
import { ConsumerGroupOffsetSyncMode, MskReplicator, ReplicatorCluster, TopicNameConfiguration } from '../src';
import { ReplicatorProvider } from '../src/provider/replicator-provider';

describe('MskReplicator resource', () => {
  test('renders Custom::MskReplicator with every field and its defaults', () => {
    const { stack } = exampleStack();
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::MskReplicator', 1);
    template.hasResourceProperties('Custom::MskReplicator', {
      ReplicatorNamePrefix: Match.stringLikeRegexp('^OrdersReplication-Replicator-'),
      Source: { MskClusterArn: SOURCE_CLUSTER_ARN, SubnetIds: ['subnet-0primarya', 'subnet-0primaryb'] },
      Target: { MskClusterArn: TARGET_CLUSTER_ARN, SubnetIds: ['subnet-0dra', 'subnet-0drb'] },
      TopicReplication: {
        TopicsToReplicate: ['.*'],
        TopicsToExclude: [],
        CopyTopicConfigurations: true,
        CopyAccessControlListsForTopics: true,
        DetectAndCopyNewTopics: true,
        StartingPosition: 'LATEST',
        TopicNameConfiguration: 'PREFIXED_WITH_SOURCE_CLUSTER_ALIAS',
      },
      ConsumerGroupReplication: {
        ConsumerGroupsToReplicate: ['.*'],
        ConsumerGroupsToExclude: [],
        SynchroniseConsumerGroupOffsets: true,
        DetectAndCopyNewConsumerGroups: true,
        OffsetSyncMode: 'LEGACY',
      },
      TargetCompressionType: 'NONE',
      DeletionBehaviour: 'destroy',
      WaitForRunning: true,
      ReconcileNonce: Match.absent(),
    });
  });

  test('an explicitly empty consumer group list is kept (topic-only replication)', () => {
    const { stack } = exampleStack({ consumerGroupReplication: { consumerGroupsToReplicate: [] } });
    Template.fromStack(stack).hasResourceProperties('Custom::MskReplicator', {
      ConsumerGroupReplication: Match.objectLike({ ConsumerGroupsToReplicate: [] }),
    });
  });

  test('a fixed name is passed as is; the handler may manage any replicator of its account and Region, so a rename works', () => {
    const { stack } = exampleStack({ replicatorName: 'orders-dr' });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('Custom::MskReplicator', { ReplicatorName: 'orders-dr', ReplicatorNamePrefix: Match.absent() });
    for (const sid of ['CreateReplicators', 'ManageReplicators']) {
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({
            Sid: sid,
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kafka:us-east-1:123456789012:replicator/*']] },
          })]),
        },
      });
    }
  });

  test('RETAIN, no-wait and reconcile-on-every-deployment reach the handler', () => {
    const { stack } = exampleStack({ removalPolicy: RemovalPolicy.RETAIN, waitForRunning: false, reconcileOnEveryDeployment: true });
    Template.fromStack(stack).hasResourceProperties('Custom::MskReplicator', {
      DeletionBehaviour: 'retain', WaitForRunning: false, ReconcileNonce: Match.anyValue(),
    });
  });

  test('Tags.of and the tags prop both reach the resource', () => {
    const { stack, replicator } = exampleStack({ tags: { team: 'streaming' } });
    Tags.of(replicator).add('env', 'prod');
    Template.fromStack(stack).hasResourceProperties('Custom::MskReplicator', { Tags: { team: 'streaming', env: 'prod' } });
  });

  test('attributes are GetAtts of the custom resource', () => {
    const { stack, replicator } = exampleStack();
    const logicalId = stack.getLogicalId(replicator.node.defaultChild as never);
    expect(stack.resolve(replicator.replicatorArn)).toEqual({ 'Fn::GetAtt': [logicalId, 'ReplicatorArn'] });
    expect(stack.resolve(replicator.replicatorName)).toEqual({ 'Fn::GetAtt': [logicalId, 'ReplicatorName'] });
    expect(stack.resolve(replicator.currentVersion)).toEqual({ 'Fn::GetAtt': [logicalId, 'CurrentVersion'] });
    expect(stack.resolve(replicator.replicatorRef.replicatorArn)).toEqual({ 'Fn::GetAtt': [logicalId, 'ReplicatorArn'] });
  });
});

describe('provider', () => {
  test('two replicators in a stack share one provider and its two handler policies', () => {
    const { stack } = exampleStack();
    new MskReplicator(stack, 'Second', {
      source: ReplicatorCluster.fromMskCluster({ clusterArn: TARGET_CLUSTER_ARN, vpc: clusterVpc(stack, 'V2', '10.2.0.0/16', '0dr') }),
      target: ReplicatorCluster.fromMskCluster({ clusterArn: SOURCE_CLUSTER_ARN, vpc: clusterVpc(stack, 'V1', '10.1.0.0/16', '0primary') }),
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::MskReplicator', 2);
    // our onEvent and isComplete, and the framework's onEvent, isComplete and onTimeout: one set per stack
    template.resourceCountIs('AWS::Lambda::Function', 5);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    const tokens = Object.values(template.findResources('Custom::MskReplicator')).map((r) => JSON.stringify(r.Properties.ServiceToken));
    expect(new Set(tokens).size).toBe(1);
    const handlerPolicies = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => /"Sid":"(CreateReplicators|ManageReplicators)"/.test(JSON.stringify(p)));
    expect(handlerPolicies).toHaveLength(2);
    // both replicators' VPCs are the same two: listed once; each replicator adds its own role to PassRole
    const onEvent = handlerPolicies.find((p) => JSON.stringify(p).includes('CreateReplicators'))!;
    const statement = (sid: string) => (onEvent.Properties.PolicyDocument.Statement as Array<Record<string, any>>)
      .find((st) => st.Sid === sid)!;
    expect(statement('CreateNetworkInterfacesInReplicatorVpcs').Condition.ArnEquals['ec2:Vpc']).toHaveLength(2);
    expect(statement('PassServiceExecutionRoles').Resource).toHaveLength(2);
  });

  test('pinned runtime, one shared asset, explicit polling within the one-hour limit', () => {
    const { stack } = exampleStack();
    const template = Template.fromStack(stack);
    const functions = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs22.x' } }));
    const handlers = functions.filter((f) => /^index\.(onEventHandler|isCompleteHandler)$/.test(f.Properties.Handler));
    expect(handlers).toHaveLength(2);
    expect(new Set(handlers.map((f) => JSON.stringify(f.Properties.Code))).size).toBe(1);
    expect(ReplicatorProvider.TOTAL_TIMEOUT.toSeconds() % ReplicatorProvider.QUERY_INTERVAL.toSeconds()).toBe(0);
    expect(ReplicatorProvider.TOTAL_TIMEOUT.toSeconds()).toBeLessThan(3600);
    template.hasResourceProperties('Custom::MskReplicator', { ServiceTimeout: '3600' });
  });

  test('the custom resource depends on both handler policies, so they are in force before it changes', () => {
    const { stack } = exampleStack();
    const template = Template.fromStack(stack);
    const policyIds = Object.entries(template.findResources('AWS::IAM::Policy'))
      .filter(([, p]) => /"Sid":"(CreateReplicators|ManageReplicators)"/.test(JSON.stringify(p))).map(([id]) => id);
    expect(policyIds).toHaveLength(2);
    const [resource] = Object.values(template.findResources('Custom::MskReplicator'));
    expect(resource.DependsOn).toEqual(expect.arrayContaining(policyIds));
  });

  test('the custom resource waits for its service execution role\'s policy; the role is ordered by the ARN it reads', () => {
    // A DependsOn on the role itself would repeat what the GetAtt of its ARN already enforces (cfn-lint W3005).
    const { stack } = exampleStack();
    const template = Template.fromStack(stack);
    const [[resourceId, resource]] = Object.entries(template.findResources('Custom::MskReplicator'));
    const roleId = (resource.Properties.ServiceExecutionRoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const rolePolicyIds = Object.entries(template.findResources('AWS::IAM::Policy'))
      .filter(([, policy]) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }])).map(([id]) => id);
    expect(rolePolicyIds).toHaveLength(1);
    expect(resource.DependsOn).toEqual(expect.arrayContaining(rolePolicyIds));
    expect(resource.DependsOn).not.toContain(roleId);
    expect(resourceId).not.toBe(roleId);
  });
});

describe('IAM', () => {
  /** The id and PolicyName of the generated service execution role's policy, for `source` and `target`. */
  const grantsPolicy = (source = SOURCE_CLUSTER_ARN, target = TARGET_CLUSTER_ARN) => {
    const stack = new Stack(new App(), 'OrdersReplication', { env: { account: '123456789012', region: 'us-east-1' } });
    new MskReplicator(stack, 'Replicator', {
      source: ReplicatorCluster.fromMskCluster({ clusterArn: source, vpc: clusterVpc(stack, 'PrimaryVpc', '10.1.0.0/16', '0primary') }),
      target: ReplicatorCluster.fromMskCluster({ clusterArn: target, vpc: clusterVpc(stack, 'DrVpc', '10.2.0.0/16', '0dr') }),
    });
    const [[id, policy]] = Object.entries(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
      .filter(([, p]) => JSON.stringify(p.Properties.PolicyDocument).includes('kafka-cluster:'));
    return { id, name: policy.Properties.PolicyName as string };
  };

  test('a change of cluster makes the service execution role\'s policy a new resource with a new name (replace before delete)', () => {
    const before = grantsPolicy();
    // stable: the same clusters give the same policy
    expect(grantsPolicy()).toEqual(before);
    for (const after of [
      grantsPolicy(SOURCE_CLUSTER_ARN.replace('orders-primary', 'orders-primary-v2')),
      grantsPolicy(SOURCE_CLUSTER_ARN, TARGET_CLUSTER_ARN.replace('orders-dr', 'orders-dr-v2')),
    ]) {
      expect(after.id).not.toBe(before.id);
      // IAM keys inline policies by name within a role: the same name would overwrite the old policy
      expect(after.name).not.toBe(before.name);
    }
    expect(before.id).toMatch(/^ReplicatorServiceExecutionRoleDefaultPolicy[0-9A-F]{8}[0-9A-F]{8}$/);
  });

  test('the default service execution role trusts kafka.amazonaws.com for this account only', () => {
    const { stack } = exampleStack();
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'kafka.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
        }],
      },
    });
  });

  test('kafka-cluster actions are scoped to the two clusters, their topics and groups, never *', () => {
    const { stack } = exampleStack();
    const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
    const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>);
    const clusterStatements = statements.filter((s) => JSON.stringify(s.Action).includes('kafka-cluster:'));
    expect(clusterStatements.length).toBeGreaterThan(0);
    for (const statement of clusterStatements) {
      expect(statement.Resource).not.toEqual('*');
      expect(JSON.stringify(statement.Resource)).toMatch(/orders-(primary|dr)/);
    }
    const resources = clusterStatements.map((s) => s.Resource);
    expect(resources).toEqual(expect.arrayContaining([
      SOURCE_CLUSTER_ARN,
      SOURCE_CLUSTER_ARN.replace(':cluster/', ':topic/') + '/*',
      SOURCE_CLUSTER_ARN.replace(':cluster/', ':group/') + '/*',
      TARGET_CLUSTER_ARN.replace(':cluster/', ':topic/') + '/*',
    ]));
    const targetTopic = clusterStatements.find((s) => s.Resource === TARGET_CLUSTER_ARN.replace(':cluster/', ':topic/') + '/*')!;
    expect(targetTopic.Action).toEqual(expect.arrayContaining(['kafka-cluster:CreateTopic', 'kafka-cluster:WriteData']));
    const sourceTopic = clusterStatements.find((s) => s.Resource === SOURCE_CLUSTER_ARN.replace(':cluster/', ':topic/') + '/*')!;
    expect(sourceTopic.Action).not.toContain('kafka-cluster:WriteData');
  });

  test('the handlers may neither tag nor create on MSK clusters: kafka:TagResource and kafka:CreateReplicator on replicators only', () => {
    // Service Authorization Reference for Amazon MSK: kafka:CreateReplicator authorizes on `replicator*` only, with
    // DescribeClusterV2 and GetBootstrapBrokers as its dependent actions on the clusters; TagResource tags the replicator.
    const { stack } = exampleStack();
    const documents = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
      .map((p) => resolveIntrinsics(p.Properties.PolicyDocument, { region: 'us-east-1', account: '123456789012' }) as unknown as PolicyDocument);
    const anotherCluster = 'arn:aws:kafka:us-east-1:123456789012:cluster/payments/99999999-2222-3333-4444-555555555555-1';
    for (const resource of [SOURCE_CLUSTER_ARN, TARGET_CLUSTER_ARN, anotherCluster]) {
      for (const action of ['kafka:TagResource', 'kafka:CreateReplicator', 'kafka:UntagResource']) {
        expect([action, resource, evaluate(documents, { action, resource })]).toEqual([action, resource, 'ImplicitDeny']);
      }
      // what CreateReplicator needs on the clusters stays allowed
      for (const action of ['kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers']) {
        expect([action, resource, evaluate(documents, { action, resource })]).toEqual([action, resource, 'Allow']);
      }
    }
    const replicator = 'arn:aws:kafka:us-east-1:123456789012:replicator/orders-dr/00000000-0000-0000-0000-000000000000-1';
    expect(evaluate(documents, { action: 'kafka:CreateReplicator', resource: replicator })).toBe('Allow');
    expect(evaluate(documents, { action: 'kafka:TagResource', resource: replicator })).toBe('Allow');
  });

  test('iam:PassRole is limited to the service execution role and conditioned on kafka.amazonaws.com', () => {
    const { stack, replicator } = exampleStack();
    const roleId = stack.getLogicalId(replicator.role.node.defaultChild as never);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Sid: 'PassServiceExecutionRoles',
          Action: 'iam:PassRole',
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [roleId, 'Arn'] },
          Condition: { StringEquals: { 'iam:PassedToService': 'kafka.amazonaws.com' } },
        }]),
      },
    });
  });

  test('cross-Region: the handler may create network interfaces, read clusters and make the replicator reference in the source Region too', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });
    const westCluster = 'arn:aws:kafka:us-west-2:123456789012:cluster/orders-west/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee-3';
    new MskReplicator(stack, 'R', {
      source: ReplicatorCluster.fromMskCluster({
        clusterArn: westCluster,
        // subnets of the source Region (MSK developer guide, "Network requirements")
        vpc: ec2.Vpc.fromVpcAttributes(stack, 'West', {
          region: 'us-west-2',
          vpcId: 'vpc-0west',
          availabilityZones: ['us-west-2a', 'us-west-2b'],
          privateSubnetIds: ['subnet-0westa', 'subnet-0westb'],
        }),
      }),
      target: ReplicatorCluster.fromMskCluster({ clusterArn: TARGET_CLUSTER_ARN, vpc: clusterVpc(stack, 'Dr', '10.2.0.0/16', '0dr') }),
    });
    const [onEvent] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p).includes('CreateReplicators'));
    const statements = onEvent.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>;
    const resources = (sid: string) => JSON.stringify(stack.resolve(statements.find((st) => st.Sid === sid)!.Resource));
    for (const region of ['us-east-1', 'us-west-2']) {
      expect(resources('CreateReplicators')).toContain(`:kafka:${region}:123456789012:replicator/*`);
      expect(resources('UseReplicatedClusters')).toContain(`:kafka:${region}:123456789012:cluster/*`);
      expect(resources('CreateReplicatorNetworkInterfaces')).toContain(`:ec2:${region}:123456789012:network-interface/*`);
    }
    const vpcs = JSON.stringify(statements.find((st) => st.Sid === 'CreateNetworkInterfacesInReplicatorVpcs')!.Condition);
    expect(vpcs).toContain(':ec2:us-west-2:123456789012:vpc/vpc-0west');
    expect(vpcs).toContain(`:ec2:us-east-1:123456789012:vpc/${exampleVpcId('0dr')}`);
  });

  test('subnets given by id, without a VPC, are granted one by one, with the security groups', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });
    const group = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Given', 'sg-0given');
    new MskReplicator(stack, 'R', {
      source: ReplicatorCluster.fromMskCluster({ clusterArn: SOURCE_CLUSTER_ARN, subnetIds: ['subnet-loosea', 'subnet-looseb'], securityGroups: [group] }),
      target: ReplicatorCluster.fromMskCluster({ clusterArn: TARGET_CLUSTER_ARN, vpc: clusterVpc(stack, 'Dr', '10.2.0.0/16', '0dr') }),
    });
    const [onEvent] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p).includes('CreateReplicators'));
    const statements = onEvent.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>;
    const listed = JSON.stringify(statements.find((st) => st.Sid === 'CreateNetworkInterfacesInReplicatorSubnets')!.Resource);
    expect(listed).toContain('subnet/subnet-loosea');
    expect(listed).toContain('subnet/subnet-looseb');
    expect(listed).toContain('security-group/sg-0given');
    // the target side's VPC is known: granted by VPC
    expect(JSON.stringify(statements.find((st) => st.Sid === 'CreateNetworkInterfacesInReplicatorVpcs')!.Condition)).toContain(`vpc/${exampleVpcId('0dr')}`);
  });

  test('a supplied role is used as is: no policy is added to it', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: { account: '123456789012', region: 'us-east-1' } });
    const role = iam.Role.fromRoleArn(stack, 'Byo', 'arn:aws:iam::123456789012:role/replicator', { mutable: false });
    const replicator = new MskReplicator(stack, 'R', {
      source: ReplicatorCluster.fromMskCluster({ clusterArn: SOURCE_CLUSTER_ARN, vpc: clusterVpc(stack, 'V1', '10.1.0.0/16', 'a') }),
      target: ReplicatorCluster.fromMskCluster({ clusterArn: TARGET_CLUSTER_ARN, vpc: clusterVpc(stack, 'V2', '10.2.0.0/16', 'b') }),
      role,
    });
    expect(replicator.role).toBe(role);
    expect(replicator.grantPrincipal).toBe(role);
    const template = Template.fromStack(stack);
    const kafkaTrusted = template.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'kafka.amazonaws.com' } })] } },
    });
    expect(Object.keys(kafkaTrusted)).toEqual([]);
    expect(JSON.stringify(template.toJSON())).not.toContain('kafka-cluster:');
    template.hasResourceProperties('Custom::MskReplicator', { ServiceExecutionRoleArn: 'arn:aws:iam::123456789012:role/replicator' });
  });

  test('grantRead gives DescribeReplicator and ListTagsForResource on the replicator', () => {
    const { stack, replicator } = exampleStack();
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    replicator.grantRead(reader);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.getLogicalId(reader.node.defaultChild as never) }],
      PolicyDocument: { Statement: [Match.objectLike({ Action: ['kafka:DescribeReplicator', 'kafka:ListTagsForResource'] })] },
    });
  });
});

describe('imports and metrics', () => {
  test('fromReplicatorArn takes name and environment from the ARN', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '111111111111', region: 'eu-west-1' } });
    const imported = MskReplicator.fromReplicatorArn(stack, 'I',
      'arn:aws:kafka:us-west-2:222222222222:replicator/orders-dr/abcd-1234');
    expect(imported.replicatorName).toBe('orders-dr');
    expect(imported.env).toEqual({ account: '222222222222', region: 'us-west-2' });
    expect(imported.grantPrincipal).toBeInstanceOf(iam.UnknownPrincipal);
    const metric = imported.metric('ReplicationLatency');
    expect(metric.namespace).toBe('AWS/Kafka');
    expect(metric.dimensions).toEqual({ ReplicatorName: 'orders-dr' });
    expect(metric.region).toBe('us-west-2');
  });

  // Rows of AWS's metrics table (msk-replicator-metrics-ref); the per-cluster rows are in test/metrics.test.ts.
  test.each([
    ['metricReplicationLatency', 'ReplicationLatency', 'Maximum'],
    ['metricMessageLag', 'MessageLag', 'Sum'],
    ['metricReplicatorThroughput', 'ReplicatorThroughput', 'Sum'],
    ['metricReplicatorBytesInPerSec', 'ReplicatorBytesInPerSec', 'Sum'],
    ['metricReplicationFailures', 'ReplicationFailures', 'Sum'],
    ['metricReplicatorFailure', 'ReplicatorFailure', 'Sum'],
    ['metricConsumerGroupCount', 'ConsumerGroupCount', 'Sum'],
    ['metricConsumerGroupOffsetSyncFailure', 'ConsumerGroupOffsetSyncFailure', 'Sum'],
  ] as const)('%s is %s (%s) in AWS/Kafka by ReplicatorName, overridable', (method, metricName, statistic) => {
    const { replicator } = exampleStack();
    const metric = replicator[method]();
    expect(metric.metricName).toBe(metricName);
    expect(metric.namespace).toBe('AWS/Kafka');
    expect(metric.statistic).toBe(statistic);
    expect(replicator[method]({ statistic: 'p99' }).statistic).toBe('p99');
  });

  test('per-topic and per-cluster-alias metrics add their dimension to ReplicatorName', () => {
    const { stack, replicator } = exampleStack();
    const name = stack.resolve(replicator.replicatorName);
    const topic = replicator.metricForTopic('MessageLag', 'orders', { statistic: 'Sum' });
    expect(stack.resolve(topic.dimensions)).toEqual({ ReplicatorName: name, Topic: 'orders' });
    expect(topic.statistic).toBe('Sum');
    const alias = replicator.metricForClusterAlias('KafkaClusterPingSuccessCount', 'msk-cluster-orders-dr');
    expect(stack.resolve(alias.dimensions)).toEqual({ ReplicatorName: name, ClusterAlias: 'msk-cluster-orders-dr' });
  });

  test('metricReplicationLatency is Maximum of ReplicationLatency by ReplicatorName', () => {
    const { stack, replicator } = exampleStack();
    const metric = replicator.metricReplicationLatency();
    expect(metric.statistic).toBe('Maximum');
    expect(stack.resolve(metric.dimensions)).toEqual({ ReplicatorName: stack.resolve(replicator.replicatorName) });
  });
});

describe('validation', () => {
  test('fails if timeout exceeds what CloudFormation allows or is shorter than one poll', () => {
    expect(() => exampleStack({ timeout: Duration.minutes(60) })).toThrow(
      '`timeout` must be between 30 seconds (the polling interval) and 50 minutes (CloudFormation fails custom resources after one hour), got: 1 hour');
    expect(() => exampleStack({ timeout: Duration.seconds(10) })).toThrow(/`timeout` must be between/);
    const { stack } = exampleStack({ timeout: Duration.minutes(40) });
    Template.fromStack(stack).hasResourceProperties('Custom::MskReplicator', { TimeoutSeconds: 2400 });
  });

  test('fails if replicatorName breaks the pattern', () => {
    expect(() => exampleStack({ replicatorName: 'my_name' })).toThrow(
      '`replicatorName` must match ^[0-9A-Za-z][0-9A-Za-z-]*$ (letters, digits and hyphens, starting with a letter or a digit), got: my_name');
  });

  test('fails if two replicators of one account and Region share a fixed name', () => {
    const app = new App();
    const { stack } = exampleStack({ replicatorName: 'orders-dr' }, app);
    const other = new Stack(app, 'Other', { env: { account: '123456789012', region: 'us-east-1' } });
    expect(() => new MskReplicator(other, 'Twin', {
      replicatorName: 'orders-dr',
      source: ReplicatorCluster.fromMskCluster({ clusterArn: SOURCE_CLUSTER_ARN, vpc: clusterVpc(other, 'V1', '10.1.0.0/16', 'a') }),
      target: ReplicatorCluster.fromMskCluster({ clusterArn: TARGET_CLUSTER_ARN, vpc: clusterVpc(other, 'V2', '10.2.0.0/16', 'b') }),
    })).toThrow('`replicatorName` must be unique per account and Region: "orders-dr" is already used by OrdersReplication/Replicator');
    // another Region may reuse it
    const elsewhere = new Stack(app, 'Elsewhere', { env: { account: '123456789012', region: 'eu-west-1' } });
    expect(() => new MskReplicator(elsewhere, 'Twin', {
      replicatorName: 'orders-dr',
      source: ReplicatorCluster.fromMskCluster({
        clusterArn: 'arn:aws:kafka:eu-west-1:123456789012:cluster/a/1', vpc: clusterVpc(elsewhere, 'V1', '10.1.0.0/16', 'a'),
      }),
      target: ReplicatorCluster.fromMskCluster({
        clusterArn: 'arn:aws:kafka:eu-west-1:123456789012:cluster/b/2', vpc: clusterVpc(elsewhere, 'V2', '10.2.0.0/16', 'b'),
      }),
    })).not.toThrow();
    expect(stack).toBeDefined();
  });

  test('fails if replicatorName is longer than 128 characters', () => {
    expect(() => exampleStack({ replicatorName: 'a'.repeat(129) })).toThrow(/at most 128 characters/);
  });

  test('fails if description is longer than 1024 characters', () => {
    expect(() => exampleStack({ description: 'd'.repeat(1025) })).toThrow('`description` must be at most 1024 characters, got 1025');
  });

  test('fails if topicsToReplicate is empty', () => {
    expect(() => exampleStack({ topicReplication: { topicsToReplicate: [] } })).toThrow(/`topicReplication.topicsToReplicate` must hold at least one/);
  });

  test('fails if a topic pattern is longer than 249 characters', () => {
    expect(() => exampleStack({ topicReplication: { topicsToReplicate: ['t'.repeat(250)] } }))
      .toThrow(/`topicReplication.topicsToReplicate\[0\]` must be at most 249 characters, got 250/);
  });

  test('fails if a consumer group pattern is longer than 256 characters', () => {
    expect(() => exampleStack({ consumerGroupReplication: { consumerGroupsToExclude: ['g'.repeat(257)] } }))
      .toThrow(/consumerGroupsToExclude\[0\]` must be at most 256 characters/);
  });

  test('fails if a pattern is empty', () => {
    expect(() => exampleStack({ topicReplication: { topicsToExclude: [''] } })).toThrow('`topicReplication.topicsToExclude[0]` must not be empty');
  });

  test('fails if a pattern is not a regular expression', () => {
    expect(() => exampleStack({ topicReplication: { topicsToReplicate: ['orders.(*'] } }))
      .toThrow('`topicReplication.topicsToReplicate[0]` must be a valid regular expression, got: orders.(*');
  });

  test('accepts Java-only regular expression syntax', () => {
    expect(() => exampleStack({ topicReplication: { topicsToReplicate: ['(?i)orders.*+', '(?>a|b)c'] } })).not.toThrow();
  });

  test('fails if ENHANCED offset sync is used without IDENTICAL topic names', () => {
    expect(() => exampleStack({ consumerGroupReplication: { offsetSyncMode: ConsumerGroupOffsetSyncMode.ENHANCED } }))
      .toThrow(/ENHANCED requires `topicReplication.topicNameConfiguration` IDENTICAL/);
    expect(() => exampleStack({
      consumerGroupReplication: { offsetSyncMode: ConsumerGroupOffsetSyncMode.ENHANCED },
      topicReplication: { topicNameConfiguration: TopicNameConfiguration.IDENTICAL },
    })).not.toThrow();
  });

  test('fails if source and target are the same cluster', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });
    const vpc = clusterVpc(stack, 'V', '10.0.0.0/16', 'x');
    expect(() => new MskReplicator(stack, 'R', {
      source: ReplicatorCluster.fromMskCluster({ clusterArn: TARGET_CLUSTER_ARN, vpc }),
      target: ReplicatorCluster.fromMskCluster({ clusterArn: TARGET_CLUSTER_ARN, vpc }),
    })).toThrow(/`source` and `target` must be different clusters/);
  });

  test('fails if the stack is not in the target cluster\'s Region', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
    expect(() => new MskReplicator(stack, 'R', {
      source: ReplicatorCluster.fromMskCluster({ clusterArn: SOURCE_CLUSTER_ARN, vpc: clusterVpc(stack, 'V1', '10.1.0.0/16', 'a') }),
      target: ReplicatorCluster.fromMskCluster({ clusterArn: TARGET_CLUSTER_ARN, vpc: clusterVpc(stack, 'V2', '10.2.0.0/16', 'b') }),
    })).toThrow(/the stack's Region is eu-west-1 but `target` is in us-east-1/);
  });

  test('skips unresolved tokens', () => {
    const { stack } = exampleStack();
    const param = new CfnParameter(stack, 'Name', { type: 'String' });
    expect(() => new MskReplicator(stack, 'Tokenized', {
      replicatorName: param.valueAsString,
      source: ReplicatorCluster.fromMskCluster({ clusterArn: SOURCE_CLUSTER_ARN, vpc: clusterVpc(stack, 'V3', '10.1.0.0/16', 'c') }),
      target: ReplicatorCluster.fromMskCluster({ clusterArn: TARGET_CLUSTER_ARN, vpc: clusterVpc(stack, 'V4', '10.2.0.0/16', 'd') }),
    })).not.toThrow();
  });
});
