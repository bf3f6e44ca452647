// Staging for command tests: gl-local with archives uploaded the way a user does it
// (uploadArchive: gl-chunk | gl-put-parts), or with one UploadArchive call, and the ledger
// written to DIR/ledger.ndjson; small NDJSON file helpers.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateVaultCommand, UploadArchiveCommand } from '@aws-sdk/client-glacier';
import type { Test } from 'tap';
import type { LocalOptions, LocalServer } from '../../src/local/index.js';
import { RECORD_VERSION, type ArchiveRecord } from '../../src/records/types.js';
import { treeHash } from '../../src/treehash/tree-hash.js';
import { scratch, writeFile } from './data.js';
import { awsEnv, glacierClient, withLocal } from './local.js';
import { records } from './shell.js';
import { uploadArchive } from './upload.js';

/** The endpoint flag for gl-local, whose URL awsEnv puts in GL_LOCAL_URL. */
export const ENDPOINT = '--endpoint-url "$GL_LOCAL_URL"';
export const FETCH = `gl-fetch-results ${ENDPOINT} --poll-interval 100ms`;

export interface StagedFile {
  name: string;
  bytes: Buffer;
  /** Put with one UploadArchive call instead of a multipart upload. */
  single?: boolean;
  vault?: string;
}

/** Puts `bytes` into `vault` with one UploadArchive request and returns its ledger record. */
export async function uploadSingle(server: LocalServer, vault: string, name: string, bytes: Buffer): Promise<ArchiveRecord> {
  const glacier = glacierClient(server);
  await glacier.send(new CreateVaultCommand({ accountId: '-', vaultName: vault }));
  const answer = await glacier.send(new UploadArchiveCommand({ accountId: '-', vaultName: vault, body: bytes, archiveDescription: name }));
  if (answer.checksum !== treeHash(bytes)) throw new Error(`gl-local reports tree hash ${answer.checksum}`);
  return {
    type: 'archive',
    v: RECORD_VERSION,
    vault,
    archiveId: answer.archiveId!,
    treeHash: answer.checksum,
    size: bytes.length,
    description: name,
    name,
    created: new Date().toISOString(),
  };
}

/** gl-local holding `files` (in vault `v` unless a file says otherwise), their ledger in DIR/ledger.ndjson. */
export async function stage(t: Test, files: StagedFile[], options: LocalOptions = {}) {
  const server = await withLocal(t, options);
  const dir = scratch(t);
  const ledger: ArchiveRecord[] = [];
  for (const file of files) {
    const vault = file.vault ?? 'v';
    ledger.push(file.single ? await uploadSingle(server, vault, file.name, file.bytes) : await uploadArchive(server, vault, writeFile(dir, file.name, file.bytes)));
  }
  writeFile(dir, 'ledger.ndjson', lines(ledger));
  return { server, dir, env: awsEnv(server), ledger };
}

export function lines(values: object[]): string {
  return values.map((value) => `${JSON.stringify(value)}\n`).join('');
}

/** The NDJSON records of a file. */
export function readRecordsFile(path: string): Record<string, unknown>[] {
  return records({ status: 0, stdout: readFileSync(path), stderr: '' });
}

export function file(dir: string, name: string): Buffer {
  return readFileSync(join(dir, name));
}
