import { Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { isClusterArn, parseClusterArn } from './cluster-arns';
import { PropError } from './prop-error';
import { renderValue } from './render-value';

/**
 * Synth-time checks of a replicator's network, each a small pure function that throws with a message naming the
 * prop, the rule and the value, and skips what is known only at deploy time.
 *
 * The rules come from the MSK developer guide, "Network requirements"
 * (https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-network-reqs.html) and "Create replicator
 * using the AWS console in the target cluster Region"
 * (https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-create-console.html).
 */

const resolved = (value: string | undefined): value is string => value !== undefined && !Token.isUnresolved(value);

/** The replicator's subnets on one side: at least two ("You must select a minimum of two subnets"), at most three. */
export function validateSubnets(side: string, subnetIds: string[]): void {
  if (Token.isUnresolved(subnetIds)) return;
  if (subnetIds.length < 2 || subnetIds.length > 3) {
    throw new PropError(`\`${side}.vpcSubnets\` must select 2 or 3 subnets, selected ${subnetIds.length}: `
      + `${subnetIds.map((id) => (Token.isUnresolved(id) ? renderValue(id) : id)).join(', ') || 'none'}`);
  }
}

export function validateSecurityGroupCount(side: string, securityGroupIds: string[]): void {
  if (Token.isUnresolved(securityGroupIds)) return;
  if (securityGroupIds.length < 1 || securityGroupIds.length > 16) {
    throw new PropError(`\`${side}.securityGroups\` must hold 1 to 16 security groups, got ${securityGroupIds.length}`);
  }
}

/**
 * Same-Region replication: "The subnets you select for the source and target clusters must be in the same
 * Availability Zones." Checked only when every zone name is known at synth; cross-Region sides are never compared.
 */
export function validateSharedAvailabilityZones(sourceZones: string[], targetZones: string[]): void {
  const known = (zones: string[]) => zones.length > 0 && !zones.some((z) => Token.isUnresolved(z));
  if (!known(sourceZones) || !known(targetZones)) return;
  if (!sourceZones.some((zone) => targetZones.includes(zone))) {
    throw new PropError('In the same Region, `source.vpcSubnets` and `target.vpcSubnets` must share at least one Availability '
      + `Zone, got source zones ${sourceZones.join(', ')} and target zones ${targetZones.join(', ')}`);
  }
}

/**
 * A resolved `clusterArn` must be an MSK cluster ARN (`arn:<partition>:kafka:<region>:<account>:cluster/<name>/<uuid>`)
 * in the partition of the stack's Region (a replicator cannot reach across partitions).
 */
export function validateClusterArn(prop: string, clusterArn: string, stackRegion: string): void {
  if (Token.isUnresolved(clusterArn)) return;
  if (!isClusterArn(clusterArn)) {
    throw new PropError(`\`${prop}\` must be an MSK cluster ARN (arn:<partition>:kafka:<region>:<account>:cluster/<name>/<uuid>), `
      + `got: ${renderValue(clusterArn)}`);
  }
  const partition = clusterArn.split(':')[1];
  const stackPartition = resolved(stackRegion) ? RegionInfo.get(stackRegion).partition : undefined;
  if (stackPartition !== undefined && partition !== stackPartition) {
    throw new PropError(`\`${prop}\` must be in the partition of the stack's Region ${stackRegion} (${stackPartition}), `
      + `got partition ${partition}: ${clusterArn}`);
  }
  const clusterPartition = RegionInfo.get(parseClusterArn(clusterArn)!.region).partition;
  if (clusterPartition !== undefined && partition !== clusterPartition) {
    throw new PropError(`\`${prop}\` names Region ${parseClusterArn(clusterArn)!.region}, which is in partition `
      + `${clusterPartition}, not ${partition}: ${clusterArn}`);
  }
}

/**
 * A VPC or security group must be in `requiredRegion` (a resource's Region is that of its stack, or the `region`
 * it was imported with). Skipped when either Region is known only at deploy time.
 */
export function validateResourceRegion(prop: string, resourceRegion: string | undefined, requiredRegion: string | undefined, why: string): void {
  if (!resolved(resourceRegion) || !resolved(requiredRegion)) return;
  if (resourceRegion !== requiredRegion) {
    throw new PropError(`\`${prop}\` must be in ${requiredRegion} (${why}), got a resource of ${resourceRegion}`);
  }
}

/**
 * Cross-Region replication: "You do not need to provide security groups for the source cluster": MSK reaches it
 * through multi-VPC private connectivity, and the API takes no security group for it.
 */
export function validateNoCrossRegionSourceSecurityGroups(prop: string, count: number, sourceRegion: string, replicatorRegion: string): void {
  if (count === 0) return;
  throw new PropError(`\`${prop}\` must not be given for a source in another Region (source in ${sourceRegion}, replicator `
    + `in ${replicatorRegion}): MSK reaches a cross-Region source through its multi-VPC private connectivity, without `
    + `security groups; got ${count}`);
}
