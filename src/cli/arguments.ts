/**
 * The command line of `cdk-msk-replicator-drift`, parsed without side effects (so it is unit-testable).
 */

/** Exit codes, documented in the usage text and the README. */
export const EXIT_NO_DRIFT = 0;
export const EXIT_ERROR = 1;
export const EXIT_DRIFT = 2;
/** Invalid command line (sysexits.h EX_USAGE). */
export const EXIT_USAGE = 64;

export const USAGE = `usage: cdk-msk-replicator-drift <replicator-arn> --template <template.json> [--logical-id <LogicalId>] [--region <region>]

Prints the fields in which a live MSK replicator differs from the Custom::MskReplicator of a synthesized
template (cdk.out/<Stack>.template.json). Read-only: calls only DescribeReplicator and ListTagsForResource.

  <replicator-arn>      arn:<partition>:kafka:<region>:<account>:replicator/<name>/<uuid>
  --template <file>     the synthesized CloudFormation template
  --logical-id <id>     which Custom::MskReplicator, when the template has several
  --region <region>     the replicator's Region (default: the Region in the ARN)
  -h, --help            this text

Credentials: the standard AWS chain (AWS_PROFILE, AWS_ACCESS_KEY_ID, ...). AWS_ENDPOINT_URL_KAFKA overrides the endpoint.

Exit codes:
  0   no drift
  2   drift: at least one field differs, or the replicator no longer exists
  1   error: the template cannot be read, or an AWS call failed
  64  invalid command line`;

export type ParsedArguments =
  | { readonly kind: 'help' }
  | { readonly kind: 'invalid'; readonly reason: string }
  | { readonly kind: 'run'; readonly arn: string; readonly templateFile: string; readonly logicalId?: string; readonly region: string };

const OPTIONS_WITH_VALUE = ['--template', '--logical-id', '--region'];

/** The Region of a replicator ARN: `arn:<partition>:kafka:<region>:<account>:replicator/...`. */
export function regionOfArn(arn: string): string | undefined {
  const match = /^arn:[a-z-]+:kafka:([a-z0-9-]+):\d{12}:replicator\/.+/.exec(arn);
  return match?.[1];
}

export function parseArguments(args: string[]): ParsedArguments {
  if (args.includes('--help') || args.includes('-h')) return { kind: 'help' };
  const values: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (OPTIONS_WITH_VALUE.includes(arg)) {
      const value = args[i + 1];
      if (value === undefined || value.startsWith('--')) return { kind: 'invalid', reason: `${arg} needs a value` };
      values[arg] = value;
      i++;
    } else if (arg.startsWith('-')) {
      return { kind: 'invalid', reason: `unknown option ${arg}` };
    } else {
      positional.push(arg);
    }
  }
  if (positional.length !== 1) {
    return { kind: 'invalid', reason: positional.length === 0 ? 'the replicator ARN is missing' : `one replicator ARN expected, got ${positional.length}` };
  }
  const arn = positional[0];
  if (values['--template'] === undefined) return { kind: 'invalid', reason: '--template is missing' };
  const region = values['--region'] ?? regionOfArn(arn);
  if (region === undefined) {
    return { kind: 'invalid', reason: `${arn} is not a replicator ARN (arn:<partition>:kafka:<region>:<account>:replicator/<name>/<uuid>); pass --region to use it anyway` };
  }
  return { kind: 'run', arn, templateFile: values['--template'], logicalId: values['--logical-id'], region };
}
