import { Duration, Errors, Token } from 'aws-cdk-lib';
import { PropError } from './prop-error';

/**
 * Synth-time validators: small pure functions that throw with a message naming the prop, the rule and the value.
 * Every check skips values that are unresolved tokens (known only at deploy time).
 */

const NAME_PATTERN = /^[0-9A-Za-z][0-9A-Za-z-]*$/;

function unresolved(value: unknown): boolean {
  return value === undefined || Token.isUnresolved(value);
}

/**
 * The name's two rules (MSK API model, `ReplicatorName`: length 1 to 128, pattern `^[0-9A-Za-z][0-9A-Za-z-]{0,}$`),
 * each named when broken, with the length when it is the length that is wrong.
 */
export function validateReplicatorName(name: string | undefined): void {
  if (unresolved(name)) return;
  const broken: string[] = [];
  if (!NAME_PATTERN.test(name!)) {
    broken.push('match ^[0-9A-Za-z][0-9A-Za-z-]*$ (letters, digits and hyphens, starting with a letter or a digit)');
  }
  if (name!.length > 128) broken.push(`be at most 128 characters long (it is ${name!.length} characters long)`);
  if (broken.length > 0) {
    const shown = name!.length > 140 ? `${name!.slice(0, 140)}… (${name!.length} characters)` : name;
    throw new PropError(`\`replicatorName\` must ${broken.join(' and ')}, got: ${shown}`);
  }
}

export function validateDescription(description: string | undefined): void {
  if (unresolved(description)) return;
  if (description!.length > 1024) {
    throw new PropError(`\`description\` must be at most 1024 characters, got ${description!.length} characters`);
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
    throw new PropError(`\`${prop}\` must hold at least one pattern (use ['.*'] for all), got: []`);
  }
  patterns.forEach((pattern, index) => {
    if (Token.isUnresolved(pattern)) return;
    if (pattern.length === 0) throw new PropError(`\`${prop}[${index}]\` must not be empty`);
    if (pattern.length > maxLength) {
      throw new PropError(`\`${prop}[${index}]\` must be at most ${maxLength} characters, got ${pattern.length}: ${pattern}`);
    }
    if (!compilesAsRegex(pattern)) {
      throw new PropError(`\`${prop}[${index}]\` must be a valid regular expression, got: ${pattern}`);
    }
  });
}

export function validateOffsetSyncMode(offsetSyncMode: string | undefined, topicNameConfiguration: string | undefined): void {
  if (offsetSyncMode === 'ENHANCED' && topicNameConfiguration !== 'IDENTICAL') {
    throw new PropError('`consumerGroupReplication.offsetSyncMode` ENHANCED requires `topicReplication.topicNameConfiguration` '
      + `IDENTICAL, got: ${topicNameConfiguration ?? 'PREFIXED_WITH_SOURCE_CLUSTER_ALIAS (the default)'}`);
  }
}

export function validateDistinctClusters(sourceArn: string | undefined, targetArn: string | undefined): void {
  if (sourceArn === undefined || targetArn === undefined) return;
  // Two identical tokens are the same deploy-time value too, so they are compared as well.
  if (sourceArn === targetArn) {
    throw new PropError(`\`source\` and \`target\` must be different clusters, got the same cluster for both: ${sourceArn}`);
  }
}

export function validateLogDelivery(destinations: { cloudWatch: boolean; firehose: boolean; s3: boolean; s3Prefix?: string } | undefined): void {
  if (destinations === undefined) return;
  // The prefix first: a prefix without a bucket is a missing bucket, whatever else is set.
  if (destinations.s3Prefix !== undefined && !destinations.s3) {
    throw new PropError(`\`logDelivery.s3Prefix\` is set (${destinations.s3Prefix}) but S3 delivery is not enabled: also set \`logDelivery.s3Bucket\``);
  }
  if (!destinations.cloudWatch && !destinations.firehose && !destinations.s3) {
    throw new PropError('`logDelivery` must name at least one destination (cloudWatchLogGroup, firehoseDeliveryStream or s3Bucket), got none');
  }
}

export function validateTargetRegion(stackRegion: string, targetRegion: string | undefined, targetArn: string): void {
  if (targetRegion === undefined || Token.isUnresolved(stackRegion)) return;
  if (stackRegion !== targetRegion) {
    throw new PropError(`A replicator lives in its target cluster's Region: the stack's Region is ${stackRegion} but \`target\` `
      + `is in ${targetRegion}: ${targetArn}`);
  }
}

/**
 * A duration in `unit`, for a prop whose value may be known only at deploy time. aws-cdk-lib converts a token duration
 * only into its own unit and otherwise throws "Duration must be specified as 'Duration.seconds()' here ..." without
 * saying which prop; this says it.
 */
export function durationIn(prop: string, duration: Duration, unit: 'seconds' | 'millis'): number {
  try {
    return unit === 'seconds' ? duration.toSeconds() : duration.toMilliseconds();
  } catch {
    throw new PropError(`\`${prop}\` must be given as Duration.${unit}(...) when its value is known only at deploy time, got `
      + `Duration.${duration.unitLabel()}((resolved at deploy time))`);
  }
}

export function validateTimeout(timeout: Duration | undefined, queryInterval: Duration, maximum: Duration): void {
  if (timeout === undefined) return;
  const seconds = durationIn('timeout', timeout, 'seconds');
  if (Token.isUnresolved(seconds)) return;
  if (seconds < queryInterval.toSeconds() || seconds > maximum.toSeconds()) {
    throw new PropError(`\`timeout\` must be between ${queryInterval.toHumanString()} (the polling interval) and `
      + `${maximum.toHumanString()} (CloudFormation fails custom resources after one hour), got: ${timeout.toHumanString()}`);
  }
}

/** The messages of the checks that throw, in order: the rules they find broken. */
export function brokenRules(...checks: Array<() => void>): string[] {
  const messages: string[] = [];
  for (const check of checks) {
    try {
      check();
    } catch (error) {
      // the user's mistakes are collected (ours and aws-cdk-lib's validation errors); a defect is thrown as it is
      if (!(error instanceof PropError) && !Errors.isValidationError(error)) throw error;
      messages.push((error as Error).message);
    }
  }
  return messages;
}

/** One error for several broken rules; one broken rule keeps its own message. */
export function allBrokenRules(messages: string[]): Error {
  return new PropError(messages.length === 1 ? messages[0] : `${messages.length} problems: ${messages.map((m, i) => `(${i + 1}) ${m}`).join('; ')}`);
}

/**
 * Runs independent checks and reports every rule they find broken in one error, so that a user fixes them in one go
 * instead of meeting the next one only after the first is fixed.
 */
export function reportAll(...checks: Array<() => void>): void {
  const messages = brokenRules(...checks);
  if (messages.length > 0) throw allBrokenRules(messages);
}
