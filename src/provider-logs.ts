import { RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';

/**
 * The log groups of the provider that every `MskReplicator` of a stack shares: one for each of the library's two
 * handler functions (onEvent, isComplete), one for the three functions of aws-cdk-lib's custom-resources Provider
 * framework, and one for its waiter state machine (errors only). All four are CloudFormation resources of the stack:
 * Lambda creates no log group of its own for these functions, on any supported aws-cdk-lib and with or without the
 * `@aws-cdk/aws-lambda:useCdkManagedLogGroup` feature flag.
 */
export interface ReplicatorProviderLogOptions {
  /**
   * How long the provider's logs are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly retention?: logs.RetentionDays;

  /**
   * What happens to the provider's log groups when the stack is deleted (or when the last replicator leaves the
   * stack). `RETAIN` keeps them, with their logs, after `cdk destroy` and after the rollback of a failed first
   * deployment; they are then yours to delete.
   *
   * @default RemovalPolicy.DESTROY - deleted with the stack, after the replicators they logged for
   */
  readonly removalPolicy?: RemovalPolicy;
}
