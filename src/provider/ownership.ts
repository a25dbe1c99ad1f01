import { createHash } from 'crypto';
import type { DescribeReplicatorResponse, KafkaClient } from '@aws-sdk/client-kafka';
import type { Logger, ProviderEvent } from './events';
import { describeReplicator, isReplicatorArn, listReplicatorArns } from './kafka-calls';
import {
  generatedNameStem,
  immutableDifferences,
  isOwnerValue,
  OWNER_TAG_KEY,
  REPLACES_TAG_KEY,
  RETAINED_TAG_KEY,
  ROLLED_BACK_TAG_KEY,
} from './lifecycle';
import type { ReplicatorProperties } from './properties';
import { ABSENCE_REREAD_WAITS_MS, firstTagRead, tagsUnlessGone } from './tag-reads';

/**
 * Which replicators belong to which CloudFormation resource and request, read from the tags the handler sets
 * (lifecycle.ts: owner, request, replaces, retained, deployed, rolled-back-to).
 */

/** A value for the owner tag that only this CloudFormation resource produces. */
export function ownerTagValue(event: ProviderEvent): string {
  return createHash('sha256').update(`${event.StackId}|${event.LogicalResourceId}`).digest('hex').slice(0, 32);
}

/** A value for the request tag that only this request (and a retried delivery of it) produces. */
export function requestTagValue(event: ProviderEvent): string {
  return createHash('sha256').update(`${event.StackId}|${event.LogicalResourceId}|${event.RequestId}`).digest('hex').slice(0, 32);
}

/** What a replicator found for an Update is to this resource. */
type Verdict =
  | { readonly kind: 'return'; readonly live: DescribeReplicatorResponse }
  /**
   * It has the requested configuration and the resource's name, but nothing tells whose it is (`why`): it may be ours.
   */
  | { readonly kind: 'unproven'; readonly why: string }
  | { readonly kind: 'no' };

/**
 * Whether the Update may return to the replicator `arn` instead of creating one: it exists and is not being deleted,
 * has exactly the requested configuration (lists compared as sets), was neither retained nor left by a rollback, and
 * carries this resource's owner tag. `vouched` (the replicator CloudFormation tracks names it in its `replaces` tag,
 * written by this resource when it replaced it) stands in for an owner tag someone removed or rewrote to a value no
 * resource writes; another resource's owner value never does.
 */
async function judge(
  arn: string,
  props: ReplicatorProperties,
  event: ProviderEvent,
  client: KafkaClient,
  vouched: boolean,
): Promise<Verdict> {
  const live = await describeReplicator(client, arn);
  if (live === undefined || live.ReplicatorState === 'DELETING') return { kind: 'no' };
  if (immutableDifferences(props, live).length > 0) return { kind: 'no' };
  // DescribeReplicator has just seen it: a NotFound from the tag read may lag behind its creation, or be true (deleted
  // since, and that Describe lagging). Read again, then DescribeReplicator decides, with the Tags it answers
  // (tag-reads.ts `tagsUnlessGone`); with none, nothing tells whose it is.
  const view = await tagsUnlessGone(client, arn, firstTagRead(client, arn, ABSENCE_REREAD_WAITS_MS), []);
  if (view.kind === 'gone' || view.live?.ReplicatorState === 'DELETING') return { kind: 'no' };
  const tags = view.tags;
  if (tags === undefined) {
    return { kind: 'unproven', why: 'its tags cannot be read (ListTagsForResource answers NotFound while DescribeReplicator sees it)' };
  }
  // the tags read here travel with the replicator: a later read of them may lag (on-event.ts `originalToReturnTo`)
  const seen = { ...live, Tags: { ...live.Tags, ...tags } };
  // a mark seen by any read was written, the first DescribeReplicator's included (a later read may lag behind it)
  if (seen.Tags[RETAINED_TAG_KEY] !== undefined || seen.Tags[ROLLED_BACK_TAG_KEY] !== undefined) return { kind: 'no' };
  const owner = tags[OWNER_TAG_KEY];
  if (owner === ownerTagValue(event)) return { kind: 'return', live: seen };
  // An owner tag removed, or rewritten to something no resource writes (a tag policy's placeholder, a clean-up tool's
  // marker), proves nothing either way; only another resource's well-formed owner value says it is someone else's.
  if (isOwnerValue(owner)) return { kind: 'no' };
  return vouched ? { kind: 'return', live: seen } : { kind: 'unproven', why: `not its owner tag (${OWNER_TAG_KEY} missing or edited; by a tag policy or a clean-up tool?)` };
}

/**
 * A replicator this resource already has with the requested configuration, which an Update must return to instead of
 * creating one; undefined when there is none.
 *
 * CloudFormation's rollback of a replacement is an Update with the old properties, sent to the id it recorded: the
 * replacement's ARN (from the FAILED response, or from the successful one when another resource failed). It carries
 * nothing else naming the original. So the original is found
 * 1. through the `replaces` tag of `current` (the replicator the Update was sent to), which survives someone removing
 *    the original's own tags;
 * 2. otherwise among the replicators named like this resource's (its fixed name, or its generated-name stem), by
 *    owner tag and configuration: this finds it when the replacement is already gone.
 * A replicator that has the name and configuration but no owner tag at all, or whose tags cannot be read, cannot be
 * told from someone else's: the Update fails rather than create a second replicator beside one that may be ours, or
 * adopt one that may not be.
 */
export async function replicatorToReturnTo(
  props: ReplicatorProperties,
  event: ProviderEvent,
  client: KafkaClient,
  log: Logger,
  current: { readonly arn: string; readonly tags: Record<string, string> },
): Promise<DescribeReplicatorResponse | undefined> {
  const replaced = current.tags[REPLACES_TAG_KEY];
  const unproven: Array<{ readonly arn: string; readonly why: string }> = [];
  if (isReplicatorArn(replaced)) {
    const verdict = await judge(replaced, props, event, client, true);
    if (verdict.kind === 'return') return verdict.live;
    if (verdict.kind === 'unproven') unproven.push({ arn: replaced, why: verdict.why });
  }
  const nameFilter = props.ReplicatorName ?? generatedNameStem(props.ReplicatorNamePrefix!);
  log(`ListReplicators ${nameFilter}`);
  for (const arn of await listReplicatorArns(client, nameFilter)) {
    if (arn === current.arn || arn === replaced) continue;
    if (props.ReplicatorName !== undefined && !arn.includes(`:replicator/${props.ReplicatorName}/`)) continue;
    const verdict = await judge(arn, props, event, client, false);
    if (verdict.kind === 'return') return verdict.live;
    if (verdict.kind === 'unproven') unproven.push({ arn, why: verdict.why });
  }
  if (unproven.length > 0) {
    const [first] = unproven;
    throw new Error(`Replicator ${first.arn} has this resource's name and the requested configuration but ${first.why}, so it `
      + 'cannot be told from someone else\'s, and creating another would leave two replicators writing the same topics. If it '
      + `is this resource's, make sure it is tagged ${OWNER_TAG_KEY}=${ownerTagValue(event)} and retry (continue the rollback); `
      + 'otherwise delete it or change the template.');
  }
  return undefined;
}
