import { randomUUID } from 'crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import type { DeployedResource } from './stack';
import { signingRegion } from '../msk-simulator/http-protocol';

/**
 * CloudFormation's read API for the stacks of the local world, over real HTTP, as the real
 * `@aws-sdk/client-cloudformation` speaks to it (pointed here with `AWS_ENDPOINT_URL_CLOUDFORMATION`).
 *
 * The wire protocol is awsQuery, as the SDK's `AwsQueryProtocol` (`@aws-sdk/core/protocols`) implements it: a POST to
 * `/` with `Content-Type: application/x-www-form-urlencoded` and the body `Action=<Operation>&Version=2010-05-15&
 * <Member>=<value>...`; the answer is XML, `<<Operation>Response xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
 * <<Operation>Result>...</<Operation>Result><ResponseMetadata><RequestId>...`, lists as `<member>` elements, timestamps
 * as ISO 8601. An error is an HTTP 4xx with `<ErrorResponse><Error><Type>Sender</Type><Code>...</Code><Message>...`
 * (the body CloudFormation returns, shown in boto/boto3#2807), from which the SDK takes the error's name (Code) and
 * message.
 *
 * Served: the calls that read a deployed stack (its resources, its status, its template).
 * - DescribeStackResource (API reference, API_DescribeStackResource.html): StackName (a name or the stack id) and
 *   LogicalResourceId are required; an unknown stack answers 400 ValidationError "Stack with id <name> does not exist"
 *   (the message of DescribeStacks and ListStackResources for it: boto/boto3#2807, cloudquery/cq-provider-aws#824),
 *   an unknown logical id 400 ValidationError "Resource <id> does not exist for stack <name>" (as quoted in
 *   jpsim/AWSPics#14).
 * - ListStackResources (API_ListStackResources.html): every resource of the stack, in pages with `NextToken`
 *   (DescribeStackResources returns only the first 100 resources, its own documentation says, so listing uses this).
 * - DescribeStacks (API_DescribeStacks.html): with StackName, the one stack (`Stacks.member`: StackName, StackId,
 *   CreationTime, StackStatus are required members of `Stack`); an unknown stack answers 400 ValidationError "Stack
 *   with id <name> does not exist" (same sources). A deleted stack is not found by name (the API reference: "Deleted
 *   stacks ... only by stack ID"); here it is not found by stack id either (see below).
 * - GetTemplate (API_GetTemplate.html): `TemplateBody` (the template as a JSON string, for a JSON template) and
 *   `StagesAvailable`; TemplateStage `Original` (the default) or `Processed` (after transforms: the same here, no
 *   transform is modelled); another value is a ValidationError.
 * Requests signed for another Region are refused, as a regional endpoint does (403 SignatureDoesNotMatch, "Credential
 * should be scoped to a valid region"). Not modelled: deleted stacks (CloudFormation keeps them readable by stack id
 * for 90 days; here a stack with no resource left does not exist), and throttling.
 */

const XMLNS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
const API_VERSION = '2010-05-15';

/** What the API reads of a stack: the read-only view `CloudFormationStack` (stack.ts) offers. */
export interface DeployedStackView {
  /** `arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<uuid>` */
  readonly stackId: string;
  deployedResources(): DeployedResource[];
  /**
   * The stack's status (undefined: never deployed); a view without it exists while it has resources. A stack whose
   * creation rolled back (ROLLBACK_COMPLETE) exists without resources, as in CloudFormation.
   */
  stackStatus?(): string | undefined;
  /** The template as last deployed (GetTemplate, TemplateStage Original). */
  deployedTemplate?(): object | undefined;
}

export interface QueryApiCall {
  readonly action: string;
  readonly params: Record<string, string>;
  readonly status: number;
  readonly errorCode?: string;
}

class QueryError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

const escapeXml = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const element = (name: string, value: string | undefined) => (value === undefined ? '' : `<${name}>${escapeXml(value)}</${name}>`);

function stackNameOf(stackId: string): string {
  return stackId.split(':')[5].split('/')[1];
}

/**
 * Decides whether the caller may perform `action` (`cloudformation:<Operation>`) on `resource` (the stack's ARN), as
 * IAM would for the credentials the request was signed with; by default every call is allowed.
 */
export type CloudFormationAuthorizer = (action: string, resource: string) => { readonly allowed: boolean; readonly principalArn: string };

export class LocalCloudFormationApi {
  /** Starts the API for `stacks`, all in `region`, on 127.0.0.1 (a free port). */
  public static async start(options: {
    region: string;
    stacks: DeployedStackView[];
    pageSize?: number;
    authorize?: CloudFormationAuthorizer;
    /**
     * The clock of the `Date` header on every answer, as the MSK simulator's `dateClock`: a world whose handler reads a
     * virtual clock passes it here, or the SDK takes the difference for clock skew and retries an error once.
     * @default the real time (Node's http server stamps it)
     */
    dateClock?: () => number;
  }): Promise<LocalCloudFormationApi> {
    const api = new LocalCloudFormationApi(options.region, options.stacks, options.pageSize ?? 100, options.authorize, options.dateClock);
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    return api;
  }

  /** Every request answered, in order. */
  public readonly calls: QueryApiCall[] = [];
  private readonly server: Server;

  private constructor(
    private readonly region: string,
    private readonly stacks: DeployedStackView[],
    private readonly pageSize: number,
    private readonly authorize?: CloudFormationAuthorizer,
    private readonly dateClock?: () => number,
  ) {
    for (const stack of stacks) this.checkRegion(stack);
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  /** Serves one more stack (a test that deploys a new stack per case keeps one API). */
  public addStack(stack: DeployedStackView): void {
    this.checkRegion(stack);
    this.stacks.push(stack);
  }

  private checkRegion(stack: DeployedStackView): void {
    const stackRegion = stack.stackId.split(':')[3];
    if (stackRegion !== this.region) throw new Error(`stack ${stack.stackId} is not in ${this.region}`);
  }

  /** `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL_CLOUDFORMATION`. */
  public get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  public async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const action = params.Action ?? '';
    try {
      const result = this.answer(req, action, params);
      this.send(res, 200, `<${action}Response xmlns="${XMLNS}"><${action}Result>${result}</${action}Result>`
        + `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`);
      this.calls.push({ action, params, status: 200 });
    } catch (error) {
      if (!(error instanceof QueryError)) throw error;
      this.send(res, error.status, `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>${error.code}</Code>`
        + `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`);
      this.calls.push({ action, params, status: error.status, errorCode: error.code });
    }
  }

  private answer(req: IncomingMessage, action: string, params: Record<string, string>): string {
    if (req.method !== 'POST' || req.url !== '/' || !(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      throw new QueryError(400, 'InvalidAction', `${req.method} ${req.url} (${req.headers['content-type']}) is not an awsQuery request`);
    }
    const scope = signingRegion(req.headers.authorization);
    if (scope === undefined) throw new QueryError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
    if (scope !== this.region) throw new QueryError(403, 'SignatureDoesNotMatch', `Credential should be scoped to a valid region, not '${scope}'.`);
    if (params.Version !== API_VERSION) throw new QueryError(400, 'InvalidAction', `Version ${params.Version} of the API is not supported`);
    this.authorizeCall(action, params);
    switch (action) {
      case 'DescribeStackResource': return this.describeStackResource(params);
      case 'ListStackResources': return this.listStackResources(params);
      case 'DescribeStacks': return this.describeStacks(params);
      case 'GetTemplate': return this.getTemplate(params);
      default: throw new QueryError(400, 'InvalidAction', `The action ${action} is not valid for this web service.`);
    }
  }

  /**
   * IAM first: a denied call answers 403 AccessDenied with IAM's message ("User: <principal> is not authorized to
   * perform: <action> on resource: <arn> because no identity-based policy allows the <action> action", "Access denied
   * error messages", https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html). The resource is
   * the named stack's ARN (the `stack` resource type of every call served here: Service Authorization Reference for
   * AWS CloudFormation); an unknown name is authorized on the ARN pattern of a stack of that name.
   */
  private authorizeCall(action: string, params: Record<string, string>): void {
    if (this.authorize === undefined) return;
    const name = params.StackName ?? '*';
    const known = this.stacks.find((s) => s.stackId === name || stackNameOf(s.stackId) === name);
    const resource = known?.stackId ?? (name.startsWith('arn:') ? name : `arn:aws:cloudformation:${this.region}:*:stack/${name}/*`);
    const decision = this.authorize(`cloudformation:${action}`, resource);
    if (!decision.allowed) {
      throw new QueryError(403, 'AccessDenied', `User: ${decision.principalArn} is not authorized to perform: cloudformation:${action} `
        + `on resource: ${resource} because no identity-based policy allows the cloudformation:${action} action`);
    }
  }

  private describeStackResource(params: Record<string, string>): string {
    const stack = this.stack(required(params, 'StackName', 'stackName'));
    const logicalId = required(params, 'LogicalResourceId', 'logicalResourceId');
    const resource = stack.deployedResources().find((r) => r.logicalId === logicalId);
    if (resource === undefined) {
      throw new QueryError(400, 'ValidationError', `Resource ${logicalId} does not exist for stack ${stackNameOf(stack.stackId)}`);
    }
    return `<StackResourceDetail>${element('StackName', stackNameOf(stack.stackId))}${element('StackId', stack.stackId)}`
      + `${resourceElements(resource)}</StackResourceDetail>`;
  }

  private listStackResources(params: Record<string, string>): string {
    const resources = this.stack(required(params, 'StackName', 'stackName')).deployedResources();
    const start = params.NextToken === undefined ? 0 : Number(params.NextToken);
    if (!Number.isInteger(start) || start < 0 || start > resources.length) throw new QueryError(400, 'ValidationError', 'Invalid NextToken');
    const page = resources.slice(start, start + this.pageSize);
    const next = start + this.pageSize < resources.length ? String(start + this.pageSize) : undefined;
    return `<StackResourceSummaries>${page.map((r) => `<member>${resourceElements(r)}</member>`).join('')}</StackResourceSummaries>`
      + element('NextToken', next);
  }

  private describeStacks(params: Record<string, string>): string {
    // Without StackName CloudFormation lists every stack: not needed by the commands, refused rather than guessed.
    const stack = this.stack(required(params, 'StackName', 'stackName'));
    return `<Stacks><member>${element('StackName', stackNameOf(stack.stackId))}${element('StackId', stack.stackId)}`
      + `${element('CreationTime', new Date().toISOString())}${element('StackStatus', statusOf(stack))}</member></Stacks>`;
  }

  private getTemplate(params: Record<string, string>): string {
    const stack = this.stack(required(params, 'StackName', 'stackName'));
    const stage = params.TemplateStage ?? 'Original';
    if (stage !== 'Original' && stage !== 'Processed') {
      throw new QueryError(400, 'ValidationError', `1 validation error detected: Value '${stage}' at 'templateStage' failed to satisfy constraint: `
        + 'Member must satisfy enum value set: [Original, Processed]');
    }
    const template = stack.deployedTemplate?.() ?? { Resources: {} };
    return `${element('TemplateBody', JSON.stringify(template))}<StagesAvailable><member>Original</member><member>Processed</member></StagesAvailable>`;
  }

  /** A stack by name or stack id; one without resources (and without a status that says otherwise) does not exist. */
  private stack(nameOrId: string): DeployedStackView {
    const stack = this.stacks.find((s) => s.stackId === nameOrId || stackNameOf(s.stackId) === nameOrId);
    const status = stack?.stackStatus?.();
    const exists = stack !== undefined && (status !== undefined
      ? status !== 'DELETE_COMPLETE'
      : stack.deployedResources().length > 0);
    if (!exists) throw new QueryError(400, 'ValidationError', `Stack with id ${nameOrId} does not exist`);
    return stack;
  }

  private send(res: ServerResponse, status: number, body: string): void {
    const date = this.dateClock !== undefined ? { date: new Date(this.dateClock()).toUTCString() } : {};
    res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID(), ...date });
    res.end(body);
  }
}

/** A required member: CloudFormation's message for a missing one (a ValidationError naming the member). */
function required(params: Record<string, string>, member: string, wireName: string): string {
  const value = params[member];
  if (value === undefined || value === '') {
    throw new QueryError(400, 'ValidationError', `1 validation error detected: Value null at '${wireName}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

/** The view's status, else what its resources imply. */
function statusOf(stack: DeployedStackView): string {
  return stack.stackStatus?.() ?? (stack.deployedResources().some((r) => r.status === 'UPDATE_COMPLETE') ? 'UPDATE_COMPLETE' : 'CREATE_COMPLETE');
}

function resourceElements(resource: DeployedResource): string {
  return element('LogicalResourceId', resource.logicalId) + element('PhysicalResourceId', resource.physicalId)
    + element('ResourceType', resource.type) + element('LastUpdatedTimestamp', new Date().toISOString())
    + element('ResourceStatus', resource.status);
}
