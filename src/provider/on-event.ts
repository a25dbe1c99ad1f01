import { createHash } from 'crypto';
import { CreateReplicatorCommand, DescribeReplicatorResponse, KafkaClient } from '@aws-sdk/client-kafka';
import { managedByValue } from './adoption';
import { adopt, createdByThisResource } from './adoption-steps';
import type { Logger, OnEventResponse, ProviderEvent, ResourceData } from './events';
import { mayWait, timeBeforeMargin } from './invocation-deadline';
import { describeReplicator, errorMessage, errorName, findReplicatorByName, isReplicatorArn, isTransient, listTagsIfVisible } from './kafka-calls';
import {
  DEPLOYED_TAG_KEY,
  GENERATED_SUFFIX_LENGTH,
  generatedNameStem,
  MANAGED_BY_TAG_KEY,
  OWNER_TAG_KEY,
  REPLACES_TAG_KEY,
  REQUEST_TAG_KEY,
  ROLLED_BACK_TAG_KEY,
} from './lifecycle';
import { writeMark } from './mark-write';
import { ownerTagValue, replicatorToReturnTo, requestTagValue } from './ownership';
import { assertAsRequested, nameTaken, parsePendingCreation, pendingCreationId, PendingCreation, resolvePendingCreation } from './pending-creation';
import { decodePreviousProperties, decodeProperties, ReplicatorProperties } from './properties';
import { createReplicatorRequest } from './requests';
import { RETAINED_MARK } from './retained-mark';
import { sleep } from './sleep';
import { ABSENCE_REREAD_WAITS_MS, mergedTagReads, NO_TAGS_SEEN, tagsUnlessGone } from './tag-reads';
import { createShortOfTime } from './transient-retry';
import { decideUpdate } from './update-decision';
import { seenAtDeleteStart } from './visibility';

export { ownerTagValue, requestTagValue } from './ownership';

/**
 * onEvent: starts the change and returns at once; isComplete waits for it and finishes it.
 *
 * - Create: CreateReplicator (a retried request adopts the replicator it already created).
 * - Update: a change the API cannot apply in place creates a new replicator and returns its ARN as the new
 *   physical id, so CloudFormation deletes the old one afterwards; otherwise isComplete reconciles in place.
 * - Delete: nothing here; isComplete waits for a deletable state, deletes, and waits until it is gone.
 */
/**
 * `receivedAt`: when the onEvent function received the request (handler.lambda.ts captures it before any run again),
 * the nearest the handler knows to CloudFormation's start of the request's ServiceTimeout (service-deadline.ts).
 */
export async function onEvent(event: ProviderEvent, client: KafkaClient, log: Logger, receivedAt = Date.now()): Promise<OnEventResponse> {
  log(`${event.RequestType} ${event.PhysicalResourceId ?? '(new resource)'}`);
  const response = await dispatch(event, client, log);
  // Only requests that wait on a replicator carry a start time (their properties were decoded already).
  const waits = ['create', 'update', 'delete', 'adopt', 'adopted-delete'].includes(response.Data.LifecycleAction);
  if (!waits) return response;
  const removes = response.Data.LifecycleAction === 'delete' || response.Data.LifecycleAction === 'adopted-delete';
  // A Delete believes NotFound at once only for a replicator it saw (visibility.ts, `mayBelieveGone`).
  const target = response.Data.ReplicatorArn;
  const seen = removes && isReplicatorArn(target) && await seenAtDeleteStart(client, target, log);
  const now = Date.now();
  // The replicator's own `timeout` bounds creates and updates only. A Delete is CloudFormation's rollback or cleanup
  // of a replicator it will forget: CloudFormation ignores a failed cleanup Delete, so giving up early would leave a
  // replicator that later reaches RUNNING beside the one in service. Deletes wait for as long as the provider allows.
  const timeoutSeconds = removes ? undefined : decodeProperties(event.ResourceProperties).TimeoutSeconds;
  const deadline = timeoutSeconds !== undefined ? { Deadline: String(now + timeoutSeconds * 1000) } : {};
  return {
    ...response,
    Data: { ...response.Data, RequestedAt: String(now), ReceivedAt: String(receivedAt), ...deadline, ...(seen ? { SeenAtStart: 'true' } : {}) },
  };
}

async function dispatch(event: ProviderEvent, client: KafkaClient, log: Logger): Promise<OnEventResponse> {
  switch (event.RequestType) {
    case 'Create': {
      const props = decodeProperties(event.ResourceProperties);
      return props.AdoptExisting ? adopt(event, props, client, log) : create(event, props, client, log);
    }
    case 'Update':
      return update(event, client, log);
    case 'Delete':
      return remove(event, client, log);
  }
}

/**
 * A generated name: the construct's prefix plus a suffix derived from the request, so names are unique per
 * replacement but a retried delivery of the same request produces the same name (and is recognised).
 */
export function generatedName(prefix: string, event: ProviderEvent): string {
  const suffix = createHash('sha256').update(`${event.StackId}|${event.LogicalResourceId}|${event.RequestId}`)
    .digest('hex').slice(0, GENERATED_SUFFIX_LENGTH);
  return `${generatedNameStem(prefix)}${suffix}`;
}

/**
 * CreateReplicator. A replacement (`replaces` set) is tagged with the ARN of the replicator it replaces, so that a
 * rollback sent to the replacement can return to the original (see `originalToReturnTo`).
 */
async function create(
  event: ProviderEvent,
  props: ReplicatorProperties,
  client: KafkaClient,
  log: Logger,
  replaces?: string,
): Promise<OnEventResponse> {
  const name = props.ReplicatorName ?? generatedName(props.ReplicatorNamePrefix!, event);
  const tags = {
    ...props.Tags,
    [OWNER_TAG_KEY]: ownerTagValue(event),
    [MANAGED_BY_TAG_KEY]: managedByValue(event.StackId, event.LogicalResourceId),
    [REQUEST_TAG_KEY]: requestTagValue(event),
    ...(replaces !== undefined ? { [REPLACES_TAG_KEY]: replaces } : {}),
  };
  let arn: string | undefined;
  // onEvent short of time must not create what Lambda may stop it from answering (transient-retry.ts)
  const notSent = createShortOfTime(name);
  if (notSent !== undefined) return pendingAnswer(event, name, notSent, log, notSent);
  try {
    log(`CreateReplicator ${name}`);
    const response = await client.send(new CreateReplicatorCommand(createReplicatorRequest(props, name, tags)));
    arn = response.ReplicatorArn;
  } catch (error) {
    // A transient error after the SDK's retries (5xx, a dropped connection, a timeout) says nothing of whether one of
    // the attempts took effect (DESIGN.md, "A write can succeed while its response is lost"): failing here would leave
    // that replicator untracked (pending-creation.ts), so it is looked for like one whose name exists.
    const unanswered = isTransient(error);
    if (!unanswered && errorName(error) !== 'ConflictException') throw error;
    const owned = unanswered ? 'pending' : await ownCreation(event, props, name, client, log);
    if (owned === 'pending') {
      const why = unanswered ? `no answer (${errorName(error)}): it may have taken effect` : 'the name exists but the reads do not show whose yet';
      return pendingAnswer(event, name, why, log, unanswered ? `${errorName(error)}: ${errorMessage(error)}` : undefined);
    }
    arn = owned;
  }
  if (!isReplicatorArn(arn)) throw new Error(`CreateReplicator returned no replicator ARN for ${name}`);
  return created({ ReplicatorArn: arn, ReplicatorName: name });
}

/** The answer for a replicator this request created: isComplete waits until it runs. */
function created(live: Pick<DescribeReplicatorResponse, 'ReplicatorArn' | 'ReplicatorName'>): OnEventResponse {
  const arn = live.ReplicatorArn!;
  return { PhysicalResourceId: arn, Data: { ReplicatorArn: arn, ReplicatorName: live.ReplicatorName, LifecycleAction: 'create' } };
}

/** pending-creation.ts: isComplete finds the replicator by name and request tag, and answers its ARN. */
function pendingAnswer(event: ProviderEvent, name: string, why: string, log: Logger, createError: string | undefined): OnEventResponse {
  const pending = pendingCreationId({ name, request: requestTagValue(event) });
  log(`CreateReplicator ${name}: ${why}; isComplete goes on looking (${pending})`);
  const error = createError !== undefined ? { CreateError: createError.slice(0, 300) } : {};
  return { PhysicalResourceId: pending, Data: { ReplicatorName: name, LifecycleAction: 'create', ...error } };
}

/**
 * How long a retried create waits for the list reads to show the replicator it created, between attempts: 31.5 s in
 * all at most, and only while the invocation's remaining time allows (invocation-deadline.ts: a lower function
 * timeout, or slow calls before, cut the waits short and the search goes on in isComplete). ListReplicators and
 * ListTagsForResource may lag behind CreateReplicator (MSK documents nothing about their consistency; the local
 * simulator models the lag, `lagListsAfterNextCreate`).
 */
export const ADOPTION_WAITS_MS: readonly number[] = [500, 1000, 2000, 4000, 8000, 16000];


/**
 * The name exists. Adopt it only when this very request created it (a retried delivery, or a response lost on the
 * way back) with the requested configuration: a replicator an earlier deployment left behind (RETAIN, or a name
 * used before) may hold another configuration, and adopting it would report a change that was never made.
 *
 * The replicator this request created may not show yet in ListReplicators, or its tags may answer NotFound or come
 * back empty: those reads are repeated (ADOPTION_WAITS_MS), since failing here would leave the replicator this very
 * request created running and untracked. Tags that do not name this request end the search at once. Reads that still
 * lag after ADOPTION_WAITS_MS answer 'pending': onEvent must not fail then (a failed Create's onEvent leaves nothing
 * for the rollback to delete, see pending-creation.ts), so the search goes on in isComplete, which has the time.
 * So does a read the invocation may not outlast: each is sent only with one call's bound in hand (invocation-deadline.ts),
 * since Lambda stopping the function here loses the replicator this request created as surely as a failure would
 * (test/onevent-rerun-time.test.ts).
 */
async function ownCreation(
  event: ProviderEvent,
  props: ReplicatorProperties,
  name: string,
  client: KafkaClient,
  log: Logger,
): Promise<string | 'pending'> {
  let arn: string | undefined;
  let tags: Record<string, string> | undefined;
  const noTime = () => timeBeforeMargin() < 0;
  for (let attempt = 0; ; attempt++) {
    if (noTime()) return 'pending';
    arn = await findReplicatorByName(client, name);
    if (arn !== undefined && noTime()) return 'pending';
    tags = arn !== undefined ? await listTagsIfVisible(client, arn) : undefined;
    if (tags?.[REQUEST_TAG_KEY] === requestTagValue(event)) break;
    // CreateReplicator sets the tags with the replicator: tags without this request's mean another creator, while a
    // read that lags answers NotFound or no tags at all
    const anotherCreator = tags !== undefined && Object.keys(tags).length > 0;
    if (anotherCreator) throw nameTaken(name, tags?.[OWNER_TAG_KEY] === ownerTagValue(event));
    // out of waits, or of the invocation's time (invocation-deadline.ts): isComplete goes on looking
    if (attempt >= ADOPTION_WAITS_MS.length || !mayWait(ADOPTION_WAITS_MS[attempt])) return 'pending';
    log(`CreateReplicator ${name}: the name exists but ${arn === undefined ? 'ListReplicators does not show it' : `the tags of ${arn} do not name a request`} `
      + `yet: reading again in ${ADOPTION_WAITS_MS[attempt]} ms`);
    await sleep(ADOPTION_WAITS_MS[attempt]);
  }
  if (noTime()) return 'pending';
  assertAsRequested(name, props, await describeReplicator(client, arn!));
  log(`CreateReplicator ${name}: already created by this request, adopting ${arn}`);
  return arn!;
}

async function update(event: ProviderEvent, client: KafkaClient, log: Logger): Promise<OnEventResponse> {
  const props = decodeProperties(event.ResourceProperties);
  const previous = decodePreviousProperties(event.OldResourceProperties);
  if (previous === undefined) log('OldResourceProperties do not match the contract: comparing with the live replicator instead');
  const physicalId = event.PhysicalResourceId!;
  const pending = parsePendingCreation(physicalId);
  if (pending !== undefined) return updatePending(event, props, pending, client, log);
  if (!isReplicatorArn(physicalId)) {
    log(`${physicalId} is not a replicator ARN (its creation failed earlier): creating the replicator`);
    return create(event, props, client, log);
  }
  log(`DescribeReplicator ${physicalId}`);
  const live = await describeUnlessGone(client, physicalId, log);
  if (live === undefined) {
    // deleted outside CloudFormation, or a replacement gone before the rollback that returns from it
    const existing = await replicatorToReturnTo(props, event, client, log, { arn: physicalId, tags: {} });
    if (existing !== undefined) {
      log(`${physicalId} no longer exists; ${existing.ReplicatorArn} of this resource has the requested configuration: returning to it`);
      return inPlace(existing, true);
    }
    log(`${physicalId} no longer exists (deleted outside CloudFormation): creating a new replicator`);
    return create(event, props, client, log);
  }
  const decision = decideUpdate(previous, props, live);
  if (decision.kind === 'in-place') return inPlace(live);
  if (decision.kind === 'refuse' && !decision.protection) throw new Error(decision.reason);
  const causes = decision.causes;
  // Returning to a replicator this resource already has (a rollback's original) creates nothing, so replacement
  // protection does not stand in its way: a rollback must never be refused.
  const original = await originalToReturnTo(physicalId, live.Tags, props, event, client, log);
  if (original?.kind === 'own') return created(original.live);
  // the rolled-back-to mark is isComplete's to write, once the return is complete (rolled-back-mark.ts)
  if (original !== undefined) return inPlace(original.live, true, { MarkRolledBackFrom: physicalId });
  if (decision.kind === 'refuse') throw new Error(decision.reason);
  log(`replacing ${physicalId}: ${causes.join(', ')} changed; CloudFormation deletes the old replicator afterwards`);
  return create(event, props, client, log, physicalId);
}

/**
 * An Update sent to a pending creation (pending-creation.ts): CloudFormation's rollback of a replacement whose
 * creation failed before its replicator was known by ARN. Returns to the replicator of this resource with the
 * requested configuration (found through the pending replicator's `replaces` tag, or by name), or creates one; never
 * to the pending replicator itself, since CloudFormation deletes the pending id afterwards, and that Delete deletes
 * the replicator it names.
 */
async function updatePending(
  event: ProviderEvent,
  props: ReplicatorProperties,
  pending: PendingCreation,
  client: KafkaClient,
  log: Logger,
): Promise<OnEventResponse> {
  const resolved = await resolveWithWaits(client, pending, log);
  const current = resolved.kind === 'ours' ? { arn: resolved.arn, tags: resolved.tags } : { arn: event.PhysicalResourceId!, tags: {} };
  const existing = await replicatorToReturnTo(props, event, client, log, current);
  if (existing !== undefined && resolved.kind !== 'ours' && existing.ReplicatorName === pending.name) {
    // not resolved, so replicatorToReturnTo could not skip it: the replicator found may be the pending one itself
    const tags = await listTagsIfVisible(client, existing.ReplicatorArn!) ?? {};
    if (tags[REQUEST_TAG_KEY] === undefined || tags[REQUEST_TAG_KEY] === pending.request) {
      throw new Error(`${existing.ReplicatorArn} may be the replicator the failed creation ${event.PhysicalResourceId} made, which `
        + 'CloudFormation deletes after this rollback; its tags cannot tell yet. Retry the rollback (continue update rollback).');
    }
  }
  if (existing !== undefined) {
    log(`${event.PhysicalResourceId} is a creation that failed; ${existing.ReplicatorArn} of this resource has the requested `
      + 'configuration: returning to it');
    return inPlace(existing, true);
  }
  log(`${event.PhysicalResourceId} is a creation that failed: creating a replicator with the requested configuration`);
  return create(event, props, client, log);
}

/** A pending creation resolved with onEvent's reads (ADOPTION_WAITS_MS), while the reads lag. */
async function resolveWithWaits(client: KafkaClient, pending: PendingCreation, log: Logger) {
  for (let attempt = 0; ; attempt++) {
    const resolved = await resolvePendingCreation(client, pending, log);
    if (resolved.kind === 'ours' || resolved.kind === 'other' || attempt >= ADOPTION_WAITS_MS.length) return resolved;
    if (!mayWait(ADOPTION_WAITS_MS[attempt])) return resolved;
    await sleep(ADOPTION_WAITS_MS[attempt]);
  }
}


/**
 * The tracked replicator, or undefined once it is believed gone. A NotFound may lag behind an earlier write (MSK
 * documents no read-after-write consistency for DescribeReplicator; see VISIBILITY_GRACE_MS in is-complete.ts), and
 * believing it at once would create a second replicator beside a running one: it is read again a few times first.
 */
async function describeUnlessGone(client: KafkaClient, arn: string, log: Logger): Promise<DescribeReplicatorResponse | undefined> {
  for (const wait of [0, ...ABSENCE_REREAD_WAITS_MS]) {
    if (wait > 0) {
      log(`${arn} not found: reading it again in ${wait} ms (a read may lag behind a write)`);
      await sleep(wait);
    }
    const live = await describeReplicator(client, arn);
    if (live !== undefined) return live;
  }
  return undefined;
}

/**
 * `returnedTo`: `live` is another replicator than the one the event names (events.ts, ReturnedTo); `mark`: the
 * rolled-back-to mark isComplete still has to write (rolled-back-mark.ts).
 */
function inPlace(live: DescribeReplicatorResponse, returnedTo = false, mark: Pick<ResourceData, 'MarkRolledBackFrom'> = {}): OnEventResponse {
  const arn = live.ReplicatorArn!;
  return {
    PhysicalResourceId: arn,
    Data: {
      ReplicatorArn: arn,
      ReplicatorName: live.ReplicatorName,
      CurrentVersion: live.CurrentVersion,
      LifecycleAction: 'update',
      ...(returnedTo ? { ReturnedTo: 'true' } : {}),
      ...mark,
    },
  };
}

/**
 * A replicator of this resource with exactly the requested configuration (see `replicatorToReturnTo`): usually the
 * original `replacementArn` replaced. CloudFormation's rollback of a replacement is an Update sent to the
 * replacement's ARN (the id it recorded from the FAILED response, or from the successful one when another resource
 * failed) with the old properties: answering with the original's ARN makes CloudFormation track it again and delete
 * the replacement in its cleanup phase, instead of creating a third replicator and forgetting the original. The
 * replacement is then tagged with the ARN returned to (ROLLED_BACK_TAG_KEY), by isComplete once the return is complete
 * (rolled-back-mark.ts): the positive mark that makes that cleanup Delete delete it even under RETAIN.
 */
async function originalToReturnTo(
  replacementArn: string,
  describedTags: Record<string, string> | undefined,
  props: ReplicatorProperties,
  event: ProviderEvent,
  client: KafkaClient,
  log: Logger,
): Promise<{ readonly kind: 'original' | 'own'; readonly live: DescribeReplicatorResponse } | undefined> {
  // the replacement was created last, so its tag read is the likeliest to lag (NotFound): the Tags of its
  // DescribeReplicator answer (`describedTags`) stand in, with the replaces tag that names the original
  const tags = await listTagsIfVisible(client, replacementArn) ?? describedTags ?? {};
  const original = await replicatorToReturnTo(props, event, client, log, { arn: replacementArn, tags });
  if (original === undefined) return undefined;
  // Created by this very request (an earlier run of onEvent, or delivery, whose CreateReplicator answer was lost): the
  // replacement itself, not an original. Marking the replicator in service rolled-back-to it would outlive an answer
  // that never reaches CloudFormation (test/onevent-rerun-time.test.ts): it is answered as created, nothing written.
  // with the tags `replicatorToReturnTo` read (its Tags): a tag seen once was written, and this read may lag behind the
  // replicator's creation (test/own-replacement-tag-lag.test.ts)
  const itsTags = { ...original.Tags, ...await listTagsIfVisible(client, original.ReplicatorArn!) };
  if (itsTags[REQUEST_TAG_KEY] === requestTagValue(event)) {
    log(`${original.ReplicatorArn} was created by this request (its answer lost): it is the replacement of ${replacementArn}`);
    return { kind: 'own', live: original };
  }
  log(`returning to ${original.ReplicatorArn}, this resource's with the requested configuration, `
    + `instead of replacing ${replacementArn}; CloudFormation deletes ${replacementArn} afterwards`);
  return { kind: 'original', live: original };
}

/**
 * The replicator's tags as RETAIN decides on them, read several times over 7.5 s and merged: the markers it looks for
 * (deployed, rolled-back-to) were written by earlier requests, and a tag read may lag behind a write (MSK documents no
 * read-after-write consistency for ListTagsForResource), so one read could miss the mark that decides between keeping
 * the replicator and deleting it, in either direction. A tag seen once was written: the merge keeps it.
 */
async function markersOf(client: KafkaClient, arn: string, log: Logger): Promise<Record<string, string> | undefined> {
  // a NotFound of every tag read is believed only when DescribeReplicator answers NotFound too (tag-reads.ts): taken for
  // "gone", it deleted a deployed replicator the RETAIN removal policy keeps
  const view = await tagsUnlessGone(client, arn, mergedTagReads(client, arn, ABSENCE_REREAD_WAITS_MS), ABSENCE_REREAD_WAITS_MS);
  log(`ListTagsForResource ${arn}: read ${ABSENCE_REREAD_WAITS_MS.length + 1} times (a tag read may lag behind a write)`);
  if (view.kind === 'gone') return undefined;
  if (view.tags === undefined) {
    // neither retaining (it may never have deployed) nor deleting (it may be the deployed replicator RETAIN keeps)
    throw new Error(`Replicator ${arn} exists, but ${NO_TAGS_SEEN}, which decide whether the RETAIN removal policy keeps it; `
      + 'nothing was changed. Retry the operation.');
  }
  return view.tags;
}

async function remove(event: ProviderEvent, client: KafkaClient, log: Logger): Promise<OnEventResponse> {
  const physicalId = event.PhysicalResourceId!;
  const pending = parsePendingCreation(physicalId);
  if (pending !== undefined) return removePending(physicalId, pending, client, log);
  if (!isReplicatorArn(physicalId)) {
    log(`${physicalId} is not a replicator ARN (its creation failed earlier): nothing to delete`);
    return { PhysicalResourceId: physicalId, Data: { LifecycleAction: 'none' } };
  }
  const deletion: OnEventResponse = { PhysicalResourceId: physicalId, Data: { ReplicatorArn: physicalId, LifecycleAction: 'delete' } };
  // A replicator exists, so its properties were decoded when it was created.
  const props = decodeProperties(event.ResourceProperties);
  // an adopted replicator: deleted, retained or given back as it was found, decided by isComplete (adoption-steps.ts)
  if (props.AdoptExisting && !await createdByThisResource(event, physicalId, client)) {
    return { PhysicalResourceId: physicalId, Data: { ReplicatorArn: physicalId, LifecycleAction: 'adopted-delete' } };
  }
  if (props.DeletionBehaviour !== 'retain') return deletion;
  const tags = await markersOf(client, physicalId, log);
  if (tags === undefined) {
    // Not found by any read: gone, or not yet visible. Nothing proves it deployed, so it is not retained: the Delete
    // goes on, and DeleteReplicator itself confirms whether there is anything to delete (isComplete).
    log(`${physicalId} not found: deleting it if it exists (nothing shows it ever deployed)`);
    return deletion;
  }
  if (tags[REQUEST_TAG_KEY] !== undefined && tags[DEPLOYED_TAG_KEY] === undefined) {
    log(`${physicalId} never completed a deployment (its creation failed or timed out): deleted despite the RETAIN removal policy`);
    return deletion;
  }
  if (tags[ROLLED_BACK_TAG_KEY] !== undefined) {
    log(`${physicalId} was rolled back from (CloudFormation returned to ${tags[ROLLED_BACK_TAG_KEY]}): deleted despite the `
      + 'RETAIN removal policy');
    return deletion;
  }
  const mark = await writeMark(client, physicalId, { ...RETAINED_MARK }, log);
  if (mark === 'gone') {
    log(`${physicalId} no longer exists: nothing to retain`);
    return { PhysicalResourceId: physicalId, Data: { LifecycleAction: 'none' } };
  }
  log(`removal policy RETAIN: ${physicalId} is left running and is no longer managed by this stack`);
  // a mark not written yet is isComplete's to write (retained-mark.ts)
  return { PhysicalResourceId: physicalId, Data: { LifecycleAction: 'retain', ...mark === 'not-yet' ? { MarkRetained: 'true' } : {} } };
}

/**
 * A Delete sent to a pending creation (pending-creation.ts): the rollback of a create that failed, or the cleanup after
 * a rollback. The replicator it names never completed a deployment, so it is deleted whatever the removal policy
 * (RETAIN keeps only what deployed). Resolved here when the reads allow (its ARN then travels in Data, and isComplete
 * deletes it as any other); otherwise isComplete goes on resolving it at every poll.
 */
async function removePending(physicalId: string, pending: PendingCreation, client: KafkaClient, log: Logger): Promise<OnEventResponse> {
  const resolved = await resolveWithWaits(client, pending, log);
  if (resolved.kind === 'other') {
    log(`${physicalId}: the replicator named ${pending.name} was not created by this request: nothing to delete`);
    return { PhysicalResourceId: physicalId, Data: { LifecycleAction: 'none' } };
  }
  const arn = resolved.kind === 'ours' ? { ReplicatorArn: resolved.arn } : {};
  log(`${physicalId}: ${resolved.kind === 'ours' ? `deleting ${resolved.arn}, which this creation made` : 'not resolved yet; isComplete goes on looking'}`);
  return { PhysicalResourceId: physicalId, Data: { ...arn, ReplicatorName: pending.name, LifecycleAction: 'delete' } };
}
