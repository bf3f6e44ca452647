// Glacier Select's manifests (result_manifest.txt, error_manifest.txt): one `s3://BUCKET/KEY` per
// line, keys as they are (docs/gl-local.md; AWS does not document the format, glacier-api.md §7.2).

import { PipesError } from '../errors.js';
import { getText, s3Uri, type RequestOptions, type S3ObjectRef } from './s3-requests.js';
import type { S3Client } from '@aws-sdk/client-s3';

/** The objects a manifest lists, in its order. Blank lines are skipped; anything else that is not an s3:// URI is an error. */
export function parseManifest(text: string, where: string): S3ObjectRef[] {
  const objects: S3ObjectRef[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (line.trim() === '') continue;
    const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(line);
    if (!match) throw new PipesError('BAD_MANIFEST', `${where}:${i + 1}: not an s3://BUCKET/KEY line: ${JSON.stringify(line.slice(0, 80))}`);
    objects.push({ bucket: match[1], key: match[2] });
  }
  return objects;
}

/** The objects a manifest in S3 lists, or undefined when the manifest does not exist. */
export async function readManifest(s3: S3Client, manifest: S3ObjectRef, options: RequestOptions): Promise<S3ObjectRef[] | undefined> {
  const text = await getText(s3, manifest, options);
  return text === undefined ? undefined : parseManifest(text, s3Uri(manifest));
}
