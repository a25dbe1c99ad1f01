/**
 * Tag keys a template may not set on a replicator.
 *
 * - `cdk-msk-replicator:` keys are the handler's own: the owner, request and managed-by tags CreateReplicator writes,
 *   and the marks later requests decide on (deployed, retained, rolled-back-to, replaces, found-as/*; src/provider/
 *   lifecycle.ts and adoption.ts). A template key among them would collide with what the handler decides ownership,
 *   retention and rollbacks on.
 * - `aws:` keys, in any case: "You can't start a tag key with aws: because this prefix is reserved for use by AWS" (Amazon
 *   MSK Developer Guide, "Tag restrictions", https://docs.aws.amazon.com/msk/latest/developerguide/msk-tagging-restrictions.html).
 *   That page says tag keys are case-sensitive but not whether `AWS:` is refused too; other services' pages say "Don't
 *   use aws:, AWS:, or any upper or lowercase combination of such as a prefix for either keys or values" (AWS Batch
 *   User Guide, "Tag restrictions", https://docs.aws.amazon.com/batch/latest/userguide/tag-restrictions.html), so the harsher
 *   reading is taken for keys. MSK would reject the tag write midway through a deployment; the synth says it first.
 */
export const HANDLER_TAG_PREFIX = 'cdk-msk-replicator:';

/** The reasons `tags` break the rules above (empty when none). */
export function reservedTagViolations(tags: Record<string, string>): string[] {
  const handlers = Object.keys(tags).filter((key) => key.startsWith(HANDLER_TAG_PREFIX));
  const awsKeys = Object.keys(tags).filter((key) => key.toLowerCase().startsWith('aws:'));
  const quoted = (keys: string[]) => keys.map((key) => JSON.stringify(key)).join(', ');
  return [
    ...handlers.length > 0 ? [`\`tags\` may not use keys starting with "${HANDLER_TAG_PREFIX}": the replicator's handler writes those `
      + `itself (owner, request, deployed, retained, rolled-back-to) and decides on them; got ${quoted(handlers)}`] : [],
    ...awsKeys.length > 0 ? ['`tags` may not use keys starting with "aws:", in any case: MSK reserves that prefix for AWS '
      + `(MSK Developer Guide, "Tag restrictions"); got ${quoted(awsKeys)}`] : [],
  ];
}
