import type { StoredReplicator } from './state';
import { evaluate, PolicyDocument } from '../iam/policy-evaluator';

/**
 * The replicator's OWN access to its clusters: MSK Replicator reads the source and writes the target with its service
 * execution role ("Service execution role (SER)": "MSK Replicator uses a service execution role (SER) to read from
 * your source cluster and write to your target cluster",
 * https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-ser.html), and IAM evaluates the role's
 * policies as they are at each request: a policy rewritten in place applies to a running replicator at once. This
 * records, for every replicator in service, each moment its role stopped granting what it needs.
 *
 * What it needs, per side (the harsher reading where the pages leave room):
 * - on each cluster ARN: `kafka-cluster:Connect` (every other action requires it) and `kafka-cluster:DescribeCluster`
 *   ("Semantics of IAM authorization policy actions and resources",
 *   https://docs.aws.amazon.com/msk/latest/developerguide/kafka-actions.html), and `kafka-cluster:WriteDataIdempotently`
 *   ("You need to add kafka-cluster:WriteDataIdempotently permission to both the source and target cluster", the SER
 *   page above);
 * - on a topic of the source: `DescribeTopic` and `ReadData` (reading, same pages);
 * - on a topic of the target: `DescribeTopic`, `CreateTopic` and `WriteData` (writing; the replicator creates the
 *   target topics it replicates into).
 * Only Amazon MSK clusters are checked: a self-managed cluster authorizes with its own ACLs.
 *
 * In service: RUNNING, and UPDATING (the replicator keeps its clusters while its replication info changes; no page
 * says it stops replicating, so it is counted, the harsher choice).
 */

/** One moment a replicator in service lacked access, from `since` until `until` (open while it lasts). */
export interface AccessGap {
  readonly replicatorArn: string;
  readonly replicatorName: string;
  readonly roleArn: string;
  /** What the role did not grant, e.g. `kafka-cluster:Connect on arn:aws:kafka:...:cluster/orders-primary/...`. */
  readonly missing: string[];
  /** Epoch ms of the first observation without access. */
  readonly since: number;
  /** Epoch ms from which access was back or the replicator out of service; undefined while the gap is open. */
  until?: number;
}

const IN_SERVICE = new Set(['RUNNING', 'UPDATING']);
/** A topic stands for every replicated topic: the replicator's topic patterns are regular expressions, not ARNs. */
const SAMPLE_TOPIC = 'replicated-topic';

const CLUSTER_ACTIONS = ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster', 'kafka-cluster:WriteDataIdempotently'];
const SOURCE_TOPIC_ACTIONS = ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'];
const TARGET_TOPIC_ACTIONS = ['kafka-cluster:DescribeTopic', 'kafka-cluster:CreateTopic', 'kafka-cluster:WriteData'];

/** `arn:...:cluster/<name>/<uuid>` -> `arn:...:topic/<name>/<uuid>/<topic>` (kafka-actions.html, "Authorization policy resources"). */
const topicArn = (clusterArn: string, topic: string) => `${clusterArn.replace(':cluster/', ':topic/')}/${topic}`;

/** The `action on resource` pairs the replicator needs and its role's policies do not allow. */
export function missingAccess(replicator: StoredReplicator, policies: readonly PolicyDocument[]): string[] {
  const needs: Array<{ action: string; resource: string }> = [];
  const side = (clusterArn: string | undefined, topicActions: string[]) => {
    if (clusterArn === undefined) return;
    for (const action of CLUSTER_ACTIONS) needs.push({ action, resource: clusterArn });
    for (const action of topicActions) needs.push({ action, resource: topicArn(clusterArn, SAMPLE_TOPIC) });
  };
  side(replicator.replicationInfo.sourceKafkaClusterArn, SOURCE_TOPIC_ACTIONS);
  side(replicator.replicationInfo.targetKafkaClusterArn, TARGET_TOPIC_ACTIONS);
  return needs.filter((need) => evaluate(policies, need) !== 'Allow').map((need) => `${need.action} on ${need.resource}`);
}

export class ServiceRoleAccess {
  /** Every gap observed, in order. */
  public readonly gaps: AccessGap[] = [];
  private readonly policies = new Map<string, PolicyDocument[]>();
  private readonly open = new Map<string, AccessGap>();

  constructor(private readonly now: () => number) {}

  /** The policies in force on `roleArn` from now on; a role nobody told about has none (it grants nothing). */
  public setPolicies(roleArn: string, documents: readonly PolicyDocument[]): void {
    this.policies.set(roleArn, [...documents]);
  }

  /** Looks at every replicator at this moment: opens a gap for one in service without access, closes the others. */
  public observe(replicators: readonly StoredReplicator[]): void {
    const now = this.now();
    const seen = new Set<string>();
    for (const r of replicators) {
      seen.add(r.arn);
      const missing = IN_SERVICE.has(r.state)
        ? missingAccess(r, this.policies.get(r.serviceExecutionRoleArn) ?? [])
        : [];
      const gap = this.open.get(r.arn);
      if (missing.length > 0 && gap === undefined) {
        const opened: AccessGap = { replicatorArn: r.arn, replicatorName: r.name, roleArn: r.serviceExecutionRoleArn, missing, since: now };
        this.open.set(r.arn, opened);
        this.gaps.push(opened);
      } else if (missing.length === 0 && gap !== undefined) {
        gap.until = now;
        this.open.delete(r.arn);
      }
    }
    // a replicator that is gone is no longer cut off
    for (const [arn, gap] of this.open) {
      if (seen.has(arn)) continue;
      gap.until = now;
      this.open.delete(arn);
    }
  }
}
