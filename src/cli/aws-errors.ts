/**
 * What an operator reads when an AWS call of a command fails before or at AWS: the SDK's own message, and what to do
 * about it. The messages matched are those of the AWS SDK for JavaScript v3's credential providers
 * (`@aws-sdk/credential-provider-node`: "Could not load credentials from any providers"; `-ini`: "Could not resolve
 * credentials using profile: [<name>] ..." and "Profile <name> was not found."; `-sso`: "The SSO session associated
 * with this profile has expired / is invalid"), of its Region resolution ("Region is missing"), and the error codes of
 * AWS's common errors (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/CommonErrors.html:
 * AccessDenied / AccessDeniedException, ExpiredToken / ExpiredTokenException, InvalidClientTokenId,
 * UnrecognizedClientException, SignatureDoesNotMatch).
 */

import { existsSync, readFileSync } from 'fs';
import { homedir } from 'os';
import { join } from 'path';

/** The IAM actions the drift command calls, for a message about a denied call. */
const DRIFT_ACTIONS = 'cloudformation:DescribeStackResource, cloudformation:ListStackResources, kafka:DescribeReplicator, kafka:ListTagsForResource';

/** The IAM actions the plan command calls. */
export const PLAN_ACTIONS = 'cloudformation:DescribeStacks, cloudformation:GetTemplate, cloudformation:ListStackResources, '
  + 'kafka:DescribeReplicator, kafka:ListTagsForResource, kafka:ListReplicators';

export function explainAwsError(error: unknown, env: NodeJS.ProcessEnv, actions = DRIFT_ACTIONS): string {
  const name = (error as { name?: string }).name ?? '';
  const message = error instanceof Error ? error.message : String(error);
  const profile = env.AWS_PROFILE ?? env.AWS_DEFAULT_PROFILE;

  // With AWS_PROFILE set, the default chain may end with its generic "Could not load credentials from any providers":
  // the shared files say whether the profile exists at all.
  if (profile !== undefined && /Could not load credentials from any providers|Profile \S+ was not found/.test(message) && !profileExists(profile, env)) {
    return `the AWS profile "${profile}" (AWS_PROFILE) does not exist: it is in neither ~/.aws/config nor ~/.aws/credentials `
      + '(AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE). `aws configure list-profiles` lists the profiles; '
      + `\`aws configure --profile ${profile}\` or \`aws configure sso --profile ${profile}\` creates it. (${message})`;
  }
  const unusableProfile = /Could not resolve credentials using profile: \[([^\]]*)\]/.exec(message);
  if (unusableProfile !== null) {
    return `the AWS profile "${unusableProfile[1]}" gives no credentials: it names no key, role, SSO session or process the SDK `
      + `can use (\`aws configure list --profile ${unusableProfile[1]}\` shows what it has). (${message})`;
  }
  if (/SSO session associated with this profile (has expired|is invalid)/.test(message)) {
    return `the SSO session of the AWS profile${profile ? ` "${profile}"` : ''} has expired: run \`aws sso login${profile ? ` --profile ${profile}` : ''}\` `
      + `and run this command again. (${message})`;
  }
  if (name === 'CredentialsProviderError' || /Could not load credentials from any providers/.test(message)) {
    return 'no AWS credentials found. The command uses the standard AWS credential chain: set AWS_PROFILE to a profile of '
      + '~/.aws/config (after `aws sso login --profile <name>` for IAM Identity Center), or AWS_ACCESS_KEY_ID and '
      + `AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN). It needs ${actions}. (${message})`;
  }
  if (/Region is missing/.test(message)) {
    return `no AWS Region: pass --region, or set AWS_REGION (or the profile's region). (${message})`;
  }
  if (/^(ExpiredToken|ExpiredTokenException|InvalidClientTokenId|UnrecognizedClientException)$/.test(name)) {
    return `AWS rejected the credentials in use (${name}): they are expired or not valid in this account and Region; refresh `
      + `them (for SSO: \`aws sso login${profile ? ` --profile ${profile}` : ''}\`). (${message})`;
  }
  if (/^(AccessDenied|AccessDeniedException)$/.test(name)) {
    return `AWS denied a call (${name}): the command needs ${actions} on the stack and the replicator. (${message})`;
  }
  return message;
}

/**
 * Whether `profile` is declared in the shared config or credentials file (AWS_CONFIG_FILE, default ~/.aws/config, as
 * `[profile <name>]`, or `[default]`; AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/credentials, as `[<name>]`): the
 * files and sections of the AWS SDKs and tools reference guide, "Shared config and credentials files".
 */
function profileExists(profile: string, env: NodeJS.ProcessEnv): boolean {
  const home = env.HOME ?? homedir();
  const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
  const name = profile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const config = read(env.AWS_CONFIG_FILE ?? join(home, '.aws', 'config'));
  const credentials = read(env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, '.aws', 'credentials'));
  return new RegExp(`^\\s*\\[\\s*${profile === 'default' ? '(profile\\s+)?' : 'profile\\s+'}${name}\\s*\\]`, 'm').test(config)
    || new RegExp(`^\\s*\\[\\s*${name}\\s*\\]`, 'm').test(credentials);
}
