import type { StoredReplicator } from './state';
import type { CreateReplicatorInput, LogDelivery, OperationName, UpdateReplicationInfoInput } from './types';

/**
 * What each MSK Replicator operation asks IAM, for a simulator that enforces IAM. An operation is authorized
 * for its own action on the replicator ARN and for the actions MSK performs with the CALLER's credentials on the
 * caller's behalf (dependent actions). Sources:
 * - "IAM permissions reference" (https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-iam-ref.html):
 *   DescribeClusterV2 and GetBootstrapBrokers on both clusters, iam:PassRole of the service execution role,
 *   ec2:DescribeSubnets/SecurityGroups/Vpcs, TagResource "if tags are provided during creation".
 * - "IAM permissions required to create an MSK Replicator" (msk-replicator-create-iam-perms.html): PassRole with
 *   iam:PassedToService kafka.amazonaws.com; ec2:CreateNetworkInterface on network-interface, subnet and
 *   security-group; kafka:CreateReplicator and kafka:TagResource on `replicator/*`.
 * - The Service Authorization Reference for Amazon MSK
 *   (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonmanagedstreamingforapachekafka.html):
 *   kafka:CreateReplicator authorizes on the resource type `replicator*` only, its dependent actions being
 *   kafka:DescribeClusterV2, kafka:GetBootstrapBrokers, kafka:TagResource and iam:PassRole. So CreateReplicator and
 *   TagResource are asked on the replicator, not on the clusters (the older example of "Considerations for creating
 *   an MSK Replicator", msk-replicator-requirements.html, also listed cluster ARNs for them: the reference decides).
 * - The AWS::MSK::Replicator resource schema's handler permissions (reference/cfn-aws-msk-replicator-schema.json):
 *   kafka:CreateReplicatorReference on create; logs:DeleteLogDelivery and logs:ListLogDeliveries on update and
 *   delete; "Additional permissions for log delivery" (msk-replicator-create-iam-perms-logs.html) per destination.
 * Not modelled: iam:CreateServiceLinkedRole (asked only on an account's first replicator).
 */

export interface RequiredPermission {
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string | undefined>;
}

/** Where the caller's subnets and security groups live: EC2 knows it, the test tells the simulator. */
export interface NetworkDirectory {
  /** subnet or security group id -> its VPC id and Region (default: the simulator's Region). */
  readonly [resourceId: string]: { readonly vpcId: string; readonly region?: string };
}

export interface AuthorizationScope {
  readonly region: string;
  readonly account: string;
  readonly network: NetworkDirectory;
}

const replicatorArnFor = (scope: AuthorizationScope, name: string) =>
  // the id MSK will generate is unknown before the call: any id stands for it
  `arn:aws:kafka:${scope.region}:${scope.account}:replicator/${name}/00000000-0000-0000-0000-000000000000-1`;

function enabledDestinations(delivery: LogDelivery | undefined) {
  const d = delivery?.replicatorLogDelivery;
  return {
    cloudWatchLogs: d?.cloudWatchLogs?.enabled ? d.cloudWatchLogs.logGroup : undefined,
    firehose: d?.firehose?.enabled ? d.firehose.deliveryStream : undefined,
    s3: d?.s3?.enabled ? d.s3.bucket : undefined,
  };
}

const hasDelivery = (delivery: LogDelivery | undefined) => Object.values(enabledDestinations(delivery)).some((v) => v !== undefined);

/** Setting up delivery to the enabled destinations ("Additional permissions for log delivery"). */
function setUpDelivery(scope: AuthorizationScope, delivery: LogDelivery | undefined): RequiredPermission[] {
  const on = enabledDestinations(delivery);
  const required: RequiredPermission[] = [];
  if (!hasDelivery(delivery)) return required;
  required.push({ action: 'logs:CreateLogDelivery', resource: '*' }, { action: 'logs:ListLogDeliveries', resource: '*' });
  if (on.cloudWatchLogs !== undefined) {
    for (const action of ['logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups']) {
      required.push({ action, resource: '*' });
    }
  }
  if (on.s3 !== undefined) {
    for (const action of ['s3:GetBucketPolicy', 's3:PutBucketPolicy']) required.push({ action, resource: `arn:aws:s3:::${on.s3}` });
  }
  if (on.firehose !== undefined) {
    required.push({ action: 'firehose:TagDeliveryStream', resource: `arn:aws:firehose:${scope.region}:${scope.account}:deliverystream/${on.firehose}` });
  }
  return required;
}

/** Tearing down existing delivery (the schema's update and delete permissions). */
const tearDownDelivery = (): RequiredPermission[] => [
  { action: 'logs:DeleteLogDelivery', resource: '*' }, { action: 'logs:ListLogDeliveries', resource: '*' },
];

function createReplicator(scope: AuthorizationScope, input: CreateReplicatorInput): RequiredPermission[] {
  const arn = replicatorArnFor(scope, input.replicatorName);
  const tagged = input.tags !== undefined && Object.keys(input.tags).length > 0;
  const required: RequiredPermission[] = [
    { action: 'kafka:CreateReplicator', resource: arn },
    { action: 'kafka:CreateReplicatorReference', resource: arn },
  ];
  if (tagged) required.push({ action: 'kafka:TagResource', resource: arn });
  for (const cluster of input.kafkaClusters) {
    const clusterArn = cluster.amazonMskCluster?.mskClusterArn;
    if (clusterArn !== undefined) {
      for (const action of ['kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers']) required.push({ action, resource: clusterArn });
    }
  }
  required.push({
    action: 'iam:PassRole',
    resource: input.serviceExecutionRoleArn,
    context: { 'iam:PassedToService': 'kafka.amazonaws.com' },
  });
  for (const action of ['ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups', 'ec2:DescribeVpcs']) required.push({ action, resource: '*' });
  for (const cluster of input.kafkaClusters) {
    for (const subnetId of cluster.vpcConfig?.subnetIds ?? []) {
      // One interface per subnet: the new interface, its subnet and its security groups, each with ec2:Vpc.
      const where = scope.network[subnetId];
      const region = where?.region ?? scope.region;
      const context = { 'ec2:Vpc': where && `arn:aws:ec2:${region}:${scope.account}:vpc/${where.vpcId}` };
      const ec2Arn = (type: string, id: string) => `arn:aws:ec2:${region}:${scope.account}:${type}/${id}`;
      required.push({ action: 'ec2:CreateNetworkInterface', resource: ec2Arn('network-interface', 'eni-00000000000000000'), context });
      required.push({ action: 'ec2:CreateNetworkInterface', resource: ec2Arn('subnet', subnetId), context });
      for (const groupId of cluster.vpcConfig?.securityGroupIds ?? []) {
        required.push({ action: 'ec2:CreateNetworkInterface', resource: ec2Arn('security-group', groupId), context });
      }
    }
  }
  return [...required, ...setUpDelivery(scope, input.logDelivery)];
}

function updateReplicationInfo(
  scope: AuthorizationScope, input: UpdateReplicationInfoInput, live: StoredReplicator | undefined,
): RequiredPermission[] {
  const required: RequiredPermission[] = [{ action: 'kafka:UpdateReplicationInfo', resource: input.replicatorArn }];
  if (input.logDelivery !== undefined && live !== undefined) {
    const before = enabledDestinations(live.logDelivery);
    const after = enabledDestinations(input.logDelivery);
    const changed = (Object.keys(after) as Array<keyof typeof after>).filter((k) => before[k] !== after[k]);
    if (changed.some((k) => after[k] !== undefined)) required.push(...setUpDelivery(scope, input.logDelivery));
    if (changed.some((k) => before[k] !== undefined)) required.push(...tearDownDelivery());
  }
  return required;
}

/**
 * The permissions `operation` with `input` needs. `live` is the replicator the request names, when it exists
 * (its log delivery decides what a delete or an update must tear down).
 */
export function requiredPermissions(
  operation: OperationName, input: Record<string, unknown>, live: StoredReplicator | undefined, scope: AuthorizationScope,
): RequiredPermission[] {
  const arn = (input.replicatorArn ?? input.resourceArn) as string;
  switch (operation) {
    case 'CreateReplicator':
      return createReplicator(scope, input as unknown as CreateReplicatorInput);
    case 'UpdateReplicationInfo':
      return updateReplicationInfo(scope, input as unknown as UpdateReplicationInfoInput, live);
    case 'DeleteReplicator':
      return [{ action: 'kafka:DeleteReplicator', resource: arn }, ...(hasDelivery(live?.logDelivery) ? tearDownDelivery() : [])];
    case 'DescribeReplicator':
      return [{ action: 'kafka:DescribeReplicator', resource: arn }];
    case 'ListReplicators':
      // no resource-level permissions: the caller policy grants it on "*" (msk-replicator-create-iam-perms.html)
      return [{ action: 'kafka:ListReplicators', resource: '*' }];
    case 'TagResource':
      return [{ action: 'kafka:TagResource', resource: arn }];
    case 'UntagResource':
      return [{ action: 'kafka:UntagResource', resource: arn }];
    case 'ListTagsForResource':
      return [{ action: 'kafka:ListTagsForResource', resource: arn }];
    default:
      return [{ action: `kafka:${operation}`, resource: arn ?? '*' }];
  }
}

/** Decides one permission for the current caller: undefined when allowed, else the caller's ARN for the message. */
export type Authorizer = (permission: RequiredPermission) => { readonly allowed: boolean; readonly principalArn: string };
