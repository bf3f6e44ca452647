// Identifiers in the real shapes (§1.3): URL-safe base64, 138 characters for archives,
// 92 for jobs and multipart uploads. Random, so they carry no meaning, as the docs say.

import { randomBytes } from 'node:crypto';

function randomId(length: number): string {
  return randomBytes(Math.ceil((length * 3) / 4)).toString('base64url').slice(0, length);
}

export const newArchiveId = () => randomId(138);
export const newJobId = () => randomId(92);
export const newUploadId = () => randomId(92);
export const newRequestId = () => randomId(47);
