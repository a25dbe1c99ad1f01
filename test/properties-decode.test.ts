import { rawProperties } from './fixtures/handler-fixtures';
import {
  ATTR_CURRENT_VERSION, ATTR_REPLICATOR_ARN, ATTR_REPLICATOR_NAME, ATTR_SOURCE_CLUSTER_ALIAS, ATTR_TARGET_CLUSTER_ALIAS,
  decodePreviousProperties, decodeProperties, PropertiesError, ReplicatorProperties,
} from '../src/provider/properties';

/**
 * The handler's contract with the construct: the properties CloudFormation delivers (scalars as strings, empty values
 * as '' or dropped), decoded member by member, and every way they can be wrong refused with a message that names the
 * property and the rule. A mutation run of the unit suites found most keys and every message unpinned
 * (docs/mutation.md): a key read under another name would silently drop a user's setting.
 */

const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:scram-AbCdEf';

/** Every optional member set, each to a value of its own. */
function everything(): Record<string, unknown> {
  return rawProperties({
    ReplicatorName: 'orders-dr',
    ReplicatorNamePrefix: undefined,
    Description: 'orders to the DR cluster',
    Source: {
      ApacheKafkaClusterId: 'kafka-onprem',
      BootstrapBrokerString: 'b-1.onprem:9096',
      SubnetIds: ['subnet-a', 'subnet-c'],
      SecurityGroupIds: ['sg-a'],
      SaslScramMechanism: 'SHA512',
      SaslScramSecretArn: SECRET,
      TlsEncryption: 'true',
      RootCaCertificate: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ca-AbCdEf',
    },
    Target: {
      MskClusterArn: 'arn:aws:kafka:us-east-1:123456789012:cluster/orders-dr/66666666-7777-8888-9999-000000000000-2',
      SubnetIds: ['subnet-b'],
      SecurityGroupIds: ['sg-b'],
      MtlsSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:mtls-AbCdEf',
      TlsEncryption: 'false',
    },
    TopicReplication: {
      TopicsToReplicate: ['orders\\..*'],
      TopicsToExclude: ['.*\\.tmp'],
      CopyTopicConfigurations: 'false',
      CopyAccessControlListsForTopics: 'true',
      DetectAndCopyNewTopics: 'false',
      StartingPosition: 'EARLIEST',
      TopicNameConfiguration: 'IDENTICAL',
    },
    ConsumerGroupReplication: {
      ConsumerGroupsToReplicate: ['orders-.*'],
      ConsumerGroupsToExclude: ['tmp-.*'],
      SynchroniseConsumerGroupOffsets: 'false',
      DetectAndCopyNewConsumerGroups: 'true',
      OffsetSyncMode: 'ENHANCED',
    },
    TargetCompressionType: 'ZSTD',
    LogDelivery: { CloudWatchLogGroup: 'group', FirehoseDeliveryStream: 'stream', S3Bucket: 'bucket', S3Prefix: 'prefix/' },
    Tags: { team: 'payments', cost: '42' },
    DeletionBehaviour: 'retain',
    WaitForRunning: 'false',
    TimeoutSeconds: '900',
    ReconcileNonce: 'nonce-1',
    ReplacementProtection: 'true',
    AdoptExisting: 'true',
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
    SomethingUnknown: 'ignored',
  });
}

test('every member is read under its own key, scalars from CloudFormation\'s strings', () => {
  expect(decodeProperties(everything())).toEqual<ReplicatorProperties>({
    ReplicatorName: 'orders-dr',
    ReplicatorNamePrefix: undefined,
    Description: 'orders to the DR cluster',
    ServiceExecutionRoleArn: 'arn:aws:iam::123456789012:role/ReplicatorRole',
    Source: {
      MskClusterArn: undefined,
      ApacheKafkaClusterId: 'kafka-onprem',
      BootstrapBrokerString: 'b-1.onprem:9096',
      SubnetIds: ['subnet-a', 'subnet-c'],
      SecurityGroupIds: ['sg-a'],
      SaslScramMechanism: 'SHA512',
      SaslScramSecretArn: SECRET,
      MtlsSecretArn: undefined,
      TlsEncryption: true,
      RootCaCertificate: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ca-AbCdEf',
    },
    Target: {
      MskClusterArn: 'arn:aws:kafka:us-east-1:123456789012:cluster/orders-dr/66666666-7777-8888-9999-000000000000-2',
      ApacheKafkaClusterId: undefined,
      BootstrapBrokerString: undefined,
      SubnetIds: ['subnet-b'],
      SecurityGroupIds: ['sg-b'],
      SaslScramMechanism: undefined,
      SaslScramSecretArn: undefined,
      MtlsSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:mtls-AbCdEf',
      TlsEncryption: false,
      RootCaCertificate: undefined,
    },
    TopicReplication: {
      TopicsToReplicate: ['orders\\..*'],
      TopicsToExclude: ['.*\\.tmp'],
      CopyTopicConfigurations: false,
      CopyAccessControlListsForTopics: true,
      DetectAndCopyNewTopics: false,
      StartingPosition: 'EARLIEST',
      TopicNameConfiguration: 'IDENTICAL',
    },
    ConsumerGroupReplication: {
      ConsumerGroupsToReplicate: ['orders-.*'],
      ConsumerGroupsToExclude: ['tmp-.*'],
      SynchroniseConsumerGroupOffsets: false,
      DetectAndCopyNewConsumerGroups: true,
      OffsetSyncMode: 'ENHANCED',
    },
    TargetCompressionType: 'ZSTD',
    LogDelivery: { CloudWatchLogGroup: 'group', FirehoseDeliveryStream: 'stream', S3Bucket: 'bucket', S3Prefix: 'prefix/' },
    Tags: { team: 'payments', cost: '42' },
    DeletionBehaviour: 'retain',
    WaitForRunning: false,
    TimeoutSeconds: 900,
    ReconcileNonce: 'nonce-1',
    ReplacementProtection: true,
    AdoptExisting: true,
  });
});

test('booleans as JSON booleans are read too', () => {
  const props = decodeProperties(rawProperties({ WaitForRunning: false, ReplacementProtection: true }));
  expect(props.WaitForRunning).toBe(false);
  expect(props.ReplacementProtection).toBe(true);
});

test('what CloudFormation drops or sends empty: the defaults', () => {
  const props = decodeProperties(rawProperties({
    Description: '',
    Tags: '',
    LogDelivery: '',
    ReconcileNonce: '',
    TopicReplication: { ...rawProperties().TopicReplication as object, TopicsToExclude: '' },
    ConsumerGroupReplication: { ...rawProperties().ConsumerGroupReplication as object, ConsumerGroupsToExclude: undefined },
    DeletionBehaviour: 'anything else',
    WaitForRunning: undefined,
  }));

  expect(props.Description).toBeUndefined();
  expect(props.Tags).toBeUndefined();
  expect(props.LogDelivery).toBeUndefined();
  expect(props.ReconcileNonce).toBeUndefined();
  expect(props.TopicReplication.TopicsToExclude).toEqual([]);
  expect(props.ConsumerGroupReplication.ConsumerGroupsToExclude).toEqual([]);
  expect(props.DeletionBehaviour).toBe('destroy');
  expect(props.WaitForRunning).toBe(true);
  expect(props.TimeoutSeconds).toBeUndefined();
  expect(props.AdoptExisting).toBeUndefined();
});

test('a log delivery with only some destinations', () => {
  expect(decodeProperties(rawProperties({ LogDelivery: { S3Bucket: 'bucket' } })).LogDelivery).toEqual({
    CloudWatchLogGroup: undefined, FirehoseDeliveryStream: undefined, S3Bucket: 'bucket', S3Prefix: undefined,
  });
});

describe('wrong properties are refused, naming the property and the rule', () => {
  const prefix = 'Invalid Custom::MskReplicator properties: ';
  const topics = rawProperties().TopicReplication as Record<string, unknown>;
  const source = rawProperties().Source as Record<string, unknown>;
  test.each<[string, unknown, string]>([
    ['not an object', 'a string', 'ResourceProperties must be an object'],
    ['null', null, 'ResourceProperties must be an object'],
    ['a list', [], 'ResourceProperties must be an object'],
    ['no topic replication', rawProperties({ TopicReplication: undefined }), 'TopicReplication must be an object'],
    ['consumer group replication as a list', rawProperties({ ConsumerGroupReplication: [] }), 'ConsumerGroupReplication must be an object'],
    ['no role', rawProperties({ ServiceExecutionRoleArn: undefined }), 'ResourceProperties.ServiceExecutionRoleArn must be a non-empty string'],
    ['an empty role', rawProperties({ ServiceExecutionRoleArn: '' }), 'ResourceProperties.ServiceExecutionRoleArn must be a non-empty string'],
    ['a role that is not a string', rawProperties({ ServiceExecutionRoleArn: 7 }), 'ResourceProperties.ServiceExecutionRoleArn must be a non-empty string'],
    ['a name that is not a string', rawProperties({ ReplicatorName: 7 }), 'ResourceProperties.ReplicatorName must be a non-empty string'],
    ['a source that is not an object', rawProperties({ Source: 'x' }), 'Source must be an object'],
    ['a source with both cluster ids', rawProperties({ Source: { ...source, ApacheKafkaClusterId: 'k' } }),
      'Source must set exactly one of MskClusterArn and ApacheKafkaClusterId'],
    ['a target with neither cluster id', rawProperties({ Target: { SubnetIds: ['subnet-b'] } }),
      'Target must set exactly one of MskClusterArn and ApacheKafkaClusterId'],
    ['subnets that are not a list', rawProperties({ Source: { ...source, SubnetIds: 'subnet-a' } }), 'Source.SubnetIds must be a list of strings'],
    ['subnets with a number', rawProperties({ Source: { ...source, SubnetIds: ['subnet-a', 3] } }), 'Source.SubnetIds must be a list of strings'],
    ['TLS that is not a boolean', rawProperties({ Source: { ...source, TlsEncryption: 'yes' } }), 'Source.TlsEncryption must be true or false, got "yes"'],
    ['a flag that is not a boolean', rawProperties({ TopicReplication: { ...topics, CopyTopicConfigurations: 'TRUE' } }),
      'TopicReplication.CopyTopicConfigurations must be true or false, got "TRUE"'],
    ['a missing flag', rawProperties({ TopicReplication: { ...topics, DetectAndCopyNewTopics: undefined } }),
      'TopicReplication.DetectAndCopyNewTopics must be true or false, got undefined'],
    ['a timeout of zero', rawProperties({ TimeoutSeconds: '0' }), 'ResourceProperties.TimeoutSeconds must be a positive number, got "0"'],
    ['a negative timeout', rawProperties({ TimeoutSeconds: -5 }), 'ResourceProperties.TimeoutSeconds must be a positive number, got -5'],
    ['a timeout that is no number', rawProperties({ TimeoutSeconds: 'soon' }), 'ResourceProperties.TimeoutSeconds must be a positive number, got "soon"'],
    ['a tag value that is not a string', rawProperties({ Tags: { team: 1 } }), 'Tags.team must be a string'],
    ['tags as a list', rawProperties({ Tags: ['team'] }), 'Tags must be an object'],
    ['log delivery as a string', rawProperties({ LogDelivery: 'group' }), 'LogDelivery must be an object'],
    ['a log group that is not a string', rawProperties({ LogDelivery: { CloudWatchLogGroup: 7 } }), 'LogDelivery.CloudWatchLogGroup must be a non-empty string'],
    ['both a name and a prefix', rawProperties({ ReplicatorName: 'orders-dr' }), 'exactly one of ReplicatorName and ReplicatorNamePrefix must be set'],
    ['neither a name nor a prefix', rawProperties({ ReplicatorNamePrefix: undefined }), 'exactly one of ReplicatorName and ReplicatorNamePrefix must be set'],
    ['adoption without a name', rawProperties({ AdoptExisting: 'true' }), 'AdoptExisting needs ReplicatorName: the replicator to adopt is found by its name'],
  ])('%s', (_case, value, message) => {
    let thrown: unknown;
    try {
      decodeProperties(value);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PropertiesError);
    expect((thrown as Error).name).toBe('PropertiesError');
    expect((thrown as Error).message).toBe(`${prefix}${message}`);
  });

  // every key's message names the object it belongs to: a wrong value is found where the template sets it
  type WrongValue = [string, string, (wrong: unknown) => Record<string, unknown>];
  test.each<WrongValue>([
    ['ResourceProperties', 'ReplicatorNamePrefix', (wrong) => rawProperties({ ReplicatorNamePrefix: wrong })],
    ['ResourceProperties', 'Description', (wrong) => rawProperties({ Description: wrong })],
    ['ResourceProperties', 'TargetCompressionType', (wrong) => rawProperties({ TargetCompressionType: wrong })],
    ['ResourceProperties', 'WaitForRunning', (wrong) => rawProperties({ WaitForRunning: wrong })],
    ['ResourceProperties', 'ReconcileNonce', (wrong) => rawProperties({ ReconcileNonce: wrong })],
    ['ResourceProperties', 'ReplacementProtection', (wrong) => rawProperties({ ReplacementProtection: wrong })],
    ['ResourceProperties', 'AdoptExisting', (wrong) => rawProperties({ AdoptExisting: wrong })],
    ...['TopicsToReplicate', 'TopicsToExclude', 'CopyTopicConfigurations', 'CopyAccessControlListsForTopics', 'DetectAndCopyNewTopics',
      'StartingPosition', 'TopicNameConfiguration'].map((key) => ['TopicReplication', key,
      (wrong: unknown) => rawProperties({ TopicReplication: { ...topics, [key]: wrong } })] as WrongValue),
    ...['ConsumerGroupsToReplicate', 'ConsumerGroupsToExclude', 'SynchroniseConsumerGroupOffsets', 'DetectAndCopyNewConsumerGroups',
      'OffsetSyncMode'].map((key) => ['ConsumerGroupReplication', key, (wrong: unknown) => rawProperties({
      ConsumerGroupReplication: { ...rawProperties().ConsumerGroupReplication as object, [key]: wrong },
    })] as WrongValue),
    ...['FirehoseDeliveryStream', 'S3Bucket', 'S3Prefix'].map((key) => ['LogDelivery', key,
      (wrong: unknown) => rawProperties({ LogDelivery: { [key]: wrong } })] as WrongValue),
  ])('%s.%s: a value of the wrong type is refused under its own name', (path, key, withWrong) => {
    expect(() => decodeProperties(withWrong({ wrong: true }))).toThrow(new RegExp(`^Invalid Custom::MskReplicator properties: ${path}\\.${key} must be `));
  });

  test('a positive timeout that is not whole is read as given', () => {
    expect(decodeProperties(rawProperties({ TimeoutSeconds: '0.5' })).TimeoutSeconds).toBe(0.5);
  });
});

describe('the previous properties (OldResourceProperties)', () => {
  test('that decode: decoded', () => {
    expect(decodePreviousProperties(rawProperties())).toEqual(decodeProperties(rawProperties()));
  });

  test('absent, or not matching the contract (a rollback of an update whose properties were invalid): undefined', () => {
    expect(decodePreviousProperties(undefined)).toBeUndefined();
    expect(decodePreviousProperties(rawProperties({ TimeoutSeconds: '-1' }))).toBeUndefined();
  });

  test('an error that is not about the properties is not hidden', () => {
    const hostile = new Proxy({}, {
      get: () => {
        throw new RangeError('not a property error');
      },
    });
    expect(() => decodePreviousProperties(hostile)).toThrow(RangeError);
  });
});

test('the attribute names: Fn::GetAtt in deployed stacks reads them, so they never change', () => {
  expect([ATTR_REPLICATOR_ARN, ATTR_REPLICATOR_NAME, ATTR_CURRENT_VERSION, ATTR_SOURCE_CLUSTER_ALIAS, ATTR_TARGET_CLUSTER_ALIAS])
    .toEqual(['ReplicatorArn', 'ReplicatorName', 'CurrentVersion', 'SourceClusterAlias', 'TargetClusterAlias']);
});
