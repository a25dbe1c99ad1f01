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

/** A scanned template (relative to the repository) and the Region of its stack, which cfn-lint is given. */
export interface ScannedTemplate {
  readonly file: string;
  readonly region: string;
}

/** The Region of each stack template of a cloud assembly, from its manifest's `aws://account/region` environments. */
interface AssemblyManifestLike {
  artifacts?: Record<string, { type: string; environment?: string; properties?: { templateFile?: string } }>;
}
export function assemblyRegions(manifest: AssemblyManifestLike): Record<string, string> {
  const regions: Record<string, string> = {};
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    const region = /^aws:\/\/[^/]+\/([a-z0-9-]+)$/.exec(artifact.environment ?? '')?.[1];
    if (region === undefined || region === 'unknown-region') throw new Error(`stack ${id} has no concrete Region (${artifact.environment})`);
    regions[artifact.properties?.templateFile ?? `${id}.template.json`] = region;
  }
  return regions;
}
