import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ClusterSpec } from '../provider/properties';

/**
 * What a cluster contributes to a replicator once bound to it. Internal: not part of the jsii API.
 */
export interface ReplicatorClusterConfig {
  /** The cluster as the handler's contract describes it. */
  readonly spec: ClusterSpec;
  /** The MSK cluster ARN (undefined for a self-managed cluster). */
  readonly clusterArn?: string;
  /** The security groups the replicator's network interfaces use on this side. */
  readonly securityGroups: ec2.ISecurityGroup[];
  /** The selected subnets on this side. */
  readonly subnets: ec2.SelectedSubnets;
}
