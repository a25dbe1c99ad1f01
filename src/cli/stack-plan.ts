import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { DescribeReplicatorResponse, KafkaClient } from '@aws-sdk/client-kafka';
import { DeployedStack, readDeployedStack, REPLICATOR_TYPE } from './deployed-stack';
import { planTags } from './plan-tags';
import { holdsKnownAfterDeploy, Json, resolveTemplateValue, TemplateContext } from './template-values';
import { planAdoptionWrite } from '../provider/adoption';
import { DriftItem, driftReport } from '../provider/drift';
import type { ProviderEvent } from '../provider/events';
import { describeReplicator, findReplicatorByName, isGone, isReplicatorArn, listTags } from '../provider/kafka-calls';
import { describeUpdate, generatedNameStem, HANDLER_TAG_KEYS, immutableDifferences, liveClusterSpec, planInPlaceUpdate, sameValue } from '../provider/lifecycle';
import { replicatorToReturnTo } from '../provider/ownership';
import { ClusterSpec, decodePreviousProperties, decodeProperties, PropertiesError, ReplicatorProperties } from '../provider/properties';
import { decideUpdate } from '../provider/update-decision';

/**
 * What a deployment of a synthesized stack will do to each of its replicators, decided by the handler's own pure
 * planner (update-decision.ts, lifecycle.ts) against the deployed stack (deployed-stack.ts) and the live replicators
 * (DescribeReplicator, ListTagsForResource; ListReplicators for a fixed name to create). Read-only.
 *
 * CloudFormation sends a custom resource an Update only when its properties changed ("Update behaviors of stack
 * resources", https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html):
 * identical properties plan `nothing` whatever the live replicator looks like (drift is reported beside it).
 */

export type PlanVerdict = 'create' | 'adopt' | 'nothing' | 'tags' | 'in-place' | 'replace' | 'return' | 'refuse' | 'delete' | 'retain';

export interface ReplicatorPlan {
  readonly logicalId: string;
  readonly verdict: PlanVerdict;
  /** One line: what happens. */
  readonly summary: string;
  /** Further lines: the changes, the consequences. */
  readonly details: string[];
  readonly replicatorArn?: string;
  /** The live replicator's name. */
  readonly replicatorName?: string;
  /** The name of the replicator a create or replacement makes. */
  readonly newName?: string;
  /** The props that force a new replicator (replace, return, refuse). */
  readonly causes?: string[];
  /** The replicator of this resource the update returns to instead of creating one (return). */
  readonly returnTo?: string;
  /** Why the handler will fail the update (refuse). */
  readonly reason?: string;
  /** Where the live replicator differs from the deployed template (console, CLI, a partly applied update). */
  readonly drift: DriftItem[];
}

export interface StackPlan {
  readonly stackName: string;
  readonly region: string;
  /** undefined: CloudFormation has no such stack. */
  readonly stackStatus?: string;
  readonly replicators: ReplicatorPlan[];
}

export interface PlanInput {
  readonly stackName: string;
  /** The synthesized template. */
  readonly template: Record<string, unknown>;
  readonly region: string;
  /** The stack's account as cdk.out names it (used until the stack exists). */
  readonly account?: string;
  readonly cloudFormation: CloudFormationClient;
  readonly kafka: KafkaClient;
}

interface TemplateResource { readonly Type?: string; readonly Properties?: Json }
type Template = { Resources?: Record<string, TemplateResource>; Parameters?: Record<string, { Default?: Json }>; Mappings?: TemplateContext['mappings'] };

const replicatorsOf = (template: Template | undefined) => new Map(Object.entries(template?.Resources ?? {})
  .filter(([, r]) => r.Type === REPLICATOR_TYPE));

/** Plans every `Custom::MskReplicator` of the synthesized template and of the deployed one. */
export async function planStack(input: PlanInput): Promise<StackPlan> {
  const deployed = await readDeployedStack(input.cloudFormation, input.stackName);
  const desiredTemplate = input.template as Template;
  const deployedTemplate = deployed?.template as Template | undefined;
  const context = (template: Template | undefined): TemplateContext => contextOf(input, deployed, template);
  const desired = replicatorsOf(desiredTemplate);
  const current = replicatorsOf(deployedTemplate);
  const physicalIds = new Map((deployed?.resources ?? []).map((r) => [r.logicalId, r.physicalId]));
  const ids = [...new Set([...desired.keys(), ...current.keys()])].sort();
  const replicators = await Promise.all(ids.map(async (logicalId): Promise<ReplicatorPlan> => {
    const want = desired.get(logicalId);
    const have = current.get(logicalId);
    const physicalId = physicalIds.get(logicalId);
    const newProps = want && resolveTemplateValue(want.Properties ?? {}, context(desiredTemplate));
    const oldProps = have && resolveTemplateValue(have.Properties ?? {}, context(deployedTemplate));
    return planReplicator({ logicalId, newProps, oldProps, physicalId, stackId: deployed?.stackId, stackName: input.stackName, kafka: input.kafka });
  }));
  return { stackName: input.stackName, region: input.region, stackStatus: deployed?.status, replicators };
}

/** One replicator of the stack, its template properties resolved. */
export interface ReplicatorPlanInput {
  readonly logicalId: string;
  /** Its properties in the synthesized template; undefined when the template removes it. */
  readonly newProps?: Json;
  /** Its properties in the deployed template; undefined when nothing of it is deployed. */
  readonly oldProps?: Json;
  /** The physical id CloudFormation records for it. */
  readonly physicalId?: string;
  /** The deployed stack's id (the handler recognises the resource's own replicators by it). */
  readonly stackId?: string;
  /** The stack's name (an adopted replicator is tagged with it). @default - the name in `stackId` */
  readonly stackName?: string;
  readonly kafka: KafkaClient;
}

/**
 * The plan of one replicator (what `planStack` does for each): exported so that a deployment played resource by
 * resource (the property test of CloudFormation histories) is checked against the plan of every step.
 */
export async function planReplicator(input: ReplicatorPlanInput): Promise<ReplicatorPlan> {
  const { logicalId, newProps, oldProps, physicalId, stackId, kafka } = input;
  const stackName = input.stackName ?? stackId?.split('/')[1] ?? '';
  if (newProps === undefined) {
    if (oldProps === undefined) throw new Error(`${logicalId} is in neither template`);
    return planRemoval(logicalId, oldProps, physicalId, kafka);
  }
  // CloudFormation sends a Create: with `adoptExisting`, the handler adopts
  if (oldProps === undefined || physicalId === undefined) return planCreate(logicalId, newProps, kafka, 'not deployed yet', stackName);
  if (stackId === undefined) throw new Error(`${logicalId} is deployed, but the stack id is missing`);
  const update: ProviderEvent = {
    RequestType: 'Update',
    RequestId: 'plan',
    StackId: stackId,
    LogicalResourceId: logicalId,
    PhysicalResourceId: physicalId,
    ResourceProperties: newProps as Record<string, unknown>,
    OldResourceProperties: oldProps as Record<string, unknown>,
  };
  return planUpdate(update, oldProps, newProps, kafka);
}

function contextOf(input: PlanInput, deployed: DeployedStack | undefined, template: Template | undefined): TemplateContext {
  // arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<uuid>
  const arn = deployed?.stackId.split(':');
  return {
    region: input.region,
    account: arn?.[4] ?? input.account,
    partition: arn?.[1],
    stackName: input.stackName,
    stackId: deployed?.stackId,
    physicalIds: new Map((deployed?.resources ?? []).filter((r) => r.physicalId !== undefined).map((r) => [r.logicalId, r.physicalId!])),
    parameters: template?.Parameters,
    mappings: template?.Mappings,
  };
}

/** A replicator deleted between two reads: the Describe already said so. Any other error is the command's. */
function goneAsUndefined(error: unknown): undefined {
  if (isGone(error)) return undefined;
  throw error;
}

function decode(raw: Json): ReplicatorProperties | string {
  try {
    return decodeProperties(raw);
  } catch (error) {
    if (error instanceof PropertiesError) return error.message;
    throw error;
  }
}

function newNameOf(props: ReplicatorProperties): string {
  return props.ReplicatorName ?? `${generatedNameStem(props.ReplicatorNamePrefix!)}<suffix generated at deploy>`;
}

/** What a new replicator copies, and what that means for the consumers of the target. */
function copyConsequences(props: ReplicatorProperties, replacing: boolean): string[] {
  const lines = props.TopicReplication.StartingPosition === 'EARLIEST'
    ? ['starting position EARLIEST: it copies every record the source topics still retain into the target topics'
      + (replacing ? ' again: consumers of the target read those records twice' : '')]
    : ['starting position LATEST: it copies records written from its start on'
      + (replacing ? '; until CloudFormation deletes the old replicator (cleanup, after the stack update succeeded) both write '
        + 'to the target: records of that overlap arrive twice' : '')];
  if (replacing && props.ConsumerGroupReplication.SynchroniseConsumerGroupOffsets) {
    lines.push('consumer group offset synchronisation starts over with the new replicator');
  }
  return lines;
}

async function nameTaken(kafka: KafkaClient, props: ReplicatorProperties): Promise<string | undefined> {
  if (props.ReplicatorName === undefined) return undefined;
  const arn = await findReplicatorByName(kafka, props.ReplicatorName);
  return arn && `A replicator named "${props.ReplicatorName}" already exists in this account and Region (${arn}): replicator `
    + 'names are unique; choose another `replicatorName`, omit it to generate one, or delete the existing replicator.';
}

/** `adoptIn`: the stack's name when the handler receives a Create (the one request that adopts). */
async function planCreate(logicalId: string, raw: Json, kafka: KafkaClient, why: string, adoptIn?: string): Promise<ReplicatorPlan> {
  const props = decode(raw);
  if (typeof props === 'string') return { logicalId, verdict: 'refuse', summary: 'refused: invalid properties', reason: props, details: [], drift: [] };
  if (props.AdoptExisting && adoptIn !== undefined) return planAdoption(logicalId, props, kafka, adoptIn);
  const taken = await nameTaken(kafka, props);
  if (taken !== undefined) {
    return { logicalId, verdict: 'refuse', summary: `refused: the name ${props.ReplicatorName} is taken`, reason: taken, newName: props.ReplicatorName, details: [], drift: [] };
  }
  return {
    logicalId,
    verdict: 'create',
    summary: `create ${newNameOf(props)} (${why})`,
    newName: newNameOf(props),
    details: copyConsequences(props, false),
    drift: [],
  };
}

/**
 * The resource's Create adopts the replicator of its name (adoption.ts): refused as the handler refuses it, otherwise
 * the in-place changes it will apply, computed as for any update.
 */
async function planAdoption(logicalId: string, props: ReplicatorProperties, kafka: KafkaClient, stackName: string): Promise<ReplicatorPlan> {
  const name = props.ReplicatorName!;
  const arn = await findReplicatorByName(kafka, name);
  const live = arn !== undefined ? await describeReplicator(kafka, arn) : undefined;
  if (live === undefined) {
    return {
      logicalId,
      verdict: 'refuse',
      summary: `refused: no replicator named ${name} to adopt`,
      reason: `No replicator named "${name}" exists in this account and Region, so there is nothing to adopt.`,
      details: [],
      drift: [],
    };
  }
  // as the handler reads them: a NotFound of the tag read, for a replicator DescribeReplicator shows, may lag behind a
  // write, and the Tags of its answer stand in (src/provider/tag-reads.ts)
  const liveTags = await listTags(kafka, arn!).catch(goneAsUndefined) ?? live.Tags ?? {};
  // the handler's own decision: the resource does not exist yet, so no owner tag can be its own (a value no resource
  // writes stands in for its owner value, of the same length so the record's size is the same)
  const decision = planAdoptionWrite(props, live, liveTags, '-'.repeat(32), `${stackName}/${logicalId}`);
  const refusal = 'refusal' in decision ? decision.refusal : undefined;
  const base = { logicalId, replicatorArn: arn, replicatorName: name, drift: [] };
  if (refusal !== undefined) {
    const causes = immutableDifferences(props, live).map((d) => d.prop);
    return {
      ...base,
      verdict: 'refuse',
      reason: refusal,
      causes: causes.length > 0 ? causes : undefined,
      details: immutableDifferences(props, live).map((d) => `${d.prop}: replicator ${JSON.stringify(d.live)}, template ${JSON.stringify(d.desired)}`),
      summary: causes.length > 0 ? `refused: cannot adopt ${name}, it differs in ${causes.join(', ')}` : `refused: cannot adopt ${name}`,
    };
  }
  const inPlace = planInPlace(base, props, undefined, live, liveTags);
  const changes = inPlace.verdict === 'nothing' ? 'no change to its configuration or tags'
    : inPlace.verdict === 'tags' ? 'tags only' : `in place: ${describeUpdate(planInPlaceUpdate(props, live)!).join(', ')}`;
  return {
    ...inPlace,
    verdict: 'adopt',
    summary: `adopt ${name} (${live.ReplicatorState}), nothing copied again; ${changes}`,
  };
}

async function planRemoval(logicalId: string, raw: Json, physicalId: string | undefined, kafka: KafkaClient): Promise<ReplicatorPlan> {
  const retain = (raw as Record<string, Json>).DeletionBehaviour === 'retain';
  const verdict = retain ? 'retain' : 'delete';
  if (!isReplicatorArn(physicalId)) {
    return { logicalId, verdict, summary: `${verdict}: removed from the template; no replicator exists (its creation failed earlier)`, details: [], drift: [] };
  }
  const live = await describeReplicator(kafka, physicalId);
  const name = live?.ReplicatorName ?? physicalId;
  if (live === undefined) {
    return { logicalId, verdict, summary: `${verdict}: removed from the template; ${physicalId} no longer exists`, replicatorArn: physicalId, details: [], drift: [] };
  }
  return {
    logicalId,
    verdict,
    summary: retain
      ? `retain ${name}: removed from the template; removal policy RETAIN leaves it running, no longer managed by the stack`
      : `delete ${name}: removed from the template; replication stops`,
    replicatorArn: physicalId,
    replicatorName: live.ReplicatorName,
    details: [],
    drift: [],
  };
}

/** `update`: the Update CloudFormation will send (what the handler reads of it: the stack, the resource, the ids). */
async function planUpdate(update: ProviderEvent, oldRaw: Json, newRaw: Json, kafka: KafkaClient): Promise<ReplicatorPlan> {
  const logicalId = update.LogicalResourceId;
  const physicalId = update.PhysicalResourceId!;
  if (!isReplicatorArn(physicalId)) return planCreate(logicalId, newRaw, kafka, 'its creation failed earlier');
  const props = decode(newRaw);
  if (typeof props === 'string') return { logicalId, verdict: 'refuse', summary: 'refused: invalid properties', reason: props, details: [], drift: [] };
  const [live, tagsRead] = await Promise.all([describeReplicator(kafka, physicalId), listTags(kafka, physicalId).catch(goneAsUndefined)]);
  // as the handler reads them: the Tags of DescribeReplicator's answer stand in for a tag read that lags (NotFound)
  const liveTags = tagsRead ?? live?.Tags;
  if (live === undefined) {
    if (sameValue(oldRaw, newRaw)) {
      return {
        logicalId,
        verdict: 'nothing',
        replicatorArn: physicalId,
        details: [],
        drift: [],
        summary: `no change in the template, so no update: ${physicalId} was deleted outside CloudFormation and stays missing`,
      };
    }
    return planCreate(logicalId, newRaw, kafka, `${physicalId} was deleted outside CloudFormation`);
  }
  const previous = decodePreviousProperties(oldRaw);
  const drift = previous === undefined || liveTags === undefined ? []
    : driftReport(previous, live, liveTags).filter((d) => !holdsKnownAfterDeploy(d.desired));
  const base = { logicalId, replicatorArn: physicalId, replicatorName: live.ReplicatorName, drift };
  if (sameValue(oldRaw, newRaw)) {
    return { ...base, verdict: 'nothing', summary: `no change to ${live.ReplicatorName}: its properties are the same, CloudFormation sends no update`, details: [] };
  }
  const decision = decideUpdate(previous, props, live);
  if (decision.kind === 'replace' || (decision.kind === 'refuse' && decision.protection)) {
    // as the handler (on-event.ts `update`): before creating, or refusing under protection, it returns to a replicator of
    // this resource that already has the requested configuration (one a failed cleanup left running, say)
    let original: DescribeReplicatorResponse | undefined;
    try {
      original = await replicatorToReturnTo(asSent(props, previous, live), update, kafka, () => undefined, { arn: physicalId, tags: liveTags ?? {} });
    } catch (error) {
      // an AWS error is the command's; any other is the handler's refusal (a replicator it cannot tell from another's)
      if (typeof error === 'object' && error !== null && '$metadata' in error) throw error;
      return {
        ...base,
        verdict: 'refuse',
        causes: decision.causes,
        reason: (error as Error).message,
        details: [],
        summary: `refused: ${decision.causes.join(', ')} needs a new replicator, and one with this resource's name and the requested `
          + 'configuration cannot be told from someone else\'s',
      };
    }
    if (original !== undefined) {
      return {
        ...base,
        verdict: 'return',
        causes: decision.causes,
        returnTo: original.ReplicatorArn,
        summary: `return to ${original.ReplicatorName}, this resource's replicator that still runs with the requested configuration `
          + `(${original.ReplicatorArn}): no replicator is created; CloudFormation deletes ${live.ReplicatorName} after the stack update succeeded`,
        details: changedFields(decision.causes, previous, props),
      };
    }
  }
  if (decision.kind === 'refuse') {
    return {
      ...base,
      verdict: 'refuse',
      causes: decision.causes,
      reason: decision.reason,
      details: [],
      summary: `refused: ${decision.causes.join(', ')} ${decision.causes.length === 1 ? 'needs' : 'need'} a new replicator${decision.protection ? ' and replacementProtection is on' : ''}`,
    };
  }
  if (decision.kind === 'replace') {
    const taken = props.ReplicatorName !== live.ReplicatorName ? await nameTaken(kafka, props) : undefined;
    if (taken !== undefined) {
      return { ...base, verdict: 'refuse', causes: decision.causes, reason: taken, details: [], summary: `refused: the name ${props.ReplicatorName} is taken` };
    }
    return {
      ...base,
      verdict: 'replace',
      causes: decision.causes,
      newName: newNameOf(props),
      summary: `REPLACE ${live.ReplicatorName} with a new replicator ${newNameOf(props)}: ${decision.causes.join(', ')} cannot change in place`,
      details: [...changedFields(decision.causes, previous, props), ...copyConsequences(props, true)],
    };
  }
  return planInPlace(base, props, previous, live, liveTags ?? {});
}

/**
 * The properties as the deployment will send them, as far as the handler compares them with a replicator: a value known
 * only after deploy, written as the same expression as in the deployed template (a role or security group of the stack),
 * is what CloudFormation sent the last time, so what the tracked replicator was created with. A changed expression stays
 * unknown (and differs from every replicator: harsher than the truth when it resolves to the same value).
 */
function asSent(props: ReplicatorProperties, previous: ReplicatorProperties | undefined, live: DescribeReplicatorResponse): ReplicatorProperties {
  const sent = <T>(want: T, had: unknown, tracked: T | undefined): T =>
    (holdsKnownAfterDeploy(want) && sameValue(want, had) && tracked !== undefined ? tracked : want);
  const cluster = (want: ClusterSpec, had: ClusterSpec | undefined, tracked: ClusterSpec | undefined): ClusterSpec =>
    Object.fromEntries(Object.entries(want).map(([key, value]) => [key,
      sent(value, (had as Record<string, unknown> | undefined)?.[key], (tracked as Record<string, unknown> | undefined)?.[key])])) as ClusterSpec;
  return {
    ...props,
    ServiceExecutionRoleArn: sent(props.ServiceExecutionRoleArn, previous?.ServiceExecutionRoleArn, live.ServiceExecutionRoleArn),
    Source: cluster(props.Source, previous?.Source, liveClusterSpec(live, 'Source')),
    Target: cluster(props.Target, previous?.Target, liveClusterSpec(live, 'Target')),
  };
}

function changedFields(causes: string[], previous: ReplicatorProperties | undefined, props: ReplicatorProperties): string[] {
  const read = (p: ReplicatorProperties | undefined, prop: string): unknown => {
    if (p === undefined) return undefined;
    switch (prop) {
      case 'replicatorName': return p.ReplicatorName ?? `generated (prefix ${p.ReplicatorNamePrefix})`;
      case 'description': return p.Description ?? '';
      case 'role': return p.ServiceExecutionRoleArn;
      case 'source': return p.Source;
      case 'target': return p.Target;
      case 'targetCompressionType': return p.TargetCompressionType;
      case 'topicReplication.startingPosition': return p.TopicReplication.StartingPosition;
      case 'topicReplication.topicNameConfiguration': return p.TopicReplication.TopicNameConfiguration;
      case 'consumerGroupReplication.offsetSyncMode': return p.ConsumerGroupReplication.OffsetSyncMode;
      default: return undefined;
    }
  };
  return causes.map((c) => `${c}: ${JSON.stringify(read(previous, c))} -> ${JSON.stringify(read(props, c))}`);
}

/** Members added and removed of a list, and changed scalars, between the live part and the requested one. */
function partChanges(prefix: string, want: object | undefined, have: object | undefined): string[] {
  if (want === undefined) return [];
  const lines: string[] = [];
  for (const [member, value] of Object.entries(want)) {
    const current = (have as Record<string, unknown> | undefined)?.[member];
    const field = `${prefix}.${member.charAt(0).toLowerCase()}${member.slice(1)}`;
    if (Array.isArray(value)) {
      const before = Array.isArray(current) ? current as unknown[] : [];
      const added = value.filter((v) => !before.includes(v));
      const removed = before.filter((v) => !value.includes(v));
      if (added.length > 0 || removed.length > 0) {
        lines.push(`${field}: ${[...added.map((v) => `+${String(v)}`), ...removed.map((v) => `-${String(v)}`)].join(' ')}`);
      }
    } else if (!sameValue(value, current)) {
      lines.push(`${field}: ${JSON.stringify(current)} -> ${JSON.stringify(value)}`);
    }
  }
  return lines;
}

function planInPlace(
  base: Pick<ReplicatorPlan, 'logicalId' | 'replicatorArn' | 'replicatorName' | 'drift'>,
  props: ReplicatorProperties,
  previous: ReplicatorProperties | undefined,
  live: DescribeReplicatorResponse,
  liveTags: Record<string, string>,
): ReplicatorPlan {
  const request = planInPlaceUpdate(props, live);
  const tags = planTags(props.Tags ?? {}, previous?.Tags, liveTags);
  const tagKeys = Object.keys(tags.toAdd).filter((k) => !HANDLER_TAG_KEYS.includes(k));
  const tagLines = [
    ...tagKeys.sort().map((k) => `tags.${k}: ${JSON.stringify(liveTags[k])} -> ${JSON.stringify(tags.toAdd[k])}`),
    ...tags.toRemove.map((k) => `tags.${k}: removed`),
  ];
  const state = live.ReplicatorState;
  if (state !== 'RUNNING' && state !== 'FAILED' && state !== 'CREATING' && state !== 'UPDATING') {
    return { ...base, verdict: 'refuse', reason: `Replicator ${live.ReplicatorName} is ${state}; it cannot be updated.`, details: [], summary: `refused: ${live.ReplicatorName} is ${state}` };
  }
  if (request !== undefined && state === 'FAILED') {
    return {
      ...base,
      verdict: 'refuse',
      details: describeUpdate(request),
      summary: `refused: ${live.ReplicatorName} is FAILED and cannot change in place`,
      reason: `Replicator ${live.ReplicatorName} is FAILED and cannot be updated in place: fix the cause, then deploy a change that creates a new replicator.`,
    };
  }
  if (request !== undefined) {
    const info = live.ReplicationInfoList?.[0];
    const details = [
      ...partChanges('topicReplication', request.TopicReplication, info?.TopicReplication),
      ...partChanges('consumerGroupReplication', request.ConsumerGroupReplication, info?.ConsumerGroupReplication),
      ...(request.LogDelivery !== undefined ? ['logDelivery: changed'] : []),
      ...tagLines,
    ];
    return { ...base, verdict: 'in-place', summary: `update ${live.ReplicatorName} in place (${describeUpdate(request).join(', ')})`, details };
  }
  if (tagLines.length > 0) return { ...base, verdict: 'tags', summary: `tags only on ${live.ReplicatorName}`, details: tagLines };
  return {
    ...base,
    verdict: 'nothing',
    details: [],
    summary: `no change to ${live.ReplicatorName}: CloudFormation sends an update, and the live replicator already matches it`,
  };
}
