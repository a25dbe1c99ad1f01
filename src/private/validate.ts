import { Duration, Token } from 'aws-cdk-lib';

/**
 * Synth-time validators: small pure functions that throw with a message naming the prop, the rule and the value.
 * Every check skips values that are unresolved tokens (known only at deploy time).
 */

const NAME_PATTERN = /^[0-9A-Za-z][0-9A-Za-z-]*$/;

function unresolved(value: unknown): boolean {
  return value === undefined || Token.isUnresolved(value);
}

export function validateReplicatorName(name: string | undefined): void {
  if (unresolved(name)) return;
  if (!NAME_PATTERN.test(name!) || name!.length > 128) {
    throw new Error(`\`replicatorName\` must match ^[0-9A-Za-z][0-9A-Za-z-]*$ and be at most 128 characters, got: ${name}`);
  }
}

export function validateDescription(description: string | undefined): void {
  if (unresolved(description)) return;
  if (description!.length > 1024) {
    throw new Error(`\`description\` must be at most 1024 characters, got ${description!.length} characters`);
  }
}

/**
 * MSK matches patterns as Java regular expressions. JavaScript compiles nearly the same language; the Java-only
 * constructs are rewritten to an equivalent before the check (inline flags like `(?i)`, possessive quantifiers,
 * atomic groups) so valid Java patterns are never rejected.
 */
function compilesAsRegex(pattern: string): boolean {
  const portable = pattern
    .replace(/\(\?[a-zA-Z]+\)/g, '')
    .replace(/\(\?[a-zA-Z]*-?[a-zA-Z]*:/g, '(?:')
    .replace(/\(\?>/g, '(?:')
    .replace(/([*+?}])\+/g, '$1');
  try {
    new RegExp(portable);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks a list of name patterns: no empty item, each at most `maxLength` characters, each a valid regular
 * expression; and, when `required`, at least one item.
 */
export function validatePatterns(prop: string, patterns: string[] | undefined, maxLength: number, required: boolean): void {
  if (patterns === undefined || Token.isUnresolved(patterns)) return;
  if (required && patterns.length === 0) {
    throw new Error(`\`${prop}\` must hold at least one pattern (use ['.*'] for all), got: []`);
  }
  patterns.forEach((pattern, index) => {
    if (Token.isUnresolved(pattern)) return;
    if (pattern.length === 0) throw new Error(`\`${prop}[${index}]\` must not be empty`);
    if (pattern.length > maxLength) {
      throw new Error(`\`${prop}[${index}]\` must be at most ${maxLength} characters, got ${pattern.length}: ${pattern}`);
    }
    if (!compilesAsRegex(pattern)) {
      throw new Error(`\`${prop}[${index}]\` must be a valid regular expression, got: ${pattern}`);
    }
  });
}

export function validateOffsetSyncMode(offsetSyncMode: string | undefined, topicNameConfiguration: string | undefined): void {
  if (offsetSyncMode === 'ENHANCED' && topicNameConfiguration !== 'IDENTICAL') {
    throw new Error('`consumerGroupReplication.offsetSyncMode` ENHANCED requires `topicReplication.topicNameConfiguration` '
      + `IDENTICAL, got: ${topicNameConfiguration ?? 'PREFIXED_WITH_SOURCE_CLUSTER_ALIAS (the default)'}`);
  }
}

export function validateDistinctClusters(sourceArn: string | undefined, targetArn: string | undefined): void {
  if (sourceArn === undefined || targetArn === undefined) return;
  // Two identical tokens are the same deploy-time value too, so they are compared as well.
  if (sourceArn === targetArn) {
    throw new Error(`\`source\` and \`target\` must be different clusters, got the same cluster for both: ${sourceArn}`);
  }
}

export function validateLogDelivery(destinations: { cloudWatch: boolean; firehose: boolean; s3: boolean; s3Prefix?: string } | undefined): void {
  if (destinations === undefined) return;
  // The prefix first: a prefix without a bucket is a missing bucket, whatever else is set.
  if (destinations.s3Prefix !== undefined && !destinations.s3) {
    throw new Error(`\`logDelivery.s3Prefix\` is set (${destinations.s3Prefix}) but S3 delivery is not enabled: also set \`logDelivery.s3Bucket\``);
  }
  if (!destinations.cloudWatch && !destinations.firehose && !destinations.s3) {
    throw new Error('`logDelivery` must name at least one destination (cloudWatchLogGroup, firehoseDeliveryStream or s3Bucket), got none');
  }
}

export function validateTargetRegion(stackRegion: string, targetRegion: string | undefined, targetArn: string): void {
  if (targetRegion === undefined || Token.isUnresolved(stackRegion)) return;
  if (stackRegion !== targetRegion) {
    throw new Error(`A replicator lives in its target cluster's Region: the stack's Region is ${stackRegion} but \`target\` `
      + `is in ${targetRegion}: ${targetArn}`);
  }
}

export function validateTimeout(timeout: Duration | undefined, queryInterval: Duration, maximum: Duration): void {
  if (timeout === undefined || Token.isUnresolved(timeout.toSeconds())) return;
  const seconds = timeout.toSeconds();
  if (seconds < queryInterval.toSeconds() || seconds > maximum.toSeconds()) {
    throw new Error(`\`timeout\` must be between ${queryInterval.toHumanString()} (the polling interval) and `
      + `${maximum.toHumanString()} (CloudFormation fails custom resources after one hour), got: ${timeout.toHumanString()}`);
  }
}
