import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ACCOUNT, clusterVpc, REGION } from './orders-replication';
import type { TemplateLike } from '../local-aws/cloudformation/limits';
import { MskReplicator, ReplicatorCluster } from '../src';

/** The cluster ARN of side `side` of replicator `i`: every replicator has its own pair of MSK clusters. */
export const manyClusterArn = (side: 'primary' | 'dr', i: number) =>
  `arn:aws:kafka:${REGION}:${ACCOUNT}:cluster/orders-${side}-${i}/${String(i).padStart(8, '0')}-2222-3333-4444-555555555555-1`;

export const MANY_STACK_NAME = 'OrdersReplication';

/**
 * One stack with `n` default replicators, each between its own pair of MSK clusters in two shared VPCs (a
 * platform team's stack): the topology the limits test and the benchmark measure. CDK's own 500-resource check
 * is disabled so that stacks beyond the limit can be measured too.
 */
export function manyReplicatorsTemplate(n: number): TemplateLike {
  const app = new App({ context: { '@aws-cdk/core:stackResourceLimit': 0 } });
  const stack = new Stack(app, MANY_STACK_NAME, { env: { account: ACCOUNT, region: REGION } });
  const sourceVpc = clusterVpc(stack, 'PrimaryVpc', '10.1.0.0/16', '0primary');
  const targetVpc = clusterVpc(stack, 'DrVpc', '10.2.0.0/16', '0dr');
  for (let i = 0; i < n; i++) {
    new MskReplicator(stack, `Replicator${i}`, {
      source: ReplicatorCluster.fromMskCluster({ clusterArn: manyClusterArn('primary', i), vpc: sourceVpc }),
      target: ReplicatorCluster.fromMskCluster({ clusterArn: manyClusterArn('dr', i), vpc: targetVpc }),
    });
  }
  return Template.fromStack(stack).toJSON() as TemplateLike;
}
