import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { explainAwsError } from '../src/cli/aws-errors';

/**
 * What the drift command says when an AWS call fails for a reason on the operator's side, for the messages of the
 * AWS SDK for JavaScript v3's credential providers and AWS's common error codes (see src/cli/aws-errors.ts).
 * test/packed-package.test.ts runs the installed command into the two commonest: no credentials, no such profile.
 */

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'aws-home-'));
fs.mkdirSync(path.join(home, '.aws'));
fs.writeFileSync(path.join(home, '.aws', 'config'), '[default]\nregion = eu-west-1\n\n[profile sso-dev]\nsso_session = corp\n');
fs.writeFileSync(path.join(home, '.aws', 'credentials'), '[keys]\naws_access_key_id = AKIAEXAMPLE\n');
const env = (extra: Record<string, string> = {}) => ({ HOME: home, ...extra });
const sdkError = (name: string, message: string) => Object.assign(new Error(message), { name });
const NO_CREDENTIALS = sdkError('CredentialsProviderError', 'Could not load credentials from any providers');

test('a profile in neither file: it does not exist, and how to list or create one', () => {
  expect(explainAwsError(NO_CREDENTIALS, env({ AWS_PROFILE: 'prod' }))).toMatch(/^the AWS profile "prod" \(AWS_PROFILE\) does not exist: .*`aws configure list-profiles`/);
});

test('a profile of either file that yields nothing is not called missing', () => {
  for (const profile of ['sso-dev', 'keys', 'default']) {
    expect(explainAwsError(NO_CREDENTIALS, env({ AWS_PROFILE: profile }))).toMatch(/^no AWS credentials found\./);
  }
  expect(explainAwsError(sdkError('CredentialsProviderError', 'Could not resolve credentials using profile: [keys] in configuration/credentials file(s).'),
    env({ AWS_PROFILE: 'keys' }))).toMatch(/^the AWS profile "keys" gives no credentials: .*`aws configure list --profile keys`/);
});

test('no profile and no keys: where the command looks for credentials, and the actions it needs', () => {
  const message = explainAwsError(NO_CREDENTIALS, env());
  expect(message).toMatch(/^no AWS credentials found\. The command uses the standard AWS credential chain: set AWS_PROFILE/);
  expect(message).toContain('kafka:DescribeReplicator');
});

test('an expired SSO session: aws sso login with the profile', () => {
  expect(explainAwsError(sdkError('CredentialsProviderError', 'The SSO session associated with this profile has expired. To refresh this SSO session run aws sso login with the corresponding profile.'),
    env({ AWS_PROFILE: 'sso-dev' }))).toMatch(/^the SSO session of the AWS profile "sso-dev" has expired: run `aws sso login --profile sso-dev`/);
});

test('no Region, rejected or expired credentials, a denied call', () => {
  expect(explainAwsError(new Error('Region is missing'), env())).toMatch(/^no AWS Region: pass --region, or set AWS_REGION/);
  expect(explainAwsError(sdkError('ExpiredToken', 'The security token included in the request is expired'), env()))
    .toMatch(/^AWS rejected the credentials in use \(ExpiredToken\)/);
  expect(explainAwsError(sdkError('AccessDenied', 'User: arn:aws:iam::1:user/x is not authorized to perform: cloudformation:DescribeStackResource'), env()))
    .toMatch(/^AWS denied a call \(AccessDenied\): the command needs cloudformation:DescribeStackResource, /);
  expect(explainAwsError(new Error('ENOENT: no such file'), env())).toBe('ENOENT: no such file');
});
