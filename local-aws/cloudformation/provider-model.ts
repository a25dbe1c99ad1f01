import { Template } from 'aws-cdk-lib/assertions';
import { exampleStack } from '../../examples/orders-replication';

/**
 * What the local world needs to know about a synthesized Provider, read from the template rather than assumed:
 * the waiter state machine's retry policy (aws-cdk-lib `custom-resources/lib/provider-framework/waiter-state-machine.js`
 * renders `framework-isComplete-task` with one `Retry` on States.ALL: IntervalSeconds = queryInterval, MaxAttempts =
 * totalTimeout / queryInterval, BackoffRate, and a `Catch` into `framework-onTimeout-task`), and the user functions'
 * timeouts (the Lambda `Timeout` property).
 */
export interface WaiterPolicy {
  readonly intervalSeconds: number;
  readonly maxAttempts: number;
  readonly backoffRate: number;
}

export interface ProviderModel {
  readonly waiter: WaiterPolicy;
  readonly onEventTimeoutSeconds: number;
  readonly isCompleteTimeoutSeconds: number;
}

interface TemplateLike {
  readonly Resources: Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown> }>;
}

/** A DefinitionString as synthesized: a string, or an Fn::Join whose tokens (function ARNs) are replaced by `"?"`. */
function definitionText(definition: unknown): string {
  if (typeof definition === 'string') return definition;
  const join = (definition as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join === undefined) throw new Error('unsupported DefinitionString');
  return join[1].map((part) => (typeof part === 'string' ? part : '?')).join(join[0]);
}

export function providerModelOf(template: TemplateLike): ProviderModel {
  const resources = Object.values(template.Resources);
  const machine = resources.find((r) => r.Type === 'AWS::StepFunctions::StateMachine'
    && definitionText(r.Properties?.DefinitionString).includes('framework-isComplete-task'));
  if (machine === undefined) throw new Error('the template has no Provider waiter state machine');
  const definition = JSON.parse(definitionText(machine.Properties!.DefinitionString));
  const retry = definition.States['framework-isComplete-task'].Retry[0];
  const timeoutOf = (handler: string) => {
    const fn = resources.find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties?.Handler === handler);
    // Lambda's default timeout is 3 seconds (AWS::Lambda::Function `Timeout`)
    return Number(fn?.Properties?.Timeout ?? 3);
  };
  return {
    waiter: {
      intervalSeconds: Number(retry.IntervalSeconds ?? 1),
      maxAttempts: Number(retry.MaxAttempts ?? 3),
      // Step Functions' defaults: IntervalSeconds 1, MaxAttempts 3, BackoffRate 2.0
      // (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html)
      backoffRate: Number(retry.BackoffRate ?? 2),
    },
    onEventTimeoutSeconds: timeoutOf('index.onEventHandler'),
    isCompleteTimeoutSeconds: timeoutOf('index.isCompleteHandler'),
  };
}

let projectModel: ProviderModel | undefined;

/** The model of this project's provider, from the example stack (synthesized once per process). */
export function replicatorProviderModel(): ProviderModel {
  if (projectModel === undefined) {
    const { stack } = exampleStack();
    projectModel = providerModelOf(Template.fromStack(stack).toJSON() as TemplateLike);
  }
  return projectModel;
}
