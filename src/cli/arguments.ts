/**
 * The command line of `cdk-msk-replicator-drift`, parsed without side effects (so it is unit-testable).
 */

/** Exit codes, documented in the usage text and the README. */
export const EXIT_NO_DRIFT = 0;
export const EXIT_ERROR = 1;
export const EXIT_DRIFT = 2;
/** Invalid command line (sysexits.h EX_USAGE). */
export const EXIT_USAGE = 64;

export const USAGE = `usage: cdk-msk-replicator-drift --stack <stack> [--logical-id <LogicalId>] [--template <template.json>] [--region <region>]
       cdk-msk-replicator-drift <replicator-arn> --template <template.json> [--logical-id <LogicalId>] [--region <region>]

Prints the fields in which a live MSK replicator differs from the Custom::MskReplicator of a synthesized
template. Read-only: calls only CloudFormation DescribeStackResource and ListStackResources (with --stack) and
MSK DescribeReplicator and ListTagsForResource.

  --stack <stack>       the deployed stack, by name or stack id: the replicator is the physical id of its
                        Custom::MskReplicator resource
  <replicator-arn>      or the replicator itself: arn:<partition>:kafka:<region>:<account>:replicator/<name>/<uuid>
  --logical-id <id>     which Custom::MskReplicator, when the template has several
  --template <file>     the synthesized template (with --stack, default: the stack's template in ./cdk.out)
  --region <region>     the Region (default: the one of the replicator ARN or the stack id, else of the stack's
                        environment in cdk.out/manifest.json, else AWS_REGION or the profile's)
  -h, --help            this text

Credentials: the standard AWS chain (AWS_PROFILE, AWS_ACCESS_KEY_ID, SSO, ...). AWS_ENDPOINT_URL_CLOUDFORMATION and
AWS_ENDPOINT_URL_KAFKA override the endpoints.

Exit codes:
  0   no drift
  2   drift: at least one field differs, or the replicator no longer exists
  1   error: the template or the stack cannot be read, credentials are missing, or an AWS call failed
  64  invalid command line`;

/** Where the replicator comes from: its ARN, or the physical id of a resource of a deployed stack. */
export type ReplicatorSource = { readonly arn: string } | { readonly stack: string };

export type ParsedArguments =
  | { readonly kind: 'help' }
  | { readonly kind: 'invalid'; readonly reason: string }
  | {
    readonly kind: 'run';
    readonly source: ReplicatorSource;
    /** undefined: the stack's template in ./cdk.out (with --stack only) */
    readonly templateFile?: string;
    readonly logicalId?: string;
    /** undefined: the stack's environment, then the SDK's default (with --stack only) */
    readonly region?: string;
  };

const OPTIONS_WITH_VALUE = ['--template', '--logical-id', '--region', '--stack'];

/** The Region of a replicator ARN: `arn:<partition>:kafka:<region>:<account>:replicator/...`. */
export function regionOfArn(arn: string): string | undefined {
  const match = /^arn:[a-z-]+:kafka:([a-z0-9-]+):\d{12}:replicator\/.+/.exec(arn);
  return match?.[1];
}

/** The Region of a stack id: `arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<uuid>`. */
export function regionOfStackId(stack: string): string | undefined {
  return /^arn:[a-z-]+:cloudformation:([a-z0-9-]+):\d{12}:stack\/.+/.exec(stack)?.[1];
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
  const common = { templateFile: values['--template'], logicalId: values['--logical-id'] };
  const stack = values['--stack'];
  if (stack !== undefined) {
    if (positional.length > 0) return { kind: 'invalid', reason: `give either --stack or a replicator ARN, not both (got ${positional.join(', ')})` };
    return { kind: 'run', source: { stack }, ...common, region: values['--region'] ?? regionOfStackId(stack) };
  }
  if (positional.length !== 1) {
    return {
      kind: 'invalid',
      reason: positional.length === 0 ? 'the replicator is missing: give --stack <stack> or a replicator ARN' : `one replicator ARN expected, got ${positional.length}`,
    };
  }
  const arn = positional[0];
  if (common.templateFile === undefined) return { kind: 'invalid', reason: '--template is missing (it is optional with --stack only)' };
  const region = values['--region'] ?? regionOfArn(arn);
  if (region === undefined) {
    return { kind: 'invalid', reason: `${arn} is not a replicator ARN (arn:<partition>:kafka:<region>:<account>:replicator/<name>/<uuid>); pass --region to use it anyway` };
  }
  return { kind: 'run', source: { arn }, ...common, region };
}
