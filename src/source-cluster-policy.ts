import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as msk from 'aws-cdk-lib/aws-msk';
import { Construct } from 'constructs';

/**
 * The MSK API actions MSK Replicator performs on a source cluster in another Region: it creates a multi-VPC
 * private connection to it and reads its brokers.
 */
const CROSS_REGION_SOURCE_ACTIONS = ['kafka:CreateVpcConnection', 'kafka:GetBootstrapBrokers', 'kafka:DescribeClusterV2'];

/**
 * Properties of a `ReplicatorSourceClusterPolicy`.
 */
export interface ReplicatorSourceClusterPolicyProps {
  /**
   * The ARN of the source MSK cluster, in this stack's Region.
   */
  readonly clusterArn: string;

  /**
   * Statements to add to the cluster policy besides the replicator's (an MSK cluster has one policy).
   *
   * @default - none
   */
  readonly additionalStatements?: iam.PolicyStatement[];
}

/**
 * The cluster policy a SOURCE cluster needs for cross-Region replication: it allows `kafka.amazonaws.com`, on
 * behalf of replicators of this account only (`aws:SourceAccount`), `kafka:CreateVpcConnection`,
 * `kafka:GetBootstrapBrokers` and `kafka:DescribeClusterV2` on the cluster.
 *
 * Deploy it in the source cluster's stack (the source cluster's Region), before the replicator's stack in the
 * target Region. The source cluster also needs multi-VPC private connectivity turned on with IAM authentication.
 *
 * @see https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-prepare-cluster.html
 * @resource AWS::MSK::ClusterPolicy
 */
export class ReplicatorSourceClusterPolicy extends Construct {
  /**
   * The policy document attached to the cluster.
   */
  public readonly document: iam.PolicyDocument;

  constructor(scope: Construct, id: string, props: ReplicatorSourceClusterPolicyProps) {
    super(scope, id);
    this.document = new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          sid: 'MskReplicatorCrossRegionSource',
          principals: [new iam.ServicePrincipal('kafka.amazonaws.com')],
          actions: CROSS_REGION_SOURCE_ACTIONS,
          resources: [props.clusterArn],
          conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
        }),
        ...props.additionalStatements ?? [],
      ],
    });
    new msk.CfnClusterPolicy(this, 'Resource', { clusterArn: props.clusterArn, policy: this.document });
  }
}
