/**
 * The command line of `cdk-msk-replicator plan`, parsed without side effects (so it is unit-testable).
 */

/** Exit codes, documented in the usage text and the README. */
export const EXIT_PLAN_SAFE = 0;
export const EXIT_PLAN_ERROR = 1;
/** At least one replicator will be replaced (and none refused). */
export const EXIT_PLAN_REPLACEMENT = 3;
/** At least one change will be refused: the deployment would fail. */
export const EXIT_PLAN_REFUSED = 4;
/** Invalid command line (sysexits.h EX_USAGE). */
export const EXIT_PLAN_USAGE = 64;

export const PLAN_USAGE = `usage: cdk-msk-replicator plan --stack <stack> [--app <cdk.out>] [--template <template.json>] [--region <region>] [--json]

Prints what deploying the synthesized stack will do to each of its MSK replicators (Custom::MskReplicator):
create, nothing, tags only, in place, REPLACE, RETURN, refused, delete or retain, decided by the same planner the
deployment's handler runs. Read-only: calls only CloudFormation DescribeStacks, GetTemplate and ListStackResources,
and MSK DescribeReplicator, ListTagsForResource and ListReplicators.

  --stack <stack>       the stack name (as \`cdk list\` shows it), or its stack id
  --app <dir>           the cloud assembly \`cdk synth\` wrote (default: ./cdk.out)
  --template <file>     the synthesized template (default: the stack's template in the cloud assembly)
  --region <region>     the Region (default: the stack id's, else the stack's environment in the cloud assembly,
                        else AWS_REGION or the profile's)
  --json                one JSON document (formatVersion 1) instead of text
  -h, --help            this text

Credentials: the standard AWS chain (AWS_PROFILE, AWS_ACCESS_KEY_ID, SSO, ...). AWS_ENDPOINT_URL_CLOUDFORMATION and
AWS_ENDPOINT_URL_KAFKA override the endpoints.

Exit codes:
  0   no replicator is replaced and no change is refused
  3   at least one replicator will be REPLACED (a new replicator copies again from its starting position), or will
      RETURN to a replicator of the same resource that still runs with the requested configuration
  4   at least one change will be refused: the deployment would fail (protection, a taken name, a FAILED replicator)
  1   error: the cloud assembly or the stack cannot be read, credentials are missing, or an AWS call failed
  64  invalid command line`;

export type ParsedPlanArguments =
  | { readonly kind: 'help' }
  | { readonly kind: 'invalid'; readonly reason: string }
  | {
    readonly kind: 'run';
    readonly stack: string;
    readonly assemblyDir: string;
    readonly templateFile?: string;
    readonly region?: string;
    readonly json: boolean;
  };

const OPTIONS_WITH_VALUE = ['--stack', '--app', '--template', '--region'];

export function parsePlanArguments(args: string[]): ParsedPlanArguments {
  if (args.includes('--help') || args.includes('-h')) return { kind: 'help' };
  const values: Record<string, string> = {};
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (OPTIONS_WITH_VALUE.includes(arg)) {
      const value = args[i + 1];
      if (value === undefined || value.startsWith('--')) return { kind: 'invalid', reason: `${arg} needs a value` };
      values[arg] = value;
      i++;
    } else if (arg === '--json') {
      json = true;
    } else {
      return { kind: 'invalid', reason: arg.startsWith('-') ? `unknown option ${arg}` : `unexpected argument ${arg}` };
    }
  }
  const stack = values['--stack'];
  if (stack === undefined) return { kind: 'invalid', reason: '--stack is missing' };
  const region = values['--region'] ?? /^arn:[a-z-]+:cloudformation:([a-z0-9-]+):\d{12}:stack\/.+/.exec(stack)?.[1];
  return { kind: 'run', stack, assemblyDir: values['--app'] ?? 'cdk.out', templateFile: values['--template'], region, json };
}
