#!/usr/bin/env node
import { readFileSync } from 'fs';
import { KafkaClient } from '@aws-sdk/client-kafka';
import { replicatorProperties } from './template-properties';
import { driftReport } from '../provider/drift';
import { describeReplicator, listTags } from '../provider/kafka-calls';

/**
 * cdk-msk-replicator-drift <replicator-arn> --template <file> [--logical-id <id>]
 *
 * Prints the fields in which a live replicator differs from a synthesized template. Read-only: it calls only
 * DescribeReplicator and ListTagsForResource. Exit code 0: no drift; 2: drift; 1: error. Uses the standard AWS
 * credential chain and endpoint resolution (AWS_ENDPOINT_URL_KAFKA included).
 */
const USAGE = 'usage: cdk-msk-replicator-drift <replicator-arn> --template <template.json> [--logical-id <LogicalId>]';

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

async function main(args: string[]): Promise<number> {
  const arn = args.find((a, i) => !a.startsWith('--') && (i === 0 || !args[i - 1].startsWith('--')));
  const templateFile = option(args, '--template');
  if (arn === undefined || templateFile === undefined) {
    console.error(USAGE);
    return 1;
  }
  const desired = replicatorProperties(JSON.parse(readFileSync(templateFile, 'utf8')), option(args, '--logical-id'));
  const client = new KafkaClient({});
  const live = await describeReplicator(client, arn);
  if (live === undefined) {
    console.log(`${arn} does not exist: the next deployment's update creates it again`);
    return 2;
  }
  const drift = driftReport(desired, live, await listTags(client, arn));
  if (drift.length === 0) {
    console.log(`no drift: ${live.ReplicatorName} matches ${templateFile}`);
    return 0;
  }
  console.log(`${drift.length} field(s) of ${live.ReplicatorName} differ from ${templateFile}:`);
  for (const item of drift) {
    const action = item.healedInPlace ? 'fixed in place by the next update' : 'needs a new replicator';
    console.log(`  ${item.field}: template ${JSON.stringify(item.desired)}, live ${JSON.stringify(item.live)} (${action})`);
  }
  return 2;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (error: Error) => {
  console.error(`cdk-msk-replicator-drift: ${error.message}`);
  process.exit(1);
});
