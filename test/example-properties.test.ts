import { EXAMPLE_PROPERTIES, exampleProperties as writtenOut } from './fixtures/example-properties';
import { exampleProperties as synthesized } from '../examples/orders-replication';

// The handler's unit tests use the example's properties written out (test/fixtures/example-properties.ts); they are
// what the example synthesizes, so those tests exercise the properties users' stacks deliver.
test('the written-out example properties are the ones the example synthesizes', () => {
  expect(EXAMPLE_PROPERTIES).toEqual(synthesized());
});

test('a fixed name replaces the generated name\'s prefix, as the construct renders it', () => {
  expect(writtenOut({ ReplicatorName: 'orders-dr' })).toEqual(synthesized({ replicatorName: 'orders-dr' }));
});
