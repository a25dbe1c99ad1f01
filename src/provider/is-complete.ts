import {
  DeleteReplicatorCommand,
  DescribeReplicatorResponse,
  KafkaClient,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-kafka';
import { foundStateKeys } from './adoption';
import { adoptedFate, recordAdoption, releaseStep } from './adoption-steps';
import { isOutOfTime } from './call-gate';
import type { IsCompleteEvent, IsCompleteResponse, Logger, ResourceData } from './events';
import { sendInPlaceUpdate } from './in-place-update';
import { describeReplicator, errorMessage, errorName, isTransient, listTagsIfVisible } from './kafka-calls';
import { DEPLOYED_TAG_KEY, immutableDrift, OWNER_TAG_KEY, planInPlaceUpdate } from './lifecycle';
import { ownerTagValue } from './ownership';
import { assertAsRequested, nameTaken, parsePendingCreation, resolvePendingCreation } from './pending-creation';
import type { ReplicatorProperties } from './properties';
import { decodePreviousProperties, decodeProperties } from './properties';
import { writeDeferredRetainedMark } from './retained-mark';
import { writeDeferredMark } from './rolled-back-mark';
import { serviceTimeRunningOut } from './service-deadline';
import { sleep } from './sleep';
import { describeStackStatus, StackStatusReader } from './stack-status';
import { tagWrites } from './tag-writes';
import { mayBelieveGone, VISIBILITY_GRACE_MS } from './visibility';

/**
 * isComplete: polled by the Provider framework until it returns true or throws.
 *
 * Every call looks at the live replicator and takes the next step, so a step that failed transiently, or a
 * replicator that was busy, is simply retried at the next poll. Transient errors (throttling, 5xx, connection
 * failures) never fail the deployment here: they mean "not yet", as does a call the invocation had no time left to
 * wait for (call-gate.ts).
 */
export async function isComplete(
  event: IsCompleteEvent,
  client: KafkaClient,
  log: Logger,
  stacks: StackStatusReader = describeStackStatus,
): Promise<IsCompleteResponse> {
  // `timeout` never bounds a delete (see onEvent), not even one started by an earlier version that set a Deadline.
  const bounded = event.Data.Deadline !== undefined && event.Data.LifecycleAction !== 'delete' && event.Data.LifecycleAction !== 'adopted-delete';
  const deadline = bounded ? Number(event.Data.Deadline) : undefined;
  if (deadline !== undefined && Date.now() > deadline) {
    throw new Error(`Timed out waiting for ${event.PhysicalResourceId} (the replicator's \`timeout\` elapsed). `
      + 'The replicator keeps its current state; the next deployment continues from it.');
  }
  // CloudFormation's ServiceTimeout is enforced here, a poll's worth before CloudFormation would (service-deadline.ts)
  const runningOut = serviceTimeRunningOut(event);
  if (runningOut !== undefined) throw new Error(runningOut);
  try {
    switch (event.Data.LifecycleAction) {
      case 'create':
        return await awaitCreation(event, client, log);
      case 'update': {
        const reconciled = await reconcile(event, client, log);
        // a rollback's mark onEvent could not write (rolled-back-mark.ts): written before the rollback completes
        if (reconciled.IsComplete && !await writeDeferredMark(event, client, log)) return { IsComplete: false };
        return reconciled;
      }
      case 'adopt':
        return await recordAdoption(event, client, log) ?? await reconcile(event, client, log);
      case 'adopted-delete': {
        const fate = await adoptedFate(event, client, log, stacks);
        if (fate === 'delete') return await deleteStep(event.PhysicalResourceId, event.Data, client, log);
        if (fate === 'wait') return { IsComplete: false };
        return fate === 'release' ? await releaseStep(event, client, log) : { IsComplete: true };
      }
      case 'delete':
        return await deleteStep(event.PhysicalResourceId, event.Data, client, log);
      case 'retain':
        // the retained mark onEvent could not write yet (retained-mark.ts)
        return { IsComplete: await writeDeferredRetainedMark(event, client, log) };
      default:
        return { IsComplete: true };
    }
  } catch (error) {
    if (isTransient(error)) {
      log(`transient ${errorName(error)} (${errorMessage(error)}): trying again at the next poll`);
      return { IsComplete: false };
    }
    // a call or a wait this invocation had no time left for (call-gate.ts): the next poll goes on from here
    if (isOutOfTime(error)) {
      log(`${errorMessage(error)}: going on at the next poll`);
      return { IsComplete: false };
    }
    throw error;
  }
}

function attributes(live: DescribeReplicatorResponse): IsCompleteResponse['Data'] {
  const info = live.ReplicationInfoList?.[0];
  return {
    ReplicatorArn: live.ReplicatorArn,
    ReplicatorName: live.ReplicatorName,
    CurrentVersion: live.CurrentVersion,
    SourceClusterAlias: info?.SourceKafkaClusterAlias,
    TargetClusterAlias: info?.TargetKafkaClusterAlias,
  };
}

function failureReason(live: DescribeReplicatorResponse): string {
  const info = live.StateInfo;
  return info ? `${info.Code ?? 'UNKNOWN'}: ${info.Message ?? '(no message)'}` : '(the service gave no reason)';
}

async function describe(client: KafkaClient, arn: string, log: Logger) {
  const live = await describeReplicator(client, arn);
  log(`DescribeReplicator ${arn}: ${live ? `${live.ReplicatorState} CurrentVersion=${live.CurrentVersion}` : 'not found'}`);
  return live;
}

/**
 * How long a replicator just created may answer NotFound before isComplete believes it (visibility.ts): a create
 * waits that long from its start, a Delete that never saw its replicator from the Delete's start.
 */
export { VISIBILITY_GRACE_MS };

/**
 * Waits for a new replicator to run. One that ends FAILED is left for CloudFormation, which always deletes it next:
 * the rollback Delete of a create, or the cleanup Delete after the rollback of a replacement. A pending creation
 * (pending-creation.ts) is first found by name and request tag, and answered with its ARN.
 */
async function awaitCreation(event: IsCompleteEvent, client: KafkaClient, log: Logger): Promise<IsCompleteResponse> {
  const pending = parsePendingCreation(event.PhysicalResourceId);
  if (pending === undefined) return awaitRunning(event, event.PhysicalResourceId, client, log);
  const resolved = await resolvePendingCreation(client, pending, log);
  if (resolved.kind === 'other') throw nameTaken(pending.name, resolved.tags[OWNER_TAG_KEY] === ownerTagValue(event));
  if (resolved.kind !== 'ours') {
    // the lists may lag behind the create: as long as a new replicator may stay invisible; after that the create
    // fails, and its rollback Delete, sent to the pending id, resolves it again
    if (Date.now() - Number(event.Data.RequestedAt ?? 0) < VISIBILITY_GRACE_MS) return { IsComplete: false };
    const answer = event.Data.CreateError !== undefined ? ` (${event.Data.CreateError})` : '';
    throw new Error(`CreateReplicator "${pending.name}" had no usable answer${answer}, and ListReplicators with its tags did not show a `
      + `replicator of that name created by this request within ${VISIBILITY_GRACE_MS / 1000} s. If one appears, CloudFormation's `
      + 'rollback deletes it; deploy again.');
  }
  assertAsRequested(pending.name, decodeProperties(event.ResourceProperties), resolved.live);
  // the Describe just read is this poll's: not read again, so that a poll with slow calls still fits (call-gate.ts)
  const result = await awaitRunning(event, resolved.arn, client, log, resolved.live);
  return result.IsComplete ? { ...result, PhysicalResourceId: resolved.arn } : result;
}

async function awaitRunning(
  event: IsCompleteEvent, arn: string, client: KafkaClient, log: Logger, described?: DescribeReplicatorResponse,
): Promise<IsCompleteResponse> {
  const live = described ?? await describe(client, arn, log);
  if (live === undefined) {
    const requestedAt = Number(event.Data.RequestedAt ?? 0);
    if (Date.now() - requestedAt < VISIBILITY_GRACE_MS) {
      log(`${arn} is not visible yet (just created): trying again at the next poll`);
      return { IsComplete: false };
    }
    throw new Error(`Replicator ${arn} disappeared while it was being created.`);
  }
  switch (live.ReplicatorState) {
    case 'RUNNING':
      await markDeployed(decodeProperties(event.ResourceProperties), arn, client, log);
      return { IsComplete: true, Data: attributes(live) };
    case 'FAILED':
      throw new Error(`Replicator ${live.ReplicatorName} failed to create: ${failureReason(live)}. `
        + 'CloudFormation deletes it as it rolls back; fix the cause and deploy again.');
    case 'CREATING': {
      const props = decodeProperties(event.ResourceProperties);
      if (!props.WaitForRunning) {
        log(`${arn} is CREATING; not waiting for RUNNING (waitForRunning is false)`);
        await markDeployed(props, arn, client, log);
        return { IsComplete: true, Data: attributes(live) };
      }
      return { IsComplete: false };
    }
    default:
      throw new Error(`Replicator ${arn} went ${live.ReplicatorState} while it was being created.`);
  }
}

/** Under RETAIN, marks a replicator whose creation completed, so that only deployed replicators are retained. */
async function markDeployed(props: ReplicatorProperties, arn: string, client: KafkaClient, log: Logger) {
  if (props.DeletionBehaviour !== 'retain') return;
  log(`TagResource ${arn} keys=${DEPLOYED_TAG_KEY}`);
  await client.send(new TagResourceCommand({ ResourceArn: arn, Tags: { [DEPLOYED_TAG_KEY]: 'true' } }));
}

/**
 * Brings the live replicator to the desired properties: one UpdateReplicationInfo with the parts that differ,
 * sent with the CurrentVersion just read; then tags. Completes only when nothing differs any more.
 */
async function reconcile(event: IsCompleteEvent, client: KafkaClient, log: Logger): Promise<IsCompleteResponse> {
  const arn = event.PhysicalResourceId;
  const desired = decodeProperties(event.ResourceProperties);
  const previous = decodePreviousProperties(event.OldResourceProperties);
  const live = await describe(client, arn, log);
  if (live === undefined) {
    throw new Error(`Replicator ${arn} was deleted outside CloudFormation during the update. `
      + 'Deploy again: the next update creates a new replicator.');
  }
  switch (live.ReplicatorState) {
    case 'RUNNING':
    case 'FAILED':
      break;
    case 'CREATING':
    case 'UPDATING':
      return { IsComplete: false };
    default:
      throw new Error(`Replicator ${live.ReplicatorName} is ${live.ReplicatorState}; it cannot be updated.`);
  }
  for (const drift of immutableDrift(desired, live)) {
    log(`WARNING: ${arn} differs from the template in ${drift}; this cannot change in place and is left as it is`);
  }
  const request = planInPlaceUpdate(desired, live);
  if (live.ReplicatorState === 'FAILED') {
    // Nothing can change in place on a FAILED replicator; an update that changes nothing there (tags, a
    // reconciliation on every deployment, CloudFormation's rollback) still succeeds instead of failing the stack.
    if (request !== undefined) {
      throw new Error(`Replicator ${live.ReplicatorName} is FAILED (${failureReason(live)}) and cannot be updated in place. `
        + 'Fix the cause, then deploy a change that creates a new replicator (for example a new `replicatorName`, or '
        + 'omit it to generate one together with another `description`); CloudFormation then deletes the failed one.');
    }
    log(`WARNING: ${arn} is FAILED (${failureReason(live)}); nothing to change in place, applying tags only`);
  } else if (request !== undefined) {
    return sendInPlaceUpdate(request, live, client, log);
  }
  const handlerTags = {
    [OWNER_TAG_KEY]: ownerTagValue(event),
    ...(desired.DeletionBehaviour === 'retain' ? { [DEPLOYED_TAG_KEY]: 'true' } : {}),
  };
  // A NotFound of the tag read, for a replicator DescribeReplicator has just seen, may lag behind its creation (the
  // simulator's `lagListsAfterNextCreate`; test/rollback-tag-read-lag.test.ts): the Tags that DescribeReplicator answered
  // stand in, without the handler's own (owner, deployed), which are then written whatever that answer shows: it may lag
  // behind a write as well
  const tagsRead = await listTagsIfVisible(client, arn);
  const liveTags = tagsRead ?? Object.fromEntries(Object.entries(live.Tags ?? {}).filter(([key]) => !(key in handlerTags)));
  // tag-writes.ts: what this resource may have written is undone from the event, since the read may lag behind it. An
  // adoption (a Create: no previous template) wrote the template's tags with its record of how it found the replicator
  // (adoption-steps.ts `recordAdoption`, from this event), so they are the ones the replicator may carry.
  // A template without tags has none (`{}`); undefined: OldResourceProperties that do not decode, nothing known.
  // A rollback returned to the original (on-event.ts, ReturnedTo): the rolled-back template's tags went to the
  // replacement only, and a key it added may be another party's on the original (test/rollback-return-tags.test.ts):
  // the original carries the template it returns to, so nothing is removed from it.
  const carriesDesired = event.Data.LifecycleAction === 'adopt' || event.Data.ReturnedTo === 'true';
  const previousTags = carriesDesired ? desired.Tags ?? {} : previous && (previous.Tags ?? {});
  const tags = tagWrites(desired.Tags ?? {}, handlerTags, previousTags, liveTags);
  // An Update reaches a resource whose Create completed, in a later operation: the record of how an adopted replicator
  // was found (adoption.ts) has served its purpose, since no rollback of that later operation undoes the adoption. (With
  // rollback disabled, `--no-rollback`, the adoption's own operation may have failed: the README states that limit.)
  if (event.Data.LifecycleAction === 'update') tags.toRemove.push(...foundStateKeys(liveTags));
  // Removals first: MSK allows at most 50 tags per resource ("Tag restrictions",
  // https://docs.aws.amazon.com/msk/latest/developerguide/msk-tagging-restrictions.html), and a TagResource that would
  // take the replicator past them is rejected (the harsher reading, local-aws/msk-simulator/operations.ts): a key renamed
  // on a replicator at the limit would otherwise pass through 51 (test/tag-limit-swap.test.ts). The keys removed are
  // never among those set (tag-writes.ts), and a poll after a failure between the two calls computes both again.
  if (tags.toRemove.length > 0) {
    log(`UntagResource ${arn} keys=${tags.toRemove.join(',')}`);
    await client.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: tags.toRemove }));
  }
  if (Object.keys(tags.toAdd).length > 0) {
    log(`TagResource ${arn} keys=${Object.keys(tags.toAdd).sort().join(',')}`);
    await client.send(new TagResourceCommand({ ResourceArn: arn, Tags: tags.toAdd }));
  }
  return { IsComplete: true, Data: attributes(live) };
}

/**
 * A NotFound from DescribeReplicator may lag behind the replicator's creation (reads are eventually consistent: "if
 * you run a command to modify or describe the resource that you just created ... you will get an error responding
 * that the resource does not exist", Amazon EC2 API "Eventual consistency",
 * https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html; MSK documents nothing better). Taking it
 * for "already deleted" would report a delete that never happened and leave the replicator running, owned by no
 * stack. The delete is done only when DeleteReplicator itself answers NotFound; if it finds the replicator, the
 * delete is under way; if the replicator is not deletable yet (BadRequest: CREATING, UPDATING or DELETING), the next
 * poll looks again. A replicator created moments ago may answer NotFound to DeleteReplicator too: that is believed
 * only for a replicator the Delete saw, or after the visibility grace (visibility.ts, `mayBelieveGone`).
 */
async function confirmGone(arn: string, data: ResourceData, client: KafkaClient, log: Logger): Promise<IsCompleteResponse> {
  try {
    log(`DeleteReplicator ${arn} (DescribeReplicator answered NotFound: confirming with the delete itself)`);
    await client.send(new DeleteReplicatorCommand({ ReplicatorArn: arn }));
    return { IsComplete: false };
  } catch (error) {
    if (errorName(error) === 'NotFoundException') return believeGone(arn, data, log);
    if (errorName(error) === 'BadRequestException') return { IsComplete: false };
    throw error;
  }
}

function believeGone(arn: string, data: ResourceData, log: Logger): IsCompleteResponse {
  if (mayBelieveGone(data)) return { IsComplete: true };
  log(`${arn} not found, and never seen by this delete: it may be a replicator created moments ago that no read shows yet; `
    + 'looking again at the next poll');
  return { IsComplete: false };
}

/** Waits for a deletable state (RUNNING or FAILED), deletes with the current version, waits until gone. */
/**
 * Waits between the re-reads of a replicator whose DeleteReplicator was rejected while it looked unchanged: 7.5 s in
 * all; a wait or a read the invocation has no time left for ends the poll with "not yet" (call-gate.ts).
 */
export const REJECTION_REREAD_WAITS_MS = [500, 1000, 2000, 4000];


async function deleteStep(physicalId: string, data: ResourceData, client: KafkaClient, log: Logger): Promise<IsCompleteResponse> {
  const pending = parsePendingCreation(physicalId);
  if (pending !== undefined && data.ReplicatorArn === undefined) {
    // a pending creation onEvent could not resolve yet (pending-creation.ts): resolved at every poll
    const resolved = await resolvePendingCreation(client, pending, log);
    if (resolved.kind === 'other') return { IsComplete: true };
    // listed but whose is unknown: it exists, so the Delete waits for its tags rather than believe anything
    if (resolved.kind === 'unproven') return { IsComplete: false };
    if (resolved.kind === 'unseen') return believeGone(physicalId, data, log);
    return deleteReplicator(resolved.arn, data, client, log);
  }
  return deleteReplicator(pending !== undefined ? data.ReplicatorArn! : physicalId, data, client, log);
}

async function deleteReplicator(arn: string, data: ResourceData, client: KafkaClient, log: Logger): Promise<IsCompleteResponse> {
  const requestedAt = Number(data.RequestedAt ?? 0);
  const live = await describe(client, arn, log);
  if (live === undefined) return confirmGone(arn, data, client, log);
  if (live.ReplicatorState !== 'RUNNING' && live.ReplicatorState !== 'FAILED') return { IsComplete: false };
  try {
    log(`DeleteReplicator ${arn} CurrentVersion=${live.CurrentVersion}`);
    await client.send(new DeleteReplicatorCommand({ ReplicatorArn: arn, CurrentVersion: live.CurrentVersion }));
  } catch (error) {
    if (errorName(error) === 'NotFoundException') return { IsComplete: true };
    if (errorName(error) !== 'BadRequestException') throw error;
    // A BadRequest may mean "already gone", "not in a deletable state" or "stale version" (a retried request
    // whose first attempt was processed gets one too: the first response lost, the SDK's retry rejected because the
    // replicator is DELETING): only a fresh Describe can tell them apart. That Describe may lag behind the delete
    // (MSK documents no read-after-write consistency for DescribeReplicator; see VISIBILITY_GRACE_MS), so an answer
    // unchanged from before the call is read again a few times before the rejection is believed.
    for (const wait of [0, ...REJECTION_REREAD_WAITS_MS]) {
      if (wait > 0) await sleep(wait);
      const now = await describeReplicator(client, arn);
      if (now === undefined) return { IsComplete: true };
      if (now.CurrentVersion !== live.CurrentVersion || now.ReplicatorState !== live.ReplicatorState) {
        log(`DeleteReplicator rejected (${errorMessage(error)}): the replicator changed meanwhile (${now.ReplicatorState}); trying again`);
        return { IsComplete: false };
      }
    }
    // Still unchanged: believed only once reads have had as long to catch up as a new replicator has to appear.
    if (Date.now() - requestedAt < VISIBILITY_GRACE_MS) {
      log(`DeleteReplicator rejected (${errorMessage(error)}) while the replicator looks unchanged: trying again at the next poll`);
      return { IsComplete: false };
    }
    throw new Error(`DeleteReplicator of ${arn} was rejected: ${errorMessage(error)}`);
  }
  return { IsComplete: false };
}
