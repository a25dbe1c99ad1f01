import * as zlib from 'zlib';

/**
 * What may differ between the cloud assemblies of the same app synthesized from two jsii languages, and how each
 * difference is taken out before they are compared. Nothing else is normalized: construct paths (`aws:cdk:path`),
 * logical ids, asset hashes of the handler and of the Provider framework, and every property must be identical.
 */
export const NORMALIZATIONS = [
  {
    where: 'Resources.CDKMetadata.Properties.Analytics of each template',
    why: 'aws-cdk-lib records the runtime that ran the app (`node.js/v20.20.2`, `Python/3.11.7`, `Java/17.0.15`, '
      + '`go1.26.8/linux/amd64`, each followed by `!jsii-runtime.Runtime`) in its gzipped, base64-encoded construct '
      + 'analytics. The string is decoded and only that entry is replaced; the aws-cdk-lib version and the constructs '
      + 'it lists are compared.',
  },
  {
    where: 'the `files` entry of each stack\'s own template in its asset manifest (`<stack>.assets.json`)',
    why: 'it is keyed by the hash of the template file, which differs with the Analytics string above, and so are its '
      + 'destinations (their object key is that hash): the entry is keyed by its source path, and the hash taken out of '
      + 'its destinations. Every other asset (the handler, the Provider framework) keeps its hash and is compared.',
  },
] as const;

const RUNTIME_ENTRY = /(^|,)([^,{}]+)!jsii-runtime\.Runtime/;

/** The decoded analytics string of a template's CDKMetadata resource, if any. */
export function decodedAnalytics(template: CfnTemplateLike): string | undefined {
  const analytics = template.Resources?.CDKMetadata?.Properties?.Analytics;
  if (typeof analytics !== 'string') return undefined;
  const [version, encoding, payload] = analytics.split(':');
  if (version !== 'v2' || encoding !== 'deflate64') throw new Error(`unknown CDKMetadata Analytics encoding: ${analytics.slice(0, 20)}`);
  return zlib.gunzipSync(Buffer.from(payload, 'base64')).toString('utf8');
}

/** The runtime entry of the analytics (`Python/3.11.7`): which language really ran the app. */
export function analyticsRuntime(template: CfnTemplateLike): string | undefined {
  const decoded = decodedAnalytics(template);
  return decoded === undefined ? undefined : RUNTIME_ENTRY.exec(decoded)?.[2];
}

export interface CfnTemplateLike {
  Resources?: Record<string, { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }>;
  [key: string]: unknown;
}

/** A copy of `template` with the analytics decoded and its runtime entry replaced. */
export function normalizedTemplate(template: CfnTemplateLike): CfnTemplateLike {
  const copy = JSON.parse(JSON.stringify(template)) as CfnTemplateLike;
  const decoded = decodedAnalytics(template);
  if (decoded !== undefined) {
    copy.Resources!.CDKMetadata.Properties!.Analytics = decoded.replace(RUNTIME_ENTRY, '$1<runtime>!jsii-runtime.Runtime');
  }
  return copy;
}

interface AssetManifestLike {
  files?: Record<string, { source: { path?: string }; [key: string]: unknown }>;
  [key: string]: unknown;
}

/** A copy of an asset manifest with the stack templates' own entries keyed by their path instead of their hash. */
export function normalizedAssetManifest(manifest: AssetManifestLike): AssetManifestLike {
  const files: Record<string, unknown> = {};
  for (const [hash, entry] of Object.entries(manifest.files ?? {})) {
    if (!(entry.source.path?.endsWith('.template.json') ?? false)) {
      files[hash] = entry;
      continue;
    }
    // the destinations of a template are keyed `<account>-<region>-<hash of the destination>`, whose object key
    // holds the template's hash
    const destinations: Record<string, unknown> = {};
    for (const [key, destination] of Object.entries((entry.destinations ?? {}) as Record<string, unknown>)) {
      destinations[key.replace(/-[0-9a-f]{8}$/, '-<hash>')] = JSON.parse(JSON.stringify(destination).split(hash).join('<template hash>'));
    }
    files[`<template ${entry.source.path}>`] = { ...entry, destinations };
  }
  return { ...manifest, files } as AssetManifestLike;
}

/** The JSON paths at which two values differ (at most `limit`), for a readable failure. */
export function differences(a: unknown, b: unknown, at = '', limit = 20, found: string[] = []): string[] {
  if (found.length >= limit) return found;
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b) || (a === null) !== (b === null)) {
    found.push(`${at || '/'}: ${JSON.stringify(a)?.slice(0, 200)} <> ${JSON.stringify(b)?.slice(0, 200)}`);
  } else if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) found.push(`${at}: ${a.length} items <> ${b.length} items`);
    a.slice(0, Math.min(a.length, b.length)).forEach((item, i) => differences(item, b[i], `${at}/${i}`, limit, found));
  } else if (a !== null && typeof a === 'object') {
    const x = a as Record<string, unknown>;
    const y = b as Record<string, unknown>;
    for (const key of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort()) {
      if (!(key in x)) found.push(`${at}/${key}: missing <> ${JSON.stringify(y[key])?.slice(0, 200)}`);
      else if (!(key in y)) found.push(`${at}/${key}: ${JSON.stringify(x[key])?.slice(0, 200)} <> missing`);
      else differences(x[key], y[key], `${at}/${key}`, limit, found);
    }
  } else if (a !== b) {
    found.push(`${at || '/'}: ${JSON.stringify(a)?.slice(0, 200)} <> ${JSON.stringify(b)?.slice(0, 200)}`);
  }
  return found;
}
