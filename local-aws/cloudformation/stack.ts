import { randomUUID } from 'crypto';
import { resolveIntrinsics, stringifyScalars } from './intrinsics';
import { Handler, invokeProvider, ProviderOptions, ProviderResult } from './provider-framework';
import { ProviderModel, providerModelOf } from './provider-model';
import { RolePolicies } from './role-policies';
import type { ProviderEvent } from '../../src/provider/events';
import type { PolicyDocument } from '../iam/policy-evaluator';

/**
 * A CloudFormation stack emulator for SYNTHESIZED templates that hold `AWS::IAM::Policy` and `Custom::MskReplicator`
 * resources (every other resource type is accepted and kept, without behaviour). It plays the ORDER in which
 * CloudFormation changes resources, which decides what IAM allows at each handler call:
 *
 * - Create and update walk the dependency graph (Ref, Fn::GetAtt, DependsOn): a resource is created or updated
 *   after everything it depends on ("DependsOn attribute": "the dependent resource is created after the resource
 *   in DependsOn"; https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-dependson.html).
 *   So a changed or new policy is in force before the custom resource that depends on it is updated.
 * - Only resources whose properties changed get an Update ("Update behaviors of stack resources",
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html).
 * - Resources removed from the template, and the old physical resource of a custom resource that answered an
 *   Update with a new physical id (a replacement), are deleted in the cleanup phase after every update succeeded,
 *   dependents first, per the previous template's graph ("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "Stack status
 *   codes", https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/view-stack-events.html). A failed cleanup
 *   delete does not fail the stack; it is recorded in `cleanupFailures`.
 * - A failed update rolls back: every resource changed so far goes back to its previous properties in reverse
 *   order (dependents before what they depend on, so a custom resource is restored before its policy), a failed
 *   custom resource gets an Update with the old properties addressed to the physical id its FAILED response
 *   carried, and resources created by the failed update are deleted in the rollback cleanup
 *   ("UPDATE_ROLLBACK_IN_PROGRESS", "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS", same page).
 * - Deleting the stack deletes dependents first.
 *
 * Custom resources go through `invokeProvider`: aws-cdk-lib's Provider framework runtime, with the waiter and the
 * function timeouts of THIS template's provider (provider-model.ts); the handler wrapper tells the IAM world which
 * function (onEvent or isComplete) is calling, from the functions' `Handler` property and their `Role`.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, Json>;
  readonly DependsOn?: string | string[];
}

export interface CfnTemplate {
  readonly Resources: Record<string, TemplateResource>;
}

interface LiveResource {
  readonly type: string;
  /** The template entry it was made from (a policy's Roles are read from it). */
  readonly raw?: TemplateResource;
  readonly properties: Record<string, Json>;
  readonly physicalId: string;
  readonly attributes: Record<string, string | undefined>;
}

/** One step as CloudFormation's event log would show it. */
export interface StackEvent {
  readonly phase: 'deploy' | 'cleanup' | 'rollback' | 'rollback-cleanup' | 'delete';
  readonly logicalId: string;
  readonly type: string;
  readonly action: 'Create' | 'Update' | 'Delete';
  readonly physicalId?: string;
  readonly status: 'SUCCESS' | 'FAILED';
  readonly reason?: string;
}

/** A deployed resource as CloudFormation describes it (DescribeStackResource, ListStackResources). */
export interface DeployedResource {
  readonly logicalId: string;
  readonly type: string;
  readonly physicalId: string;
  readonly status: 'CREATE_COMPLETE' | 'UPDATE_COMPLETE';
}

export type StackStatus = 'CREATE_COMPLETE' | 'UPDATE_COMPLETE' | 'UPDATE_ROLLBACK_COMPLETE' | 'UPDATE_ROLLBACK_FAILED'
  | 'ROLLBACK_COMPLETE' | 'ROLLBACK_FAILED' | 'DELETE_COMPLETE' | 'DELETE_FAILED';

/**
 * The status a stack shows WHILE an operation runs, as DescribeStacks reports it to anyone who asks, a handler
 * included ("Stack status codes", https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/view-stack-events.html):
 * CREATE_IN_PROGRESS / UPDATE_IN_PROGRESS while resources are created and updated; UPDATE_COMPLETE_CLEANUP_IN_PROGRESS
 * while "old resources" are removed after a successful update; ROLLBACK_IN_PROGRESS ("Ongoing removal of one or more
 * stacks after a failed stack creation") for the whole rollback of a creation; UPDATE_ROLLBACK_IN_PROGRESS while a
 * failed update's resources are restored, then UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS ("Ongoing removal of new
 * resources for a stack after a failed stack update"); DELETE_IN_PROGRESS while the stack is deleted.
 */
export type StackStatusInProgress = 'CREATE_IN_PROGRESS' | 'UPDATE_IN_PROGRESS' | 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'
  | 'ROLLBACK_IN_PROGRESS' | 'UPDATE_ROLLBACK_IN_PROGRESS' | 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS' | 'DELETE_IN_PROGRESS';

export interface StackOptions {
  readonly region?: string;
  readonly account?: string;
  readonly stackName?: string;
  /** Physical values for Ref / Fn::GetAtt, keyed `LogicalId` or `LogicalId.Attribute` (see `resolveIntrinsics`). */
  readonly values?: Record<string, string>;
  readonly provider?: ProviderOptions;
}

const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The logical ids a resource depends on: DependsOn, and every Ref / Fn::GetAtt to another resource. */
export function dependenciesOf(resource: TemplateResource, resourceIds: Set<string>): Set<string> {
  const deps = new Set(asList(resource.DependsOn).filter((d) => resourceIds.has(d)));
  const visit = (value: Json): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (value === null || typeof value !== 'object') return;
    if (typeof value.Ref === 'string' && resourceIds.has(value.Ref)) deps.add(value.Ref);
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string' && resourceIds.has(getAtt[0])) deps.add(getAtt[0]);
    Object.values(value).forEach(visit);
  };
  visit((resource.Properties ?? {}) as Json);
  return deps;
}

/** Logical ids in an order where every resource comes after its dependencies. */
export function dependencyOrder(template: CfnTemplate): string[] {
  const ids = new Set(Object.keys(template.Resources));
  const deps = new Map([...ids].map((id) => [id, dependenciesOf(template.Resources[id], ids)]));
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string) => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') throw new Error(`circular dependency at ${id}`);
    state.set(id, 'visiting');
    [...deps.get(id)!].sort().forEach(visit);
    state.set(id, 'done');
    order.push(id);
  };
  [...ids].sort().forEach(visit);
  return order;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** A resource's properties as resolved, with the `Roles` of the template (`{ Ref: <role logical id> }`) for role-policies.ts. */
const iamView = (r: { raw?: TemplateResource; properties: Record<string, Json> }): Record<string, Json> =>
  (r.raw?.Properties?.Roles === undefined ? r.properties : { ...r.properties, Roles: r.raw.Properties.Roles });

export class CloudFormationStack {
  public readonly events: StackEvent[] = [];
  public readonly cleanupFailures: StackEvent[] = [];
  /** Every request sent to the provider, in order (for tests of a redelivered request). */
  public readonly requests: ProviderEvent[] = [];
  /** The role (logical id) of the handler function being invoked right now, for the IAM world. */
  public caller?: string;
  /** Called after every change to a resource without behaviour here (roles and policies among them), for the IAM world. */
  public onResourceChange?: () => void;
  public readonly stackId: string;
  private template?: CfnTemplate;
  private readonly live = new Map<string, LiveResource>();
  private readonly iam = new RolePolicies();
  private readonly region: string;
  private readonly account: string;
  private status?: StackStatus | StackStatusInProgress;

  constructor(private readonly handler: Handler, private readonly options: StackOptions = {}) {
    this.region = options.region ?? 'us-east-1';
    this.account = options.account ?? '123456789012';
    this.stackId = `arn:aws:cloudformation:${this.region}:${this.account}:stack/${options.stackName ?? 'Stack'}/${randomUUID()}`;
  }

  /** The policy documents in force on the role `roleLogicalId` at this moment (see role-policies.ts). */
  public policiesOf(roleLogicalId: string): PolicyDocument[] {
    return this.iam.of(roleLogicalId);
  }

  /** Every role of the stack that exists now, by ARN, with the policy documents in force on it. */
  public rolePolicies(): Array<{ roleArn: string; policies: PolicyDocument[] }> {
    return this.iam.roleIds().map((id) => ({ roleArn: this.resolve({ Arn: { 'Fn::GetAtt': [id, 'Arn'] } }).Arn as string, policies: this.iam.of(id) }));
  }

  /** The stack's status: after its last deploy or destroy, or while one runs (undefined: never deployed). */
  public stackStatus(): StackStatus | StackStatusInProgress | undefined {
    return this.status;
  }

  /** The template as last deployed (after a rollback: the one rolled back to). */
  public deployedTemplate(): CfnTemplate | undefined {
    return this.template;
  }

  /** The physical id and attributes of a resource, as deployed. */
  public resource(logicalId: string): LiveResource | undefined {
    return this.live.get(logicalId);
  }

  /**
   * Read-only: every resource as deployed now, with the status its last successful change left it in (the local
   * CloudFormation API, local-aws/cloudformation/query-api.ts, serves this view).
   */
  public deployedResources(): DeployedResource[] {
    return [...this.live.entries()].map(([logicalId, resource]) => {
      const last = [...this.events].reverse().find((e) => e.logicalId === logicalId && e.status === 'SUCCESS' && e.action !== 'Delete');
      return {
        logicalId,
        type: resource.type,
        physicalId: resource.physicalId,
        status: last?.action === 'Update' ? 'UPDATE_COMPLETE' : 'CREATE_COMPLETE',
      };
    });
  }

  public async deploy(template: CfnTemplate): Promise<StackStatus> {
    this.status = await this.deployOnce(template);
    return this.status;
  }

  private async deployOnce(template: CfnTemplate): Promise<StackStatus> {
    const first = this.template === undefined;
    this.status = first ? 'CREATE_IN_PROGRESS' : 'UPDATE_IN_PROGRESS';
    const previous = this.template ?? { Resources: {} };
    const previousLive = new Map(this.live);
    this.template = template;
    const changed: Array<{ id: string; before?: LiveResource }> = [];
    const replaced: Array<{ id: string; old: LiveResource }> = [];
    for (const id of dependencyOrder(template)) {
      const resource = template.Resources[id];
      const properties = this.resolve(resource.Properties ?? {});
      const before = this.live.get(id);
      if (before !== undefined && same(before.properties, properties)) continue;
      const outcome = await this.apply('deploy', id, resource, properties, before);
      if (outcome.status === 'FAILED') {
        const failure = { id, before, failedId: outcome.physicalId, failedProps: properties };
        const rolledBack = await this.rollback(previous, previousLive, changed, failure, first);
        this.template = previous;
        if (first) return rolledBack ? 'ROLLBACK_COMPLETE' : 'ROLLBACK_FAILED';
        return rolledBack ? 'UPDATE_ROLLBACK_COMPLETE' : 'UPDATE_ROLLBACK_FAILED';
      }
      changed.push({ id, before });
      if (before !== undefined && before.physicalId !== outcome.physicalId && resource.Type.startsWith('Custom::')) {
        replaced.push({ id, old: before });
      }
    }
    // Cleanup: removed resources and replaced physical resources, dependents first per the previous template.
    if (!first) this.status = 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS';
    const removed = Object.keys(previous.Resources).filter((id) => template.Resources[id] === undefined);
    for (const id of dependencyOrder(previous).reverse()) {
      const old = replaced.find((r) => r.id === id)?.old ?? (removed.includes(id) ? previousLive.get(id) : undefined);
      if (old === undefined) continue;
      const event = await this.remove('cleanup', id, old);
      if (event.status === 'FAILED') this.cleanupFailures.push(event);
      if (removed.includes(id)) this.live.delete(id);
    }
    return first ? 'CREATE_COMPLETE' : 'UPDATE_COMPLETE';
  }

  /** Deletes the stack: dependents first. */
  public async destroy(): Promise<StackStatus> {
    this.status = await this.destroyOnce();
    return this.status;
  }

  private async destroyOnce(): Promise<StackStatus> {
    if (this.template === undefined) return 'DELETE_COMPLETE';
    this.status = 'DELETE_IN_PROGRESS';
    let failed = false;
    // What a resource that failed to delete depends on stays too: CloudFormation deletes a resource only after its
    // dependents ("DependsOn attribute": "the dependent resource is deleted before the resource in DependsOn"), so a
    // retried delete still finds the handler's roles and policies in place.
    const kept = new Set<string>();
    const ids = new Set(Object.keys(this.template.Resources));
    for (const id of dependencyOrder(this.template).reverse()) {
      const live = this.live.get(id);
      if (live === undefined || kept.has(id)) continue;
      const event = await this.remove('delete', id, live);
      if (event.status === 'FAILED') {
        failed = true;
        const pending = [id];
        while (pending.length > 0) {
          for (const dep of dependenciesOf(this.template.Resources[pending.pop()!], ids)) {
            if (!kept.has(dep)) { kept.add(dep); pending.push(dep); }
          }
        }
      } else {
        this.live.delete(id);
      }
    }
    return failed ? 'DELETE_FAILED' : 'DELETE_COMPLETE';
  }

  private resolve(properties: Record<string, Json>): Record<string, Json> {
    return resolveIntrinsics(properties as Json, {
      region: this.region, account: this.account, values: this.options.values, stackId: this.stackId,
    }) as Record<string, Json>;
  }

  private async rollback(
    previous: CfnTemplate,
    previousLive: Map<string, LiveResource>,
    changed: Array<{ id: string; before?: LiveResource }>,
    failed: { id: string; before?: LiveResource; failedId: string; failedProps: Record<string, Json> },
    first: boolean,
  ): Promise<boolean> {
    this.status = first ? 'ROLLBACK_IN_PROGRESS' : 'UPDATE_ROLLBACK_IN_PROGRESS';
    // A resource that cannot be restored fails the rollback (UPDATE_ROLLBACK_FAILED); rollback-cleanup failures
    // do not ("Stack status codes").
    let restored = true;
    const toDelete: Array<{ id: string; resource: LiveResource }> = [];
    // The failed resource first: it depends on everything changed before it.
    const failedType = previous.Resources[failed.id]?.Type ?? this.template!.Resources[failed.id].Type;
    if (failed.before !== undefined) {
      const current: LiveResource = { ...failed.before, properties: failed.failedProps, physicalId: failed.failedId };
      const outcome = await this.apply('rollback', failed.id, failed.before.raw ?? { Type: failedType }, failed.before.properties, current);
      if (outcome.status === 'FAILED') restored = false;
      if (outcome.physicalId !== failed.failedId && failedType.startsWith('Custom::')) {
        toDelete.push({ id: failed.id, resource: current });
      }
    } else if (failedType.startsWith('Custom::')) {
      toDelete.push({ id: failed.id, resource: { type: failedType, properties: failed.failedProps, physicalId: failed.failedId, attributes: {} } });
    }
    for (const { id, before } of [...changed].reverse()) {
      const now = this.live.get(id)!;
      if (before === undefined) {
        toDelete.push({ id, resource: now });
      } else if (now.physicalId !== before.physicalId) {
        // a replacement that succeeded: the old physical resource still exists; the new one goes in cleanup
        this.live.set(id, before);
        toDelete.push({ id, resource: now });
      } else {
        if ((await this.apply('rollback', id, before.raw ?? { Type: now.type }, before.properties, now)).status === 'FAILED') restored = false;
      }
    }
    if (!first) this.status = 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS';
    const order = dependencyOrder({ Resources: { ...previous.Resources, ...this.template!.Resources } }).reverse();
    for (const id of order) {
      for (const { resource } of toDelete.filter((d) => d.id === id)) {
        const event = await this.remove('rollback-cleanup', id, resource);
        if (event.status === 'FAILED') this.cleanupFailures.push(event);
      }
      if (!previousLive.has(id)) this.live.delete(id);
    }
    return restored;
  }

  /** Creates or updates one resource; returns the physical id it now has. */
  private async apply(
    phase: StackEvent['phase'], id: string, raw: TemplateResource, properties: Record<string, Json>, before: LiveResource | undefined,
  ): Promise<{ status: 'SUCCESS' | 'FAILED'; physicalId: string }> {
    const action = before === undefined ? 'Create' : 'Update';
    const type = raw.Type;
    if (!type.startsWith('Custom::')) {
      const physicalId = before?.physicalId ?? `${id}-physical`;
      this.live.set(id, { type, raw, properties, physicalId, attributes: {} });
      this.iam.applied(type, id, before && iamView(before), iamView({ raw, properties }));
      this.events.push({ phase, logicalId: id, type, action, physicalId, status: 'SUCCESS' });
      this.onResourceChange?.();
      return { status: 'SUCCESS', physicalId };
    }
    const result = await this.send(this.event(action, id, properties, before));
    this.events.push({ phase, logicalId: id, type, action, physicalId: result.physicalResourceId, status: result.status, reason: result.reason });
    if (result.status === 'SUCCESS') {
      this.live.set(id, { type, raw, properties, physicalId: result.physicalResourceId, attributes: result.data });
    }
    return { status: result.status, physicalId: result.physicalResourceId };
  }

  private async remove(phase: StackEvent['phase'], id: string, resource: LiveResource): Promise<StackEvent> {
    let event: StackEvent;
    if (!resource.type.startsWith('Custom::')) {
      event = { phase, logicalId: id, type: resource.type, action: 'Delete', physicalId: resource.physicalId, status: 'SUCCESS' };
      if (this.live.get(id) === resource) this.live.delete(id);
      this.iam.removed(resource.type, id, iamView(resource));
      this.onResourceChange?.();
    } else {
      const result = await this.send(this.event('Delete', id, resource.properties, resource));
      event = { phase, logicalId: id, type: resource.type, action: 'Delete', physicalId: resource.physicalId, status: result.status, reason: result.reason };
    }
    this.events.push(event);
    return event;
  }

  private event(requestType: ProviderEvent['RequestType'], id: string, properties: Record<string, Json>, before: LiveResource | undefined): ProviderEvent {
    const toEvent = (p: Record<string, Json>) => stringifyScalars(p as Json) as Record<string, unknown>;
    return {
      RequestType: requestType,
      RequestId: randomUUID(),
      StackId: this.stackId,
      LogicalResourceId: id,
      PhysicalResourceId: requestType === 'Create' ? undefined : before?.physicalId,
      ResourceProperties: toEvent(properties),
      OldResourceProperties: requestType === 'Update' ? toEvent(before!.properties) : undefined,
    } as ProviderEvent;
  }

  /** Sends `event` to the provider again, as CloudFormation does when it did not receive the response. */
  public async redeliver(event: ProviderEvent): Promise<ProviderResult> {
    return this.send(event);
  }

  private async send(event: ProviderEvent): Promise<ProviderResult> {
    this.requests.push(event);
    return invokeProvider(this.callerAware(), event, { model: this.providerModel(), ...this.options.provider });
  }

  /** The provider this template synthesizes (its waiter and function timeouts); the project's when it has none. */
  private providerModel(): ProviderModel | undefined {
    const hasWaiter = Object.values(this.template?.Resources ?? {}).some((r) => r.Type === 'AWS::StepFunctions::StateMachine');
    return hasWaiter ? providerModelOf(this.template!) : undefined;
  }

  /** The handler, telling `caller` which function's role is calling. */
  private callerAware(): Handler {
    const roles = this.handlerRoles();
    return {
      onEventHandler: async (event, context) => {
        this.caller = roles.onEvent;
        try { return await this.handler.onEventHandler(event, context); } finally { this.caller = undefined; }
      },
      isCompleteHandler: async (event, context) => {
        this.caller = roles.isComplete;
        try { return await this.handler.isCompleteHandler(event, context); } finally { this.caller = undefined; }
      },
    };
  }

  /** The role logical ids of the functions whose handler is `index.onEventHandler` / `index.isCompleteHandler`. */
  private handlerRoles(): { onEvent?: string; isComplete?: string } {
    const roleOf = (entry: string) => {
      const fn = Object.values(this.template?.Resources ?? {})
        .find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties?.Handler === `index.${entry}`);
      const role = fn?.Properties?.Role as { 'Fn::GetAtt'?: string[] } | undefined;
      return role?.['Fn::GetAtt']?.[0];
    };
    return { onEvent: roleOf('onEventHandler'), isComplete: roleOf('isCompleteHandler') };
  }
}
