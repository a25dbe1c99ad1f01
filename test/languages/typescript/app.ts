// The TypeScript smoke app: the README's complete app and its active-active example as written there, then the
// features every jsii language must carry across the boundary. The Python, Java and Go apps beside this one declare
// the same constructs with the same ids, so that all four synthesize the same templates (same-templates.smoke.ts).
import * as fs from 'fs';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { MskReplicator, ReplicatorCluster } from 'cdk-msk-replicator';
import { RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  ActiveActiveReplication, ConsumerGroupOffsetSyncMode, KafkaClusterAuthentication, ReplicatorClusterSide, ScramMechanism,
  StartingPosition, TargetCompressionType, TopicNameConfiguration,
} from 'cdk-msk-replicator';

// ---- README "A complete app", as written there (its final `app.synth()` is at the end of this file) ----

const app = new App();
// The replicator lives in the target cluster's Region.
const stack = new Stack(app, 'OrdersReplication', { env: { account: '111111111111', region: 'eu-central-1' } });

const vpc = ec2.Vpc.fromLookup(stack, 'Vpc', { vpcId: 'vpc-0a1b2c3d4e5f67890' });
const brokers = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Brokers', 'sg-0a1b2c3d4e5f67890');

const replicator = new MskReplicator(stack, 'OrdersDr', {
  source: ReplicatorCluster.fromMskCluster({
    clusterArn: 'arn:aws:kafka:eu-central-1:111111111111:cluster/orders/0a1b2c3d-4e5f-6789-0a1b-2c3d4e5f6789-1',
    vpc,
  }),
  target: ReplicatorCluster.fromMskCluster({
    clusterArn: 'arn:aws:kafka:eu-central-1:111111111111:cluster/orders-dr/9f8e7d6c-5b4a-3210-9f8e-7d6c5b4a3210-2',
    vpc,
  }),
});

// Let the replicator's network interfaces into both clusters' brokers (TCP 9098, IAM authentication).
replicator.allowSourceClusterAccess(brokers);
replicator.allowTargetClusterAccess(brokers);
// Alarms on failures, authentication errors, unreachable clusters, lag, latency and offset synchronisation.
replicator.addRecommendedAlarms();

// ---- README "Active-active", as written there ----

const stackA = new Stack(app, 'OrdersIreland', { env: { account: '111111111111', region: 'eu-west-1' } });
const stackB = new Stack(app, 'OrdersFrankfurt', { env: { account: '111111111111', region: 'eu-central-1' } });
const activeActive = new ActiveActiveReplication(app, 'Orders', {
  clusterA: {
    stack: stackA,
    clusterArn: 'arn:aws:kafka:eu-west-1:111111111111:cluster/orders-a/0a1b2c3d-0000-4000-8000-000000000001-1',
    vpc: ec2.Vpc.fromVpcAttributes(stackA, 'VpcA', {
      vpcId: 'vpc-0a0000000000000a1', vpcCidrBlock: '10.10.0.0/16',
      availabilityZones: ['eu-west-1a', 'eu-west-1b'], privateSubnetIds: ['subnet-0a00000000000a001', 'subnet-0a00000000000a002'],
    }),
  },
  clusterB: {
    stack: stackB,
    clusterArn: 'arn:aws:kafka:eu-central-1:111111111111:cluster/orders-b/0a1b2c3d-0000-4000-8000-000000000002-1',
    vpc: ec2.Vpc.fromVpcAttributes(stackB, 'VpcB', {
      vpcId: 'vpc-0b0000000000000b1', vpcCidrBlock: '10.20.0.0/16',
      availabilityZones: ['eu-central-1a', 'eu-central-1b'], privateSubnetIds: ['subnet-0b00000000000b001', 'subnet-0b00000000000b002'],
    }),
  },
  topicsToReplicate: ['orders\\..*'],
});
activeActive.replicatorAToB.metricReplicationLatency(); // in eu-central-1

// ---- What crosses the language boundary ----

// An optional property that returns a Stack: the README names the stack of A's cluster policy.
if (activeActive.clusterAPolicyStack?.stackName !== 'OrdersIrelandOrdersSourceAccess') {
  throw new Error(`clusterAPolicyStack is ${activeActive.clusterAPolicyStack?.stackName}, not the README's OrdersIrelandOrdersSourceAccess`);
}

// A metric helper's result, rendered into the template through an alarm.
activeActive.replicatorAToB.metricReplicationLatency().createAlarm(stackB, 'AToBLatency', { threshold: 90_000, evaluationPeriods: 5 });

// A self-managed source with SASL/SCRAM (static factories), enums and nested structs.
const migration = new Stack(app, 'OrdersMigration', { env: { account: '111111111111', region: 'eu-central-1' } });
const onPremVpc = ec2.Vpc.fromVpcAttributes(migration, 'OnPremVpc', {
  vpcId: 'vpc-0c0000000000000c1', vpcCidrBlock: '10.30.0.0/16',
  availabilityZones: ['eu-central-1a', 'eu-central-1b'], privateSubnetIds: ['subnet-0c00000000000c001', 'subnet-0c00000000000c002'],
});
const drVpc = ec2.Vpc.fromVpcAttributes(migration, 'DrVpc', {
  vpcId: 'vpc-0d0000000000000d1', vpcCidrBlock: '10.40.0.0/16',
  availabilityZones: ['eu-central-1a', 'eu-central-1b'], privateSubnetIds: ['subnet-0d00000000000d001', 'subnet-0d00000000000d002'],
});
const credentials = secretsmanager.Secret.fromSecretNameV2(migration, 'ScramCredentials', 'AmazonMSK_onprem');
const migrationReplicator = new MskReplicator(migration, 'Migration', {
  source: ReplicatorCluster.fromApacheKafkaCluster({
    clusterId: 'onprem-cluster-1',
    bootstrapBrokers: 'b-1.kafka.internal:9096,b-2.kafka.internal:9096',
    vpc: onPremVpc,
    authentication: KafkaClusterAuthentication.saslScram({ secret: credentials, mechanism: ScramMechanism.SHA512 }),
  }),
  target: ReplicatorCluster.fromMskCluster({
    clusterArn: 'arn:aws:kafka:eu-central-1:111111111111:cluster/orders-dr/9f8e7d6c-5b4a-3210-9f8e-7d6c5b4a3210-2',
    vpc: drVpc,
  }),
  topicReplication: {
    topicsToReplicate: ['orders\\..*'],
    topicsToExclude: ['orders\\.internal\\..*'],
    startingPosition: StartingPosition.EARLIEST,
    topicNameConfiguration: TopicNameConfiguration.IDENTICAL,
  },
  consumerGroupReplication: { consumerGroupsToReplicate: ['orders-.*'], offsetSyncMode: ConsumerGroupOffsetSyncMode.LEGACY },
  targetCompressionType: TargetCompressionType.ZSTD,
  logDelivery: { cloudWatchLogGroup: new logs.LogGroup(migration, 'ReplicatorLogs', { retention: logs.RetentionDays.ONE_YEAR }) },
  tags: { team: 'streaming' },
  // a struct of aws-cdk-lib enums (README, "After `cdk destroy`")
  providerLogs: { retention: logs.RetentionDays.TEN_YEARS, removalPolicy: RemovalPolicy.RETAIN },
});

// A grant helper, and metric helpers that take an enum, on a new and on an imported replicator (a static method).
const operators = new iam.Role(migration, 'Operators', { assumedBy: new iam.AccountRootPrincipal() });
migrationReplicator.grantRead(operators);
migrationReplicator.metricThrottleTime(ReplicatorClusterSide.SOURCE).createAlarm(migration, 'SourceThrottled', {
  threshold: 1000,
  evaluationPeriods: 5,
});
const imported = MskReplicator.fromReplicatorAttributes(migration, 'Existing', {
  replicatorArn: 'arn:aws:kafka:eu-central-1:111111111111:replicator/orders-dr/0a1b2c3d-4e5f',
  sourceClusterAlias: 'msk-cluster-orders',
});
imported.metricAuthError(ReplicatorClusterSide.SOURCE).createAlarm(migration, 'ExistingAuthErrors', {
  threshold: 0,
  evaluationPeriods: 1,
  comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
});

// An invalid prop: the library's validation error must reach the app as an exception with the library's message.
// Declared in an app of its own, which is never synthesized (autoSynth would synthesize it at exit under the CLI).
let validationError: string | undefined;
try {
  const invalid = new Stack(new App({ autoSynth: false }), 'Invalid', { env: { account: '111111111111', region: 'eu-central-1' } });
  new MskReplicator(invalid, 'Replicator', {
    replicatorName: 'orders_dr',
    source: ReplicatorCluster.fromMskCluster({ clusterArn: 'arn:aws:kafka:eu-central-1:111111111111:cluster/orders/0a1b2c3d-4e5f-6789-0a1b-2c3d4e5f6789-1', vpc: drVpc }),
    target: ReplicatorCluster.fromMskCluster({ clusterArn: 'arn:aws:kafka:eu-central-1:111111111111:cluster/orders-dr/9f8e7d6c-5b4a-3210-9f8e-7d6c5b4a3210-2', vpc: drVpc }),
  });
} catch (error) {
  validationError = (error as Error).message;
}
if (validationError === undefined) throw new Error('the invalid replicatorName was accepted');
fs.writeFileSync('validation-error.txt', validationError);

app.synth();
