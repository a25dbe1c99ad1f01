import { parseArguments, regionOfArn, regionOfStackId } from '../src/cli/arguments';

const ARN = 'arn:aws:kafka:eu-central-1:111111111111:replicator/orders-dr/0a1b2c3d-4e5f';
const STACK_ID = 'arn:aws:cloudformation:eu-west-1:111111111111:stack/OrdersReplication/0a1b2c3d-4e5f-6789-0a1b-2c3d4e5f6789';

test('the Region comes from the replicator ARN, or from the stack id, in any partition', () => {
  expect(regionOfArn(ARN)).toBe('eu-central-1');
  expect(regionOfArn('arn:aws-cn:kafka:cn-north-1:111111111111:replicator/a/b')).toBe('cn-north-1');
  expect(regionOfArn('arn:aws:kafka:eu-central-1:111111111111:cluster/a/b')).toBeUndefined();
  expect(regionOfStackId(STACK_ID)).toBe('eu-west-1');
  expect(regionOfStackId('OrdersReplication')).toBeUndefined();
});

test('an ARN: options in any order; --region overrides the ARN', () => {
  expect(parseArguments(['--template', 't.json', ARN, '--logical-id', 'Replicator1'])).toEqual({
    kind: 'run', source: { arn: ARN }, templateFile: 't.json', logicalId: 'Replicator1', region: 'eu-central-1',
  });
  expect(parseArguments([ARN, '--template', 't.json', '--region', 'us-east-1'])).toMatchObject({ region: 'us-east-1' });
  expect(parseArguments(['some-id', '--template', 't.json', '--region', 'us-east-1'])).toMatchObject({ kind: 'run', source: { arn: 'some-id' } });
});

test('a stack: the template and the logical id are optional, the Region comes from --region or the stack id', () => {
  expect(parseArguments(['--stack', 'OrdersReplication'])).toEqual({
    kind: 'run', source: { stack: 'OrdersReplication' }, templateFile: undefined, logicalId: undefined, region: undefined,
  });
  expect(parseArguments(['--stack', STACK_ID, '--logical-id', 'OrdersDrA1B2C3D4'])).toMatchObject({ region: 'eu-west-1', logicalId: 'OrdersDrA1B2C3D4' });
  expect(parseArguments(['--stack', STACK_ID, '--region', 'us-east-1', '--template', 'x.json'])).toMatchObject({ region: 'us-east-1', templateFile: 'x.json' });
});

test.each([
  [['-h'], { kind: 'help' }],
  [[ARN, '--help'], { kind: 'help' }],
  [[ARN, '--template'], { kind: 'invalid', reason: '--template needs a value' }],
  [[ARN, ARN, '--template', 't.json'], { kind: 'invalid', reason: 'one replicator ARN expected, got 2' }],
  [[], { kind: 'invalid', reason: 'the replicator is missing: give --stack <stack> or a replicator ARN' }],
  [[ARN], { kind: 'invalid', reason: '--template is missing (it is optional with --stack only)' }],
  [['--stack', 'S', ARN], { kind: 'invalid', reason: `give either --stack or a replicator ARN, not both (got ${ARN})` }],
])('%j is %j', (args, expected) => {
  expect(parseArguments(args)).toEqual(expected);
});
