import { Annotations, Errors, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { ReplicatorCluster } from './cluster';
import { parseClusterArn } from './private/cluster-arns';
import { validationError, withScope } from './private/errors';
import { PropError } from './private/prop-error';
import { SOURCE_CLUSTER_POLICY_MISSING } from './private/source-cluster-policy-link';
import { addStackDependency } from './private/stack-dependency';
import { reportAll } from './private/validate';
import type { ReplicatorProviderLogOptions } from './provider-logs';
import { ConsumerGroupOffsetSyncMode, StartingPosition, TopicNameConfiguration } from './replication';
import { MskReplicator } from './replicator';
import { ReplicatorSourceClusterPolicy } from './source-cluster-policy';

/**
 * One of the two clusters of an active-active pair, with the stack (in the cluster's Region) that holds the
 * replicator writing INTO it.
 */
export interface ActiveActiveClusterOptions {
  /**
   * A stack in the cluster's Region (with a concrete Region): it holds the replicator whose target is this cluster.
   */
  readonly stack: Stack;

  /**
   * The ARN of the MSK cluster, in `stack`'s Region.
   */
  readonly clusterArn: string;

  /**
   * The cluster's VPC: the replicator writing into this cluster uses it in this Region, and the replicator reading
   * from this cluster in the other Region uses its subnets (a cross-Region source). Its subnet ids must be known to
   * both stacks: import it (`Vpc.fromVpcAttributes` / `Vpc.fromLookup`) rather than reference a VPC of a stack.
   */
  readonly vpc: ec2.IVpc;

  /**
   * The subnets of the VPC for the replicators' network interfaces.
   *
   * @default - the VPC's private subnets, or its isolated subnets when it has no private ones
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The security groups of the cluster's brokers: they get ingress on TCP 9098 from the replicator that writes
   * into this cluster, whose security group gets egress to them only.
   *
   * @default - the replicator's security group allows TCP 9098 to the VPC's CIDR block, and the cluster's groups are
   * left unchanged
   */
  readonly clusterSecurityGroups?: ec2.ISecurityGroup[];
}

/**
 * Properties of an `ActiveActiveReplication`.
 */
export interface ActiveActiveReplicationProps {
  /**
   * The first cluster.
   */
  readonly clusterA: ActiveActiveClusterOptions;

  /**
   * The second cluster, in another Region than `clusterA`.
   */
  readonly clusterB: ActiveActiveClusterOptions;

  /**
   * The topics replicated in both directions (regular expressions).
   *
   * @default ['.*']
   */
  readonly topicsToReplicate?: string[];

  /**
   * Topics not replicated, in both directions (regular expressions).
   *
   * @default - none
   */
  readonly topicsToExclude?: string[];

  /**
   * The consumer groups whose offsets are synchronised in both directions (regular expressions).
   *
   * @default ['.*']
   */
  readonly consumerGroupsToReplicate?: string[];

  /**
   * Consumer groups not synchronised, in both directions (regular expressions).
   *
   * @default - none
   */
  readonly consumerGroupsToExclude?: string[];

  /**
   * Where each new replicator starts reading the topics of its source.
   *
   * @default StartingPosition.LATEST
   */
  readonly startingPosition?: StartingPosition;

  /**
   * Whether the cluster policies each cluster needs as a cross-Region source are created
   * (`ReplicatorSourceClusterPolicy`). Set false when the clusters' policies are managed elsewhere; they must then
   * allow what `ReplicatorSourceClusterPolicy` allows, and exist before the replicators are created.
   *
   * @default true
   */
  readonly createSourceClusterPolicies?: boolean;

  /**
   * The stack for cluster A's cluster policy: in cluster A's Region, and not `clusterA.stack` (A's stack deploys last,
   * and A's policy must exist before B's stack creates the replicator A to B). B's stack is made to depend on it.
   * Ignored when `createSourceClusterPolicies` is false.
   *
   * @default - a stack `<clusterA.stack's id><id>SourceAccess` in A's account and Region, next to `clusterA.stack`
   */
  readonly clusterAPolicyStack?: Stack;

  /**
   * The log groups of the provider that each replicator's stack shares (`MskReplicatorProps.providerLogs`): set here,
   * they apply to both clusters' stacks. Another replicator of either stack that sets `providerLogs` must set the same.
   *
   * @default - the provider's defaults: kept one year, deleted with the stack
   */
  readonly providerLogs?: ReplicatorProviderLogOptions;

  /**
   * Tags of both replicators. `Tags.of(...)` of this construct does not reach them: the replicators live in the clusters'
   * stacks, not under this construct (tag the stacks with `Tags.of(stack)`, or use this prop).
   *
   * @default - no tags
   */
  readonly tags?: { [key: string]: string };
}

/**
 * Active-active replication between two MSK clusters in two Regions, declared once: a replicator A to B in
 * B's stack and a replicator B to A in A's stack, both with IDENTICAL topic names and ENHANCED consumer group
 * offset synchronisation, the source cluster policies, and the deployment order AWS prescribes.
 *
 * Order (MSK developer guide, "Active-active replication": create B to A only after A to B was created):
 * 1. A's cluster policy, in `clusterAPolicyStack` (by default a stack `<A's stack id><id>SourceAccess` in A's Region,
 *    created next to A's stack; it cannot be A's stack, which deploys last);
 * 2. B's stack: B's cluster policy and the replicator A to B (the deployment waits until it is RUNNING);
 * 3. A's stack: the replicator B to A.
 *
 * Loop safety. With IDENTICAL names, MSK itself keeps records from travelling back to the cluster they came from
 * (each replicator reads, and filters out, what the other one wrote; `ReplicatorBytesInPerSec` counts both).
 * It holds only while both replicators keep IDENTICAL names and replicate the same topics, so do not: change
 * `topicNameConfiguration` or the offset sync mode of either replicator (the helper fixes them; ENHANCED needs
 * IDENTICAL and the reverse replicator), give the two directions different topic lists, add a third replicator
 * writing the same topic names into either cluster, or recreate a deleted topic within 30 seconds (AWS: duplicates
 * can flow back). Consumers must tolerate duplicates (delivery is at least once).
 *
 * @see https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-active-active.html
 * @see https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-bidirectional-offset-sync.html
 */
export class ActiveActiveReplication extends Construct {
  /**
   * The replicator from cluster A to cluster B, in B's stack.
   */
  public readonly replicatorAToB: MskReplicator;

  /**
   * The replicator from cluster B to cluster A, in A's stack.
   */
  public readonly replicatorBToA: MskReplicator;

  /**
   * Cluster A's cluster policy (in its own stack in A's Region), when created.
   */
  public readonly sourceClusterPolicyA?: ReplicatorSourceClusterPolicy;

  /**
   * Cluster B's cluster policy (in B's stack), when created.
   */
  public readonly sourceClusterPolicyB?: ReplicatorSourceClusterPolicy;

  /**
   * The stack that holds cluster A's cluster policy (`clusterAPolicyStack`, or the one created), when the policies
   * are created. It deploys first: `cdk deploy --all` deploys it, then B's stack, then A's stack.
   */
  public readonly clusterAPolicyStack?: Stack;

  /**
   * @param scope the construct that holds both clusters' stacks, usually the `App` (or a `Stage`): this construct
   * groups the pair in the tree; the replicators and policies live in the clusters' stacks
   * @param id the construct id of the pair, and of each replicator in its stack (`<id>AToB` in B's stack, `<id>BToA`
   * in A's)
   */
  constructor(scope: Construct, id: string, props: ActiveActiveReplicationProps) {
    super(scope, id);
    const a = props.clusterA;
    const b = props.clusterB;
    withScope(this, () => validateClusters(a, b));
    const regionA = a.stack.region;

    if (props.createSourceClusterPolicies ?? true) {
      // A's policy must exist before A to B (in B's stack), and A's stack deploys after B's: a stack of its own.
      const policyStack = props.clusterAPolicyStack ?? new Stack(a.stack.node.scope!, `${a.stack.node.id}${id}SourceAccess`, {
        env: { account: a.stack.account, region: regionA },
      });
      withScope(this, () => validatePolicyStack(policyStack, a.stack));
      this.clusterAPolicyStack = policyStack;
      this.sourceClusterPolicyA = new ReplicatorSourceClusterPolicy(policyStack, `${id}SourceClusterPolicy`, { clusterArn: a.clusterArn });
      this.sourceClusterPolicyB = new ReplicatorSourceClusterPolicy(b.stack, `${id}SourceClusterPolicy`, { clusterArn: b.clusterArn });
      addStackDependency(b.stack, policyStack, 'the source cluster policy of A must exist before the replicator A to B is created');
    }

    const replicator = (stack: Stack, replicatorId: string, source: ActiveActiveClusterOptions, target: ActiveActiveClusterOptions,
      names: { source: string; target: string }) => this.inTermsOfProps(names, () => new MskReplicator(stack, replicatorId, {
      source: ReplicatorCluster.fromMskCluster({ clusterArn: source.clusterArn, vpc: source.vpc, vpcSubnets: source.vpcSubnets }),
      target: ReplicatorCluster.fromMskCluster({
        clusterArn: target.clusterArn, vpc: target.vpc, vpcSubnets: target.vpcSubnets, clusterSecurityGroups: target.clusterSecurityGroups,
      }),
      topicReplication: {
        topicsToReplicate: props.topicsToReplicate,
        topicsToExclude: props.topicsToExclude,
        startingPosition: props.startingPosition,
        // Loop safety and ENHANCED offset sync both need IDENTICAL names in both directions: fixed, not a prop.
        topicNameConfiguration: TopicNameConfiguration.IDENTICAL,
      },
      consumerGroupReplication: {
        consumerGroupsToReplicate: props.consumerGroupsToReplicate,
        consumerGroupsToExclude: props.consumerGroupsToExclude,
        offsetSyncMode: ConsumerGroupOffsetSyncMode.ENHANCED,
      },
      tags: props.tags,
      providerLogs: props.providerLogs,
    }));
    this.replicatorAToB = replicator(b.stack, `${id}AToB`, a, b, { source: 'clusterA', target: 'clusterB' });
    this.replicatorBToA = replicator(a.stack, `${id}BToA`, b, a, { source: 'clusterB', target: 'clusterA' });
    if (!(props.createSourceClusterPolicies ?? true)) {
      // the user manages the clusters' policies elsewhere (the prop's contract): nothing to warn about
      for (const r of [this.replicatorAToB, this.replicatorBToA]) {
        Annotations.of(r).acknowledgeWarning(SOURCE_CLUSTER_POLICY_MISSING, 'createSourceClusterPolicies is false: the cluster policies are managed elsewhere');
      }
    }
    // AWS: create the replicator B to A only after A to B was created (A to B waits for RUNNING).
    addStackDependency(a.stack, b.stack, 'the replicator B to A is created after the replicator A to B');
  }

  /**
   * Creates a replicator; a validation error it raises about its `source.*` / `target.*` props (or the replication
   * props) is raised again by this construct, naming the props of `ActiveActiveReplicationProps` the user gave.
   */
  private inTermsOfProps(names: { source: string; target: string }, create: () => MskReplicator): MskReplicator {
    try {
      return create();
    } catch (error) {
      if (!Errors.isValidationError(error)) throw error;
      const message = (error as Error).message
        .replace(/`source\./g, `\`${names.source}.`).replace(/`target\./g, `\`${names.target}.`)
        .replace(/`source`/g, `\`${names.source}\``).replace(/`target`/g, `\`${names.target}\``)
        .replace(/`topicReplication\./g, '`').replace(/`consumerGroupReplication\./g, '`');
      throw validationError(this, `${message} (in the replicator from ${names.source} to ${names.target})`);
    }
  }
}

/** The Region of a resource, when known at synth. */
function regionOf(resource: { env: { region: string } }): string | undefined {
  return Token.isUnresolved(resource.env.region) ? undefined : resource.env.region;
}

/**
 * The two stacks in two Regions known at synth; each cluster's ARN and VPC in its own stack's Region (a swap of the
 * stacks, or of the ARNs, is named as such).
 */
function validateClusters(a: ActiveActiveClusterOptions, b: ActiveActiveClusterOptions): void {
  const regionA = regionOf(a.stack);
  const regionB = regionOf(b.stack);
  if (regionA === undefined || regionB === undefined || regionA === regionB) {
    throw new PropError('`clusterA.stack` and `clusterB.stack` must be in two different Regions known at synth (set their '
      + `\`env.region\`), got ${regionA ?? '(resolved at deploy time)'} and ${regionB ?? '(resolved at deploy time)'}`);
  }
  const arnRegionA = parseClusterArn(a.clusterArn)?.region;
  const arnRegionB = parseClusterArn(b.clusterArn)?.region;
  if (arnRegionA === regionB && arnRegionB === regionA) {
    throw new PropError(`\`clusterA.clusterArn\` is a cluster of ${regionB} and \`clusterB.clusterArn\` one of ${regionA}, but `
      + `\`clusterA.stack\` is in ${regionA} and \`clusterB.stack\` in ${regionB}: each cluster's \`stack\` must be in that `
      + 'cluster\'s Region (it holds the replicator that writes into the cluster); swap the two stacks, or the two ARNs');
  }
  reportAll(...([['clusterA', a, regionA], ['clusterB', b, regionB]] as const).flatMap(([prop, cluster, region]) => [
    () => {
      const arnRegion = parseClusterArn(cluster.clusterArn)?.region;
      if (arnRegion !== undefined && arnRegion !== region) {
        throw new PropError(`\`${prop}.clusterArn\` must be a cluster of \`${prop}.stack\`'s Region ${region} (that stack holds the `
          + `replicator that writes into it), got a cluster of ${arnRegion}: ${cluster.clusterArn}`);
      }
    },
    () => {
      const vpcRegion = regionOf(cluster.vpc);
      if (vpcRegion !== undefined && vpcRegion !== region) {
        throw new PropError(`\`${prop}.vpc\` must be a VPC of \`${prop}.stack\`'s Region ${region} (import it into that stack), `
          + `got a VPC of ${vpcRegion}`);
      }
    },
  ]));
}

/** The stack of cluster A's policy: in A's Region, and not A's stack, which deploys after B's. */
function validatePolicyStack(policyStack: Stack, stackA: Stack): void {
  if (policyStack === stackA) {
    throw new PropError('`clusterAPolicyStack` must not be `clusterA.stack`: A\'s stack deploys after B\'s stack, and cluster A\'s '
      + 'policy must exist before B\'s stack creates the replicator from A to B');
  }
  const region = regionOf(policyStack);
  if (region !== regionOf(stackA)) {
    throw new PropError(`\`clusterAPolicyStack\` must be in cluster A's Region ${regionOf(stackA)} (a cluster policy is attached in `
      + `the cluster's Region), got ${region ?? '(resolved at deploy time)'}: ${policyStack.node.path}`);
  }
}
