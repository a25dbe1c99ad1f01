import { Token } from 'aws-cdk-lib';
import { PropError } from './prop-error';
import { renderValue } from './render-value';
import type { ClusterSpec, ReplicatorProperties } from '../provider/properties';

/**
 * Every constraint the CloudFormation schema of the native resource declares
 * (`AWS::MSK::Replicator`, /work/shared/reference/cfn-aws-msk-replicator-schema.json: minLength, maxLength,
 * pattern, minItems, maxItems, uniqueItems, enum), checked at synth on the properties this construct renders,
 * each error naming the construct prop, the rule (with the schema path it comes from) and the value. The MSK API
 * model (kafka-api-model.json) declares a subset of them (string lengths, the name pattern, enums).
 *
 * `SCHEMA_RULES` is the table; `test/schema-constraints.test.ts` reads the schema and fails when a constraint
 * in it has no rule here (or in `STRUCTURAL_CONSTRAINTS`), so a new schema constraint cannot go unchecked.
 * Values that are unresolved tokens are skipped (and shown as "(resolved at deploy time)").
 */

/** One constraint of the schema as a check. */
export interface SchemaRule {
  /** The schema path: `<definition or property>.<member>[]` as the test derives it from the schema. */
  readonly schemaPath: string;
  /** The schema keyword: minLength, maxLength, pattern, minItems, maxItems, uniqueItems or enum. */
  readonly keyword: string;
  /** The construct prop(s) the value comes from. */
  readonly prop: string;
  /** The values to check, with their prop path (one per list item for `[]` paths, one per side for clusters). */
  readonly values: (p: ReplicatorProperties, tags: Record<string, string>) => Array<{ prop: string; value: unknown }>;
  /** Undefined when the value complies; the broken rule otherwise. */
  readonly violation: (value: unknown) => string | undefined;
}

const SCHEMA = 'CloudFormation schema of AWS::MSK::Replicator';

function minLength(n: number) {
  return (v: unknown) => (typeof v === 'string' && v.length < n ? `must be at least ${n} character(s) long` : undefined);
}
function maxLength(n: number) {
  return (v: unknown) => (typeof v === 'string' && v.length > n ? `must be at most ${n} characters long` : undefined);
}
function pattern(source: string) {
  const re = new RegExp(source);
  return (v: unknown) => (typeof v === 'string' && !re.test(v) ? `must match ${source}` : undefined);
}
function minItems(n: number) {
  return (v: unknown) => (Array.isArray(v) && v.length < n ? `must hold at least ${n} item(s)` : undefined);
}
function maxItems(n: number) {
  return (v: unknown) => (Array.isArray(v) && v.length > n ? `must hold at most ${n} items` : undefined);
}
function uniqueItems(v: unknown): string | undefined {
  if (!Array.isArray(v)) return undefined;
  const known = v.filter((item) => !Token.isUnresolved(item));
  const duplicate = known.find((item, i) => known.indexOf(item) !== i);
  return duplicate !== undefined ? `must not hold the same item twice (${renderValue(duplicate)} is there more than once)` : undefined;
}
function oneOf(values: string[]) {
  return (v: unknown) => (typeof v === 'string' && !values.includes(v) ? `must be one of ${values.join(', ')}` : undefined);
}

const ARN_KAFKA = 'arn:(aws|aws-us-gov|aws-cn):kafka:.*';
const ARN_IAM = 'arn:(aws|aws-us-gov|aws-cn):iam:.*';

const one = (prop: string, value: unknown) => [{ prop, value }];
const items = (prop: string, list: unknown[] | undefined) => (list === undefined || Token.isUnresolved(list)
  ? [] : list.map((value, i) => ({ prop: `${prop}[${i}]`, value })));
const sides = (p: ReplicatorProperties, prop: string, get: (c: ClusterSpec) => unknown) => [
  { prop: `source.${prop}`, value: get(p.Source) },
  { prop: `target.${prop}`, value: get(p.Target) },
];

/**
 * An optional list the schema bounds with `minItems: 1` is checked only when it holds items: `[]` means the
 * same as leaving it out (the API model has no lower bound on these lists, and the construct itself sends `[]`
 * for an omitted exclusion list, which the API accepts).
 */
const nonEmpty = (prop: string, list: string[] | undefined) => (list === undefined || list.length === 0 ? [] : one(prop, list));

export const SCHEMA_RULES: SchemaRule[] = [
  { schemaPath: '.ReplicatorName', keyword: 'minLength', prop: 'replicatorName', values: (p) => one('replicatorName', p.ReplicatorName), violation: minLength(1) },
  { schemaPath: '.ReplicatorName', keyword: 'maxLength', prop: 'replicatorName', values: (p) => one('replicatorName', p.ReplicatorName), violation: maxLength(128) },
  { schemaPath: '.ReplicatorName', keyword: 'pattern', prop: 'replicatorName', values: (p) => one('replicatorName', p.ReplicatorName), violation: pattern('^[0-9A-Za-z][0-9A-Za-z-]{0,}$') },
  { schemaPath: '.Description', keyword: 'maxLength', prop: 'description', values: (p) => one('description', p.Description), violation: maxLength(1024) },
  { schemaPath: '.ServiceExecutionRoleArn', keyword: 'pattern', prop: 'role', values: (p) => one('role (its roleArn)', p.ServiceExecutionRoleArn), violation: pattern(ARN_IAM) },
  { schemaPath: '.AmazonMskCluster.MskClusterArn', keyword: 'pattern', prop: 'source/target clusterArn', values: (p) => sides(p, 'clusterArn', (c) => c.MskClusterArn), violation: pattern(ARN_KAFKA) },
  { schemaPath: '.ReplicationInfo.SourceKafkaClusterArn', keyword: 'pattern', prop: 'source.clusterArn', values: (p) => one('source.clusterArn', p.Source.MskClusterArn), violation: pattern(ARN_KAFKA) },
  { schemaPath: '.ReplicationInfo.TargetKafkaClusterArn', keyword: 'pattern', prop: 'target.clusterArn', values: (p) => one('target.clusterArn', p.Target.MskClusterArn), violation: pattern(ARN_KAFKA) },
  { schemaPath: '.ReplicationInfo.TargetCompressionType', keyword: 'enum', prop: 'targetCompressionType', values: (p) => one('targetCompressionType', p.TargetCompressionType), violation: oneOf(['NONE', 'GZIP', 'SNAPPY', 'LZ4', 'ZSTD']) },
  { schemaPath: '.KafkaClusterClientVpcConfig.SubnetIds', keyword: 'minItems', prop: 'vpcSubnets', values: (p) => sides(p, 'vpcSubnets', (c) => c.SubnetIds), violation: minItems(2) },
  { schemaPath: '.KafkaClusterClientVpcConfig.SubnetIds', keyword: 'maxItems', prop: 'vpcSubnets', values: (p) => sides(p, 'vpcSubnets', (c) => c.SubnetIds), violation: maxItems(3) },
  { schemaPath: '.KafkaClusterClientVpcConfig.SubnetIds', keyword: 'uniqueItems', prop: 'vpcSubnets', values: (p) => sides(p, 'vpcSubnets', (c) => c.SubnetIds), violation: uniqueItems },
  // Checked only when a side has security groups: a cross-Region source has none (MSK developer guide, "Network
  // requirements", msk-replicator-network-reqs.html), and the API model does not require the list. A same-Region
  // side always has 1 to 16 (validate-network.ts, validateSecurityGroupCount).
  { schemaPath: '.KafkaClusterClientVpcConfig.SecurityGroupIds', keyword: 'minItems', prop: 'securityGroups', values: (p) => [...nonEmpty('source.securityGroups', p.Source.SecurityGroupIds), ...nonEmpty('target.securityGroups', p.Target.SecurityGroupIds)], violation: minItems(1) },
  { schemaPath: '.KafkaClusterClientVpcConfig.SecurityGroupIds', keyword: 'maxItems', prop: 'securityGroups', values: (p) => sides(p, 'securityGroups', (c) => c.SecurityGroupIds), violation: maxItems(16) },
  { schemaPath: '.KafkaClusterClientVpcConfig.SecurityGroupIds', keyword: 'uniqueItems', prop: 'securityGroups', values: (p) => sides(p, 'securityGroups', (c) => c.SecurityGroupIds), violation: uniqueItems },
  { schemaPath: '.KafkaClusterSaslScramMechanism', keyword: 'enum', prop: 'authentication.mechanism', values: (p) => sides(p, 'authentication.mechanism', (c) => c.SaslScramMechanism), violation: oneOf(['SHA256', 'SHA512']) },
  // The construct sends EncryptionInTransit only as TLS: a boolean prop cannot produce another value.
  { schemaPath: '.KafkaClusterEncryptionInTransitType', keyword: 'enum', prop: 'encryptionInTransit', values: (p) => sides(p, 'encryptionInTransit', (c) => (c.TlsEncryption === undefined ? undefined : 'TLS')), violation: oneOf(['TLS']) },
  ...topicList('.TopicReplication.TopicsToReplicate', 'topicReplication.topicsToReplicate', (p) => p.TopicReplication.TopicsToReplicate, 1, 100, 249),
  ...topicList('.TopicReplication.TopicsToExclude', 'topicReplication.topicsToExclude', (p) => p.TopicReplication.TopicsToExclude, 1, 100, 249),
  ...topicList('.ConsumerGroupReplication.ConsumerGroupsToReplicate', 'consumerGroupReplication.consumerGroupsToReplicate', (p) => p.ConsumerGroupReplication.ConsumerGroupsToReplicate, 0, 100, 256),
  ...topicList('.ConsumerGroupReplication.ConsumerGroupsToExclude', 'consumerGroupReplication.consumerGroupsToExclude', (p) => p.ConsumerGroupReplication.ConsumerGroupsToExclude, 1, 100, 256),
  { schemaPath: '.ReplicationStartingPositionType', keyword: 'enum', prop: 'topicReplication.startingPosition', values: (p) => one('topicReplication.startingPosition', p.TopicReplication.StartingPosition), violation: oneOf(['LATEST', 'EARLIEST']) },
  { schemaPath: '.ReplicationTopicNameConfigurationType', keyword: 'enum', prop: 'topicReplication.topicNameConfiguration', values: (p) => one('topicReplication.topicNameConfiguration', p.TopicReplication.TopicNameConfiguration), violation: oneOf(['PREFIXED_WITH_SOURCE_CLUSTER_ALIAS', 'IDENTICAL']) },
  { schemaPath: '.ConsumerGroupOffsetSyncMode', keyword: 'enum', prop: 'consumerGroupReplication.offsetSyncMode', values: (p) => one('consumerGroupReplication.offsetSyncMode', p.ConsumerGroupReplication.OffsetSyncMode), violation: oneOf(['LEGACY', 'ENHANCED']) },
  { schemaPath: '.Tag.Key', keyword: 'minLength', prop: 'tags', values: (_p, tags) => Object.keys(tags).map((key) => ({ prop: 'tags (a key)', value: key })), violation: minLength(1) },
  { schemaPath: '.Tag.Key', keyword: 'maxLength', prop: 'tags', values: (_p, tags) => Object.keys(tags).map((key) => ({ prop: 'tags (a key)', value: key })), violation: maxLength(128) },
  { schemaPath: '.Tag.Value', keyword: 'maxLength', prop: 'tags', values: (_p, tags) => Object.entries(tags).map(([key, value]) => ({ prop: `tags.${key}`, value })), violation: maxLength(256) },
  // Tags are a map in the construct (and in the API): a key cannot appear twice.
  { schemaPath: '.Tags', keyword: 'uniqueItems', prop: 'tags', values: (_p, tags) => one('tags (keys)', Object.keys(tags)), violation: uniqueItems },
];

function topicList(
  schemaPath: string, prop: string, get: (p: ReplicatorProperties) => string[], min: number, max: number, itemMax: number,
): SchemaRule[] {
  return [
    { schemaPath, keyword: 'minItems', prop, values: (p) => (min === 0 ? [] : nonEmpty(prop, get(p))), violation: minItems(min) },
    { schemaPath, keyword: 'maxItems', prop, values: (p) => one(prop, get(p)), violation: maxItems(max) },
    { schemaPath, keyword: 'uniqueItems', prop, values: (p) => one(prop, get(p)), violation: uniqueItems },
    { schemaPath: `${schemaPath}[]`, keyword: 'maxLength', prop, values: (p) => items(prop, get(p)), violation: maxLength(itemMax) },
  ];
}

/**
 * Constraints met by construction, with the reason; the test accepts these in place of a rule.
 */
export const STRUCTURAL_CONSTRAINTS: Record<string, string> = {
  '.ReplicatorArn pattern': 'an output (the replicator ARN MSK returns), not an input; MskReplicator.fromReplicatorArn checks it',
  '.KafkaClusters minItems': 'the construct always sends exactly two clusters: `source` and `target`',
  '.KafkaClusters maxItems': 'the construct always sends exactly two clusters: `source` and `target`',
  '.KafkaClusters uniqueItems': 'validateDistinctClusters rejects the same cluster as source and target',
  '.ReplicationInfoList minItems': 'the construct always sends exactly one replication info',
  '.ReplicationInfoList maxItems': 'the construct always sends exactly one replication info',
  '.ReplicationInfoList uniqueItems': 'the construct always sends exactly one replication info',
};

/**
 * Checks the rendered properties against every rule; throws (a plain Error the construct scopes with its path)
 * at the first violation, naming the prop, the rule, the schema path and the value.
 */
export function validateSchemaConstraints(properties: ReplicatorProperties, tags: Record<string, string>): void {
  for (const rule of SCHEMA_RULES) {
    for (const { prop, value } of rule.values(properties, tags)) {
      if (value === undefined || Token.isUnresolved(value)) continue;
      const broken = rule.violation(value);
      if (broken !== undefined) {
        throw new PropError(`\`${prop}\` ${broken} (${SCHEMA}, ${rule.schemaPath} ${rule.keyword}), got ${size(rule.keyword, value)}`
          + `${truncate(renderValue(value))}`);
      }
    }
  }
}

/**
 * The tag rules alone, on the tags as they are finally rendered (`Tags.of()` adds tags after construction):
 * the messages of the violations, for a construct validation.
 */
export function tagViolations(tags: Record<string, string>): string[] {
  try {
    const noProperties = { TopicReplication: {}, ConsumerGroupReplication: {}, Source: {}, Target: {} };
    validateSchemaConstraints(noProperties as unknown as ReplicatorProperties, tags);
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}

/** The ARN of an imported replicator: the schema's `ReplicatorArn` pattern. */
export function validateReplicatorArn(arn: string): void {
  if (Token.isUnresolved(arn)) return;
  const broken = pattern(ARN_KAFKA)(arn) ?? (arn.includes(':replicator/') ? undefined : 'must be a replicator ARN (…:replicator/<name>/<uuid>)');
  if (broken !== undefined) {
    throw new PropError(`\`replicatorArn\` ${broken} (${SCHEMA}, .ReplicatorArn pattern), got: ${truncate(renderValue(arn))}`);
  }
}

/** "N items: " / "N characters: " before the value, for the rules about sizes. */
function size(keyword: string, value: unknown): string {
  if ((keyword === 'minItems' || keyword === 'maxItems') && Array.isArray(value)) return `${value.length} items: `;
  if ((keyword === 'minLength' || keyword === 'maxLength') && typeof value === 'string') return `${value.length} characters: `;
  return '';
}

function truncate(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}… (${text.length} characters)` : text;
}
