import { readFileSync } from 'fs';
import { resolve } from 'path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { KafkaClient } from '@aws-sdk/client-kafka';
import { explainAwsError, PLAN_ACTIONS } from './aws-errors';
import { assemblyStack, regionOfTemplate } from './cloud-assembly';
import { DeployedStackError } from './deployed-stack';
import { EXIT_PLAN_ERROR, EXIT_PLAN_SAFE, EXIT_PLAN_USAGE, parsePlanArguments, PLAN_USAGE } from './plan-arguments';
import { planExitCode, planJson, planText } from './plan-report';
import { planStack } from './stack-plan';

/** Where the command writes, and the environment it reads (the process's, in the bin). */
export interface CommandIo {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/**
 * `cdk-msk-replicator plan`: reads the synthesized stack from the cloud assembly, plans it (stack-plan.ts) and
 * prints the plan. The usage text (plan-arguments.ts) documents the options and the exit codes.
 */
export async function runPlan(args: string[], io: CommandIo): Promise<number> {
  const parsed = parsePlanArguments(args);
  if (parsed.kind === 'help') {
    io.out(PLAN_USAGE);
    return EXIT_PLAN_SAFE;
  }
  if (parsed.kind === 'invalid') {
    io.err(`cdk-msk-replicator plan: ${parsed.reason}\n\n${PLAN_USAGE}`);
    return EXIT_PLAN_USAGE;
  }
  try {
    let templateFile = parsed.templateFile && resolve(io.cwd, parsed.templateFile);
    let region = parsed.region;
    let account: string | undefined;
    if (templateFile === undefined) {
      const stack = assemblyStack(resolve(io.cwd, parsed.assemblyDir), parsed.stack);
      templateFile = stack.templateFile;
      region = region ?? stack.region;
      account = stack.account;
    }
    region = region ?? regionOfTemplate(templateFile);
    // undefined Region: the SDK's own resolution (AWS_REGION, the profile's region)
    const cloudFormation = new CloudFormationClient({ region });
    region = await cloudFormation.config.region();
    const plan = await planStack({
      stackName: parsed.stack,
      template: JSON.parse(readFileSync(templateFile, 'utf8')),
      region,
      account,
      cloudFormation,
      kafka: new KafkaClient({ region }),
    });
    io.out(parsed.json ? planJson(plan) : planText(plan));
    return planExitCode(plan);
  } catch (error) {
    const known = error instanceof DeployedStackError || (error instanceof Error && /cdk synth|manifest\.json|ENOENT/.test(error.message));
    io.err(`cdk-msk-replicator plan: ${known ? (error as Error).message : explainAwsError(error, io.env, PLAN_ACTIONS)}`);
    return EXIT_PLAN_ERROR;
  }
}
