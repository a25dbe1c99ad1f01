import * as path from 'path';
import { LANGUAGES, LANGUAGES_OUT } from '../languages/smoke-layout';

/** Where the scan results are written (git-ignored), read by template-scans.smoke.ts. */
export const SCANS_OUT = path.join(LANGUAGES_OUT, 'scans');
/** The example templates synthesized from TypeScript for the scans (besides the smoke apps' assemblies). */
export const EXAMPLES_OUT = path.join(LANGUAGES_OUT, 'examples');
/** The directories whose `*.template.json` are scanned: every language's smoke app, and the examples. */
export const SCANNED_DIRS = [...LANGUAGES.map((language) => path.join(LANGUAGES_OUT, language, 'cdk.out')), EXAMPLES_OUT];
/** The same templates without the library's checkov acknowledgements, to show each one stands for a real finding. */
export const UNACKNOWLEDGED_OUT = path.join(SCANS_OUT, 'without-checkov-metadata');
