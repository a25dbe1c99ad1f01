import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledgeProviderForCheckov } from '../private/checkov-acknowledgements';
import { HandlerPolicies } from '../private/handler-policy';
import { acknowledgeProvider } from '../private/nag-acknowledgements';

/**
 * The stack-singleton custom resource provider behind every `MskReplicator` of a stack: one onEvent and one
 * isComplete function (sharing one pre-bundled asset) wrapped by the `custom-resources` Provider framework.
 * It has no per-replicator configuration; each replicator registers what it needs with the provider's two shared
 * handler policies (`handlerPolicies`), which grow by de-duplicated ARNs, not by statements.
 */
export class ReplicatorProvider extends Construct {
  /**
   * How often isComplete looks at a replicator. Creation takes up to about 30 minutes, so polling faster
   * than every 30 seconds only spends Lambda invocations and MSK API quota.
   */
  public static readonly QUERY_INTERVAL = Duration.seconds(30);

  /**
   * How long the framework waits for isComplete. CloudFormation fails a custom resource after one hour at
   * most; 55 minutes (110 polls: it must be a multiple of the query interval) leaves room for onEvent and the
   * response.
   */
  public static readonly TOTAL_TIMEOUT = Duration.minutes(55);

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

  private constructor(scope: Construct, id: string) {
    super(scope, id);
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
      logGroup: new logs.LogGroup(this, 'OnEventLogs', { retention: logs.RetentionDays.ONE_YEAR }),
    });
    const isComplete = new lambda.Function(this, 'IsCompleteHandler', {
      ...common,
      handler: 'index.isCompleteHandler',
      description: 'cdk-msk-replicator: waits for MSK replicators to reach the desired state',
      timeout: Duration.minutes(1),
      logGroup: new logs.LogGroup(this, 'IsCompleteLogs', { retention: logs.RetentionDays.ONE_YEAR }),
    });
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: onEvent,
      isCompleteHandler: isComplete,
      queryInterval: ReplicatorProvider.QUERY_INTERVAL,
      totalTimeout: ReplicatorProvider.TOTAL_TIMEOUT,
      // Errors only: level ALL would log every state's input, i.e. whole CloudFormation events.
      disableWaiterStateMachineLogging: false,
      waiterStateMachineLogOptions: {
        destination: new logs.LogGroup(this, 'WaiterLogs', { retention: logs.RetentionDays.ONE_YEAR }),
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
}
