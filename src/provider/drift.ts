import type { DescribeReplicatorResponse } from '@aws-sdk/client-kafka';
import { immutableDifferences, OWNER_TAG_KEY, planInPlaceUpdate, sameValue } from './lifecycle';
import type { ReplicatorProperties } from './properties';
import { consumerGroupReplicationUpdate, logDelivery, topicReplicationUpdate } from './requests';

/**
 * The read-only drift report: which fields of a live replicator differ from the properties a template
 * declares. The same comparison the handler uses to reconcile on update (lifecycle.ts), itemised per field.
 */

/** Marks a template value that CloudFormation resolves only at deploy time (a Ref or Fn::GetAtt). */
export const DEPLOY_TIME_VALUE = '<resolved at deploy time>';

export interface DriftItem {
  /** The construct prop, e.g. `topicReplication.topicsToReplicate` or `tags.team`. */
  readonly field: string;
  readonly desired: unknown;
  readonly live: unknown;
  /** Whether the next deployment's update brings it back in place (otherwise it needs a new replicator). */
  readonly healedInPlace: boolean;
}

function containsDeployTimeValue(value: unknown): boolean {
  return JSON.stringify(value ?? null).includes(DEPLOY_TIME_VALUE);
}

function memberDrift(prefix: string, desired: object, live: object | undefined): DriftItem[] {
  return Object.entries(desired)
    .map(([member, want]) => {
      const have = (live as Record<string, unknown> | undefined)?.[member];
      return { field: `${prefix}.${member.charAt(0).toLowerCase()}${member.slice(1)}`, desired: want, live: have, healedInPlace: true };
    })
    .filter((item) => !sameValue(item.desired, item.live ?? (Array.isArray(item.desired) ? [] : undefined)));
}

/**
 * Every difference between `desired` (a template's properties) and the live replicator and its tags.
 * Values the template resolves only at deploy time cannot be compared and are left out.
 */
export function driftReport(
  desired: ReplicatorProperties,
  live: DescribeReplicatorResponse,
  liveTags: Record<string, string>,
): DriftItem[] {
  const items: DriftItem[] = immutableDifferences(desired, live)
    .map((d) => ({ field: d.prop, desired: d.desired, live: d.live, healedInPlace: false }));
  const info = live.ReplicationInfoList?.[0];
  items.push(...memberDrift('topicReplication', topicReplicationUpdate(desired), info?.TopicReplication));
  items.push(...memberDrift('consumerGroupReplication', consumerGroupReplicationUpdate(desired), info?.ConsumerGroupReplication));
  const update = planInPlaceUpdate(desired, live);
  if (update?.LogDelivery !== undefined) {
    items.push({ field: 'logDelivery', desired: logDelivery(desired.LogDelivery), live: live.LogDelivery, healedInPlace: true });
  }
  for (const [key, value] of Object.entries(desired.Tags ?? {})) {
    if (liveTags[key] !== value) items.push({ field: `tags.${key}`, desired: value, live: liveTags[key], healedInPlace: true });
  }
  return items.filter((item) => item.field !== `tags.${OWNER_TAG_KEY}` && !containsDeployTimeValue(item.desired));
}
