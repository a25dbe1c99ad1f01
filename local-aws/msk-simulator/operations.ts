import { badRequest, conflict } from './http-protocol';
import { ReplicatorStore, StoredReplicator } from './state';
import {
  ConsumerGroupReplicationInput,
  CreateReplicatorInput,
  KafkaClusterConfig,
  OperationName,
  ReplicationInfoInput,
  StateInfo,
  StoredConsumerGroupReplication,
  StoredReplicationInfo,
  StoredTopicReplication,
  TopicReplicationInput,
  UpdateReplicationInfoInput,
} from './types';

/**
 * Service behaviour beyond the model's constraints: the rules MSK applies to
 * replicator requests, the lifecycle, and the response shapes. Handlers
 * receive input that already passed model validation, so they can rely on
 * required members and member types.
 */

export interface OperationContext {
  readonly store: ReplicatorStore;
  /** The creation failure queued by the test for the next replicator, if any. */
  takeCreationFailure(): StateInfo | undefined;
}

/** A successful answer; `body` is omitted for 204 responses. */
export interface OperationResult {
  readonly body?: object;
}

type Handler = (input: Record<string, unknown>, ctx: OperationContext) => OperationResult;
type Side = 'source' | 'target';

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/** JSON with sorted keys and without undefined members, for structural equality. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

export function deepEqual(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function checkPatterns(patterns: readonly string[] | undefined, path: string): void {
  (patterns ?? []).forEach((pattern, index) => {
    try {
      new RegExp(pattern);
    } catch {
      throw badRequest(`${path}[${index}]: ${JSON.stringify(pattern)} is not a valid regular expression`, `${path}[${index}]`);
    }
  });
}

/** Cluster name from `arn:aws:kafka:region:account:cluster/<name>/<uuid>`. */
function mskClusterName(arn: string): string {
  const resource = arn.split(':').slice(5).join(':');
  const parts = resource.split('/');
  return parts[0] === 'cluster' && parts[1] ? parts[1] : parts.filter((p) => p !== '').pop() ?? arn;
}

export function clusterAlias(cluster: KafkaClusterConfig): string {
  if (cluster.amazonMskCluster) return `msk-cluster-${mskClusterName(cluster.amazonMskCluster.mskClusterArn)}`;
  return cluster.apacheKafkaCluster?.apacheKafkaClusterId ?? 'unknown-cluster';
}

function clusterKey(cluster: KafkaClusterConfig): string {
  return cluster.amazonMskCluster
    ? `msk:${cluster.amazonMskCluster.mskClusterArn}`
    : `apache:${cluster.apacheKafkaCluster?.apacheKafkaClusterId ?? ''}`;
}

function endIdentifiers(info: { [K in `${Side}KafkaCluster${'Arn' | 'Id'}`]?: string }, side: Side) {
  return { arn: info[`${side}KafkaClusterArn`], id: info[`${side}KafkaClusterId`] };
}

/** Index of the cluster the replication info's source or target names. */
function resolveEnd(clusters: readonly KafkaClusterConfig[], info: ReplicationInfoInput, side: Side, path: string): number {
  const { arn, id } = endIdentifiers(info, side);
  if ((arn === undefined) === (id === undefined)) {
    throw badRequest(`${path}: exactly one of ${side}KafkaClusterArn or ${side}KafkaClusterId is required`, `${path}.${side}KafkaClusterArn`);
  }
  const member = arn !== undefined ? `${side}KafkaClusterArn` : `${side}KafkaClusterId`;
  const index = arn !== undefined
    ? clusters.findIndex((c) => c.amazonMskCluster?.mskClusterArn === arn)
    : clusters.findIndex((c) => c.apacheKafkaCluster?.apacheKafkaClusterId === id);
  if (index < 0) {
    throw badRequest(`${path}.${member} ${JSON.stringify(arn ?? id)} does not name one of the kafkaClusters`, `${path}.${member}`);
  }
  return index;
}

// The defaults below are the simulator's assumption of what the service
// stores for omitted members (matching the documented API defaults):
// topicsToExclude / consumerGroupsToExclude [], copyTopicConfigurations,
// copyAccessControlListsForTopics, detectAndCopyNewTopics,
// synchroniseConsumerGroupOffsets and detectAndCopyNewConsumerGroups true,
// startingPosition LATEST, topicNameConfiguration
// PREFIXED_WITH_SOURCE_CLUSTER_ALIAS, consumerGroupOffsetSyncMode LEGACY.
// Everything else that was omitted stays omitted.

function withTopicDefaults(t: TopicReplicationInput): StoredTopicReplication {
  return {
    topicsToReplicate: [...t.topicsToReplicate],
    topicsToExclude: [...(t.topicsToExclude ?? [])],
    copyTopicConfigurations: t.copyTopicConfigurations ?? true,
    copyAccessControlListsForTopics: t.copyAccessControlListsForTopics ?? true,
    detectAndCopyNewTopics: t.detectAndCopyNewTopics ?? true,
    startingPosition: { type: t.startingPosition?.type ?? 'LATEST' },
    topicNameConfiguration: { type: t.topicNameConfiguration?.type ?? 'PREFIXED_WITH_SOURCE_CLUSTER_ALIAS' },
  };
}

function withGroupDefaults(g: ConsumerGroupReplicationInput): StoredConsumerGroupReplication {
  return {
    consumerGroupsToReplicate: [...g.consumerGroupsToReplicate],
    consumerGroupsToExclude: [...(g.consumerGroupsToExclude ?? [])],
    synchroniseConsumerGroupOffsets: g.synchroniseConsumerGroupOffsets ?? true,
    detectAndCopyNewConsumerGroups: g.detectAndCopyNewConsumerGroups ?? true,
    consumerGroupOffsetSyncMode: g.consumerGroupOffsetSyncMode ?? 'LEGACY',
  };
}

/** Copies only the members KafkaCluster defines, keeping omitted ones omitted. */
function storedCluster(c: KafkaClusterConfig): KafkaClusterConfig {
  return structuredClone({
    ...(c.amazonMskCluster ? { amazonMskCluster: c.amazonMskCluster } : {}),
    ...(c.apacheKafkaCluster ? { apacheKafkaCluster: c.apacheKafkaCluster } : {}),
    ...(c.vpcConfig ? { vpcConfig: c.vpcConfig } : {}),
    ...(c.clientAuthentication ? { clientAuthentication: c.clientAuthentication } : {}),
    ...(c.encryptionInTransit ? { encryptionInTransit: c.encryptionInTransit } : {}),
  });
}

function aliasOfEnd(r: StoredReplicator, side: Side): string {
  const { arn, id } = endIdentifiers(r.replicationInfo, side);
  const cluster = r.kafkaClusters.find((c) => (arn !== undefined
    ? c.amazonMskCluster?.mskClusterArn === arn
    : c.apacheKafkaCluster?.apacheKafkaClusterId === id));
  return cluster ? clusterAlias(cluster) : (arn ?? id ?? 'unknown-cluster');
}

export function describeReplicatorBody(r: StoredReplicator): object {
  const info = r.replicationInfo;
  return {
    replicatorArn: r.arn,
    replicatorName: r.name,
    replicatorDescription: r.description,
    replicatorResourceArn: r.arn,
    replicatorState: r.state,
    currentVersion: r.currentVersion,
    creationTime: r.creationTime,
    isReplicatorReference: false,
    serviceExecutionRoleArn: r.serviceExecutionRoleArn,
    stateInfo: r.state === 'FAILED' ? r.stateInfo : undefined,
    tags: r.tags,
    logDelivery: r.logDelivery,
    kafkaClusters: r.kafkaClusters.map((c) => ({ kafkaClusterAlias: clusterAlias(c), ...c })),
    replicationInfoList: [{
      sourceKafkaClusterAlias: aliasOfEnd(r, 'source'),
      targetKafkaClusterAlias: aliasOfEnd(r, 'target'),
      targetCompressionType: info.targetCompressionType,
      topicReplication: info.topicReplication,
      consumerGroupReplication: info.consumerGroupReplication,
    }],
  };
}

export function summaryBody(r: StoredReplicator): object {
  return {
    replicatorArn: r.arn,
    replicatorName: r.name,
    replicatorResourceArn: r.arn,
    replicatorState: r.state,
    currentVersion: r.currentVersion,
    creationTime: r.creationTime,
    isReplicatorReference: false,
    kafkaClustersSummary: r.kafkaClusters.map((c) => ({
      kafkaClusterAlias: clusterAlias(c),
      amazonMskCluster: c.amazonMskCluster,
      apacheKafkaCluster: c.apacheKafkaCluster,
    })),
    replicationInfoSummaryList: [{
      sourceKafkaClusterAlias: aliasOfEnd(r, 'source'),
      targetKafkaClusterAlias: aliasOfEnd(r, 'target'),
    }],
  };
}

function encodeToken(seq: number): string {
  return Buffer.from(`seq:${seq}`, 'utf8').toString('base64url');
}

function decodeToken(token: string): number {
  const match = /^seq:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!match) throw badRequest('The nextToken is not valid', 'nextToken');
  return Number(match[1]);
}

// ---------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------

function checkCreateRules(input: CreateReplicatorInput): void {
  const clusters = input.kafkaClusters;
  if (clusters.length !== 2) {
    throw badRequest(`kafkaClusters must contain exactly 2 clusters, got ${clusters.length}`, 'kafkaClusters');
  }
  if (input.replicationInfoList.length !== 1) {
    throw badRequest(`replicationInfoList must contain exactly 1 entry, got ${input.replicationInfoList.length}`, 'replicationInfoList');
  }
  clusters.forEach((c, i) => {
    if ((c.amazonMskCluster === undefined) === (c.apacheKafkaCluster === undefined)) {
      throw badRequest(`kafkaClusters[${i}] must specify exactly one of amazonMskCluster or apacheKafkaCluster`, `kafkaClusters[${i}]`);
    }
  });
  if (clusterKey(clusters[0]) === clusterKey(clusters[1])) {
    throw badRequest('kafkaClusters must name two different clusters', 'kafkaClusters');
  }

  const path = 'replicationInfoList[0]';
  const info = input.replicationInfoList[0];
  const source = resolveEnd(clusters, info, 'source', path);
  const target = resolveEnd(clusters, info, 'target', path);
  const targetMember = info.targetKafkaClusterArn !== undefined ? 'targetKafkaClusterArn' : 'targetKafkaClusterId';
  if (source === target) {
    throw badRequest(`${path}: the source and target clusters must be different`, `${path}.${targetMember}`);
  }
  if (!clusters[target].amazonMskCluster) {
    throw badRequest(`${path}: the target cluster must be an Amazon MSK cluster`, `${path}.${targetMember}`);
  }

  checkPatterns(info.topicReplication.topicsToReplicate, `${path}.topicReplication.topicsToReplicate`);
  checkPatterns(info.topicReplication.topicsToExclude, `${path}.topicReplication.topicsToExclude`);
  checkPatterns(info.consumerGroupReplication.consumerGroupsToReplicate, `${path}.consumerGroupReplication.consumerGroupsToReplicate`);
  checkPatterns(info.consumerGroupReplication.consumerGroupsToExclude, `${path}.consumerGroupReplication.consumerGroupsToExclude`);

  const topicNaming = info.topicReplication.topicNameConfiguration?.type ?? 'PREFIXED_WITH_SOURCE_CLUSTER_ALIAS';
  if (info.consumerGroupReplication.consumerGroupOffsetSyncMode === 'ENHANCED' && topicNaming !== 'IDENTICAL') {
    throw badRequest(
      `${path}: consumerGroupOffsetSyncMode ENHANCED requires topicNameConfiguration type IDENTICAL, got ${topicNaming}`,
      `${path}.consumerGroupReplication.consumerGroupOffsetSyncMode`,
    );
  }
}

const createReplicator: Handler = (raw, ctx) => {
  const input = raw as unknown as CreateReplicatorInput;
  checkCreateRules(input);
  if (ctx.store.findByName(input.replicatorName)) {
    throw conflict(`A replicator named ${input.replicatorName} already exists`, 'replicatorName');
  }
  const info = input.replicationInfoList[0];
  const replicationInfo: StoredReplicationInfo = {
    ...(info.sourceKafkaClusterArn !== undefined ? { sourceKafkaClusterArn: info.sourceKafkaClusterArn } : {}),
    ...(info.sourceKafkaClusterId !== undefined ? { sourceKafkaClusterId: info.sourceKafkaClusterId } : {}),
    ...(info.targetKafkaClusterArn !== undefined ? { targetKafkaClusterArn: info.targetKafkaClusterArn } : {}),
    ...(info.targetKafkaClusterId !== undefined ? { targetKafkaClusterId: info.targetKafkaClusterId } : {}),
    targetCompressionType: info.targetCompressionType,
    topicReplication: withTopicDefaults(info.topicReplication),
    consumerGroupReplication: withGroupDefaults(info.consumerGroupReplication),
  };
  checkTags(input.tags ?? {}, 'tags');
  const replicator = ctx.store.create({
    name: input.replicatorName,
    description: input.description,
    serviceExecutionRoleArn: input.serviceExecutionRoleArn,
    kafkaClusters: input.kafkaClusters.map(storedCluster),
    replicationInfo,
    logDelivery: input.logDelivery ? structuredClone(input.logDelivery) : undefined,
    tags: { ...(input.tags ?? {}) },
  }, ctx.takeCreationFailure());
  return { body: { replicatorArn: replicator.arn, replicatorName: replicator.name, replicatorState: replicator.state } };
};

const describeReplicator: Handler = (raw, ctx) => {
  return { body: describeReplicatorBody(ctx.store.require(raw.replicatorArn as string)) };
};

const updateReplicationInfo: Handler = (raw, ctx) => {
  const input = raw as unknown as UpdateReplicationInfoInput;
  const r = ctx.store.require(input.replicatorArn);
  if (r.state !== 'RUNNING') {
    throw badRequest(`Replicator is in ${r.state} state; updates are allowed only in RUNNING state`, 'replicatorArn');
  }
  if (input.currentVersion !== r.currentVersion) {
    throw badRequest(
      `The currentVersion ${input.currentVersion} does not match the current version of the replicator (${r.currentVersion})`,
      'currentVersion',
    );
  }
  for (const side of ['source', 'target'] as const) {
    const given = endIdentifiers(input, side);
    const stored = endIdentifiers(r.replicationInfo, side);
    if (given.arn !== stored.arn || given.id !== stored.id) {
      const member = stored.arn !== undefined ? `${side}KafkaClusterArn` : `${side}KafkaClusterId`;
      throw badRequest(
        `${member} ${JSON.stringify(given.arn ?? given.id ?? null)} does not match the replicator's ${side} cluster ${JSON.stringify(stored.arn ?? stored.id)}`,
        member,
      );
    }
  }
  if (!input.topicReplication && !input.consumerGroupReplication && !input.logDelivery) {
    throw badRequest('At least one of topicReplication, consumerGroupReplication or logDelivery must be specified');
  }
  if (input.topicReplication) {
    checkPatterns(input.topicReplication.topicsToReplicate, 'topicReplication.topicsToReplicate');
    checkPatterns(input.topicReplication.topicsToExclude, 'topicReplication.topicsToExclude');
  }
  if (input.consumerGroupReplication) {
    checkPatterns(input.consumerGroupReplication.consumerGroupsToReplicate, 'consumerGroupReplication.consumerGroupsToReplicate');
    checkPatterns(input.consumerGroupReplication.consumerGroupsToExclude, 'consumerGroupReplication.consumerGroupsToExclude');
  }

  const current = r.replicationInfo;
  const t = input.topicReplication;
  const topicReplication: StoredTopicReplication = t
    ? {
      ...current.topicReplication,
      topicsToReplicate: [...t.topicsToReplicate],
      topicsToExclude: [...t.topicsToExclude],
      copyTopicConfigurations: t.copyTopicConfigurations,
      copyAccessControlListsForTopics: t.copyAccessControlListsForTopics,
      detectAndCopyNewTopics: t.detectAndCopyNewTopics,
    }
    : current.topicReplication;
  const g = input.consumerGroupReplication;
  const consumerGroupReplication: StoredConsumerGroupReplication = g
    ? {
      ...current.consumerGroupReplication,
      consumerGroupsToReplicate: [...g.consumerGroupsToReplicate],
      consumerGroupsToExclude: [...g.consumerGroupsToExclude],
      synchroniseConsumerGroupOffsets: g.synchroniseConsumerGroupOffsets,
      detectAndCopyNewConsumerGroups: g.detectAndCopyNewConsumerGroups,
    }
    : current.consumerGroupReplication;
  const logDelivery = input.logDelivery ? structuredClone(input.logDelivery) : r.logDelivery;

  if (deepEqual(topicReplication, current.topicReplication)
    && deepEqual(consumerGroupReplication, current.consumerGroupReplication)
    && deepEqual(logDelivery, r.logDelivery)) {
    throw badRequest('The specified replication info is identical to the current value');
  }

  r.replicationInfo = { ...current, topicReplication, consumerGroupReplication };
  r.logDelivery = logDelivery;
  ctx.store.beginUpdate(r);
  return { body: { replicatorArn: r.arn, replicatorState: r.state } };
};

const deleteReplicator: Handler = (raw, ctx) => {
  const r = ctx.store.require(raw.replicatorArn as string);
  const currentVersion = raw.currentVersion as string | undefined;
  if (currentVersion !== undefined && currentVersion !== r.currentVersion) {
    throw badRequest(
      `The currentVersion ${currentVersion} does not match the current version of the replicator (${r.currentVersion})`,
      'currentVersion',
    );
  }
  if (r.state !== 'RUNNING' && r.state !== 'FAILED') {
    throw badRequest(`Replicator is in ${r.state} state; deletion is allowed only in RUNNING or FAILED state`, 'replicatorArn');
  }
  ctx.store.beginDelete(r);
  return { body: { replicatorArn: r.arn, replicatorState: r.state } };
};

const listReplicators: Handler = (raw, ctx) => {
  const maxResults = (raw.maxResults as number | undefined) ?? 10;
  const filter = raw.replicatorNameFilter as string | undefined;
  const token = raw.nextToken as string | undefined;
  const after = token !== undefined ? decodeToken(token) : 0;
  const matching = ctx.store.all().filter((r) => r.seq > after && (!filter || r.name.startsWith(filter)));
  const page = matching.slice(0, maxResults);
  const nextToken = matching.length > page.length ? encodeToken(page[page.length - 1].seq) : undefined;
  return { body: { replicators: page.map(summaryBody), nextToken } };
};

/**
 * MSK's tag restrictions ("Tag restrictions", https://docs.aws.amazon.com/msk/latest/developerguide/msk-tagging-restrictions.html):
 * at most 50 tags per resource, keys of 1 to 128 characters, values of at most 255 (the page's bound; the native
 * resource's schema says 256: the smaller is enforced), and no key starting with `aws:` ("reserved for use by AWS"; in
 * any case, the harsher reading: the page does not say whether `AWS:` is refused, other services' pages say it is,
 * e.g. AWS Batch's "Tag restrictions", https://docs.aws.amazon.com/batch/latest/userguide/tag-restrictions.html). The
 * message of the rejection is not documented; a BadRequestException naming the parameter is what MSK answers to
 * invalid parameters.
 */
export const MAX_TAGS_PER_RESOURCE = 50;

function checkTags(tags: Record<string, string>, path: string): void {
  if (Object.keys(tags).length > MAX_TAGS_PER_RESOURCE) {
    throw badRequest(`${path}: a resource can have at most ${MAX_TAGS_PER_RESOURCE} tags`, path);
  }
  for (const [key, value] of Object.entries(tags)) {
    if (key.length < 1 || key.length > 128) throw badRequest(`${path}: tag key ${JSON.stringify(key)} must be 1 to 128 characters long`, path);
    if (key.toLowerCase().startsWith('aws:')) throw badRequest(`${path}: tag key ${JSON.stringify(key)} starts with aws:, reserved for use by AWS`, path);
    if (value.length > 255) throw badRequest(`${path}: the value of tag ${JSON.stringify(key)} must be at most 255 characters long`, path);
  }
}

const tagResource: Handler = (raw, ctx) => {
  const r = ctx.store.require(raw.resourceArn as string, 'resourceArn');
  checkTags({ ...r.tags, ...(raw.tags as Record<string, string>) }, 'tags');
  Object.assign(r.tags, raw.tags as Record<string, string>);
  return {};
};

const untagResource: Handler = (raw, ctx) => {
  const r = ctx.store.require(raw.resourceArn as string, 'resourceArn');
  for (const key of raw.tagKeys as string[]) delete r.tags[key];
  return {};
};

const listTagsForResource: Handler = (raw, ctx) => {
  const r = ctx.store.require(raw.resourceArn as string, 'resourceArn');
  return { body: { tags: { ...r.tags } } };
};

export const HANDLERS: Record<OperationName, Handler> = {
  CreateReplicator: createReplicator,
  DescribeReplicator: describeReplicator,
  UpdateReplicationInfo: updateReplicationInfo,
  DeleteReplicator: deleteReplicator,
  ListReplicators: listReplicators,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
};
