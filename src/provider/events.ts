/**
 * The shapes the aws-cdk-lib `custom-resources` Provider framework hands to the onEvent and isComplete
 * handlers, reduced to what the handler reads. The framework passes isComplete the onEvent event merged
 * with what onEvent returned (so `PhysicalResourceId` and `Data` are there).
 */
export interface ProviderEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly RequestId: string;
  readonly StackId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Record<string, unknown>;
  readonly OldResourceProperties?: Record<string, unknown>;
}

/** What onEvent decided, carried to isComplete in `Data` (and readable as resource attributes). */
export type LifecycleAction = 'create' | 'update' | 'delete' | 'retain' | 'none' | 'adopt' | 'adopted-delete';

export interface ResourceData {
  readonly ReplicatorArn?: string;
  readonly ReplicatorName?: string;
  readonly CurrentVersion?: string;
  readonly SourceClusterAlias?: string;
  readonly TargetClusterAlias?: string;
  readonly LifecycleAction: LifecycleAction;
  /** Epoch milliseconds when onEvent started the change (a replicator just created may not be visible yet). */
  readonly RequestedAt?: string;
  /**
   * Epoch milliseconds when the onEvent function received the request, before any of its calls: what isComplete counts
   * CloudFormation's ServiceTimeout from (service-deadline.ts). `RequestedAt` comes after onEvent's calls, up to its
   * function's 120-second timeout later.
   */
  readonly ReceivedAt?: string;
  /** Epoch milliseconds after which isComplete gives up on this request. */
  readonly Deadline?: string;
  /** A pending creation (pending-creation.ts) whose CreateReplicator had no answer: the error it had instead. */
  readonly CreateError?: string;
  /** A Delete: 'true' when a read showed the replicator as the Delete started (visibility.ts, `mayBelieveGone`). */
  readonly SeenAtStart?: string;
  /**
   * A rollback that returned to the original: the replacement whose rolled-back-to mark onEvent could not write (a
   * transient error), written by isComplete before it completes (rolled-back-mark.ts).
   */
  readonly MarkRolledBackFrom?: string;
  /**
   * A Delete under RETAIN: 'true' when onEvent could not write the retained mark yet (TagResource NotFound while
   * DescribeReplicator shows the replicator), written by isComplete before it completes (retained-mark.ts).
   */
  readonly MarkRetained?: string;
  /**
   * An Update: 'true' when onEvent answered another replicator of this resource than the one the event names (a
   * rollback's return to the original, on-event.ts): the OldResourceProperties' tags were never written to it.
   */
  readonly ReturnedTo?: string;
}

export interface OnEventResponse {
  readonly PhysicalResourceId: string;
  readonly Data: ResourceData;
}

export interface IsCompleteEvent extends ProviderEvent {
  readonly PhysicalResourceId: string;
  readonly Data: ResourceData;
}

export interface IsCompleteResponse {
  readonly IsComplete: boolean;
  /**
   * The physical id to answer CloudFormation with, when it is not onEvent's (a pending creation resolved to its ARN):
   * the framework builds its response as `{ ...event, ...isCompleteResult }` (aws-cdk-lib
   * custom-resources/lib/provider-framework/runtime/framework.js, `isComplete`).
   */
  readonly PhysicalResourceId?: string;
  readonly Data?: Partial<ResourceData>;
}

/** Where the handler writes its progress (console.log in Lambda; captured in tests and the demo). */
export type Logger = (message: string) => void;
