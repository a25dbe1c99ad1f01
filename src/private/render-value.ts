import { Token } from 'aws-cdk-lib';

/**
 * A value as an error message should show it: a token (known only at deploy time) as a readable phrase
 * instead of `${Token[TOKEN.53]}`, anything else as JSON.
 */
export function renderValue(value: unknown): string {
  if (Token.isUnresolved(value)) return '(resolved at deploy time)';
  return JSON.stringify(value);
}
