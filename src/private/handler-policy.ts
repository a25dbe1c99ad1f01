import { Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeHandlerPolicy } from './nag-acknowledgements';
import { ReplicatorLogDelivery } from '../log-delivery';

/** The MSK API actions CreateReplicator needs on each MSK cluster of a replicator. */
const HANDLER_CLUSTER_ACTIONS = ['kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers'];

/** What one replicator needs the provider's handlers to be allowed to do. */
export interface HandlerPolicyOptions {
  /** ARN pattern of the replicators this resource may create and manage (by name or name prefix). */
  readonly replicatorArnPattern: string;
  /** The service execution role the handler passes to MSK. */
  readonly serviceExecutionRole: iam.IRole;
  /** The MSK cluster ARNs of both sides. */
  readonly mskClusterArns: string[];
  /** The roles of the provider's handler functions. */
  readonly handlerRoles: iam.IRole[];
  /** The subnets and security groups of the replicator's network interfaces, per side, with their Region. */
  readonly networkInterfaces: Array<{ readonly region?: string; readonly subnetIds: string[]; readonly securityGroupIds: string[] }>;
  /** The replicator's log delivery, when used: only then does the handler get delivery permissions. */
  readonly logDelivery?: ReplicatorLogDelivery;
}

/**
 * What MSK asks of the caller to set up vended log delivery (the actions of the native resource's handlers).
 * The CloudWatch Logs delivery APIs have no resource-level permissions.
 */
function logDeliveryStatements(delivery: ReplicatorLogDelivery): iam.PolicyStatement[] {
  const statements = [new iam.PolicyStatement({
    sid: 'SetUpLogDelivery',
    actions: [
      'logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery',
      'logs:ListLogDeliveries', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups',
    ],
    resources: ['*'],
  })];
  if (delivery.s3Bucket !== undefined) {
    statements.push(new iam.PolicyStatement({
      sid: 'LogDeliveryBucketPolicy',
      actions: ['s3:GetBucketPolicy', 's3:PutBucketPolicy'],
      resources: [delivery.s3Bucket.bucketArn],
    }));
  }
  if (delivery.firehoseDeliveryStream !== undefined) {
    statements.push(new iam.PolicyStatement({
      sid: 'LogDeliveryStreamTags',
      actions: ['firehose:TagDeliveryStream'],
      resources: [delivery.firehoseDeliveryStream.deliveryStreamArn],
    }));
  }
  return statements;
}

/**
 * The least-privilege policy the shared provider's handlers need for ONE replicator, attached to both
 * handler roles. The custom resource depends on it, so the permissions outlive the replicator's deletion.
 */
export function createHandlerPolicy(scope: Construct, id: string, options: HandlerPolicyOptions): iam.Policy {
  const stack = Stack.of(scope);
  const policy = new iam.Policy(scope, id, {
    roles: options.handlerRoles,
    statements: [
      new iam.PolicyStatement({
        sid: 'ManageThisReplicator',
        actions: [
          'kafka:CreateReplicator', 'kafka:DescribeReplicator', 'kafka:UpdateReplicationInfo', 'kafka:DeleteReplicator',
          'kafka:TagResource', 'kafka:UntagResource', 'kafka:ListTagsForResource',
        ],
        resources: [options.replicatorArnPattern],
      }),
      new iam.PolicyStatement({
        // ListReplicators has no resource-level permissions; it finds a replicator a retried create already made.
        sid: 'FindReplicatorByName',
        actions: ['kafka:ListReplicators'],
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'ReadReplicatedClusters',
        actions: HANDLER_CLUSTER_ACTIONS,
        resources: options.mskClusterArns,
      }),
      new iam.PolicyStatement({
        sid: 'PassServiceExecutionRole',
        actions: ['iam:PassRole'],
        resources: [options.serviceExecutionRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'kafka.amazonaws.com' } },
      }),
      new iam.PolicyStatement({
        sid: 'KafkaServiceLinkedRole',
        actions: ['iam:CreateServiceLinkedRole'],
        resources: [stack.formatArn({
          service: 'iam',
          region: '',
          account: Aws.ACCOUNT_ID,
          resource: 'role',
          resourceName: 'aws-service-role/kafka.amazonaws.com/AWSServiceRoleForKafka*',
        })],
        conditions: { StringLike: { 'iam:AWSServiceName': 'kafka.amazonaws.com' } },
      }),
      new iam.PolicyStatement({
        // EC2 Describe* actions support no resource-level permissions.
        sid: 'DescribeReplicatorNetwork',
        actions: ['ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups', 'ec2:DescribeVpcs'],
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'CreateReplicatorNetworkInterfaces',
        actions: ['ec2:CreateNetworkInterface'],
        // the replicator's own subnets and security groups; the new interface's id does not exist before the call
        resources: options.networkInterfaces.flatMap(({ region, subnetIds, securityGroupIds }) => [
          stack.formatArn({ service: 'ec2', region, resource: 'network-interface', resourceName: '*' }),
          ...subnetIds.map((subnetId) => stack.formatArn({ service: 'ec2', region, resource: 'subnet', resourceName: subnetId })),
          ...securityGroupIds.map((groupId) => stack.formatArn({ service: 'ec2', region, resource: 'security-group', resourceName: groupId })),
        ]),
      }),
      ...(options.logDelivery !== undefined ? logDeliveryStatements(options.logDelivery) : []),
    ],
  });
  acknowledgeHandlerPolicy(policy);
  return policy;
}
