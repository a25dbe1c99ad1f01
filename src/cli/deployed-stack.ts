import {
  CloudFormationClient, DescribeStackResourceCommand, DescribeStacksCommand, GetTemplateCommand, ListStackResourcesCommand,
  StackResourceSummary,
} from '@aws-sdk/client-cloudformation';

/**
 * Reads the replicators of a deployed stack from CloudFormation, read-only, with the client the caller gives (its
 * Region and credentials decided by the command). Shared by the commands that compare a template with what is
 * deployed (the drift report; the plan reads deployed stacks the same way).
 *
 * - DescribeStackResource (CloudFormation API reference, API_DescribeStackResource.html) gives one resource by logical
 *   id; the physical id of a `Custom::MskReplicator` is its replicator's ARN (the handler answers with it).
 * - ListStackResources (API_ListStackResources.html), page by page, lists them all: DescribeStackResources returns
 *   only the first 100 resources of a stack (its documentation in @aws-sdk/client-cloudformation says so), and a stack
 *   of many replicators holds more.
 * CloudFormation answers 400 `ValidationError` for a stack or a logical id it does not know ("Stack with id <name>
 * does not exist", "Resource <id> does not exist for stack <name>"); those become messages that say what to check.
 */

export const REPLICATOR_TYPE = 'Custom::MskReplicator';

/** A resource of a deployed stack. */
export interface DeployedStackResource {
  readonly logicalId: string;
  /** Absent while CloudFormation creates it, or when its creation failed. */
  readonly physicalId?: string;
  readonly type: string;
  readonly status: string;
}

/** A stack, or a resource of it, that CloudFormation does not know: the message says which and what to check. */
export class DeployedStackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeployedStackError';
  }
}

function isValidationError(error: unknown, pattern: RegExp): boolean {
  return (error as { name?: string }).name === 'ValidationError' && pattern.test((error as Error).message);
}

function stackMissing(stack: string, region: string): DeployedStackError {
  return new DeployedStackError(`CloudFormation has no stack ${stack} in ${region} (in the account of the credentials in use): `
    + 'check the stack name (as `cdk list` shows it) and the Region (--region)');
}

/** Every resource of type `Custom::MskReplicator` of the stack, over every page. */
export async function deployedReplicators(client: CloudFormationClient, stack: string): Promise<DeployedStackResource[]> {
  return (await deployedResources(client, stack)).filter((r) => r.type === REPLICATOR_TYPE);
}

/** Every resource of the stack, over every page of ListStackResources. */
export async function deployedResources(client: CloudFormationClient, stack: string): Promise<DeployedStackResource[]> {
  const region = await client.config.region();
  const found: DeployedStackResource[] = [];
  let nextToken: string | undefined;
  do {
    let page;
    try {
      page = await client.send(new ListStackResourcesCommand({ StackName: stack, NextToken: nextToken }));
    } catch (error) {
      if (isValidationError(error, /^Stack with id .* does not exist/)) throw stackMissing(stack, region);
      throw error;
    }
    found.push(...(page.StackResourceSummaries ?? []).map(summary));
    nextToken = page.NextToken;
  } while (nextToken !== undefined);
  return found;
}

/** One resource of the stack, by logical id. */
export async function deployedResource(client: CloudFormationClient, stack: string, logicalId: string): Promise<DeployedStackResource> {
  const region = await client.config.region();
  try {
    const { StackResourceDetail: detail } = await client.send(new DescribeStackResourceCommand({ StackName: stack, LogicalResourceId: logicalId }));
    return {
      logicalId: detail?.LogicalResourceId ?? logicalId,
      physicalId: detail?.PhysicalResourceId || undefined,
      type: detail?.ResourceType ?? '(unknown)',
      status: detail?.ResourceStatus ?? '(unknown)',
    };
  } catch (error) {
    if (isValidationError(error, /^Stack with id .* does not exist/)) throw stackMissing(stack, region);
    if (isValidationError(error, /^Resource .* does not exist for stack/)) {
      const replicators = await deployedReplicators(client, stack);
      throw new DeployedStackError(`Stack ${stack} has no resource ${logicalId}; its ${REPLICATOR_TYPE} resources: `
        + `${replicators.map((r) => r.logicalId).join(', ') || 'none'} (was the template synthesized from another version of the app?)`);
    }
    throw error;
  }
}

/** The ARN of the replicator of the stack's `Custom::MskReplicator` `logicalId`: its physical id. */
export async function deployedReplicatorArn(client: CloudFormationClient, stack: string, logicalId: string): Promise<string> {
  const resource = await deployedResource(client, stack, logicalId);
  if (resource.type !== REPLICATOR_TYPE) {
    throw new DeployedStackError(`Resource ${logicalId} of stack ${stack} is a ${resource.type}, not a ${REPLICATOR_TYPE}`);
  }
  if (resource.physicalId === undefined || !/^arn:[a-z-]+:kafka:/.test(resource.physicalId)) {
    throw new DeployedStackError(`Resource ${logicalId} of stack ${stack} has no replicator (status ${resource.status}, physical id `
      + `${resource.physicalId ?? 'none'}): it was not created, or its creation failed`);
  }
  return resource.physicalId;
}

function summary(resource: StackResourceSummary): DeployedStackResource {
  return {
    logicalId: resource.LogicalResourceId ?? '(unknown)',
    physicalId: resource.PhysicalResourceId || undefined,
    type: resource.ResourceType ?? '(unknown)',
    status: resource.ResourceStatus ?? '(unknown)',
  };
}

/**
 * Stack statuses in which nothing of the stack is deployed ("Stack status codes",
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/view-stack-events.html): REVIEW_IN_PROGRESS (a stack
 * created by a change set that was never executed), ROLLBACK_COMPLETE (its creation failed and every resource was
 * deleted; `cdk deploy` deletes it and creates it again), DELETE_COMPLETE.
 */
export const NOTHING_DEPLOYED_STATUSES: readonly string[] = ['REVIEW_IN_PROGRESS', 'ROLLBACK_COMPLETE', 'DELETE_COMPLETE'];

/** A deployed stack as the plan reads it. */
export interface DeployedStack {
  readonly stackId: string;
  readonly status: string;
  /** The template last deployed, as submitted; undefined when nothing is deployed. */
  readonly template?: Record<string, unknown>;
  /** Every resource; empty when nothing is deployed. */
  readonly resources: DeployedStackResource[];
}

/**
 * The stack `stack` as deployed, or undefined when CloudFormation has no such stack (DescribeStacks answers 400
 * ValidationError "Stack with id <name> does not exist"). Reads DescribeStacks (API_DescribeStacks.html),
 * GetTemplate with TemplateStage `Original` (API_GetTemplate.html: the template as submitted, before transforms: what
 * the synthesized one is compared with) and ListStackResources.
 */
export async function readDeployedStack(client: CloudFormationClient, stack: string): Promise<DeployedStack | undefined> {
  let described;
  try {
    described = (await client.send(new DescribeStacksCommand({ StackName: stack }))).Stacks?.[0];
  } catch (error) {
    if (isValidationError(error, /^Stack with id .* does not exist/)) return undefined;
    throw error;
  }
  if (described === undefined) return undefined;
  const stackId = described.StackId ?? stack;
  const status = described.StackStatus ?? '(unknown)';
  if (NOTHING_DEPLOYED_STATUSES.includes(status)) return { stackId, status, resources: [] };
  const [templateResponse, resources] = await Promise.all([
    client.send(new GetTemplateCommand({ StackName: stackId, TemplateStage: 'Original' })),
    deployedResources(client, stackId),
  ]);
  let template: Record<string, unknown>;
  try {
    template = JSON.parse(templateResponse.TemplateBody ?? '{}');
  } catch {
    throw new DeployedStackError(`The deployed template of stack ${stack} is not JSON (a YAML template?): the plan reads JSON templates, as the CDK deploys them`);
  }
  return { stackId, status, template, resources };
}
