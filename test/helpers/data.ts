// Deterministic test data, and scratch directories that clean up after the test.

import { createCipheriv } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';

export const MiB = 1024 * 1024;

/** byte[i] = i mod 251: every 1 MiB leaf differs, so a swapped or dropped leaf changes the hash. */
export function mod251(length: number): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) bytes[i] = i % 251;
  return bytes;
}

/** Pseudo-random bytes from a seed (an AES-CTR keystream): the same seed gives the same bytes. */
export function seededBytes(length: number, seed: number): Buffer {
  const key = Buffer.alloc(16);
  key.writeUInt32BE(seed >>> 0);
  return createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(length));
}

/** A scratch directory removed when the test ends. */
export function scratch(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'glp-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `bytes` to `name` in `dir` and returns the path. */
export function writeFile(dir: string, name: string, bytes: Buffer | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}
