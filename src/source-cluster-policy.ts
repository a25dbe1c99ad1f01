import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as msk from 'aws-cdk-lib/aws-msk';
import { Construct } from 'constructs';
import { parseClusterArn } from './private/cluster-arns';
import { withScope } from './private/errors';
import { PropError } from './private/prop-error';
import { validateClusterArn } from './private/validate-network';

/**
 * The MSK API actions MSK Replicator performs on a source cluster in another Region: it creates a multi-VPC
 * private connection to it and reads its brokers. Exactly the actions of the MSK developer guide, "Network
 * requirements" (https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-network-reqs.html).
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
 * The cluster policy a SOURCE cluster needs for cross-Region replication: it allows the MSK service principal
 * `kafka.amazonaws.com` to call `kafka:CreateVpcConnection`, `kafka:GetBootstrapBrokers` and
 * `kafka:DescribeClusterV2` on the cluster, as the MSK developer guide documents it ("Network requirements" and
 * "Prepare the Amazon MSK source cluster"). The statement carries no condition: AWS documents none, and a condition
 * MSK does not satisfy would make the replicator's creation fail. Reading and writing data stays governed by the
 * replicator's service execution role (`kafka-cluster:` actions).
 *
 * Put it in a stack of the source cluster's Region. When a replicator of the same app (and stage) reads from this
 * cluster, the replicator's stack is made to depend on this policy's stack, so that `cdk deploy` deploys the policy
 * first. An MSK cluster has a single cluster policy: put other statements in `additionalStatements`.
 *
 * A provisioned source cluster also needs multi-VPC private connectivity turned on for IAM (a serverless one does
 * not). With aws-cdk-lib's `CfnCluster`, set
 * `brokerNodeGroupInfo.connectivityInfo.vpcConnectivity.clientAuthentication.sasl.iam.enabled` to true; for a
 * cluster managed elsewhere, run `aws kafka update-connectivity --cluster-arn <arn> --current-version <version>
 * --connectivity-info '{"VpcConnectivity":{"ClientAuthentication":{"Sasl":{"Iam":{"Enabled":true}}}}}'`.
 *
 * @see https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-prepare-cluster.html
 * @see https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-network-reqs.html
 * @resource AWS::MSK::ClusterPolicy
 */
export class ReplicatorSourceClusterPolicy extends Construct {
  /**
   * The policy document attached to the cluster.
   */
  public readonly document: iam.PolicyDocument;

  /**
   * The ARN of the cluster the policy is attached to.
   */
  public readonly clusterArn: string;

  constructor(scope: Construct, id: string, props: ReplicatorSourceClusterPolicyProps) {
    super(scope, id);
    const stackRegion = Stack.of(this).region;
    withScope(this, () => {
      validateClusterArn('clusterArn', props.clusterArn, stackRegion);
      const clusterRegion = parseClusterArn(props.clusterArn)?.region;
      if (clusterRegion !== undefined && !Token.isUnresolved(stackRegion) && clusterRegion !== stackRegion) {
        throw new PropError(`\`clusterArn\` must be a cluster of this stack's Region ${stackRegion} (a cluster policy is `
          + `attached in the cluster's Region), got a cluster of ${clusterRegion}: ${props.clusterArn}`);
      }
    });
    this.clusterArn = props.clusterArn;
    this.document = new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          sid: 'MskReplicatorCrossRegionSource',
          principals: [new iam.ServicePrincipal('kafka.amazonaws.com')],
          actions: CROSS_REGION_SOURCE_ACTIONS,
          resources: [props.clusterArn],
        }),
        ...props.additionalStatements ?? [],
      ],
    });
    new msk.CfnClusterPolicy(this, 'Resource', { clusterArn: props.clusterArn, policy: this.document });
  }
}
