import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  ACCOUNT, clusterVpc, exampleProperties, exampleStack, ReplicatorOptions, REGION, synthesizedProperties, TARGET_CLUSTER_ARN,
} from '../examples/orders-replication';
import { CloudFormationResource, Handler, loadBundledHandler } from '../local-aws/cloudformation/provider-framework';
import { MskSimulator } from '../local-aws/msk-simulator';
import {
  ConsumerGroupOffsetSyncMode, KafkaClusterAuthentication, MskReplicator, ReplicatorCluster, ScramMechanism,
  StartingPosition, TargetCompressionType, TopicNameConfiguration,
} from '../src';

/**
 * Every API field round-trips: the value set on the construct arrives in the CreateReplicator request the
 * simulator receives, and, where the API can update it, in the UpdateReplicationInfo request.
 */
let sim: MskSimulator;
let handler: Handler;
beforeAll(async () => {
  sim = await MskSimulator.start({ timing: { creatingMs: 20, updatingMs: 20, deletingMs: 20 } });
  handler = loadBundledHandler(sim.endpoint);
});
afterAll(async () => sim.stop());

async function createWith(props: Record<string, unknown>) {
  sim.resetCalls();
  const resource = new CloudFormationResource(handler, { queryIntervalMs: 5 });
  const result = await resource.create(props);
  expect(result.reason).toBeUndefined();
  return { resource, request: sim.callsTo('CreateReplicator')[0].input as Record<string, any> };
}

const info = (request: Record<string, any>) => request.replicationInfoList[0];

describe('create-only fields arrive in CreateReplicator', () => {
  test.each<[string, ReplicatorOptions, (request: Record<string, any>) => unknown, unknown]>([
    ['replicatorName', { replicatorName: 'rt-name' }, (r) => r.replicatorName, 'rt-name'],
    ['description', { description: 'orders DR' }, (r) => r.description, 'orders DR'],
    ['targetCompressionType', { targetCompressionType: TargetCompressionType.SNAPPY }, (r) => info(r).targetCompressionType, 'SNAPPY'],
    ['startingPosition', { topicReplication: { startingPosition: StartingPosition.EARLIEST } },
      (r) => info(r).topicReplication.startingPosition, { type: 'EARLIEST' }],
    ['topicNameConfiguration', { topicReplication: { topicNameConfiguration: TopicNameConfiguration.IDENTICAL } },
      (r) => info(r).topicReplication.topicNameConfiguration, { type: 'IDENTICAL' }],
    ['offsetSyncMode', {
      topicReplication: { topicNameConfiguration: TopicNameConfiguration.IDENTICAL },
      consumerGroupReplication: { offsetSyncMode: ConsumerGroupOffsetSyncMode.ENHANCED },
    }, (r) => info(r).consumerGroupReplication.consumerGroupOffsetSyncMode, 'ENHANCED'],
    ['tags', { tags: { team: 'streaming' } }, (r) => r.tags.team, 'streaming'],
  ])('%s', async (_field, options, read, expected) => {
    const { request } = await createWith(exampleProperties(options));
    expect(read(request)).toEqual(expected);
  });
});

describe('updatable fields arrive in CreateReplicator and in UpdateReplicationInfo', () => {
  test.each<[string, ReplicatorOptions, ReplicatorOptions, (request: Record<string, any>) => unknown, unknown]>([
    ['topicsToReplicate', {}, { topicReplication: { topicsToReplicate: ['a.*', 'b.*'] } },
      (r) => (r.replicationInfoList ? info(r) : r).topicReplication.topicsToReplicate, ['a.*', 'b.*']],
    ['topicsToExclude', {}, { topicReplication: { topicsToExclude: ['tmp.*'] } },
      (r) => (r.replicationInfoList ? info(r) : r).topicReplication.topicsToExclude, ['tmp.*']],
    ['copyTopicConfigurations', {}, { topicReplication: { copyTopicConfigurations: false } },
      (r) => (r.replicationInfoList ? info(r) : r).topicReplication.copyTopicConfigurations, false],
    ['copyAccessControlListsForTopics', {}, { topicReplication: { copyAccessControlListsForTopics: false } },
      (r) => (r.replicationInfoList ? info(r) : r).topicReplication.copyAccessControlListsForTopics, false],
    ['detectAndCopyNewTopics', {}, { topicReplication: { detectAndCopyNewTopics: false } },
      (r) => (r.replicationInfoList ? info(r) : r).topicReplication.detectAndCopyNewTopics, false],
    ['consumerGroupsToReplicate (empty: topic-only)', {}, { consumerGroupReplication: { consumerGroupsToReplicate: [] } },
      (r) => (r.replicationInfoList ? info(r) : r).consumerGroupReplication.consumerGroupsToReplicate, []],
    ['consumerGroupsToExclude', {}, { consumerGroupReplication: { consumerGroupsToExclude: ['ops-.*'] } },
      (r) => (r.replicationInfoList ? info(r) : r).consumerGroupReplication.consumerGroupsToExclude, ['ops-.*']],
    ['synchroniseConsumerGroupOffsets', {}, { consumerGroupReplication: { synchroniseConsumerGroupOffsets: false } },
      (r) => (r.replicationInfoList ? info(r) : r).consumerGroupReplication.synchroniseConsumerGroupOffsets, false],
    ['detectAndCopyNewConsumerGroups', {}, { consumerGroupReplication: { detectAndCopyNewConsumerGroups: false } },
      (r) => (r.replicationInfoList ? info(r) : r).consumerGroupReplication.detectAndCopyNewConsumerGroups, false],
  ])('%s', async (_field, before, after, read, expected) => {
    // set at creation
    const { request } = await createWith(exampleProperties(after));
    expect(read(request)).toEqual(expected);
    // changed in place from the default
    const { resource } = await createWith(exampleProperties(before));
    sim.resetCalls();
    const result = await resource.update(exampleProperties(after));
    expect(result.status).toBe('SUCCESS');
    const updates = sim.callsTo('UpdateReplicationInfo');
    expect(updates).toHaveLength(1);
    expect(read(updates[0].input)).toEqual(expected);
    expect(sim.callsTo('CreateReplicator')).toHaveLength(0);
  });

  test('log delivery to CloudWatch Logs, Firehose and S3: set at creation, changed and turned off in place', async () => {
    const withLogs = (scope: Stack, destinations: 'all' | 'cw') => ({
      cloudWatchLogGroup: logs.LogGroup.fromLogGroupName(scope, 'Logs', 'replicator-logs'),
      ...(destinations === 'all' ? {
        firehoseDeliveryStream: firehose.DeliveryStream.fromDeliveryStreamName(scope, 'Stream', 'replicator-stream'),
        s3Bucket: s3.Bucket.fromBucketName(scope, 'Bucket', 'replicator-bucket'),
        s3Prefix: 'msk/',
      } : {}),
    });
    const first = exampleStack();
    const all = exampleStack({ logDelivery: withLogs(first.stack, 'all') }).stack;
    const { resource, request } = await createWith(synthesizedProperties(all));
    expect(request.logDelivery).toEqual({
      replicatorLogDelivery: {
        cloudWatchLogs: { enabled: true, logGroup: 'replicator-logs' },
        firehose: { enabled: true, deliveryStream: 'replicator-stream' },
        s3: { enabled: true, bucket: 'replicator-bucket', prefix: 'msk/' },
      },
    });

    sim.resetCalls();
    const cwOnly = exampleStack({ logDelivery: withLogs(new Stack(new App(), 'X'), 'cw') }).stack;
    await resource.update(synthesizedProperties(cwOnly));
    expect(sim.callsTo('UpdateReplicationInfo').map((c) => c.input.logDelivery)).toEqual([{
      replicatorLogDelivery: {
        cloudWatchLogs: { enabled: true, logGroup: 'replicator-logs' }, firehose: { enabled: false }, s3: { enabled: false },
      },
    }]);

    sim.resetCalls();
    await resource.update(exampleProperties());
    expect(sim.callsTo('UpdateReplicationInfo').map((c) => c.input.logDelivery)).toEqual([{
      replicatorLogDelivery: { cloudWatchLogs: { enabled: false }, firehose: { enabled: false }, s3: { enabled: false } },
    }]);
    expect(sim.replicator(resource.physicalResourceId!)!.logDelivery?.replicatorLogDelivery?.cloudWatchLogs?.enabled).toBe(false);
  });
});

describe('self-managed Apache Kafka source', () => {
  function apacheStack(options: { auth?: 'scram' | 'mtls'; rootCa?: boolean; cmk?: boolean } = {}) {
    const stack = new Stack(new App(), 'Migration', { env: { account: ACCOUNT, region: REGION } });
    const key = options.cmk ? new kms.Key(stack, 'Key') : undefined;
    const secret = new secretsmanager.Secret(stack, 'KafkaCredentials', { secretName: 'AmazonMSK_kafka', encryptionKey: key });
    const rootCa = options.rootCa ? secretsmanager.Secret.fromSecretNameV2(stack, 'RootCa', 'kafka-root-ca') : undefined;
    const authentication = options.auth === 'scram'
      ? KafkaClusterAuthentication.saslScram({ secret, mechanism: ScramMechanism.SHA256 })
      : options.auth === 'mtls' ? KafkaClusterAuthentication.mutualTls({ secret }) : undefined;
    const replicator = new MskReplicator(stack, 'Replicator', {
      source: ReplicatorCluster.fromApacheKafkaCluster({
        clusterId: 'onprem-cluster-1',
        bootstrapBrokers: 'b-1.kafka.internal:9096,b-2.kafka.internal:9096',
        vpc: clusterVpc(stack, 'OnPremVpc', '10.9.0.0/16', '0onprem'),
        authentication,
        rootCaCertificate: rootCa,
      }),
      target: ReplicatorCluster.fromMskCluster({ clusterArn: TARGET_CLUSTER_ARN, vpc: clusterVpc(stack, 'DrVpc', '10.2.0.0/16', '0dr') }),
      topicReplication: { topicNameConfiguration: TopicNameConfiguration.IDENTICAL },
    });
    return { stack, replicator };
  }

  test('SASL/SCRAM: cluster id and brokers, mechanism and secret, TLS; the update addresses the source by id', async () => {
    const { stack } = apacheStack({ auth: 'scram', rootCa: true });
    const props = synthesizedProperties(stack);
    const { resource, request } = await createWith(props);
    expect(request.kafkaClusters[0]).toEqual({
      apacheKafkaCluster: { apacheKafkaClusterId: 'onprem-cluster-1', bootstrapBrokerString: 'b-1.kafka.internal:9096,b-2.kafka.internal:9096' },
      vpcConfig: { subnetIds: ['subnet-0onprema', 'subnet-0onpremb'], securityGroupIds: [expect.stringMatching(/^sg-/)] },
      clientAuthentication: { saslScram: { mechanism: 'SHA256', secretArn: expect.stringContaining('KafkaCredentials') } },
      encryptionInTransit: { encryptionType: 'TLS', rootCaCertificate: expect.stringContaining('kafka-root-ca') },
    });
    expect(info(request)).toMatchObject({ sourceKafkaClusterId: 'onprem-cluster-1', targetKafkaClusterArn: TARGET_CLUSTER_ARN });
    expect(info(request).sourceKafkaClusterArn).toBeUndefined();

    sim.resetCalls();
    const next = { ...props, TopicReplication: { ...(props.TopicReplication as object), TopicsToReplicate: ['orders.*'] } };
    expect((await resource.update(next)).status).toBe('SUCCESS');
    const [update] = sim.callsTo('UpdateReplicationInfo');
    expect(update.input).toMatchObject({ sourceKafkaClusterId: 'onprem-cluster-1', targetKafkaClusterArn: TARGET_CLUSTER_ARN });
    expect(sim.callsTo('CreateReplicator')).toHaveLength(0);
  });

  test('mutual TLS: the secret is sent as MTLS', async () => {
    const { request } = await createWith(synthesizedProperties(apacheStack({ auth: 'mtls' }).stack));
    expect(request.kafkaClusters[0].clientAuthentication).toEqual({ mTLS: { secretArn: expect.stringContaining('KafkaCredentials') } });
  });

  test('the service execution role reads the secrets and decrypts with their customer managed key', () => {
    const { stack, replicator } = apacheStack({ auth: 'scram', rootCa: true, cmk: true });
    const template = Template.fromStack(stack);
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>);
    const secretReads = statements.filter((s) => JSON.stringify(s.Action).includes('secretsmanager:GetSecretValue'));
    expect(secretReads.length).toBeGreaterThanOrEqual(2);
    // decrypt is granted where CDK puts it for a key of the same stack: the key policy, to this role
    const roleId = stack.getLogicalId(replicator.role.node.defaultChild as never);
    const keyStatements = Object.values(template.findResources('AWS::KMS::Key'))
      .flatMap((k) => k.Properties.KeyPolicy.Statement as Array<Record<string, unknown>>);
    expect(keyStatements.concat(statements).some((s) => JSON.stringify(s.Action).includes('kms:Decrypt')
      && JSON.stringify(s).includes(roleId))).toBe(true);
    // no kafka-cluster: action on the self-managed side
    expect(statements.filter((s) => JSON.stringify(s.Action).includes('kafka-cluster:'))
      .every((s) => JSON.stringify(s.Resource).includes('orders-dr'))).toBe(true);
  });

  test('the created security group allows only the broker ports', () => {
    const { stack } = apacheStack({ auth: 'scram' });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'MSK Replicator network interfaces (source side)',
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', FromPort: 9096, ToPort: 9096, IpProtocol: 'tcp', Description: 'Kafka brokers' }],
    });
  });

  test('fails if a self-managed cluster is the target', () => {
    const stack = new Stack(new App(), 'S', { env: { account: ACCOUNT, region: REGION } });
    const vpc = clusterVpc(stack, 'V', '10.0.0.0/16', 'x');
    expect(() => new MskReplicator(stack, 'R', {
      source: ReplicatorCluster.fromMskCluster({ clusterArn: TARGET_CLUSTER_ARN, vpc }),
      target: ReplicatorCluster.fromApacheKafkaCluster({ clusterId: 'c', bootstrapBrokers: 'b:9092', vpc }),
    })).toThrow('`target` must be an Amazon MSK cluster (ReplicatorCluster.fromMskCluster)');
  });

  test('fails if rootCaCertificate is given without TLS', () => {
    const stack = new Stack(new App(), 'S');
    expect(() => ReplicatorCluster.fromApacheKafkaCluster({
      clusterId: 'c',
      bootstrapBrokers: 'b:9092',
      vpc: clusterVpc(stack, 'V', '10.0.0.0/16', 'x'),
      encryptionInTransit: false,
      rootCaCertificate: secretsmanager.Secret.fromSecretNameV2(stack, 'Ca', 'ca'),
    })).toThrow('`rootCaCertificate` requires `encryptionInTransit` (TLS) on the Apache Kafka cluster c, but encryptionInTransit is false');
  });
});

describe('validation of networking and log delivery', () => {
  function stackWith(sourceSubnets: string[], targetSubnets: string[], zones: [string[], string[]], securityGroups?: number) {
    const stack = new Stack(new App(), 'S', { env: { account: ACCOUNT, region: REGION } });
    const vpc = (id: string, subnets: string[], azs: string[]) => ec2.Vpc.fromVpcAttributes(stack, id, {
      vpcId: `vpc-${id}`, vpcCidrBlock: '10.0.0.0/16', availabilityZones: azs, privateSubnetIds: subnets,
    });
    const sourceVpc = vpc('Source', sourceSubnets, zones[0]);
    const groups = securityGroups === undefined ? undefined
      : Array.from({ length: securityGroups }, (_, i) => ec2.SecurityGroup.fromSecurityGroupId(stack, `Sg${i}`, `sg-${i}`));
    return () => new MskReplicator(stack, 'R', {
      source: ReplicatorCluster.fromMskCluster({
        clusterArn: 'arn:aws:kafka:us-east-1:123456789012:cluster/a/1', vpc: sourceVpc, securityGroups: groups,
      }),
      target: ReplicatorCluster.fromMskCluster({ clusterArn: TARGET_CLUSTER_ARN, vpc: vpc('Target', targetSubnets, zones[1]) }),
    });
  }

  test('fails if a side selects fewer than 2 or more than 3 subnets', () => {
    expect(stackWith(['s-1'], ['t-1', 't-2'], [['us-east-1a'], ['us-east-1a', 'us-east-1b']]))
      .toThrow('`source.vpcSubnets` must select 2 or 3 subnets, selected 1: s-1');
    expect(stackWith(['s-1', 's-2'], ['t-1', 't-2', 't-3', 't-4'], [['us-east-1a', 'us-east-1b'], ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d']]))
      .toThrow('`target.vpcSubnets` must select 2 or 3 subnets, selected 4');
  });

  test('fails if more than 16 security groups are given', () => {
    expect(stackWith(['s-1', 's-2'], ['t-1', 't-2'], [['us-east-1a', 'us-east-1b'], ['us-east-1a', 'us-east-1b']], 17))
      .toThrow('`source.securityGroups` must hold 1 to 16 security groups, got 17');
    expect(stackWith(['s-1', 's-2'], ['t-1', 't-2'], [['us-east-1a', 'us-east-1b'], ['us-east-1a', 'us-east-1b']], 0))
      .toThrow('`source.securityGroups` must hold 1 to 16 security groups, got 0');
  });

  test('fails if same-Region subnets share no Availability Zone', () => {
    expect(stackWith(['s-1', 's-2'], ['t-1', 't-2'], [['us-east-1a', 'us-east-1b'], ['us-east-1c', 'us-east-1d']]))
      .toThrow(/must share at least one Availability Zone, got source zones us-east-1a, us-east-1b and target zones us-east-1c, us-east-1d/);
    expect(stackWith(['s-1', 's-2'], ['t-1', 't-2'], [['us-east-1a', 'us-east-1b'], ['us-east-1b', 'us-east-1c']])).not.toThrow();
  });

  test('fails if log delivery names no destination, or an S3 prefix without a bucket', () => {
    expect(() => exampleStack({ logDelivery: {} })).toThrow(/`logDelivery` must name at least one destination/);
    const stack = new Stack(new App(), 'L');
    expect(() => exampleStack({ logDelivery: { cloudWatchLogGroup: logs.LogGroup.fromLogGroupName(stack, 'G', 'g'), s3Prefix: 'p/' } }))
      .toThrow('`logDelivery.s3Prefix` is set (p/) but S3 delivery is not enabled: also set `logDelivery.s3Bucket`');
    // a prefix alone is a missing bucket, not a missing destination
    expect(() => exampleStack({ logDelivery: { s3Prefix: 'p/' } }, new App()))
      .toThrow('`logDelivery.s3Prefix` is set (p/) but S3 delivery is not enabled: also set `logDelivery.s3Bucket`');
  });

  test('log-delivery permissions are added to the handler only when log delivery is used', () => {
    const handlerPolicy = (template: Template) => JSON.stringify(Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => /"Sid":"(CreateReplicators|ManageReplicators|SetUpLogDelivery)"/.test(JSON.stringify(p))));
    const without = handlerPolicy(Template.fromStack(exampleStack().stack));
    expect(without).toContain('ManageReplicators');
    expect(without).not.toContain('logs:CreateLogDelivery');
    const stack = new Stack(new App(), 'L');
    const withLogs = Template.fromStack(exampleStack({
      logDelivery: { s3Bucket: s3.Bucket.fromBucketName(stack, 'B', 'log-bucket') },
    }).stack);
    withLogs.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'SetUpLogDelivery', Action: Match.arrayWith(['logs:CreateLogDelivery']) }),
          Match.objectLike({ Sid: 'LogDeliveryBucketPolicy', Action: ['s3:GetBucketPolicy', 's3:PutBucketPolicy'] }),
        ]),
      },
    });
  });
});
