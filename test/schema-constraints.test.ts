import * as fs from 'fs';
import * as path from 'path';
import { App, CfnParameter, Errors, Stack, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { exampleStack, ReplicatorOptions, SOURCE_CLUSTER_ARN, TARGET_CLUSTER_ARN } from '../examples/orders-replication';
import { KafkaClusterAuthentication, MskReplicator, ReplicatorCluster } from '../src';
import { renderValue } from '../src/private/render-value';
import { SCHEMA_RULES, STRUCTURAL_CONSTRAINTS } from '../src/private/schema-constraints';

/**
 * Table-driven: every constraint the CloudFormation schema of AWS::MSK::Replicator declares is read from the
 * schema file itself, and each must have a row below that shows it checked at synth (a value that breaks it
 * fails with the prop, the rule and the value), or a reason it cannot be broken through this construct.
 */
// The resource schema as CloudFormation publishes it (a copy of the reference file, unmodified).
const SCHEMA_FILE = path.join(__dirname, 'fixtures', 'cfn-aws-msk-replicator-schema.json');
const KEYWORDS = ['minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'uniqueItems', 'enum'];

type Json = { [key: string]: unknown };

/** `<path> <keyword>` for every constraint of the schema, e.g. `.TopicReplication.TopicsToReplicate[] maxLength`. */
function schemaConstraints(): string[] {
  const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')) as Json;
  const found: string[] = [];
  const walk = (node: unknown, at: string) => {
    if (node === null || typeof node !== 'object') return;
    const record = node as Json;
    for (const keyword of KEYWORDS) {
      if (record[keyword] !== undefined && !(keyword === 'uniqueItems' && record[keyword] === false)) found.push(`${at} ${keyword}`);
    }
    for (const container of ['properties', 'definitions']) {
      for (const [name, child] of Object.entries((record[container] ?? {}) as Json)) walk(child, `${at}.${name}`);
    }
    if (record.items !== undefined) walk(record.items, `${at}[]`);
  };
  walk(schema, '');
  return found.sort();
}

/** The constraints the MSK API model declares on what CreateReplicator and UpdateReplicationInfo take. */
function apiModelConstraints(): Array<{ apiPath: string; keyword: string; value: unknown }> {
  const model = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'local-aws', 'msk-simulator', 'kafka-api-model.json'), 'utf8'));
  const shapes = model.shapes as Record<string, Json>;
  const found: Array<{ apiPath: string; keyword: string; value: unknown }> = [];
  const walk = (name: string, at: string, depth: number) => {
    const shape = shapes[name];
    if (depth > 8) return;
    for (const [keyword, schemaKeyword] of [['min', 'minLength'], ['max', 'maxLength'], ['pattern', 'pattern'], ['enum', 'enum']]) {
      if (shape[keyword] !== undefined && shape.type === 'string') found.push({ apiPath: at, keyword: schemaKeyword, value: shape[keyword] });
    }
    if (shape.type === 'structure') {
      for (const [member, spec] of Object.entries(shape.members as Record<string, { shape: string }>)) walk(spec.shape, `${at}.${member}`, depth + 1);
    } else if (shape.type === 'list') {
      walk((shape.member as { shape: string }).shape, `${at}[]`, depth + 1);
    }
  };
  walk('CreateReplicatorRequest', 'CreateReplicator', 0);
  walk('UpdateReplicationInfoRequest', 'UpdateReplicationInfo', 0);
  return found;
}

/** Where the schema declares the constraint the API model declares at a member path. */
const API_TO_SCHEMA: Record<string, string> = {
  'CreateReplicator.ReplicatorName': '.ReplicatorName',
  'CreateReplicator.Description': '.Description',
  'CreateReplicator.KafkaClusters[].ClientAuthentication.SaslScram.Mechanism': '.KafkaClusterSaslScramMechanism',
  'CreateReplicator.KafkaClusters[].EncryptionInTransit.EncryptionType': '.KafkaClusterEncryptionInTransitType',
  'CreateReplicator.ReplicationInfoList[].TargetCompressionType': '.ReplicationInfo.TargetCompressionType',
  'CreateReplicator.ReplicationInfoList[].TopicReplication.StartingPosition.Type': '.ReplicationStartingPositionType',
  'CreateReplicator.ReplicationInfoList[].TopicReplication.TopicNameConfiguration.Type': '.ReplicationTopicNameConfigurationType',
  'CreateReplicator.ReplicationInfoList[].TopicReplication.TopicsToReplicate[]': '.TopicReplication.TopicsToReplicate[]',
  'CreateReplicator.ReplicationInfoList[].TopicReplication.TopicsToExclude[]': '.TopicReplication.TopicsToExclude[]',
  'CreateReplicator.ReplicationInfoList[].ConsumerGroupReplication.ConsumerGroupsToReplicate[]': '.ConsumerGroupReplication.ConsumerGroupsToReplicate[]',
  'CreateReplicator.ReplicationInfoList[].ConsumerGroupReplication.ConsumerGroupsToExclude[]': '.ConsumerGroupReplication.ConsumerGroupsToExclude[]',
  'CreateReplicator.ReplicationInfoList[].ConsumerGroupReplication.ConsumerGroupOffsetSyncMode': '.ConsumerGroupOffsetSyncMode',
  'UpdateReplicationInfo.TopicReplication.TopicsToReplicate[]': '.TopicReplication.TopicsToReplicate[]',
  'UpdateReplicationInfo.TopicReplication.TopicsToExclude[]': '.TopicReplication.TopicsToExclude[]',
  'UpdateReplicationInfo.ConsumerGroupReplication.ConsumerGroupsToReplicate[]': '.ConsumerGroupReplication.ConsumerGroupsToReplicate[]',
  'UpdateReplicationInfo.ConsumerGroupReplication.ConsumerGroupsToExclude[]': '.ConsumerGroupReplication.ConsumerGroupsToExclude[]',
};

function schemaValue(schemaPath: string, keyword: string): unknown {
  const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')) as Json;
  let node: Json = schema;
  for (const part of schemaPath.slice(1).split('.')) {
    const name = part.replace(/\[\]$/, '');
    const next = ((node.properties ?? {}) as Json)[name] ?? ((schema.definitions as Json)[name]);
    node = next as Json;
    if (node.$ref !== undefined) node = (schema.definitions as Json)[String(node.$ref).split('/').pop()!] as Json;
    if (part.endsWith('[]')) node = node.items as Json;
  }
  return node[keyword];
}

function vpcWithSubnets(stack: Stack, id: string, count: number): ec2.IVpc {
  const zones = ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d'].slice(0, count);
  return ec2.Vpc.fromVpcAttributes(stack, id, {
    vpcId: `vpc-${id}`,
    vpcCidrBlock: '10.9.0.0/16',
    availabilityZones: zones,
    privateSubnetIds: zones.map((_, i) => `subnet-${id}${i}`),
  });
}

/** A replicator whose source cluster is built by `source` (the target is the example's). */
function withSource(source: (stack: Stack) => ReplicatorCluster, options: ReplicatorOptions = {}) {
  const stack = new Stack(new App(), 'OrdersReplication', { env: { account: '123456789012', region: 'us-east-1' } });
  return new MskReplicator(stack, 'Replicator', {
    source: source(stack),
    target: ReplicatorCluster.fromMskCluster({ clusterArn: TARGET_CLUSTER_ARN, vpc: vpcWithSubnets(stack, 'Dr', 2) }),
    ...options,
  });
}

const many = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const long = (n: number) => 'x'.repeat(n);
const bogus = <T>(value: string) => value as unknown as T;

type Row =
  | { readonly breaks: () => unknown; readonly fails: RegExp }
  | { readonly accepts: () => unknown; readonly because: string }
  | { readonly unreachable: string };

const ROWS: Record<string, Row> = {
  '.ReplicatorName minLength': { breaks: () => exampleStack({ replicatorName: '' }), fails: /`replicatorName` must match .*got: $/ },
  '.ReplicatorName maxLength': { breaks: () => exampleStack({ replicatorName: long(129) }), fails: /`replicatorName` must be at most 128 characters long \(it is 129 characters long\), got: x{129}$/ },
  '.ReplicatorName pattern': { breaks: () => exampleStack({ replicatorName: 'my_name' }), fails: /`replicatorName` must match .*got: my_name/ },
  '.Description maxLength': { breaks: () => exampleStack({ description: long(1025) }), fails: /`description` must be at most 1024 characters, got 1025/ },
  '.ServiceExecutionRoleArn pattern': {
    breaks: () => {
      const { stack } = exampleStack();
      return exampleStack({ role: iam.Role.fromRoleArn(stack, 'IsoRole', 'arn:aws-iso:iam::123456789012:role/replicator') }, new App());
    },
    fails: /`role \(its roleArn\)` must match arn:\(aws\|aws-us-gov\|aws-cn\):iam:\.\* \(.*\.ServiceExecutionRoleArn pattern\), got "arn:aws-iso:iam::123456789012:role\/replicator"/,
  },
  '.ReplicatorArn pattern': {
    breaks: () => MskReplicator.fromReplicatorArn(new Stack(), 'I', 'arn:aws-iso:kafka:us-east-1:123456789012:replicator/a/b'),
    fails: /`replicatorArn` must match arn:\(aws\|aws-us-gov\|aws-cn\):kafka:\.\* \(.*\.ReplicatorArn pattern\), got: "arn:aws-iso:kafka/,
  },
  '.AmazonMskCluster.MskClusterArn pattern': {
    breaks: () => withSource((s) => ReplicatorCluster.fromMskCluster({
      clusterArn: 'arn:aws-iso:kafka:us-east-1:123456789012:cluster/orders/1', vpc: vpcWithSubnets(s, 'P', 2),
    })),
    // validateClusterArn (validate-network.ts) is stricter than the schema's pattern and reports it first: the ARN
    // must be of the stack's partition, not only of one of the three the pattern lists.
    fails: /`source.clusterArn` must be in the partition of the stack's Region us-east-1 \(aws\), got partition aws-iso/,
  },
  // The same ARN as MskClusterArn: the first rule reports it (each schema rule is unit-checked below).
  '.ReplicationInfo.SourceKafkaClusterArn pattern': {
    breaks: () => withSource((s) => ReplicatorCluster.fromMskCluster({ clusterArn: 'arn:aws-iso:kafka:us-east-1:123456789012:cluster/o/1', vpc: vpcWithSubnets(s, 'P', 2) })),
    fails: /`source.clusterArn` must be in the partition of the stack's Region us-east-1 \(aws\), got partition aws-iso/,
  },
  '.ReplicationInfo.TargetKafkaClusterArn pattern': {
    breaks: () => {
      const stack = new Stack(new App(), 'OrdersReplication', { env: { account: '123456789012', region: 'us-east-1' } });
      return new MskReplicator(stack, 'Replicator', {
        source: ReplicatorCluster.fromMskCluster({ clusterArn: SOURCE_CLUSTER_ARN, vpc: vpcWithSubnets(stack, 'P', 2) }),
        target: ReplicatorCluster.fromMskCluster({ clusterArn: 'arn:aws-iso:kafka:us-east-1:123456789012:cluster/dr/2', vpc: vpcWithSubnets(stack, 'D', 2) }),
      });
    },
    fails: /`target.clusterArn` must be in the partition of the stack's Region us-east-1 \(aws\), got partition aws-iso/,
  },
  '.ReplicationInfo.TargetCompressionType enum': {
    breaks: () => exampleStack({ targetCompressionType: bogus('BROTLI') }),
    fails: /`targetCompressionType` must be one of NONE, GZIP, SNAPPY, LZ4, ZSTD .*got "BROTLI"/,
  },
  '.KafkaClusterClientVpcConfig.SubnetIds minItems': {
    breaks: () => withSource((s) => ReplicatorCluster.fromMskCluster({ clusterArn: SOURCE_CLUSTER_ARN, vpc: vpcWithSubnets(s, 'P', 1) })),
    fails: /`source.vpcSubnets` must select 2 or 3 subnets, selected 1: subnet-P0/,
  },
  '.KafkaClusterClientVpcConfig.SubnetIds maxItems': {
    breaks: () => withSource((s) => ReplicatorCluster.fromMskCluster({ clusterArn: SOURCE_CLUSTER_ARN, vpc: vpcWithSubnets(s, 'P', 4) })),
    fails: /`source.vpcSubnets` must select 2 or 3 subnets, selected 4/,
  },
  '.KafkaClusterClientVpcConfig.SubnetIds uniqueItems': {
    breaks: () => withSource((s) => {
      const vpc = vpcWithSubnets(s, 'P', 2);
      const subnet = ec2.Subnet.fromSubnetAttributes(s, 'Twice', { subnetId: 'subnet-twice', availabilityZone: 'us-east-1a' });
      return ReplicatorCluster.fromMskCluster({ clusterArn: SOURCE_CLUSTER_ARN, vpc, vpcSubnets: { subnets: [subnet, subnet] } });
    }),
    fails: /`source.vpcSubnets` must not hold the same item twice \("subnet-twice" is there more than once\) .*SubnetIds uniqueItems/,
  },
  '.KafkaClusterClientVpcConfig.SecurityGroupIds minItems': {
    breaks: () => withSource((s) => ReplicatorCluster.fromMskCluster({ clusterArn: SOURCE_CLUSTER_ARN, vpc: vpcWithSubnets(s, 'P', 2), securityGroups: [] })),
    fails: /`source.securityGroups` must hold 1 to 16 security groups, got 0/,
  },
  '.KafkaClusterClientVpcConfig.SecurityGroupIds maxItems': {
    breaks: () => withSource((s) => ReplicatorCluster.fromMskCluster({
      clusterArn: SOURCE_CLUSTER_ARN,
      vpc: vpcWithSubnets(s, 'P', 2),
      securityGroups: many(17, 'sg-').map((id) => ec2.SecurityGroup.fromSecurityGroupId(s, id, id)),
    })),
    fails: /`source.securityGroups` must hold 1 to 16 security groups, got 17/,
  },
  '.KafkaClusterClientVpcConfig.SecurityGroupIds uniqueItems': {
    breaks: () => withSource((s) => {
      const group = ec2.SecurityGroup.fromSecurityGroupId(s, 'Sg', 'sg-0twice');
      return ReplicatorCluster.fromMskCluster({ clusterArn: SOURCE_CLUSTER_ARN, vpc: vpcWithSubnets(s, 'P', 2), securityGroups: [group, group] });
    }),
    fails: /`source.securityGroups` must not hold the same item twice \("sg-0twice" is there more than once\)/,
  },
  '.KafkaClusterSaslScramMechanism enum': {
    breaks: () => withSource((s) => ReplicatorCluster.fromApacheKafkaCluster({
      clusterId: 'onprem',
      bootstrapBrokers: 'b-1.kafka.internal:9096',
      vpc: vpcWithSubnets(s, 'P', 2),
      authentication: KafkaClusterAuthentication.saslScram({
        secret: secretsmanager.Secret.fromSecretNameV2(s, 'Scram', 'AmazonMSK_x'), mechanism: bogus('MD5'),
      }),
    })),
    fails: /`source.authentication.mechanism` must be one of SHA256, SHA512 .*got "MD5"/,
  },
  '.KafkaClusterEncryptionInTransitType enum': {
    unreachable: '`encryptionInTransit` is a boolean: the construct can only send TLS (the rule is unit-checked below)',
  },
  '.TopicReplication.TopicsToReplicate minItems': {
    breaks: () => exampleStack({ topicReplication: { topicsToReplicate: [] } }),
    fails: /`topicReplication.topicsToReplicate` must hold at least one pattern/,
  },
  '.TopicReplication.TopicsToReplicate maxItems': {
    breaks: () => exampleStack({ topicReplication: { topicsToReplicate: many(101, 't') } }),
    fails: /`topicReplication.topicsToReplicate` must hold at most 100 items .*maxItems\), got 101 items: \["t0","t1"/,
  },
  '.TopicReplication.TopicsToReplicate uniqueItems': {
    breaks: () => exampleStack({ topicReplication: { topicsToReplicate: ['orders', 'orders'] } }),
    fails: /`topicReplication.topicsToReplicate` must not hold the same item twice \("orders" is there more than once\)/,
  },
  '.TopicReplication.TopicsToReplicate[] maxLength': {
    breaks: () => exampleStack({ topicReplication: { topicsToReplicate: [long(250)] } }),
    fails: /`topicReplication.topicsToReplicate\[0\]` must be at most 249 characters, got 250/,
  },
  '.TopicReplication.TopicsToExclude minItems': {
    accepts: () => exampleStack({ topicReplication: { topicsToExclude: [] } }),
    because: '[] means no exclusion, as when omitted (the API model has no lower bound; the construct sends [] itself)',
  },
  '.TopicReplication.TopicsToExclude maxItems': {
    breaks: () => exampleStack({ topicReplication: { topicsToExclude: many(101, 'x') } }),
    fails: /`topicReplication.topicsToExclude` must hold at most 100 items .*got 101 items/,
  },
  '.TopicReplication.TopicsToExclude uniqueItems': {
    breaks: () => exampleStack({ topicReplication: { topicsToExclude: ['a', 'b', 'a'] } }),
    fails: /`topicReplication.topicsToExclude` must not hold the same item twice \("a"/,
  },
  '.TopicReplication.TopicsToExclude[] maxLength': {
    breaks: () => exampleStack({ topicReplication: { topicsToExclude: [long(250)] } }),
    fails: /`topicReplication.topicsToExclude\[0\]` must be at most 249 characters, got 250/,
  },
  '.ConsumerGroupReplication.ConsumerGroupsToReplicate minItems': {
    accepts: () => exampleStack({ consumerGroupReplication: { consumerGroupsToReplicate: [] } }),
    because: 'the schema allows 0 items: topic-only replication',
  },
  '.ConsumerGroupReplication.ConsumerGroupsToReplicate maxItems': {
    breaks: () => exampleStack({ consumerGroupReplication: { consumerGroupsToReplicate: many(101, 'g') } }),
    fails: /`consumerGroupReplication.consumerGroupsToReplicate` must hold at most 100 items .*got 101 items/,
  },
  '.ConsumerGroupReplication.ConsumerGroupsToReplicate uniqueItems': {
    breaks: () => exampleStack({ consumerGroupReplication: { consumerGroupsToReplicate: ['g', 'g'] } }),
    fails: /`consumerGroupReplication.consumerGroupsToReplicate` must not hold the same item twice \("g"/,
  },
  '.ConsumerGroupReplication.ConsumerGroupsToReplicate[] maxLength': {
    breaks: () => exampleStack({ consumerGroupReplication: { consumerGroupsToReplicate: [long(257)] } }),
    fails: /`consumerGroupReplication.consumerGroupsToReplicate\[0\]` must be at most 256 characters, got 257/,
  },
  '.ConsumerGroupReplication.ConsumerGroupsToExclude minItems': {
    accepts: () => exampleStack({ consumerGroupReplication: { consumerGroupsToExclude: [] } }),
    because: '[] means no exclusion, as when omitted (the API model has no lower bound; the construct sends [] itself)',
  },
  '.ConsumerGroupReplication.ConsumerGroupsToExclude maxItems': {
    breaks: () => exampleStack({ consumerGroupReplication: { consumerGroupsToExclude: many(101, 'g') } }),
    fails: /`consumerGroupReplication.consumerGroupsToExclude` must hold at most 100 items .*got 101 items/,
  },
  '.ConsumerGroupReplication.ConsumerGroupsToExclude uniqueItems': {
    breaks: () => exampleStack({ consumerGroupReplication: { consumerGroupsToExclude: ['g', 'g'] } }),
    fails: /`consumerGroupReplication.consumerGroupsToExclude` must not hold the same item twice/,
  },
  '.ConsumerGroupReplication.ConsumerGroupsToExclude[] maxLength': {
    breaks: () => exampleStack({ consumerGroupReplication: { consumerGroupsToExclude: [long(257)] } }),
    fails: /`consumerGroupReplication.consumerGroupsToExclude\[0\]` must be at most 256 characters, got 257/,
  },
  '.ReplicationStartingPositionType enum': {
    breaks: () => exampleStack({ topicReplication: { startingPosition: bogus('MIDDLE') } }),
    fails: /`topicReplication.startingPosition` must be one of LATEST, EARLIEST .*got "MIDDLE"/,
  },
  '.ReplicationTopicNameConfigurationType enum': {
    breaks: () => exampleStack({ topicReplication: { topicNameConfiguration: bogus('SUFFIXED') } }),
    fails: /`topicReplication.topicNameConfiguration` must be one of PREFIXED_WITH_SOURCE_CLUSTER_ALIAS, IDENTICAL .*got "SUFFIXED"/,
  },
  '.ConsumerGroupOffsetSyncMode enum': {
    breaks: () => exampleStack({ consumerGroupReplication: { offsetSyncMode: bogus('FAST') } }),
    fails: /`consumerGroupReplication.offsetSyncMode` must be one of LEGACY, ENHANCED .*got "FAST"/,
  },
  '.Tag.Key minLength': {
    breaks: () => exampleStack({ tags: { '': 'x' } }),
    fails: /`tags \(a key\)` must be at least 1 character\(s\) long .*\.Tag\.Key minLength\), got 0 characters: ""/,
  },
  '.Tag.Key maxLength': {
    breaks: () => exampleStack({ tags: { [long(129)]: 'x' } }),
    fails: /`tags \(a key\)` must be at most 128 characters long .*got 129 characters: "x/,
  },
  '.Tag.Value maxLength': {
    breaks: () => exampleStack({ tags: { team: long(257) } }),
    fails: /`tags.team` must be at most 256 characters long .*got 257 characters/,
  },
  '.KafkaClusters minItems': { unreachable: STRUCTURAL_CONSTRAINTS['.KafkaClusters minItems'] },
  '.KafkaClusters maxItems': { unreachable: STRUCTURAL_CONSTRAINTS['.KafkaClusters maxItems'] },
  '.KafkaClusters uniqueItems': {
    breaks: () => withSource((s) => ReplicatorCluster.fromMskCluster({ clusterArn: TARGET_CLUSTER_ARN, vpc: vpcWithSubnets(s, 'P', 2) })),
    fails: /`source` and `target` must be different clusters, got the same cluster for both: arn:aws:kafka:us-east-1:123456789012:cluster\/orders-dr/,
  },
  '.ReplicationInfoList minItems': { unreachable: STRUCTURAL_CONSTRAINTS['.ReplicationInfoList minItems'] },
  '.ReplicationInfoList maxItems': { unreachable: STRUCTURAL_CONSTRAINTS['.ReplicationInfoList maxItems'] },
  '.ReplicationInfoList uniqueItems': { unreachable: STRUCTURAL_CONSTRAINTS['.ReplicationInfoList uniqueItems'] },
  '.Tags uniqueItems': { unreachable: 'tags are a map (`{ [key: string]: string }`): a key cannot appear twice' },
};

describe('every constraint of the CloudFormation schema is checked at synth', () => {
  test('each constraint the schema declares has a row here, and each row is a constraint of the schema', () => {
    const constraints = schemaConstraints();
    expect(constraints.length).toBeGreaterThan(30);
    expect(Object.keys(ROWS).sort()).toEqual(constraints);
  });

  test('each constraint the MSK API model declares is one the schema declares too, with the same bound (so a row covers it)', () => {
    const constraints = apiModelConstraints();
    expect(constraints.length).toBeGreaterThan(10);
    const rows = new Set(Object.keys(ROWS));
    for (const { apiPath, keyword, value } of constraints) {
      const schemaPath = API_TO_SCHEMA[apiPath];
      expect([apiPath, schemaPath]).toEqual([apiPath, expect.any(String)]);
      expect([apiPath, schemaValue(schemaPath, keyword)]).toEqual([apiPath, value]);
      expect(rows.has(`${schemaPath} ${keyword}`)).toBe(true);
    }
  });

  test('each constraint has a rule in SCHEMA_RULES or a structural reason', () => {
    const covered = new Set([
      ...SCHEMA_RULES.map((rule) => `${rule.schemaPath} ${rule.keyword}`),
      ...Object.keys(STRUCTURAL_CONSTRAINTS),
    ]);
    expect(schemaConstraints().filter((c) => !covered.has(c))).toEqual([]);
  });

  const breaking = Object.entries(ROWS).filter((e): e is [string, Extract<Row, { breaks: unknown }>] => 'breaks' in e[1]);
  test.each(breaking)('fails if %s is broken: the error names the prop, the rule and the value, with the construct path', (_c, row) => {
    let thrown: unknown;
    try {
      row.breaks();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toMatch(row.fails);
    expect(Errors.isValidationError(thrown)).toBe(true);
    expect((thrown as { constructPath?: string }).constructPath).toMatch(/^(OrdersReplication\/Replicator|Default)$/);
    // aws-cdk-lib renders the path into the stack a user sees ("Relates to construct: ...")
    expect((thrown as Error).stack).toContain('Relates to construct');
  });

  const accepting = Object.entries(ROWS).flatMap(([c, row]) => ('accepts' in row ? [[c, row.because, row.accepts] as const] : []));
  test.each(accepting)('%s: accepted because %s', (_c, _because, accepts) => {
    expect(accepts).not.toThrow();
  });

  const unreachable = Object.entries(ROWS).flatMap(([c, row]) => ('unreachable' in row ? [[c, row.unreachable] as const] : []));
  test.each(unreachable)('%s cannot be broken through the construct: %s', (_c, reason) => {
    expect(reason.length).toBeGreaterThan(20);
  });

  // Each rule on its own, including the ones the construct cannot reach.
  test.each([
    ['.ReplicationInfo.TargetKafkaClusterArn', 'arn:aws-iso:kafka:us-east-1:1:cluster/a/1'],
    ['.ReplicationInfo.SourceKafkaClusterArn', 'arn:aws-iso:kafka:us-east-1:1:cluster/a/1'],
    ['.KafkaClusterEncryptionInTransitType', 'PLAINTEXT'],
  ])('the rule for %s rejects %s', (schemaPath, value) => {
    const rule = SCHEMA_RULES.find((r) => r.schemaPath === schemaPath)!;
    expect(rule.violation(value)).toBeDefined();
  });

  test('values known only at deploy time are skipped, and shown as (resolved at deploy time)', () => {
    const app = new App();
    const stack = new Stack(app, 'Tokens');
    const topics = new CfnParameter(stack, 'Topics', { type: 'CommaDelimitedList' }).valueAsList;
    expect(() => withSource((s) => ReplicatorCluster.fromMskCluster({ clusterArn: SOURCE_CLUSTER_ARN, vpc: vpcWithSubnets(s, 'P', 2) }),
      { topicReplication: { topicsToReplicate: topics }, description: new CfnParameter(stack, 'D').valueAsString })).not.toThrow();
    expect(renderValue(topics)).toBe('(resolved at deploy time)');
    expect(renderValue('orders')).toBe('"orders"');
  });

  test('tag keys the handler writes itself, and aws: keys, are refused at once, naming the keys', () => {
    expect(() => exampleStack({ tags: { 'cdk-msk-replicator:owner': 'mine', 'team': 'streaming' } }))
      .toThrow(/`tags` may not use keys starting with "cdk-msk-replicator:": .*got "cdk-msk-replicator:owner"/);
    expect(() => exampleStack({ tags: { 'aws:cost': 'x' } })).toThrow(/`tags` may not use keys starting with "aws:", in any case: .*got "aws:cost"/);
    expect(() => exampleStack({ tags: { 'AWS:cost': 'x' } })).toThrow(/`tags` may not use keys starting with "aws:", in any case: .*got "AWS:cost"/);
    // MSK's page restricts keys only
    expect(() => exampleStack({ tags: { team: 'aws:streaming' } })).not.toThrow();
    expect(() => exampleStack({ tags: { 'team': 'streaming', 'cdk-msk-replicator': 'a key without the colon is the user\'s' } })).not.toThrow();
  });

  test('reserved tag keys added with Tags.of() are refused at synth', () => {
    const { stack, replicator } = exampleStack();
    Tags.of(replicator).add('cdk-msk-replicator:deployed', 'true');
    expect(() => rootOf(stack).synth()).toThrow(/`tags` may not use keys starting with "cdk-msk-replicator:".*"cdk-msk-replicator:deployed"/);
  });

  test('tags added with Tags.of() are checked at synth too', () => {
    const { stack, replicator } = exampleStack();
    Tags.of(replicator).add('team', long(257));
    expect(() => rootOf(stack).synth()).toThrow(/`tags.team` must be at most 256 characters long .*got 257 characters/);
  });
});

function rootOf(stack: Stack): App {
  return stack.node.root as App;
}
