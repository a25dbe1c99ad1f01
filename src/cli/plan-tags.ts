import { HANDLER_TAG_KEYS } from '../provider/lifecycle';

/**
 * The tag changes `plan` shows (stack-plan.ts): what differs between the template's tags and the live ones. The
 * handler's reconciliation decides its writes from the event first (src/provider/tag-writes.ts: it also writes values
 * that a lagging read shows in place already); a plan reports the difference a user sees.
 *
 * Only keys this resource manages are removed:
 * keys in the previous properties that are gone from the new ones. Tags someone else added are kept.
 */
export function planTags(
  desired: Record<string, string>,
  previouslyManaged: Record<string, string> | undefined,
  live: Record<string, string>,
): { toAdd: Record<string, string>; toRemove: string[] } {
  const toAdd: Record<string, string> = {};
  for (const [key, value] of Object.entries(desired)) {
    if (live[key] !== value) toAdd[key] = value;
  }
  const toRemove = Object.keys(previouslyManaged ?? {})
    .filter((key) => !(key in desired) && key in live && !HANDLER_TAG_KEYS.includes(key))
    .sort();
  return { toAdd, toRemove };
}
