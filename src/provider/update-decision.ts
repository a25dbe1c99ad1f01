import type { DescribeReplicatorResponse } from '@aws-sdk/client-kafka';
import { immutableDifferences, replacementBlocker, replacementCauses } from './lifecycle';
import type { ReplicatorProperties } from './properties';

/**
 * What an Update of an existing replicator does, decided before any call that changes something: in place, a new
 * replicator, or refused. Pure: the handler (on-event.ts) acts on it, and the `plan` command (src/cli/stack-plan.ts)
 * prints it before a deployment, so the two cannot disagree.
 */
export type UpdateDecision =
  | { readonly kind: 'in-place' }
  | { readonly kind: 'replace'; readonly causes: string[] }
  | { readonly kind: 'refuse'; readonly causes: string[]; readonly reason: string; readonly protection: boolean };

/**
 * `previous`: the OldResourceProperties (undefined when they do not match the contract: the live replicator is the
 * witness then). `live`: the replicator the physical id names, as DescribeReplicator reports it.
 */
export function decideUpdate(
  previous: ReplicatorProperties | undefined,
  props: ReplicatorProperties,
  live: DescribeReplicatorResponse,
): UpdateDecision {
  const causes = previous !== undefined
    ? replacementCauses(previous, props, live)
    : immutableDifferences(props, live).map((d) => d.prop);
  if (causes.length === 0) return { kind: 'in-place' };
  // a fixed name that stays cannot be the original's either (names are unique): refused before any call
  const blocker = replacementBlocker(causes, previous ?? { ReplicatorName: live.ReplicatorName }, props);
  if (blocker) return { kind: 'refuse', causes, reason: blocker, protection: false };
  if (protectedAgainstReplacement(previous, props)) {
    return { kind: 'refuse', causes, reason: protectionMessage(causes), protection: true };
  }
  return { kind: 'replace', causes };
}

/**
 * Protected when the new properties ask for it and the previous ones did not turn it off. CloudFormation's rollback of
 * a replacement that was allowed sends the old (protected) properties to the new replicator as an Update whose
 * OldResourceProperties are the allowing ones: refusing it would leave the stack in UPDATE_ROLLBACK_FAILED. The price:
 * turning protection back on takes effect from the deployment after the one that turns it on.
 */
function protectedAgainstReplacement(previous: ReplicatorProperties | undefined, props: ReplicatorProperties): boolean {
  return props.ReplacementProtection === true && previous?.ReplacementProtection !== false;
}

function protectionMessage(causes: string[]): string {
  return `Changing ${causes.map((c) => `\`${c}\``).join(', ')} requires a new replicator, and replacementProtection is on: `
    + 'a new replicator copies again from its starting position (duplicates in the target topics) and starts consumer '
    + 'group offset synchronisation over. Nothing was changed. To allow this replacement, deploy it once with '
    + '`replacementProtection: false` on this MskReplicator, then set it back.';
}
