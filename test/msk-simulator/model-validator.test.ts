import { coerceTextValue, validateInput } from '../../local-aws/msk-simulator/model-validator';

const SRC = 'arn:aws:kafka:us-east-1:123456789012:cluster/source/11111111-1111-1111-1111-111111111111-1';
const TGT = 'arn:aws:kafka:us-east-1:123456789012:cluster/target/22222222-2222-2222-2222-222222222222-2';

function validCreate(): Record<string, unknown> {
  return {
    replicatorName: 'orders-replicator',
    serviceExecutionRoleArn: 'arn:aws:iam::123456789012:role/replicator',
    kafkaClusters: [
      { amazonMskCluster: { mskClusterArn: SRC }, vpcConfig: { subnetIds: ['subnet-1'], securityGroupIds: ['sg-1'] } },
      { amazonMskCluster: { mskClusterArn: TGT }, vpcConfig: { subnetIds: ['subnet-2'] } },
    ],
    replicationInfoList: [{
      sourceKafkaClusterArn: SRC,
      targetKafkaClusterArn: TGT,
      targetCompressionType: 'NONE',
      topicReplication: { topicsToReplicate: ['orders.*', 'payments'] },
      consumerGroupReplication: { consumerGroupsToReplicate: ['.*'] },
    }],
    tags: { team: 'data' },
  };
}

function messages(operation: string, input: Record<string, unknown>): string[] {
  return validateInput(operation, input).map((v) => v.message);
}

describe('validateInput', () => {
  test('accepts a valid CreateReplicator input', () => {
    expect(validateInput('CreateReplicator', validCreate())).toEqual([]);
  });

  test('reports string max length with the full member path', () => {
    const input = validCreate();
    const info = (input.replicationInfoList as Array<{ topicReplication: { topicsToReplicate: string[] } }>)[0];
    info.topicReplication.topicsToReplicate[1] = 'x'.repeat(300);
    const violations = validateInput('CreateReplicator', input);
    expect(violations).toEqual([{
      path: 'replicationInfoList[0].topicReplication.topicsToReplicate[1]',
      reason: 'length 300 exceeds max 249',
      message: 'replicationInfoList[0].topicReplication.topicsToReplicate[1]: length 300 exceeds max 249',
    }]);
  });

  test('counts code points, not UTF-16 units, for length limits', () => {
    const input = validCreate();
    // 249 astral characters are 498 UTF-16 units but exactly at the limit.
    (input.replicationInfoList as Array<{ topicReplication: { topicsToReplicate: string[] } }>)[0]
      .topicReplication.topicsToReplicate = ['\u{1F600}'.repeat(249)];
    expect(validateInput('CreateReplicator', input)).toEqual([]);
  });

  test('reports missing required members at every depth', () => {
    const input = validCreate();
    delete input.serviceExecutionRoleArn;
    const clusters = input.kafkaClusters as Array<{ vpcConfig: Record<string, unknown> }>;
    delete clusters[1].vpcConfig.subnetIds;
    const info = (input.replicationInfoList as Array<Record<string, unknown>>)[0];
    info.consumerGroupReplication = {};
    expect(messages('CreateReplicator', input)).toEqual([
      'kafkaClusters[1].vpcConfig.subnetIds: required member is missing',
      'replicationInfoList[0].consumerGroupReplication.consumerGroupsToReplicate: required member is missing',
      'serviceExecutionRoleArn: required member is missing',
    ]);
  });

  test('checks enums, patterns and string minimum length', () => {
    const input = validCreate();
    input.replicatorName = 'bad_name';
    (input.replicationInfoList as Array<Record<string, unknown>>)[0].targetCompressionType = 'BROTLI';
    const clusters = input.kafkaClusters as Array<Record<string, unknown>>;
    clusters[0].clientAuthentication = { saslScram: { mechanism: 'MD5', secretArn: 'arn:secret' } };
    expect(messages('CreateReplicator', input)).toEqual([
      'kafkaClusters[0].clientAuthentication.saslScram.mechanism: value "MD5" is not one of SHA256, SHA512',
      'replicationInfoList[0].targetCompressionType: value "BROTLI" is not one of NONE, GZIP, SNAPPY, LZ4, ZSTD',
      'replicatorName: value "bad_name" does not match pattern ^[0-9A-Za-z][0-9A-Za-z-]{0,}$',
    ]);
    expect(messages('CreateReplicator', { ...validCreate(), replicatorName: '' })).toEqual([
      'replicatorName: length 0 is below min 1',
      'replicatorName: value "" does not match pattern ^[0-9A-Za-z][0-9A-Za-z-]{0,}$',
    ]);
    expect(messages('CreateReplicator', { ...validCreate(), replicatorName: 'a'.repeat(129) })).toEqual([
      'replicatorName: length 129 exceeds max 128',
    ]);
  });

  test('checks member types, map values and list elements', () => {
    const input = { ...validCreate(), tags: { team: 7 }, description: 42, kafkaClusters: 'none' };
    expect(messages('CreateReplicator', input)).toEqual([
      'description: expected string but got number',
      'kafkaClusters: expected list but got string',
      'tags.team: expected string but got number',
    ]);
    const withBadBoolean = validCreate();
    (withBadBoolean.replicationInfoList as Array<{ topicReplication: Record<string, unknown> }>)[0]
      .topicReplication.copyTopicConfigurations = 'yes';
    expect(messages('CreateReplicator', withBadBoolean)).toEqual([
      'replicationInfoList[0].topicReplication.copyTopicConfigurations: expected boolean but got string',
    ]);
  });

  test('ignores members the model does not define', () => {
    expect(validateInput('CreateReplicator', { ...validCreate(), somethingNew: { deep: [1, 2] } })).toEqual([]);
  });

  test('checks integer ranges of querystring members', () => {
    expect(validateInput('ListReplicators', {})).toEqual([]);
    expect(validateInput('ListReplicators', { maxResults: 100 })).toEqual([]);
    expect(messages('ListReplicators', { maxResults: 0 })).toEqual(['maxResults: value 0 is below min 1']);
    expect(messages('ListReplicators', { maxResults: 101 })).toEqual(['maxResults: value 101 exceeds max 100']);
    expect(messages('ListReplicators', { maxResults: 'ten' })).toEqual(['maxResults: expected integer but got "ten"']);
  });

  test('UpdateReplicationInfo requires all members of the update structures', () => {
    const base = { replicatorArn: 'arn', currentVersion: 'V1' };
    expect(validateInput('UpdateReplicationInfo', base)).toEqual([]);
    expect(messages('UpdateReplicationInfo', { replicatorArn: 'arn' })).toEqual(['currentVersion: required member is missing']);
    expect(messages('UpdateReplicationInfo', { ...base, topicReplication: { topicsToReplicate: ['a'] } })).toEqual([
      'topicReplication.copyAccessControlListsForTopics: required member is missing',
      'topicReplication.copyTopicConfigurations: required member is missing',
      'topicReplication.detectAndCopyNewTopics: required member is missing',
      'topicReplication.topicsToExclude: required member is missing',
    ]);
    expect(messages('UpdateReplicationInfo', { ...base, consumerGroupReplication: { consumerGroupsToReplicate: ['a'] } })).toEqual([
      'consumerGroupReplication.consumerGroupsToExclude: required member is missing',
      'consumerGroupReplication.detectAndCopyNewConsumerGroups: required member is missing',
      'consumerGroupReplication.synchroniseConsumerGroupOffsets: required member is missing',
    ]);
  });

  test('covers the remaining replicator and tag operations', () => {
    expect(messages('DescribeReplicator', {})).toEqual(['replicatorArn: required member is missing']);
    expect(validateInput('DeleteReplicator', { replicatorArn: 'arn' })).toEqual([]);
    expect(messages('DeleteReplicator', { replicatorArn: 'arn', currentVersion: 5 })).toEqual(['currentVersion: expected string but got number']);
    expect(messages('TagResource', { resourceArn: 'arn' })).toEqual(['tags: required member is missing']);
    expect(messages('UntagResource', { resourceArn: 'arn' })).toEqual(['tagKeys: required member is missing']);
    expect(messages('UntagResource', { resourceArn: 'arn', tagKeys: ['a', 3] })).toEqual(['tagKeys[1]: expected string but got number']);
    expect(validateInput('ListTagsForResource', { resourceArn: 'arn' })).toEqual([]);
  });

  test('rejects a request root that is not a structure', () => {
    expect(messages('CreateReplicator', [] as unknown as Record<string, unknown>)).toEqual(['(root): expected structure but got list']);
  });
});

describe('coerceTextValue', () => {
  test('converts querystring text after the member shape', () => {
    expect(coerceTextValue('MaxResults', '25')).toBe(25);
    expect(coerceTextValue('MaxResults', '2.5')).toBe('2.5');
    expect(coerceTextValue('__boolean', 'true')).toBe(true);
    expect(coerceTextValue('__string', '25')).toBe('25');
  });
});
