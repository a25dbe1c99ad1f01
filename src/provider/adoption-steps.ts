import { DescribeReplicatorResponse, KafkaClient, TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-kafka';
import {
  adoptionRefusal,
  decodeFoundState,
  DELETION_STATUSES,
  foreignRecordRefusal,
  FoundState,
  foundProperties,
  foundStateKeys,
  managedByValue,
  planAdoptionWrite,
  restoreTags,
} from './adoption';
import type { IsCompleteEvent, IsCompleteResponse, Logger, OnEventResponse, ProviderEvent } from './events';
import { sendInPlaceUpdate } from './in-place-update';
import { describeReplicator, findReplicatorByName, isGone } from './kafka-calls';
import { isOwnerValue, OWNER_TAG_KEY, planInPlaceUpdate, REQUEST_TAG_KEY, RETAINED_TAG_KEY } from './lifecycle';
import { writeMark } from './mark-write';
import { ownerTagValue } from './ownership';
import { decodeProperties, ReplicatorProperties } from './properties';
import { RETAINED_MARK } from './retained-mark';
import { sleep } from './sleep';
import type { StackStatusReader } from './stack-status';
import { mergedTagReads, NO_TAGS_SEEN, tagsUnlessGone } from './tag-reads';

/**
 * The handler's side of adoption (adoption.ts holds the decisions):
 *
 * - onEvent, Create with `AdoptExisting`: find the replicator by name, refuse (changing nothing) when it differs in
 *   what cannot change in place, belongs to another resource or is FAILED; otherwise answer with its ARN.
 * - isComplete `adopt`: once the replicator is RUNNING, record how it was found (tags), take ownership, then
 *   reconcile it like any update (is-complete.ts).
 * - Delete of an adopted replicator (onEvent tells it from one this resource created; isComplete reads the stack's
 *   status): a Delete while CloudFormation rolls the adoption back gives the replicator back as it was found; a Delete
 *   that was asked for deletes or retains it as usual.
 */

/** Waits between re-reads of a replicator the lists or DescribeReplicator do not show yet: 7.5 s in all. */
export const ADOPTION_REREAD_WAITS_MS = [500, 1000, 2000, 4000];

/** onEvent for a Create with `AdoptExisting`: nothing is written here. */
export async function adopt(event: ProviderEvent, props: ReplicatorProperties, client: KafkaClient, log: Logger): Promise<OnEventResponse> {
  const name = props.ReplicatorName!;
  let live: DescribeReplicatorResponse | undefined;
  for (const wait of [0, ...ADOPTION_REREAD_WAITS_MS]) {
    if (wait > 0) {
      log(`adopting ${name}: not found yet, reading again in ${wait} ms (a read may lag behind a write)`);
      await sleep(wait);
    }
    log(`ListReplicators ${name}`);
    const arn = await findReplicatorByName(client, name);
    live = arn !== undefined ? await describeReplicator(client, arn) : undefined;
    if (live !== undefined) break;
  }
  if (live === undefined) {
    throw new Error(`No replicator named "${name}" exists in this account and Region, so there is nothing to adopt. `
      + 'Nothing was changed. Check `replicatorName` and the stack\'s account and Region, or remove `adoptExisting` to '
      + 'create the replicator.');
  }
  const arn = live.ReplicatorArn!;
  // a NotFound of the tag read may lag behind what DescribeReplicator just showed (tag-reads.ts): its Tags stand in, so
  // that another resource's owner tag still refuses the adoption
  const tags = await mergedTagReads(client, arn, []) ?? live.Tags ?? {};
  const refusal = adoptionRefusal(props, live, tags, ownerTagValue(event)) ?? foreignRecordRefusal(name, tags, ownerTagValue(event));
  if (refusal !== undefined) throw new Error(refusal);
  log(`adopting ${arn} (${live.ReplicatorState}): it matches the template in everything that cannot change in place`);
  return {
    PhysicalResourceId: arn,
    Data: { ReplicatorArn: arn, ReplicatorName: name, CurrentVersion: live.CurrentVersion, LifecycleAction: 'adopt' },
  };
}

/**
 * isComplete `adopt`, before the reconciliation: waits for a state the replicator can be taken over in, then writes
 * the record of how it was found together with this resource's ownership (one UntagResource for an earlier life's
 * handler tags, then one TagResource). Answers a response while it waits; undefined once the record is in place.
 */
export async function recordAdoption(event: IsCompleteEvent, client: KafkaClient, log: Logger): Promise<IsCompleteResponse | undefined> {
  const arn = event.PhysicalResourceId;
  const props = decodeProperties(event.ResourceProperties);
  const live = await describeReplicator(client, arn);
  if (live === undefined) throw new Error(`Replicator ${arn} was deleted while it was being adopted. Nothing is left to adopt.`);
  if (live.ReplicatorState === 'CREATING' || live.ReplicatorState === 'UPDATING') {
    log(`${arn} is ${live.ReplicatorState}: adopting it once it settles`);
    return { IsComplete: false };
  }
  // the Tags DescribeReplicator answered stand in for tag reads that all lag (NotFound): another resource's owner tag
  // still refuses, and is never overwritten
  const tags = await mergedTagReads(client, arn, ADOPTION_REREAD_WAITS_MS) ?? live.Tags;
  if (tags === undefined) {
    log(`${arn}: ${NO_TAGS_SEEN} yet: adopting it at the next poll`);
    return { IsComplete: false };
  }
  if (tags[OWNER_TAG_KEY] === ownerTagValue(event) && decodeFoundState(tags) !== undefined) return undefined;
  const plan = planAdoptionWrite(props, live, tags, ownerTagValue(event), managedByValue(event.StackId, event.LogicalResourceId));
  if ('refusal' in plan) throw new Error(plan.refusal);
  // the record first: from then on a rollback can give back whatever follows, the removal of an earlier life's marks
  // included (the record holds their old values)
  log(`TagResource ${arn} keys=${Object.keys(plan.write.set).sort().join(',')} (ownership and the record of how it was found)`);
  await client.send(new TagResourceCommand({ ResourceArn: arn, Tags: plan.write.set }));
  if (plan.write.remove.length > 0) {
    log(`UntagResource ${arn} keys=${plan.write.remove.join(',')} (an earlier life's marks)`);
    await client.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: plan.write.remove }));
  }
  return undefined;
}

/**
 * onEvent, Delete with `AdoptExisting`: whether the replicator the physical id names is one this resource CREATED (a
 * replacement made after the adoption), which is deleted or retained as usual. CreateReplicator is the only call that
 * writes the request tag, and an adoption removes an earlier life's; a record of how it was found marks the adopted one.
 */
export async function createdByThisResource(event: ProviderEvent, arn: string, client: KafkaClient): Promise<boolean> {
  // gone only when DescribeReplicator agrees with the tag reads (tag-reads.ts): a NotFound of every tag read, taken for
  // "gone", sent an adopted replicator down the path that deletes it, instead of giving it back
  const view = await tagsUnlessGone(client, arn, mergedTagReads(client, arn, ADOPTION_REREAD_WAITS_MS), ADOPTION_REREAD_WAITS_MS);
  if (view.kind === 'gone') return true;
  if (view.tags === undefined) {
    throw new Error(`Replicator ${arn} exists, but ${NO_TAGS_SEEN}, which tell an adopted replicator (given back as found) `
      + 'from one this resource created; nothing was changed. Retry the operation.');
  }
  const tags = view.tags;
  let record: FoundState | undefined;
  try {
    record = decodeFoundState(tags);
  } catch {
    record = {} as FoundState;
  }
  // a replicator this resource created and later let go (RETAIN) is adopted again, not created again: its old request
  // and retained marks would otherwise make the rollback of a failed re-adoption delete it
  return tags[OWNER_TAG_KEY] === ownerTagValue(event) && record === undefined && tags[REQUEST_TAG_KEY] !== undefined
    && tags[RETAINED_TAG_KEY] === undefined;
}

/** What the Delete of an adopted replicator does, once the stack's status is known. */
export type AdoptedFate = 'delete' | 'release' | 'done' | 'wait';

/**
 * isComplete `adopted-delete`: a Delete while CloudFormation rolls the adoption back (or when the stack's status
 * cannot be read: the answer that deletes nothing) gives the replicator back as it was found (`release`); a Delete
 * that was asked for (the stack deleted, or the resource removed by a successful update) deletes it (`delete`), or,
 * under RETAIN, marks it retained and drops the record (`done`); a replicator another resource owns is left alone.
 */
export async function adoptedFate(event: IsCompleteEvent, client: KafkaClient, log: Logger, stacks: StackStatusReader): Promise<AdoptedFate> {
  const arn = event.PhysicalResourceId;
  // undefined only when DescribeReplicator agrees with the tag reads that it is gone (tag-reads.ts)
  const view = await tagsUnlessGone(client, arn, mergedTagReads(client, arn, ADOPTION_REREAD_WAITS_MS), ADOPTION_REREAD_WAITS_MS);
  if (view.kind === 'seen' && view.tags === undefined) {
    log(`${arn}: ${NO_TAGS_SEEN} yet: looking again at the next poll`);
    return 'wait';
  }
  const tags = view.kind === 'gone' ? undefined : view.tags;
  // another resource's replicator (its adoption refused here, or someone else's since): neither deleted nor given back
  const owner = tags?.[OWNER_TAG_KEY];
  if (owner !== ownerTagValue(event) && isOwnerValue(owner)) {
    log(`${arn} is owned by another resource (${OWNER_TAG_KEY}=${owner}): left as it is`);
    return 'done';
  }
  // throws when the status cannot be read (isComplete tries again at the next poll for a transient error): guessing
  // either way could delete a replicator that existed before the stack, or roll back one the stack ran
  const status = await stacks(event.StackId, log);
  if (!DELETION_STATUSES.includes(status)) {
    log(`stack ${status}: the adoption of ${arn} is undone, the replicator given back as it was found`);
    return 'release';
  }
  if (decodeProperties(event.ResourceProperties).DeletionBehaviour !== 'retain') return 'delete';
  // Under RETAIN an adopted replicator is never deleted, not even one no read shows: DeleteReplicator would delete it if
  // it exists after all. A NotFound of the mark that DescribeReplicator does not confirm is written again at the next
  // poll (retained-mark.ts).
  const mark = await writeMark(client, arn, { ...RETAINED_MARK }, log);
  if (mark === 'not-yet') return 'wait';
  if (mark === 'gone') {
    log(`${arn} no longer exists: nothing to retain`);
    return 'done';
  }
  // marked, though no read showed its tags: the record is removed at the next poll, from a read that shows them
  if (tags === undefined) return 'wait';
  try {
    // the record of how it was found is of no use once the stack lets the replicator go
    const record = foundStateKeys(tags);
    if (record.length > 0) {
      log(`UntagResource ${arn} keys=${record.join(',')}`);
      await client.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: record }));
    }
  } catch (error) {
    if (!isGone(error)) throw error;
  }
  log(`removal policy RETAIN: ${arn} is left running and is no longer managed by this stack`);
  return 'done';
}

/**
 * isComplete `release`: gives an adopted replicator back as it was found, from the record the adoption wrote: its
 * topics, consumer groups and log delivery (one UpdateReplicationInfo when they differ), then its tags (the old
 * values back, the keys it did not have removed, the record last). A replicator with no record was never written to.
 */
export async function releaseStep(event: IsCompleteEvent, client: KafkaClient, log: Logger): Promise<IsCompleteResponse> {
  const arn = event.PhysicalResourceId;
  const live = await describeReplicator(client, arn);
  if (live === undefined || live.ReplicatorState === 'DELETING') {
    log(`${arn} ${live === undefined ? 'no longer exists' : 'is being deleted'}: nothing to give back`);
    return { IsComplete: true };
  }
  if (live.ReplicatorState === 'CREATING' || live.ReplicatorState === 'UPDATING') return { IsComplete: false };
  // the Tags DescribeReplicator answered stand in for tag reads that all lag (NotFound): they hold the record to give back
  const tags = await mergedTagReads(client, arn, ADOPTION_REREAD_WAITS_MS) ?? live.Tags;
  if (tags === undefined) {
    log(`${arn}: ${NO_TAGS_SEEN} yet: giving it back at the next poll`);
    return { IsComplete: false };
  }
  const found = decodeFoundState(tags);
  if (found === undefined || found.owner !== ownerTagValue(event)) {
    log(`${arn} carries no record of an adoption by this resource: it was never written to, nothing to give back`);
    return { IsComplete: true };
  }
  const asFound = foundProperties(decodeProperties(event.ResourceProperties), found);
  const request = planInPlaceUpdate(asFound, live);
  if (request !== undefined) {
    if (live.ReplicatorState !== 'RUNNING') {
      throw new Error(`Replicator ${arn} is ${live.ReplicatorState} and cannot be given back its configuration as found; `
        + 'its tags still hold the record (cdk-msk-replicator:found-as/*).');
    }
    return sendInPlaceUpdate(request, live, client, log);
  }
  // A configuration already as found ends the give-back, and a read that lags behind the adoption's own update shows
  // exactly that (the replicator as it was before it): believed only when the re-reads agree, at the same version.
  for (const wait of ADOPTION_REREAD_WAITS_MS) {
    await sleep(wait);
    const again = await describeReplicator(client, arn);
    if (again === undefined || again.CurrentVersion !== live.CurrentVersion || again.ReplicatorState !== live.ReplicatorState
      || planInPlaceUpdate(asFound, again) !== undefined) {
      log(`${arn} read again: ${again ? `${again.ReplicatorState} CurrentVersion=${again.CurrentVersion}` : 'not found'}; `
        + 'looking again at the next poll (the first read lagged behind a write)');
      return { IsComplete: false };
    }
  }
  const restore = restoreTags(found, tags);
  try {
    if (Object.keys(restore.toAdd).length > 0) {
      log(`TagResource ${arn} keys=${Object.keys(restore.toAdd).sort().join(',')} (the values it was found with)`);
      await client.send(new TagResourceCommand({ ResourceArn: arn, Tags: restore.toAdd }));
    }
    log(`UntagResource ${arn} keys=${restore.toRemove.join(',')} (what the adoption added)`);
    await client.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: restore.toRemove }));
  } catch (error) {
    if (!isGone(error)) throw error;
  }
  log(`${arn} given back as it was found`);
  return { IsComplete: true };
}
