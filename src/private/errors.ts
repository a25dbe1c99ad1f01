import * as cdk from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { PropError } from './prop-error';

/**
 * Synth-time errors of this library, raised the way aws-cdk-lib's own constructs raise theirs.
 *
 * aws-cdk-lib (core/lib/errors.ts, 2.257.0) throws `ValidationError`s: `Errors.isValidationError()` (public API)
 * recognises them, they carry the construct path ("Relates to construct: ..."), and their stack is rendered
 * "just my code" (core/lib/stack-trace.ts `renderCallStackJustMyCode`): frames inside node_modules collapse to
 * "...cdk-msk-replicator...", so the first frame a user reads is the line of THEIR app that made the mistake,
 * not a `src/` file of this package (with source maps, which `ts-node` enables, a plain `Error` thrown here
 * points at `src/private/validate.ts`, which the package does not ship). The class is marked `@internal` in
 * aws-cdk-lib (exported at runtime, no public constructor), so it is used through this one function, with a
 * plain `Error` naming the construct path as the fallback should a later aws-cdk-lib drop it.
 */

/** The name every validation error of this library carries (`error.name`). */
export const VALIDATION_ERROR_NAME = 'MskReplicatorValidationError';

type ErrorName = ConstructorParameters<typeof cdk.ValidationError>[0];
type CdkValidationErrorClass = new (name: ErrorName, msg: string, scope: IConstruct) => Error;
type CdkUnscopedValidationErrorClass = new (name: ErrorName, msg: string) => Error;

/** A validation error of `scope`: the message names the prop, the rule and the value. */
export function validationError(scope: IConstruct, message: string): Error {
  const CdkValidationError = (cdk as unknown as { ValidationError?: CdkValidationErrorClass }).ValidationError;
  if (typeof CdkValidationError === 'function') {
    return new CdkValidationError(VALIDATION_ERROR_NAME as ErrorName, message, scope);
  }
  const error = new Error(`${message} (at ${scope.node.path})`);
  error.name = VALIDATION_ERROR_NAME;
  return error;
}

/**
 * A validation error raised where no construct is at hand (the static factories of `ReplicatorCluster`): aws-cdk-lib's
 * `UnscopedValidationError` (same file, same `@internal` status), which `Errors.isValidationError()` recognises and
 * renders "just my code" like a `ValidationError`.
 */
export function unscopedValidationError(message: string): Error {
  const CdkUnscoped = (cdk as unknown as { UnscopedValidationError?: CdkUnscopedValidationErrorClass }).UnscopedValidationError;
  if (typeof CdkUnscoped === 'function') return new CdkUnscoped(VALIDATION_ERROR_NAME as ErrorName, message);
  const error = new Error(message);
  error.name = VALIDATION_ERROR_NAME;
  return error;
}

/**
 * Runs the pure validators of `scope` (they know no construct and throw a `PropError` naming the prop, the rule and
 * the value); such an error becomes a validation error of `scope`, with its path. Every other error (aws-cdk-lib's own,
 * or a defect of this library) passes through unchanged.
 */
export function withScope<T>(scope: IConstruct, validate: () => T): T {
  try {
    return validate();
  } catch (error) {
    if (error instanceof PropError) throw validationError(scope, error.message);
    throw error;
  }
}
