import { Stack } from 'aws-cdk-lib';

/** `Stack#addStackDependency`, which aws-cdk-lib's newer releases have and the floor (2.257.0) does not. */
type WithAddStackDependency = Stack & { addStackDependency?: (target: Stack, reason?: string) => void };

/**
 * Makes `dependent` deploy after `dependency`, without a deprecation warning on any supported aws-cdk-lib.
 *
 * aws-cdk-lib 2.278.0 deprecates `Stack#addDependency` for `Stack#addStackDependency` (stack.d.ts: "Use
 * `addStackDependency` instead"): every call prints `[WARNING] aws-cdk-lib.Stack#addDependency is deprecated` at
 * synth, and throws when `JSII_DEPRECATED=fail`. The floor, 2.257.0, has only `addDependency`. So the newer method is
 * used whenever the installed aws-cdk-lib has it.
 */
export function addStackDependency(dependent: Stack, dependency: Stack, reason: string): void {
  const modern = (dependent as WithAddStackDependency).addStackDependency;
  if (typeof modern === 'function') {
    modern.call(dependent, dependency, reason);
  } else {
    dependent.addDependency(dependency, reason);
  }
}
