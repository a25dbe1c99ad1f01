import * as path from 'path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import { acknowledgeProviderForCheckov } from '../private/checkov-acknowledgements';
import { validationError } from '../private/errors';
import { HandlerPolicies } from '../private/handler-policy';
import { acknowledgeProvider } from '../private/nag-acknowledgements';
import type { ReplicatorProviderLogOptions } from '../provider-logs';

/** The provider's logs are kept a year, and deleted with the stack (see ReplicatorProviderLogOptions). */
const DEFAULT_LOG_RETENTION = logs.RetentionDays.ONE_YEAR;
const DEFAULT_LOG_REMOVAL_POLICY = RemovalPolicy.DESTROY;

/**
 * The stack-singleton custom resource provider behind every `MskReplicator` of a stack: one onEvent and one
 * isComplete function (sharing one pre-bundled asset) wrapped by the `custom-resources` Provider framework.
 * Its one setting is the stack's choice for its log groups (`configureLogs`); each replicator registers what it needs
 * with the provider's two shared handler policies (`handlerPolicies`), which grow by de-duplicated ARNs, not by
 * statements.
 */
export class ReplicatorProvider extends Construct {
  /**
   * How often isComplete looks at a replicator. Creation takes up to about 30 minutes, so polling faster
   * than every 30 seconds only spends Lambda invocations and MSK API quota.
   */
  public static readonly QUERY_INTERVAL = Duration.seconds(30);

  /**
   * How long the framework waits for isComplete: 100 polls, 30 seconds apart (a multiple of the query interval, as
   * the Provider requires). The framework must answer before CloudFormation's ServiceTimeout (SERVICE_TIMEOUT):
   * a resource CloudFormation times out itself records no physical id from the provider, so the new replicator of
   * a replacement would escape the rollback and the cleanup. Everything a request takes must fit:
   *
   *     onEvent, at most its function's 120-second timeout                                     120 s
   *   + 100 waits of 30 s (the waiter's Retrier: IntervalSeconds x MaxAttempts, BackoffRate 1)  3,000 s
   *   + 101 isComplete round trips (a Step Functions task, the framework's isComplete function,
   *     the isComplete function and one to five MSK calls: about a second, cold starts
   *     included), allowed POLL_ROUND_TRIP_ALLOWANCE each                                       303 s
   *   = 3,423 s, so 177 s (SERVICE_TIMEOUT_MARGIN, 120 s, and more) remain of the 3,600 s: room for the response
   *     upload (cfn-response.js retries it up to 5 times) and for about 35 polls that each meet a hung request and
   *     wait out its 5-second request timeout, or 4 polls whose call runs to its 45.5-second bound
   *     (kafka-client.ts CALL_BOUND_MS, 42.5 s over the allowance each), less what the upload takes.
   *
   * The waiter counts polls, not time, so this holds only while the polls keep to the allowance on average: polls that
   * each take longer (every MSK call slow, yet within its bound) would push the framework's answer past the
   * ServiceTimeout, so isComplete fails the request itself SERVICE_DEADLINE_RESERVE_MS before it (service-deadline.ts,
   * test/slow-polls.test.ts).
   *
   * 55 minutes (110 polls) did not fit: 120 + 3,300 + 111 x 3 = 3,753 s. Sources: the waiter's definition in
   * aws-cdk-lib `custom-resources/lib/provider-framework/waiter-state-machine.js`; Step Functions retriers
   * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html); ServiceTimeout
   * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudformation-customresource.html).
   * test/time-budget.test.ts checks this sum against the synthesized template.
   */
  public static readonly TOTAL_TIMEOUT = Duration.minutes(50);

  /**
   * The isComplete function's timeout: room for three MSK calls that each run to the one-call bound (kafka-client.ts
   * CALL_BOUND_MS, 45.5 s), since a poll sends a call only while that much remains (call-gate.ts). A Describe, a Delete or
   * an Update and a tag write then fit one poll however slow the service is within its bound; with one minute, a slow
   * Describe left no room for the Delete after it, and Lambda stopping the function fails the request at once.
   */
  public static readonly IS_COMPLETE_TIMEOUT = Duration.seconds(150);

  /** The time allowed per isComplete round trip in TOTAL_TIMEOUT's budget. */
  public static readonly POLL_ROUND_TRIP_ALLOWANCE = Duration.seconds(3);

  /**
   * CloudFormation's ServiceTimeout for the custom resource: the most it allows ("an integer from 1 to 3600. The
   * default value is 3600 seconds"), set explicitly on every `Custom::MskReplicator`.
   */
  public static readonly SERVICE_TIMEOUT = Duration.hours(1);

  /** What TOTAL_TIMEOUT's budget leaves of SERVICE_TIMEOUT, at least. */
  public static readonly SERVICE_TIMEOUT_MARGIN = Duration.seconds(120);

  /** The provider of the stack that holds `scope`, created on first use. */
  public static getOrCreate(scope: Construct): ReplicatorProvider {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(ReplicatorProvider.UID);
    return existing instanceof ReplicatorProvider ? existing : new ReplicatorProvider(stack, ReplicatorProvider.UID);
  }

  private static readonly UID = 'cdk-msk-replicator.ReplicatorProvider';

  /** The token the `Custom::MskReplicator` resources use. */
  public readonly serviceToken: string;
  /** The roles of the two handler functions. */
  public readonly handlerRoles: iam.IRole[];
  /** The handler functions' permissions, shared by the replicators of the stack. */
  public readonly handlerPolicies: HandlerPolicies;
  /** The provider's log groups: onEvent, isComplete, the Provider framework's functions, the waiter. */
  public readonly logGroups: logs.LogGroup[];
  /** The log options a replicator set, with its path (the provider is shared: they must agree). */
  private logOptions?: { readonly options: ReplicatorProviderLogOptions; readonly setBy: string };

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    // Every function and the waiter log to a log group of the stack, with the default options below until a replicator
    // sets its own (configureLogs). Without one, Lambda creates `/aws/lambda/<function>` itself, outside CloudFormation
    // (aws-cdk-lib 2.257.0), or aws-cdk-lib adds a `LogGroup` with its defaults, RETAIN and 731 days (2.278.0 with the
    // `@aws-cdk/aws-lambda:useCdkManagedLogGroup` feature flag that `cdk init` sets): either way it outlives the stack.
    const logGroup = (logGroupId: string) => new logs.LogGroup(this, logGroupId, {
      retention: DEFAULT_LOG_RETENTION,
      removalPolicy: DEFAULT_LOG_REMOVAL_POLICY,
    });
    const onEventLogs = logGroup('OnEventLogs');
    const isCompleteLogs = logGroup('IsCompleteLogs');
    const waiterLogs = logGroup('WaiterLogs');
    const frameworkLogs = logGroup('FrameworkLogs');
    this.logGroups = [onEventLogs, isCompleteLogs, frameworkLogs, waiterLogs];
    // Each function's role may write to its own log group and nothing else, instead of AWSLambdaBasicExecutionRole,
    // which allows logs:CreateLogGroup, CreateLogStream and PutLogEvents on `*`
    // (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaBasicExecutionRole.html). The log group
    // is a resource of the stack that exists before the function (the function references it), so Lambda only creates
    // log streams in it and writes to them; it would create the group only if none existed
    // (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-loggroups.html).
    const roleWritingTo = (roleId: string, group: logs.LogGroup) => {
      const role = new iam.Role(this, roleId, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      group.grantWrite(role);
      return role;
    };
    const code = lambda.Code.fromAsset(path.join(__dirname, '..', '..', 'assets', 'provider', 'handler.lambda'));
    const common = {
      code,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
    };
    const onEvent = new lambda.Function(this, 'OnEventHandler', {
      ...common,
      handler: 'index.onEventHandler',
      description: 'cdk-msk-replicator: starts create, update and delete of MSK replicators',
      timeout: Duration.minutes(2),
      logGroup: onEventLogs,
      role: roleWritingTo('OnEventRole', onEventLogs),
    });
    const isComplete = new lambda.Function(this, 'IsCompleteHandler', {
      ...common,
      handler: 'index.isCompleteHandler',
      description: 'cdk-msk-replicator: waits for MSK replicators to reach the desired state',
      timeout: ReplicatorProvider.IS_COMPLETE_TIMEOUT,
      logGroup: isCompleteLogs,
      role: roleWritingTo('IsCompleteRole', isCompleteLogs),
    });
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: onEvent,
      isCompleteHandler: isComplete,
      queryInterval: ReplicatorProvider.QUERY_INTERVAL,
      totalTimeout: ReplicatorProvider.TOTAL_TIMEOUT,
      // the framework's onEvent, isComplete and onTimeout functions
      logGroup: frameworkLogs,
      frameworkOnEventRole: roleWritingTo('FrameworkOnEventRole', frameworkLogs),
      frameworkCompleteAndTimeoutRole: roleWritingTo('FrameworkCompleteAndTimeoutRole', frameworkLogs),
      // Errors only: level ALL would log every state's input, i.e. whole CloudFormation events.
      disableWaiterStateMachineLogging: false,
      waiterStateMachineLogOptions: {
        destination: waiterLogs,
        level: sfn.LogLevel.ERROR,
        includeExecutionData: false,
      },
    });
    this.serviceToken = provider.serviceToken;
    this.handlerRoles = [onEvent.role!, isComplete.role!];
    this.handlerPolicies = new HandlerPolicies(this, 'HandlerPolicies', onEvent.role!, isComplete.role!);
    acknowledgeProvider([onEvent, isComplete], provider);
    acknowledgeProviderForCheckov(this, [onEvent, isComplete], provider);
  }

  /**
   * Applies a replicator's `providerLogs` to the provider's log groups. The provider is shared by the stack's
   * replicators, so replicators that set options must set the same ones; a replicator that sets none takes what
   * another one set, whatever their order.
   */
  public configureLogs(options: ReplicatorProviderLogOptions, requester: IConstruct): void {
    if (this.logOptions !== undefined) {
      // Compared with the defaults filled in: `{}` and `{ removalPolicy: DESTROY }` are one choice.
      const same = effectiveRetention(this.logOptions.options) === effectiveRetention(options)
        && effectiveRemovalPolicy(this.logOptions.options) === effectiveRemovalPolicy(options);
      if (!same) {
        throw validationError(requester, '`providerLogs` must be the same for every replicator of the stack (they share one '
          + `provider), got ${describeLogOptions(options)} here and ${describeLogOptions(this.logOptions.options)} at `
          + `${this.logOptions.setBy}: set it on one replicator of the stack`);
      }
      return;
    }
    this.logOptions = { options, setBy: requester.node.path };
    const retention = effectiveRetention(options);
    for (const group of this.logGroups) {
      // logs.LogGroup renders INFINITE as no RetentionInDays (aws-logs/lib/log-group.ts); the same here.
      (group.node.defaultChild as logs.CfnLogGroup).retentionInDays = retention === logs.RetentionDays.INFINITE ? undefined : retention;
      group.applyRemovalPolicy(effectiveRemovalPolicy(options));
    }
  }
}

function effectiveRetention(options: ReplicatorProviderLogOptions): logs.RetentionDays {
  return options.retention ?? DEFAULT_LOG_RETENTION;
}

function effectiveRemovalPolicy(options: ReplicatorProviderLogOptions): RemovalPolicy {
  return options.removalPolicy ?? DEFAULT_LOG_REMOVAL_POLICY;
}

function describeLogOptions(options: ReplicatorProviderLogOptions): string {
  return `{ retention: ${options.retention ?? '(default)'}, removalPolicy: ${options.removalPolicy ?? '(default)'} }`;
}
