import { Annotations, Aspects, IAspect, Stack, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ReplicatorSourceClusterPolicy } from '../source-cluster-policy';
import { validationError } from './errors';
import { renderValue } from './render-value';
import { addStackDependency } from './stack-dependency';

/**
 * A replicator whose source cluster is in another Region cannot be created until the source cluster's policy lets
 * MSK (`kafka.amazonaws.com`) call `kafka:CreateVpcConnection`, `kafka:GetBootstrapBrokers` and
 * `kafka:DescribeClusterV2` on it (MSK developer guide, "Network requirements":
 * https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-network-reqs.html). At synth, when the whole
 * app is known, the replicator looks for a `ReplicatorSourceClusterPolicy` of that cluster:
 * - found in another stack of the same stage: the replicator's stack is made to depend on it, so that it deploys first;
 * - not found: a warning, which a user whose cluster policy is managed elsewhere acknowledges.
 *
 * An aspect rather than a look-up in the constructor: the policy may be declared after the replicator. Aspects run
 * before aws-cdk-lib resolves stack dependencies (core/lib/private/synthesis.ts: invokeAspects, then prepareApp).
 */

/** The id of the warning, for `Annotations.of(replicator).acknowledgeWarning(...)`. */
export const SOURCE_CLUSTER_POLICY_MISSING = 'cdk-msk-replicator:sourceClusterPolicyMissing';

export interface CrossRegionSource {
  readonly clusterArn: string;
  readonly region: string;
  readonly replicatorRegion: string;
}

export function linkSourceClusterPolicy(replicator: IConstruct, source: CrossRegionSource): void {
  Aspects.of(replicator).add(new SourceClusterPolicyLink(replicator, source));
}

class SourceClusterPolicyLink implements IAspect {
  constructor(private readonly replicator: IConstruct, private readonly source: CrossRegionSource) {}

  public visit(node: IConstruct): void {
    if (node !== this.replicator) return;
    const policies = node.node.root.node.findAll().filter((c): c is ReplicatorSourceClusterPolicy =>
      c instanceof ReplicatorSourceClusterPolicy && c.clusterArn === this.source.clusterArn);
    if (policies.length === 0) {
      // On the replicator's resource rather than the replicator: aws-cdk-lib 2.257.0 finds an acknowledgement made
      // before the warning only on an ancestor of the warning's construct (core/lib/annotations.ts,
      // Acknowledgements.searchPaths leaves out the construct's own path; 2.278.0 includes it).
      Annotations.of(node.node.defaultChild ?? node).addWarningV2(SOURCE_CLUSTER_POLICY_MISSING, `The source cluster ${renderValue(this.source.clusterArn)} `
        + `is in ${this.source.region}, another Region than the replicator (${this.source.replicatorRegion}), and no `
        + 'ReplicatorSourceClusterPolicy of it is in this app: MSK creates the replicator only once the source cluster\'s policy '
        + 'allows kafka.amazonaws.com to call kafka:CreateVpcConnection, kafka:GetBootstrapBrokers and kafka:DescribeClusterV2. '
        + `Add a ReplicatorSourceClusterPolicy to a stack of ${this.source.region}, or, if the cluster policy is managed `
        + `elsewhere, acknowledge this warning: Annotations.of(replicator).acknowledgeWarning('${SOURCE_CLUSTER_POLICY_MISSING}', reason)`);
      return;
    }
    const replicatorStack = Stack.of(node);
    for (const policy of policies) {
      const policyStack = Stack.of(policy);
      if (policyStack === replicatorStack || Stage.of(policyStack) !== Stage.of(replicatorStack)) continue;
      try {
        addStackDependency(replicatorStack, policyStack, 'the source cluster\'s policy must exist before the replicator is created');
      } catch (error) {
        throw validationError(node, `The replicator's stack ${replicatorStack.node.path} must deploy after the stack `
          + `${policyStack.node.path} of the source cluster's policy ${policy.node.path}, but that order is impossible: `
          + `${(error as Error).message}`);
      }
    }
  }
}
