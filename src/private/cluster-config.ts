import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ClusterSpec } from '../provider/properties';

/**
 * Where a cluster's side of a replicator sits, known before anything is created for it. Internal.
 */
export interface ClusterPlacement {
  /** The cluster's Region: from its ARN, else from its VPC; undefined when neither is known at synth. */
  readonly region?: string;
}

/** What the replicator tells a cluster when binding it. Internal. */
export interface ClusterBindContext {
  /** The replicator's Region (the target cluster's), when known at synth. */
  readonly replicatorRegion?: string;
  /**
   * This side is a source in another Region than the replicator: MSK reaches it through multi-VPC private
   * connectivity, with subnets of the source Region and no security group.
   */
  readonly crossRegion: boolean;
  /** Creates the security group of this side's network interfaces (each side has its own). */
  readonly securityGroup: (vpc: ec2.IVpc) => ec2.SecurityGroup;
}

/**
 * What a cluster contributes to a replicator once bound to it. Internal: not part of the jsii API.
 */
export interface ReplicatorClusterConfig {
  /** The cluster as the handler's contract describes it. */
  readonly spec: ClusterSpec;
  /** The MSK cluster ARN (undefined for a self-managed cluster). */
  readonly clusterArn?: string;
  /** The Region of this side's subnets, when known (the source Region for a cross-Region source). */
  readonly region?: string;
  /** The VPC id of this side's subnets, when known. */
  readonly vpcId?: string;
  /** The security groups the replicator's network interfaces use on this side (none for a cross-Region source). */
  readonly securityGroups: ec2.ISecurityGroup[];
  /** The Availability Zones of the selected subnets (empty when only subnet ids were given). */
  readonly availabilityZones: string[];
}
