import { CfnResource, Fn, Reference, Stack, Token, Tokenization } from 'aws-cdk-lib';

/**
 * Token-safe derivations of MSK resource ARNs from a cluster ARN
 * (`arn:<partition>:kafka:<region>:<account>:cluster/<name>/<uuid>`).
 *
 * Topic and group ARNs share the cluster's `<name>/<uuid>`:
 * `...:topic/<name>/<uuid>/<topic>` and `...:group/<name>/<uuid>/<group>`.
 */

/** Replaces the `cluster` resource type of a cluster ARN with `topic` or `group` and appends `/<suffix>`. */
export function clusterChildArn(clusterArn: string, resourceType: 'topic' | 'group', suffix: string): string {
  if (!Token.isUnresolved(clusterArn)) {
    return `${clusterArn.replace(':cluster/', `:${resourceType}/`)}/${suffix}`;
  }
  // Deploy-time: split once on ":cluster/", which occurs exactly once in a cluster ARN.
  const parts = Fn.split(':cluster/', clusterArn, 2);
  return Fn.join('', [Fn.select(0, parts), `:${resourceType}/`, Fn.select(1, parts), `/${suffix}`]);
}

const CLUSTER_ARN = /^arn:[a-z-]+:kafka:([a-z0-9-]+):(\d{12}):cluster\/([^/]+)\/([^/]+)$/;

/** The parts of a resolved cluster ARN, or undefined when it is a token or not a cluster ARN. */
export function parseClusterArn(clusterArn: string): { region: string; account: string; name: string } | undefined {
  if (Token.isUnresolved(clusterArn)) return undefined;
  const match = CLUSTER_ARN.exec(clusterArn);
  return match ? { region: match[1], account: match[2], name: match[3] } : undefined;
}

/** Whether a resolved string is an MSK cluster ARN. */
export function isClusterArn(value: string): boolean {
  return CLUSTER_ARN.test(value);
}

/**
 * The CloudFormation types whose `Ref` and `Fn::GetAtt Arn` are an MSK cluster's ARN
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-msk-cluster.html#aws-resource-msk-cluster-return-values,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-msk-serverlesscluster.html#aws-resource-msk-serverlesscluster-return-values).
 */
const MSK_CLUSTER_TYPES = new Set(['AWS::MSK::Cluster', 'AWS::MSK::ServerlessCluster']);

/**
 * The Region of a cluster ARN known only at deploy time, when it refers to an MSK cluster resource of a stack of the app
 * (for example `CfnCluster.attrArn`, an `Fn::GetAtt`): a resource lives in its stack's Region, so that Region is known
 * at synth even though the ARN is not. Undefined for every other token: a parameter, an import or another resource's
 * attribute can hold the ARN of a cluster of any Region, so the stack it belongs to says nothing about the cluster.
 */
export function regionOfReferencedResource(clusterArn: string): string | undefined {
  if (!Token.isUnresolved(clusterArn)) return undefined;
  const regions = new Set<string>();
  for (const token of Tokenization.reverseString(clusterArn).tokens) {
    if (!Reference.isReference(token)) continue;
    const target = token.target;
    if (!CfnResource.isCfnResource(target) || !MSK_CLUSTER_TYPES.has(target.cfnResourceType)) return undefined;
    const region = Stack.of(target).region;
    if (!Token.isUnresolved(region)) regions.add(region);
  }
  return regions.size === 1 ? [...regions][0] : undefined;
}
