import { readFileSync } from 'fs';
import { join } from 'path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { KafkaClient } from '@aws-sdk/client-kafka';
import { EXIT_DRIFT, EXIT_ERROR, EXIT_NO_DRIFT, EXIT_USAGE, parseArguments, regionOfArn, USAGE } from './arguments';
import { explainAwsError } from './aws-errors';
import { assemblyStack, regionOfTemplate } from './cloud-assembly';
import { deployedReplicatorArn, DeployedStackError } from './deployed-stack';
import { replicatorInTemplate } from './template-properties';
import { driftReport } from '../provider/drift';
import { describeReplicator, listTags } from '../provider/kafka-calls';

/**
 * cdk-msk-replicator-drift: prints the fields in which a live replicator differs from a synthesized template.
 * Read-only. The replicator is given by its ARN, or found as the physical id of a stack's Custom::MskReplicator
 * (deployed-stack.ts). The usage text (arguments.ts) documents the options and the exit codes.
 */
export async function runDrift(args: string[]): Promise<number> {
  const parsed = parseArguments(args);
  if (parsed.kind === 'help') {
    console.log(USAGE);
    return EXIT_NO_DRIFT;
  }
  if (parsed.kind === 'invalid') {
    console.error(`cdk-msk-replicator-drift: ${parsed.reason}\n\n${USAGE}`);
    return EXIT_USAGE;
  }

  let templateFile = parsed.templateFile;
  let region = parsed.region;
  if ('stack' in parsed.source && templateFile === undefined) {
    // the stack's template and Region, as `cdk synth` left them in ./cdk.out
    const stack = assemblyStack(join(process.cwd(), 'cdk.out'), parsed.source.stack);
    templateFile = stack.templateFile;
    region = region ?? stack.region;
  }
  region = region ?? regionOfTemplate(templateFile!);
  const { logicalId, properties: desired } = replicatorInTemplate(JSON.parse(readFileSync(templateFile!, 'utf8')), parsed.logicalId);

  let arn: string;
  if ('stack' in parsed.source) {
    // undefined Region: the SDK's own resolution (AWS_REGION, the profile's region)
    arn = await deployedReplicatorArn(new CloudFormationClient({ region }), parsed.source.stack, logicalId);
  } else {
    arn = parsed.source.arn;
  }
  // The replicator's own Region (from its ARN unless --region says otherwise): the MSK API is regional.
  const client = new KafkaClient({ region: parsed.region ?? regionOfArn(arn) ?? region });
  const live = await describeReplicator(client, arn);
  if (live === undefined) {
    console.log(`${arn} does not exist: the next deployment's update creates it again`);
    return EXIT_DRIFT;
  }
  const drift = driftReport(desired, live, await listTags(client, arn));
  if (drift.length === 0) {
    console.log(`no drift: ${live.ReplicatorName} matches ${logicalId} of ${templateFile}`);
    return EXIT_NO_DRIFT;
  }
  console.log(`${drift.length} field(s) of ${live.ReplicatorName} differ from ${logicalId} of ${templateFile}:`);
  for (const item of drift) {
    const action = item.healedInPlace ? 'fixed in place by the next update' : 'needs a new replicator';
    console.log(`  ${item.field}: template ${JSON.stringify(item.desired)}, live ${JSON.stringify(item.live)} (${action})`);
  }
  return EXIT_DRIFT;
}

/** `runDrift`, with errors explained as the command prints them (exit code 1). */
export async function runDriftCommand(args: string[]): Promise<number> {
  try {
    return await runDrift(args);
  } catch (error) {
    const message = error instanceof DeployedStackError ? error.message : explainAwsError(error, process.env);
    console.error(`cdk-msk-replicator-drift: ${message}`);
    return EXIT_ERROR;
  }
}
