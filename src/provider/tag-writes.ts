import { HANDLER_TAG_KEYS } from './lifecycle';

/**
 * The tag writes of a reconciliation (is-complete.ts `reconcile`): decided from the event first, from a tag read second.
 *
 * A tag read may lag behind a write: MSK promises no read-after-write consistency for ListTagsForResource (MSK API
 * reference, https://docs.aws.amazon.com/msk/1.0/apireference-replicator/; the local world's hostile mode,
 * local-aws/msk-simulator/hostile.ts, answers such reads from the view before the write). It may lag behind the
 * TagResource of the very update CloudFormation is now rolling back: compared with that read, the rolled-back
 * template's tags look in place already, and the rollback would write nothing, leaving the failed update's values.
 * So what this resource itself may have written is undone from the event, which cannot lag:
 * - every template tag whose value differs from the previous template's (changed, or new) is written whatever the read
 *   says: the replicator may carry the previous template's value, written by the update being rolled back or by the
 *   last deployment. TagResource of a value already there changes nothing;
 * - every key the previous template set and the new one does not is removed whatever the read says. AWS's own handler
 *   for AWS::MSK::Replicator does the same: it untags the keys of the previous resource state missing from the desired
 *   one without reading the replicator's tags (aws-cloudformation/aws-cloudformation-resource-providers-msk-replicator,
 *   `UpdateHandler.java` with `TagHelper.generateTagsToRemove`), so an UntagResource naming a key the replicator no
 *   longer carries is one the service takes;
 * - a template tag both templates agree on, and the handler's own marks, are written when the read shows them
 *   different: drift by someone else (an operator's edit, a tag policy). An edit that the read does not show yet is
 *   indistinguishable from one made just after the deployment, and the next deployment brings it back.
 * Keys neither template names are never touched, and the handler's own marks are never removed here. With no previous
 * template (an Update whose OldResourceProperties do not decode), every template tag is written.
 */
export interface TagWrites {
  /** The tags one TagResource sets (empty: no call). */
  readonly toAdd: Record<string, string>;
  /** The keys one UntagResource removes, sorted (empty: no call). */
  readonly toRemove: string[];
}

/**
 * `templateTags`: the new properties' tags. `handlerTags`: the marks the handler keeps on every replicator of the
 * resource (owner; deployed under RETAIN). `previousTemplateTags`: the tags of the template the replicator may carry
 * besides the new one (the OldResourceProperties' tags), undefined when unknown. `live`: one ListTagsForResource read.
 */
export function tagWrites(
  templateTags: Record<string, string>,
  handlerTags: Record<string, string>,
  previousTemplateTags: Record<string, string> | undefined,
  live: Record<string, string>,
): TagWrites {
  const toAdd: Record<string, string> = {};
  for (const [key, value] of Object.entries(templateTags)) {
    // the handler's marks win over a template tag of the same key, as in CreateReplicator (on-event.ts)
    if (key in handlerTags) continue;
    if (previousTemplateTags?.[key] !== value || live[key] !== value) toAdd[key] = value;
  }
  for (const [key, value] of Object.entries(handlerTags)) {
    if (live[key] !== value) toAdd[key] = value;
  }
  const toRemove = Object.keys(previousTemplateTags ?? {})
    .filter((key) => !(key in templateTags) && !(key in handlerTags) && !HANDLER_TAG_KEYS.includes(key))
    .sort();
  return { toAdd, toRemove };
}
