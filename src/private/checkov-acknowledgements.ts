import { CfnResource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';

/**
 * Acknowledgements of checkov's CloudFormation findings on the resources of the provider this library creates, each
 * with its reason, written where checkov reads them: the resource's `Metadata.checkov.skip`, a list of `{ id,
 * comment }` (checkov's "Suppressing and Skipping Policies" page,
 * https://www.checkov.io/2.Basics/Suppressing%20and%20Skipping%20Policies.html; `collect_skip_comments` in
 * checkov/cloudformation/context_parser.py). Whoever scans an app's templates with checkov sees them as skipped
 * checks with these comments, as cdk-nag users see the library's acknowledgements (nag-acknowledgements.ts).
 * Findings on resources the library does not create are left to their owner. test/template-scans/ runs checkov over
 * the example templates with and without this metadata: nothing is left failed on the library's resources, and each
 * acknowledgement stands for a check that fails without it.
 */

interface CheckovSkip {
  readonly id: string;
  readonly comment: string;
}

function acknowledge(resource: CfnResource, id: string, comment: string): void {
  const existing = (resource.getMetadata('checkov') ?? {}) as { skip?: CheckovSkip[] };
  const skip = (existing.skip ?? []).filter((s) => s.id !== id);
  resource.addMetadata('checkov', { ...existing, skip: [...skip, { id, comment }] });
}

function cfnOf(construct: IConstruct): CfnResource {
  const child = construct.node.defaultChild;
  if (!(child instanceof CfnResource)) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return child;
}

const NO_DEAD_LETTER_QUEUE = 'A dead-letter queue keeps the events of failed asynchronous invocations (AWS Lambda '
  + 'Developer Guide, "Retaining records of asynchronous invocations"): these would be whole CloudFormation events, with '
  + 'their pre-signed response URL, the replicator\'s ARNs and tags, which the library keeps out of every store. The '
  + 'library\'s handlers are invoked synchronously by the Provider framework, and a failure of the framework\'s own '
  + 'functions reaches CloudFormation as a FAILED response or a timeout, which is where the deployment is retried.';

const NO_VPC = 'The function calls only AWS APIs (MSK, Lambda, Step Functions) and the CloudFormation response URL: '
  + 'it reaches nothing inside a VPC. Attached to a VPC it would need a NAT gateway or interface endpoints for each of '
  + 'those services, which the library cannot assume of an account\'s network.';

const NO_RESERVED_CONCURRENCY = 'Reserved concurrency is taken from the account\'s pool, and Lambda refuses a '
  + 'reservation that leaves fewer than 100 unreserved executions (AWS Lambda Developer Guide, "Configuring reserved '
  + 'concurrency"), so a reservation would fail deployments in accounts with low limits. The function runs only '
  + 'while CloudFormation deploys replicators: once per event and once per 30-second poll.';

const ENVIRONMENT_WITHOUT_SECRETS = 'The environment of a Provider framework function holds only the ARNs of the '
  + 'provider\'s own functions and waiter state machine (set by aws-cdk-lib\'s custom-resources Provider), no secret; '
  + 'Lambda encrypts environment variables at rest with an AWS managed key (AWS Lambda Developer Guide, "Securing '
  + 'environment variables").';

const LOG_GROUP_WITHOUT_CMK = 'CloudWatch Logs encrypts every log group at rest (Amazon CloudWatch Logs User Guide, '
  + '"Encrypt log data in CloudWatch Logs using AWS Key Management Service"). These groups hold the request type, the '
  + 'physical id, each API call and its error, never events or properties; a customer managed key would add a key '
  + 'and a key policy for the CloudWatch Logs service in each Region of each stack.';

const LOG_DELIVERY_ON_ANY_RESOURCE = 'The waiter state machine\'s error logging: Step Functions delivers logs '
  + 'through the CloudWatch Logs delivery APIs (logs:CreateLogDelivery, ...), which have no resource-level '
  + 'permissions (AWS Step Functions Developer Guide, "Logging in CloudWatch Logs"); aws-cdk-lib grants exactly these '
  + 'to the state machine\'s role.';

/**
 * The provider: the library's two handler functions, the `custom-resources` Provider framework around them (its
 * three functions, their roles and its waiter state machine), and the log groups of `scope`.
 */
export function acknowledgeProviderForCheckov(scope: IConstruct, handlers: lambda.Function[], framework: IConstruct): void {
  const frameworkFunctions = framework.node.findAll().filter((c): c is lambda.Function => c instanceof lambda.Function);
  for (const fn of [...handlers, ...frameworkFunctions]) {
    const resource = cfnOf(fn);
    acknowledge(resource, 'CKV_AWS_116', NO_DEAD_LETTER_QUEUE);
    acknowledge(resource, 'CKV_AWS_117', NO_VPC);
    acknowledge(resource, 'CKV_AWS_115', NO_RESERVED_CONCURRENCY);
    // the environment is a lazy value (aws-cdk-lib renders it from addEnvironment calls): undefined when empty
    if (Stack.of(resource).resolve((resource as lambda.CfnFunction).environment) !== undefined) {
      acknowledge(resource, 'CKV_AWS_173', frameworkFunctions.includes(fn) ? ENVIRONMENT_WITHOUT_SECRETS
        : 'The handler\'s environment holds no secret; Lambda encrypts environment variables at rest with an AWS '
          + 'managed key (AWS Lambda Developer Guide, "Securing environment variables").');
    }
  }
  for (const logGroup of scope.node.findAll().filter((c): c is logs.LogGroup => c instanceof logs.LogGroup)) {
    acknowledge(cfnOf(logGroup), 'CKV_AWS_158', LOG_GROUP_WITHOUT_CMK);
  }
  // The waiter's error logging: aws-cdk-lib grants its role the CloudWatch Logs delivery actions on `*`.
  for (const policy of framework.node.findAll().filter((c): c is iam.Policy => c instanceof iam.Policy)) {
    const statements = (Stack.of(policy).resolve(policy.document.toJSON()) as { Statement?: Array<Record<string, unknown>> }).Statement ?? [];
    const onAnyResource = statements.filter((st) => ([] as unknown[]).concat(st.Resource).includes('*'));
    if (onAnyResource.length > 0 && onAnyResource.every((st) => ([] as unknown[]).concat(st.Action).every((a) => String(a).startsWith('logs:')))) {
      acknowledge(cfnOf(policy), 'CKV_AWS_111', LOG_DELIVERY_ON_ANY_RESOURCE);
    }
  }
}
