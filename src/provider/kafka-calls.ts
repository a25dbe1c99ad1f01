import {
  DescribeReplicatorCommand,
  DescribeReplicatorResponse,
  KafkaClient,
  ListReplicatorsCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-kafka';

/**
 * Small reads over the MSK API that the lifecycle steps share. Every function takes the client, so tests can
 * pass a mocked one or one pointed at the local simulator.
 */

/** MSK error names that mean "try again later" (after the SDK's own retries are used up). */
const TRANSIENT_ERRORS = new Set([
  'TooManyRequestsException', 'ThrottlingException', 'InternalServerErrorException', 'ServiceUnavailableException',
  'TimeoutError', 'RequestTimeout', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT',
]);

interface ServiceError {
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly InvalidParameter?: string;
  readonly invalidParameter?: string;
}

function asServiceError(error: unknown): ServiceError {
  return (typeof error === 'object' && error !== null ? error : {}) as ServiceError;
}

export function errorName(error: unknown): string {
  const e = asServiceError(error);
  return e.name ?? e.code ?? 'Error';
}

export function errorMessage(error: unknown): string {
  return asServiceError(error).message ?? String(error);
}

/**
 * The SDK hands on a thrown value that is not an Error of its own realm as `new Error(\`AWS SDK error wrapper for
 * ${value}\`)` (@smithy/middleware-retry `asSdkError`), losing its name and code; the text keeps `name: message`.
 */
const SDK_WRAPPER = /^AWS SDK error wrapper for (\w+): (.*)$/;
const CONNECTION_FAILURE = /\b(socket hang up|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT)\b/;

/** Throttling, 5xx and connection failures: the request may succeed if repeated. */
export function isTransient(error: unknown): boolean {
  const e = asServiceError(error);
  const status = e.$metadata?.httpStatusCode;
  const wrapped = SDK_WRAPPER.exec(e.message ?? '');
  return TRANSIENT_ERRORS.has(errorName(error)) || (e.code !== undefined && TRANSIENT_ERRORS.has(e.code))
    || status === 429 || (status !== undefined && status >= 500)
    || (wrapped !== null && (TRANSIENT_ERRORS.has(wrapped[1]) || CONNECTION_FAILURE.test(wrapped[2])));
}

/** NotFound, or a BadRequest that names the replicator ARN as the invalid parameter: the replicator is gone. */
export function isGone(error: unknown): boolean {
  const e = asServiceError(error);
  const param = e.InvalidParameter ?? e.invalidParameter;
  return errorName(error) === 'NotFoundException'
    || (errorName(error) === 'BadRequestException' && param !== undefined && /^replicatorArn$/i.test(param));
}

const REPLICATOR_ARN = /^arn:[a-z-]+:kafka:[a-z0-9-]+:\d{12}:replicator\/[0-9A-Za-z][0-9A-Za-z-]*\/[^/]+$/;

/** Whether a physical resource id is a replicator ARN (a failed create leaves the request id instead). */
export function isReplicatorArn(value: string | undefined): value is string {
  return value !== undefined && REPLICATOR_ARN.test(value);
}

/** DescribeReplicator, or undefined when the replicator does not exist. */
export async function describeReplicator(client: KafkaClient, arn: string): Promise<DescribeReplicatorResponse | undefined> {
  try {
    return await client.send(new DescribeReplicatorCommand({ ReplicatorArn: arn }));
  } catch (error) {
    if (isGone(error)) return undefined;
    throw error;
  }
}

export async function listTags(client: KafkaClient, arn: string): Promise<Record<string, string>> {
  const response = await client.send(new ListTagsForResourceCommand({ ResourceArn: arn }));
  return response.Tags ?? {};
}

/** The ARN of the replicator with exactly this name, if one exists. */
export async function findReplicatorByName(client: KafkaClient, name: string): Promise<string | undefined> {
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListReplicatorsCommand({ ReplicatorNameFilter: name, NextToken: nextToken, MaxResults: 100 }));
    const match = page.Replicators?.find((r) => r.ReplicatorName === name);
    if (match?.ReplicatorArn) return match.ReplicatorArn;
    nextToken = page.NextToken;
  } while (nextToken);
  return undefined;
}

/** The ARNs of every replicator whose name starts with `nameFilter` (ListReplicators' own filter, every page). */
export async function listReplicatorArns(client: KafkaClient, nameFilter: string): Promise<string[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListReplicatorsCommand({ ReplicatorNameFilter: nameFilter, NextToken: nextToken, MaxResults: 100 }));
    for (const r of page.Replicators ?? []) {
      if (r.ReplicatorArn !== undefined && r.ReplicatorName?.startsWith(nameFilter)) arns.push(r.ReplicatorArn);
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return arns;
}

/** ListTagsForResource, or undefined when the replicator is gone or not visible to this read yet. */
export async function listTagsIfVisible(client: KafkaClient, arn: string): Promise<Record<string, string> | undefined> {
  try {
    return await listTags(client, arn);
  } catch (error) {
    if (isGone(error)) return undefined;
    throw error;
  }
}
