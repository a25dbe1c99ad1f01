import { existsSync, readFileSync } from 'fs';
import { basename, dirname, join } from 'path';

/**
 * What the drift command reads of a synthesized cloud assembly (`cdk.out`): `manifest.json` lists each stack artifact
 * (`type: aws:cloudformation:stack`) with its `environment` (`aws://<account>/<region>`, `unknown-region` for an
 * environment-agnostic stack) and its `properties.templateFile` and `properties.stackName` (the cloud assembly schema,
 * `@aws-cdk/cloud-assembly-schema`, AwsCloudFormationStackProperties).
 */

interface StackArtifact {
  readonly type: string;
  readonly environment?: string;
  readonly properties?: { readonly templateFile?: string; readonly stackName?: string };
}

export interface AssemblyStack {
  /** The stack's template file. */
  readonly templateFile: string;
  /** The stack's Region, when the stack has a concrete one. */
  readonly region?: string;
  /** The stack's account, when the stack has a concrete one. */
  readonly account?: string;
}

function artifacts(manifestFile: string): Array<[string, StackArtifact]> {
  if (!existsSync(manifestFile)) return [];
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { artifacts?: Record<string, StackArtifact> };
  return Object.entries(manifest.artifacts ?? {}).filter(([, a]) => a.type === 'aws:cloudformation:stack');
}

function regionOf(artifact: StackArtifact): string | undefined {
  const region = /^aws:\/\/[^/]+\/(.+)$/.exec(artifact.environment ?? '')?.[1];
  return region === undefined || region === 'unknown-region' ? undefined : region;
}

function accountOf(artifact: StackArtifact): string | undefined {
  const account = /^aws:\/\/([^/]+)\//.exec(artifact.environment ?? '')?.[1];
  return account === undefined || account === 'unknown-account' ? undefined : account;
}

/** The stack named `stackName` (its stack name, or its artifact id) in the cloud assembly `assemblyDir`. */
export function assemblyStack(assemblyDir: string, stackName: string): AssemblyStack {
  const manifestFile = join(assemblyDir, 'manifest.json');
  const stacks = artifacts(manifestFile);
  const found = stacks.find(([id, a]) => (a.properties?.stackName ?? id) === stackName) ?? stacks.find(([id]) => id === stackName);
  if (found === undefined || found[1].properties?.templateFile === undefined) {
    const names = stacks.map(([id, a]) => a.properties?.stackName ?? id).join(', ') || 'none';
    throw new Error(existsSync(manifestFile)
      ? `${manifestFile} has no stack ${stackName} (its stacks: ${names}): pass --template <file>`
      : `${manifestFile} does not exist: run \`cdk synth\` first, or pass --template <file>`);
  }
  return { templateFile: join(assemblyDir, found[1].properties.templateFile), region: regionOf(found[1]), account: accountOf(found[1]) };
}

/** The Region of the stack whose template is `templateFile`, from the manifest next to it, when there is one. */
export function regionOfTemplate(templateFile: string): string | undefined {
  const stack = artifacts(join(dirname(templateFile), 'manifest.json'))
    .find(([, a]) => a.properties?.templateFile === basename(templateFile));
  return stack === undefined ? undefined : regionOf(stack[1]);
}
