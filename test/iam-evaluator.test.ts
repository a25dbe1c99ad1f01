import { DescribeReplicatorCommand, KafkaClient } from '@aws-sdk/client-kafka';
import { evaluate, PolicyDocument, PolicyStatement } from '../local-aws/iam/policy-evaluator';
import { MskSimulator, requiredPermissions } from '../local-aws/msk-simulator';

/** The local IAM world: the policy evaluator, and the MSK simulator answering what MSK answers when IAM denies. */
const allow = (Action: string | string[], Resource: string | string[], Condition?: PolicyStatement['Condition']): PolicyDocument =>
  ({ Statement: [{ Effect: 'Allow', Action, Resource, Condition }] });
const REPLICATOR = 'arn:aws:kafka:us-east-1:123456789012:replicator/orders-dr/0a1b-2c3d';

describe('policy evaluator', () => {
  test('an Allow with matching action and resource wildcards allows; actions compare case-insensitively', () => {
    expect(evaluate([allow('kafka:Describe*', 'arn:aws:kafka:us-east-1:123456789012:replicator/*')],
      { action: 'kafka:describereplicator', resource: REPLICATOR })).toBe('Allow');
  });

  test('fails if nothing allows: implicit deny, also for another account, Region or resource type', () => {
    const policy = allow('kafka:DescribeReplicator', 'arn:aws:kafka:us-east-1:123456789012:replicator/*');
    expect(evaluate([policy], { action: 'kafka:DeleteReplicator', resource: REPLICATOR })).toBe('ImplicitDeny');
    expect(evaluate([policy], { action: 'kafka:DescribeReplicator', resource: REPLICATOR.replace('us-east-1', 'eu-west-1') })).toBe('ImplicitDeny');
    expect(evaluate([policy], { action: 'kafka:DescribeReplicator', resource: REPLICATOR.replace('replicator/', 'cluster/') })).toBe('ImplicitDeny');
    expect(evaluate([], { action: 'kafka:DescribeReplicator', resource: REPLICATOR })).toBe('ImplicitDeny');
  });

  test('an explicit Deny wins over any Allow', () => {
    const deny: PolicyDocument = { Statement: { Effect: 'Deny', Action: 'kafka:*', Resource: '*' } };
    expect(evaluate([allow('*', '*'), deny], { action: 'kafka:DescribeReplicator', resource: REPLICATOR })).toBe('ExplicitDeny');
  });

  test('conditions: every key must hold, any value of a key may match, and a missing key fails', () => {
    const passRole = allow('iam:PassRole', 'arn:aws:iam::123456789012:role/ser', { StringEquals: { 'iam:PassedToService': ['kafka.amazonaws.com'] } });
    const request = { action: 'iam:PassRole', resource: 'arn:aws:iam::123456789012:role/ser' };
    expect(evaluate([passRole], { ...request, context: { 'iam:PassedToService': 'kafka.amazonaws.com' } })).toBe('Allow');
    expect(evaluate([passRole], { ...request, context: { 'iam:PassedToService': 'lambda.amazonaws.com' } })).toBe('ImplicitDeny');
    expect(evaluate([passRole], request)).toBe('ImplicitDeny');
    const byVpc = allow('ec2:CreateNetworkInterface', 'arn:aws:ec2:us-east-1:123456789012:subnet/*',
      { ArnEquals: { 'ec2:Vpc': ['arn:aws:ec2:us-east-1:123456789012:vpc/vpc-a', 'arn:aws:ec2:us-east-1:123456789012:vpc/vpc-b'] } });
    const eni = { action: 'ec2:CreateNetworkInterface', resource: 'arn:aws:ec2:us-east-1:123456789012:subnet/subnet-1' };
    expect(evaluate([byVpc], { ...eni, context: { 'ec2:Vpc': 'arn:aws:ec2:us-east-1:123456789012:vpc/vpc-b' } })).toBe('Allow');
    expect(evaluate([byVpc], { ...eni, context: { 'ec2:Vpc': 'arn:aws:ec2:us-east-1:123456789012:vpc/vpc-c' } })).toBe('ImplicitDeny');
  });

  test('fails loudly on policy grammar it does not model', () => {
    const notAction = { Statement: [{ Effect: 'Allow', NotAction: 'iam:*', Action: [], Resource: '*' }] } as unknown as PolicyDocument;
    expect(() => evaluate([notAction], { action: 'kafka:DescribeReplicator', resource: REPLICATOR })).toThrow('NotAction is not modelled');
    expect(() => evaluate([allow('*', '*', { NumericLessThan: { 'aws:x': '1' } })], { action: 'a:b', resource: 'r' }))
      .toThrow('condition operator NumericLessThan is not modelled');
  });
});

describe('MSK simulator with IAM enforced', () => {
  test('a denied call is answered 403 ForbiddenException before the service looks for the replicator', async () => {
    const sim = await MskSimulator.start();
    try {
      sim.enforceIam(() => ({ allowed: false, principalArn: 'arn:aws:sts::123456789012:assumed-role/handler/fn' }));
      const client = new KafkaClient({ endpoint: sim.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
      type SdkError = Error & { $metadata: { httpStatusCode: number } };
      const error = await client.send(new DescribeReplicatorCommand({ ReplicatorArn: REPLICATOR })).catch((e: unknown) => e) as SdkError;
      expect(error.name).toBe('ForbiddenException');
      expect(error.$metadata.httpStatusCode).toBe(403);
      expect(error.message).toBe(`User: arn:aws:sts::123456789012:assumed-role/handler/fn is not authorized to perform: kafka:DescribeReplicator on resource: ${REPLICATOR} because no identity-based policy allows the kafka:DescribeReplicator action`);
      client.destroy();
    } finally {
      await sim.stop();
    }
  });

  test('CreateReplicator requires its dependent actions: cluster reads, PassRole to kafka, EC2 in the subnets\' VPC', () => {
    const required = requiredPermissions('CreateReplicator', {
      replicatorName: 'orders-dr',
      serviceExecutionRoleArn: 'arn:aws:iam::123456789012:role/ser',
      kafkaClusters: [{ amazonMskCluster: { mskClusterArn: 'arn:aws:kafka:us-east-1:123456789012:cluster/a/1' }, vpcConfig: { subnetIds: ['subnet-1'], securityGroupIds: ['sg-1'] } }],
      replicationInfoList: [],
      tags: { owner: 'x' },
    }, undefined, { region: 'us-east-1', account: '123456789012', network: { 'subnet-1': { vpcId: 'vpc-a' } } });
    const summary = required.map((p) => `${p.action} ${p.resource}${p.context ? ` ${JSON.stringify(p.context)}` : ''}`);
    expect(summary).toEqual(expect.arrayContaining([
      expect.stringMatching(/^kafka:CreateReplicator arn:aws:kafka:us-east-1:123456789012:replicator\/orders-dr\//),
      expect.stringMatching(/^kafka:TagResource arn:aws:kafka:us-east-1:123456789012:replicator\/orders-dr\//),
      'kafka:DescribeClusterV2 arn:aws:kafka:us-east-1:123456789012:cluster/a/1',
      'kafka:GetBootstrapBrokers arn:aws:kafka:us-east-1:123456789012:cluster/a/1',
      'iam:PassRole arn:aws:iam::123456789012:role/ser {"iam:PassedToService":"kafka.amazonaws.com"}',
      'ec2:CreateNetworkInterface arn:aws:ec2:us-east-1:123456789012:subnet/subnet-1 {"ec2:Vpc":"arn:aws:ec2:us-east-1:123456789012:vpc/vpc-a"}',
      'ec2:CreateNetworkInterface arn:aws:ec2:us-east-1:123456789012:security-group/sg-1 {"ec2:Vpc":"arn:aws:ec2:us-east-1:123456789012:vpc/vpc-a"}',
    ]));
    expect(summary.some((s) => s.startsWith('logs:'))).toBe(false);
  });
});
