import { Token } from 'aws-cdk-lib';

/**
 * A value as an error message shows it: a token (known only at deploy time) as `(resolved at deploy time)`,
 * anything else as JSON, so an empty string or a trailing space is visible.
 */
export function renderValue(value: unknown): string {
  if (Token.isUnresolved(value)) return '(resolved at deploy time)';
  return JSON.stringify(value) ?? String(value);
}
