import { Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeHandlerPolicy } from './nag-acknowledgements';
import { ReplicatorLogDelivery } from '../log-delivery';

/**
 * The permissions of the provider's two handler functions, shared by every replicator of the stack.
 *
 * Why shared and not one policy per replicator: IAM caps all inline policies of one role together at 10,240
 * characters, and both handler roles serve every replicator of the stack. Why `replicator/*` and not the
 * replicator's own name: a replacement that changes the name, or switches between a generated and a fixed
 * name, runs with the NEW policy (CloudFormation updates a policy before the resources that depend on it),
 * yet still calls DescribeReplicator on the old ARN, and CloudFormation's cleanup deletes the old replicator
 * after that; AWS's documented caller policy uses the same `replicator/*` resource
 * (https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-create-iam-perms.html).
 *
 * What varies per replicator (service execution roles, VPCs) is collected into de-duplicated statements: a
 * replicator adds its role's ARN (about 100 characters) to the onEvent policy, and a VPC's ARN when it is new. Statements
 * that a deleting or updating replicator needs never depend on another replicator's registration.
 */

// CALLER_POLICY_DOC, cited below: "IAM permissions required to create an MSK Replicator",
// https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-create-iam-perms.html

/** One side's network interfaces: the Region (default: the stack's), the VPC (when known), and the subnets. */
export interface ReplicatorNetworkSide {
  /** The Region of the side's subnets. @default - the stack's Region */
  readonly region?: string;
  /** The VPC of the side's subnets, when known: then the grant is by VPC, not per subnet. */
  readonly vpcId?: string;
  /** The side's subnets. */
  readonly subnetIds: string[];
  /** The side's security groups (used only when the VPC is unknown). */
  readonly securityGroupIds?: string[];
}

/** What one replicator needs the shared handler policies to cover. */
export interface HandlerPermissionRequest {
  /** The service execution role the handler passes to MSK. */
  readonly serviceExecutionRoleArn: string;
  /** Both sides' network interfaces. */
  readonly network: ReplicatorNetworkSide[];
}

/** A set of strings (literal or token-encoded) in first-seen order. */
class Union {
  private readonly values: string[] = [];
  public add(value: string): boolean {
    if (this.values.includes(value)) return false;
    this.values.push(value);
    return true;
  }
  public get list(): string[] {
    return [...this.values];
  }
}

/**
 * The two handler policies of the stack-singleton provider: one for onEvent (which creates replicators), one
 * for isComplete (which waits, updates, tags and deletes). Each statement says which function calls what.
 */
export class HandlerPolicies extends Construct {
  /** The onEvent function's policy. */
  public readonly onEventPolicy: iam.Policy;
  /** The isComplete function's policy. */
  public readonly isCompletePolicy: iam.Policy;

  private readonly serviceRoles = new Union();
  private readonly vpcArns = new Union();
  private readonly replicatorRegions = new Union();
  private readonly clusterStatement: iam.PolicyStatement;
  private readonly passRoleStatement: iam.PolicyStatement;
  private readonly createStatement: iam.PolicyStatement;
  private vpcStatement?: iam.PolicyStatement;
  private interfaceStatement?: iam.PolicyStatement;
  private subnetStatement?: iam.PolicyStatement;
  private readonly networkRegions = new Union();
  private readonly listedNetwork = new Union();
  private readonly acknowledged = new Set<string>();

  constructor(scope: Construct, id: string, private readonly onEventRole: iam.IRole, private readonly isCompleteRole: iam.IRole) {
    super(scope, id);
    const stack = Stack.of(this);
    const replicators = stack.formatArn({ service: 'kafka', resource: 'replicator', resourceName: '*' });

    this.createStatement = new iam.PolicyStatement({
      // onEvent: CreateReplicator (with the owner tag, so TagResource), the retried-create adoption check
      // (ListTagsForResource), the update planner's DescribeReplicator, and RETAIN's mark on a replicator it lets go. CreateReplicatorReference is in the
      // create permissions of AWS's own AWS::MSK::Replicator handler (CloudFormation resource schema,
      // handlers.create.permissions). On `replicator/*` of this account and Region, as in the caller policy
      // of CALLER_POLICY_DOC: the old and new names of a replacement are both covered.
      sid: 'CreateReplicators',
      actions: ['kafka:CreateReplicator', 'kafka:CreateReplicatorReference', 'kafka:DescribeReplicator',
        'kafka:ListTagsForResource', 'kafka:TagResource'],
      resources: [replicators],
    });
    this.replicatorRegions.add(stack.region);
    this.clusterStatement = new iam.PolicyStatement({
      // onEvent: MSK reads both clusters with the caller's credentials during CreateReplicator
      // (kafka:DescribeClusterV2, kafka:GetBootstrapBrokers: "IAM permissions reference",
      // https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-iam-ref.html). Nothing else on clusters:
      // the Service Authorization Reference for Amazon MSK ("Actions, resources, and condition keys for Amazon Managed
      // Streaming for Apache Kafka", https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonmanagedstreamingforapachekafka.html)
      // gives kafka:CreateReplicator the resource type `replicator*` only, with DescribeClusterV2, GetBootstrapBrokers,
      // TagResource and iam:PassRole as its dependent actions, and the MSK guide's TagResource there "tag[s] a
      // replicator"; the current caller policy ("IAM permissions required to create an MSK Replicator",
      // msk-replicator-create-iam-perms.html) grants CreateReplicator and TagResource on `replicator/*`. Tagging or
      // creating on `cluster/*` would let the handler retag every cluster of the account, and tags on clusters often
      // carry tag-based access control.
      // On `cluster/*` of this account and the replicators' Regions, not per cluster: these are control-plane reads.
      // Listing both cluster ARNs of every replicator costs ~200 characters per replicator on one role, which caps a
      // stack at ~28 replicators with their own clusters under IAM's 10,240 character limit; access to the clusters'
      // data stays with each service execution role, scoped per cluster.
      sid: 'UseReplicatedClusters',
      actions: ['kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers'],
      resources: [stack.formatArn({ service: 'kafka', resource: 'cluster', resourceName: '*' })],
    });
    this.passRoleStatement = new iam.PolicyStatement({
      // onEvent: CreateReplicator passes the service execution role to MSK (CALLER_POLICY_DOC, Sid
      // MSKReplicatorIAMPassRole), only to kafka.amazonaws.com.
      sid: 'PassServiceExecutionRoles',
      actions: ['iam:PassRole'],
      conditions: { StringEquals: { 'iam:PassedToService': 'kafka.amazonaws.com' } },
    });

    this.onEventPolicy = new iam.Policy(this, 'OnEvent', {
      roles: [onEventRole],
      statements: [
        this.createStatement,
        new iam.PolicyStatement({
          // onEvent: a retried create finds the replicator it already made. ListReplicators has no resource-level
          // permissions (CALLER_POLICY_DOC, Sid MSKReplicatorListActions: Resource "*").
          sid: 'FindReplicatorByName',
          actions: ['kafka:ListReplicators'],
          resources: ['*'],
        }),
        this.clusterStatement,
        this.passRoleStatement,
        new iam.PolicyStatement({
          // onEvent: MSK creates its service-linked role on first use (CALLER_POLICY_DOC, Sid
          // MSKReplicatorServiceLinkedRole), only that role.
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
          // onEvent: MSK validates the network configuration with the caller's credentials (CALLER_POLICY_DOC,
          // Sid EC2Actions). EC2 Describe* actions support no resource-level permissions.
          sid: 'DescribeReplicatorNetwork',
          actions: ['ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups', 'ec2:DescribeVpcs'],
          resources: ['*'],
        }),
      ],
    });

    this.isCompletePolicy = new iam.Policy(this, 'IsComplete', {
      roles: [isCompleteRole],
      statements: [new iam.PolicyStatement({
        // isComplete: polls (DescribeReplicator), applies in-place updates (UpdateReplicationInfo), reconciles tags
        // (ListTagsForResource, TagResource, UntagResource) and deletes (DeleteReplicator), including
        // CloudFormation's cleanup delete of a replaced replicator whose name is no longer in the template: hence
        // `replicator/*` of this account and Region (CALLER_POLICY_DOC, Sid MSKReplicatorActions), which never
        // changes between deployments. It creates nothing: CreateReplicator and its dependencies stay with onEvent.
        sid: 'ManageReplicators',
        actions: ['kafka:DescribeReplicator', 'kafka:UpdateReplicationInfo', 'kafka:DeleteReplicator',
          'kafka:ListTagsForResource', 'kafka:TagResource', 'kafka:UntagResource'],
        resources: [replicators],
      }), new iam.PolicyStatement({
        // isComplete: the Delete of an adopted replicator reads its own stack's status, to tell CloudFormation undoing
        // the adoption (a rollback: the replicator is given back) from a deletion that was asked for
        // (src/provider/stack-status.ts). DescribeStacks takes the `stack` resource type (Service Authorization
        // Reference for AWS CloudFormation, https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudformation.html).
        // Granted whether or not a replicator adopts: a statement added with the first adoption would be rolled back
        // with it, before the rollback's Delete that needs it. On this role, whose policy does not grow per replicator.
        sid: 'ReadOwnStackStatus',
        actions: ['cloudformation:DescribeStacks'],
        resources: [stack.stackId],
      })],
    });
  }

  /** Adds what one replicator needs; repeated values are granted once. */
  public register(request: HandlerPermissionRequest): void {
    const stack = Stack.of(this);
    if (this.serviceRoles.add(request.serviceExecutionRoleArn)) this.passRoleStatement.addResources(request.serviceExecutionRoleArn);
    for (const side of request.network) {
      const region = side.region ?? stack.region;
      if (this.replicatorRegions.add(region)) {
        // A cross-Region replicator has a reference in the source cluster's Region (DescribeReplicator's
        // IsReplicatorReference, kafka-api-model.json): CreateReplicatorReference may be authorized there.
        this.createStatement.addResources(stack.formatArn({ service: 'kafka', region, resource: 'replicator', resourceName: '*' }));
        this.clusterStatement.addResources(stack.formatArn({ service: 'kafka', region, resource: 'cluster', resourceName: '*' }));
      }
      if (side.vpcId !== undefined) {
        this.grantByVpc(region, side.vpcId);
      } else {
        this.grantBySubnets(region, side);
      }
    }
    acknowledgeHandlerPolicy(this.onEventPolicy, this.acknowledged);
    acknowledgeHandlerPolicy(this.isCompletePolicy, this.acknowledged);
  }

  /**
   * A separate policy holding one replicator's log-delivery permissions, for both functions (onEvent sets up
   * delivery at creation, isComplete changes or removes it and deletes a replicator that has it). It exists
   * only while the replicator has `logDelivery`; the custom resource depends on it, so CloudFormation creates
   * it before a deployment that adds delivery and deletes it in the cleanup phase after the deployment that
   * removes delivery ("Update behaviors of stack resources": removed resources are deleted after the update),
   * and after the cleanup delete of a replaced replicator, its dependent.
   */
  public logDeliveryPolicy(scope: Construct, id: string, delivery: ReplicatorLogDelivery): iam.Policy {
    const policy = new iam.Policy(scope, id, {
      roles: [this.onEventRole, this.isCompleteRole],
      statements: logDeliveryStatements(delivery),
    });
    acknowledgeHandlerPolicy(policy, new Set());
    return policy;
  }

  /**
   * onEvent: MSK creates the replicator's network interfaces with the caller's credentials (CALLER_POLICY_DOC,
   * Sid MSKReplicatorEC2Actions: network-interface, subnet and security-group resources). Instead of listing
   * every subnet and security group, one statement allows the subnets and security groups of the replicators'
   * VPCs, with the condition key `ec2:Vpc` (the VPC of a subnet or security group: "Example policies for
   * working with the AWS CLI or an AWS SDK" of the Amazon VPC User Guide, "Launch instances into a specific VPC",
   * https://docs.aws.amazon.com/vpc/latest/userguide/vpc-policy-examples.html). The new interface itself is allowed
   * in a second statement without that condition, `network-interface/*` (its id does not exist before the call):
   * an interface cannot be created without a subnet, so the subnet statement is what confines it, whether or not
   * EC2 offers `ec2:Vpc` for the interface resource too.
   */
  private grantByVpc(region: string, vpcId: string): void {
    const stack = Stack.of(this);
    if (this.vpcStatement === undefined) {
      this.vpcStatement = new iam.PolicyStatement({ sid: 'CreateNetworkInterfacesInReplicatorVpcs', actions: ['ec2:CreateNetworkInterface'] });
      this.interfaceStatement = new iam.PolicyStatement({ sid: 'CreateReplicatorNetworkInterfaces', actions: ['ec2:CreateNetworkInterface'] });
      this.onEventPolicy.addStatements(this.interfaceStatement, this.vpcStatement);
    }
    if (this.networkRegions.add(region)) {
      this.interfaceStatement!.addResources(stack.formatArn({ service: 'ec2', region, resource: 'network-interface', resourceName: '*' }));
      this.vpcStatement.addResources(...['subnet', 'security-group']
        .map((resource) => stack.formatArn({ service: 'ec2', region, resource, resourceName: '*' })));
    }
    if (this.vpcArns.add(stack.formatArn({ service: 'ec2', region, resource: 'vpc', resourceName: vpcId }))) {
      this.vpcStatement.addCondition('ArnEquals', { 'ec2:Vpc': this.vpcArns.list });
    }
  }

  /** The fallback when a side's VPC is unknown: its own subnets and security groups, listed. */
  private grantBySubnets(region: string | undefined, side: ReplicatorNetworkSide): void {
    const stack = Stack.of(this);
    if (this.subnetStatement === undefined) {
      this.subnetStatement = new iam.PolicyStatement({ sid: 'CreateNetworkInterfacesInReplicatorSubnets', actions: ['ec2:CreateNetworkInterface'] });
      this.onEventPolicy.addStatements(this.subnetStatement);
    }
    const arns = [
      stack.formatArn({ service: 'ec2', region, resource: 'network-interface', resourceName: '*' }),
      ...side.subnetIds.map((subnetId) => stack.formatArn({ service: 'ec2', region, resource: 'subnet', resourceName: subnetId })),
      ...(side.securityGroupIds ?? []).map((groupId) => stack.formatArn({ service: 'ec2', region, resource: 'security-group', resourceName: groupId })),
    ];
    const fresh = arns.filter((arn) => this.listedNetwork.add(arn));
    if (fresh.length > 0) this.subnetStatement.addResources(...fresh);
  }
}

/**
 * What MSK asks of the caller to set up, change and remove vended log delivery: "Additional permissions for
 * log delivery" (https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-create-iam-perms-logs.html)
 * and the update/delete permissions of AWS's own AWS::MSK::Replicator handler (its CloudFormation resource
 * schema: logs:DeleteLogDelivery for update and delete). The CloudWatch Logs delivery APIs have no
 * resource-level permissions.
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
