import { parseArguments, regionOfArn } from '../src/cli/arguments';

const ARN = 'arn:aws:kafka:eu-central-1:111111111111:replicator/orders-dr/0a1b2c3d-4e5f';

test('the Region comes from the replicator ARN, in any partition', () => {
  expect(regionOfArn(ARN)).toBe('eu-central-1');
  expect(regionOfArn('arn:aws-cn:kafka:cn-north-1:111111111111:replicator/a/b')).toBe('cn-north-1');
  expect(regionOfArn('arn:aws:kafka:eu-central-1:111111111111:cluster/a/b')).toBeUndefined();
});

test('options in any order; --region overrides the ARN', () => {
  expect(parseArguments(['--template', 't.json', ARN, '--logical-id', 'Replicator1'])).toEqual({
    kind: 'run', arn: ARN, templateFile: 't.json', logicalId: 'Replicator1', region: 'eu-central-1',
  });
  expect(parseArguments([ARN, '--template', 't.json', '--region', 'us-east-1'])).toMatchObject({ region: 'us-east-1' });
  expect(parseArguments(['some-id', '--template', 't.json', '--region', 'us-east-1'])).toMatchObject({ kind: 'run', arn: 'some-id' });
});

test.each([
  [['-h'], { kind: 'help' }],
  [[ARN, '--help'], { kind: 'help' }],
  [[ARN, '--template'], { kind: 'invalid', reason: '--template needs a value' }],
  [[ARN, ARN, '--template', 't.json'], { kind: 'invalid', reason: 'one replicator ARN expected, got 2' }],
])('%j is %j', (args, expected) => {
  expect(parseArguments(args)).toEqual(expected);
});
