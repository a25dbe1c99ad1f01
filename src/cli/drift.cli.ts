#!/usr/bin/env node
import { runDriftCommand } from './drift-command';

/** cdk-msk-replicator-drift: the drift report (drift-command.ts), as its own command. */
void runDriftCommand(process.argv.slice(2)).then((code) => process.exit(code));
