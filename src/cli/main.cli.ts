#!/usr/bin/env node
import { runDriftCommand } from './drift-command';
import { EXIT_PLAN_ERROR, EXIT_PLAN_USAGE } from './plan-arguments';
import { runPlan } from './plan-command';

/**
 * cdk-msk-replicator <command>: `plan` (plan-command.ts) and `drift` (drift-command.ts, also shipped as
 * cdk-msk-replicator-drift).
 */
const USAGE = `usage: cdk-msk-replicator plan --stack <stack> [...]     what a deployment will do to each replicator
       cdk-msk-replicator drift --stack <stack> [...]    where live replicators differ from the template
Run cdk-msk-replicator <command> --help for the options and exit codes of each.`;

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case 'plan':
      return runPlan(rest, { cwd: process.cwd(), env: process.env, out: (t) => console.log(t), err: (t) => console.error(t) });
    case 'drift':
      return runDriftCommand(rest);
    case '--help':
    case '-h':
      console.log(USAGE);
      return 0;
    default:
      console.error(command === undefined ? USAGE : `cdk-msk-replicator: unknown command ${command}\n\n${USAGE}`);
      return EXIT_PLAN_USAGE;
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code), (error: unknown) => {
  console.error(`cdk-msk-replicator: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(EXIT_PLAN_ERROR);
});
