#!/usr/bin/env node
import { readFileSync } from 'fs';
import { KafkaClient } from '@aws-sdk/client-kafka';
import { EXIT_DRIFT, EXIT_ERROR, EXIT_NO_DRIFT, EXIT_USAGE, parseArguments, USAGE } from './arguments';
import { replicatorProperties } from './template-properties';
import { driftReport } from '../provider/drift';
import { describeReplicator, listTags } from '../provider/kafka-calls';

/**
 * cdk-msk-replicator-drift: prints the fields in which a live replicator differs from a synthesized template.
 * Read-only (DescribeReplicator and ListTagsForResource). The usage text (arguments.ts) documents the exit codes.
 */
async function main(args: string[]): Promise<number> {
  const parsed = parseArguments(args);
  if (parsed.kind === 'help') {
    console.log(USAGE);
    return EXIT_NO_DRIFT;
  }
  if (parsed.kind === 'invalid') {
    console.error(`cdk-msk-replicator-drift: ${parsed.reason}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const { arn, templateFile, logicalId, region } = parsed;
  const desired = replicatorProperties(JSON.parse(readFileSync(templateFile, 'utf8')), logicalId);
  // The replicator's own Region (from its ARN unless --region says otherwise): the MSK API is regional.
  const client = new KafkaClient({ region });
  const live = await describeReplicator(client, arn);
  if (live === undefined) {
    console.log(`${arn} does not exist: the next deployment's update creates it again`);
    return EXIT_DRIFT;
  }
  const drift = driftReport(desired, live, await listTags(client, arn));
  if (drift.length === 0) {
    console.log(`no drift: ${live.ReplicatorName} matches ${templateFile}`);
    return EXIT_NO_DRIFT;
  }
  console.log(`${drift.length} field(s) of ${live.ReplicatorName} differ from ${templateFile}:`);
  for (const item of drift) {
    const action = item.healedInPlace ? 'fixed in place by the next update' : 'needs a new replicator';
    console.log(`  ${item.field}: template ${JSON.stringify(item.desired)}, live ${JSON.stringify(item.live)} (${action})`);
  }
  return EXIT_DRIFT;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (error: Error) => {
  console.error(`cdk-msk-replicator-drift: ${error.message}`);
  process.exit(EXIT_ERROR);
});
