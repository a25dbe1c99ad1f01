import { Fn, Reference, Stack, Token, Tokenization } from 'aws-cdk-lib';

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
 * The Region of a cluster ARN known only at deploy time, when it refers to a resource of a stack (for example
 * `CfnCluster.attrArn`, an `Fn::GetAtt`): a resource lives in its stack's Region, so that Region is known at synth
 * even though the ARN is not. Undefined for other tokens (parameters, imports) or a stack without a concrete Region.
 */
export function regionOfReferencedResource(clusterArn: string): string | undefined {
  if (!Token.isUnresolved(clusterArn)) return undefined;
  const regions = new Set<string>();
  for (const token of Tokenization.reverseString(clusterArn).tokens) {
    if (!Reference.isReference(token)) continue;
    const region = Stack.of(token.target).region;
    if (!Token.isUnresolved(region)) regions.add(region);
  }
  return regions.size === 1 ? [...regions][0] : undefined;
}
