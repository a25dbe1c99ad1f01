import { isTransient } from '../src/provider/kafka-calls';

/**
 * Which errors the handler takes for "try again later". The SDK hands on a thrown value that is not an Error of its own
 * realm wrapped as `new Error(\`AWS SDK error wrapper for ${value}\`)` (@smithy/middleware-retry `asSdkError`), which
 * drops its name and code: a connection error of Node's http module met in another realm (jest's test sandbox,
 * jestjs/jest issue #2549: `instanceof Error` fails for errors from Node's core modules) arrives that way. The property
 * test met one on a CreateReplicator whose connection was dropped after the service created the replicator.
 */

const wrapped = (value: string) => new Error(`AWS SDK error wrapper for ${value}`);

test('a wrapped timeout or dropped connection is transient', () => {
  expect(isTransient(wrapped('TimeoutError: socket hang up'))).toBe(true);
  expect(isTransient(wrapped('Error: socket hang up'))).toBe(true);
  expect(isTransient(wrapped('Error: read ECONNRESET'))).toBe(true);
  expect(isTransient(wrapped('Error: connect ECONNREFUSED 127.0.0.1:443'))).toBe(true);
});

test('a wrapped error of another kind is not', () => {
  expect(isTransient(wrapped('Error: Invalid Custom::MskReplicator properties'))).toBe(false);
  expect(isTransient(wrapped('[object Object]'))).toBe(false);
  expect(isTransient(new Error('socket hang up in a message of our own'))).toBe(false);
});
