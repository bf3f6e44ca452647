// Helpers for the upload tests: vaults, archive retrieval through the SDK, the request log, and
// the environment the commands need to reach an in-process gl-local.

import { createHash } from 'node:crypto';
import { CreateVaultCommand, GetJobOutputCommand, InitiateJobCommand, ListMultipartUploadsCommand, ListPartsCommand } from '@aws-sdk/client-glacier';
import type { LocalServer, RequestLogRecord } from '../../src/local/index.js';
import { awsEnv, glacierClient } from '../helpers/local.js';
import { quote, sh } from '../helpers/shell.js';

export async function createVault(server: LocalServer, name: string): Promise<void> {
  await glacierClient(server).send(new CreateVaultCommand({ accountId: '-', vaultName: name }));
}

/** What the commands need to talk to `server`: test credentials, region, endpoint, bin/ on PATH. */
export function putEnv(server: LocalServer): NodeJS.ProcessEnv {
  return { ...awsEnv(server), AWS_ENDPOINT_URL: server.url };
}

/** An archive's bytes, through an archive-retrieval job and GetJobOutput (gl-local with jobDelay 0). */
export async function retrieve(server: LocalServer, vault: string, archiveId: string): Promise<Buffer> {
  const glacier = glacierClient(server);
  const { jobId } = await glacier.send(new InitiateJobCommand({ accountId: '-', vaultName: vault, jobParameters: { Type: 'archive-retrieval', ArchiveId: archiveId } }));
  const output = await glacier.send(new GetJobOutputCommand({ accountId: '-', vaultName: vault, jobId }));
  return Buffer.from(await output.body!.transformToByteArray());
}

/** What `gl-treehash` prints for a file, or for bytes on its stdin. */
export async function glTreehash(input: { path: string } | { bytes: Buffer }): Promise<string> {
  const result = 'path' in input ? await sh(`gl-treehash ${quote(input.path)}`) : await sh('gl-treehash', { input: input.bytes });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout.toString().split(' ')[0];
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The multipart uploads in progress in a vault. */
export async function openUploads(server: LocalServer, vault: string): Promise<string[]> {
  const listed = await glacierClient(server).send(new ListMultipartUploadsCommand({ accountId: '-', vaultName: vault }));
  return (listed.UploadsList ?? []).map((upload) => upload.MultipartUploadId!);
}

/** Range -> tree hash of every part Glacier holds for an upload. */
export async function heldParts(server: LocalServer, vault: string, uploadId: string): Promise<Map<string, string>> {
  const held = new Map<string, string>();
  let marker: string | undefined;
  do {
    const page = await glacierClient(server).send(new ListPartsCommand({ accountId: '-', vaultName: vault, uploadId, marker }));
    for (const part of page.Parts ?? []) held.set(part.RangeInBytes!, part.SHA256TreeHash!);
    marker = page.Marker ?? undefined;
  } while (marker);
  return held;
}

/** Requests for one operation, optionally only those answered with `status`. */
export function requestsFor(server: LocalServer, operation: string, status?: number, from = 0): RequestLogRecord[] {
  return server.requests.slice(from).filter((record) => record.operation === operation && (status === undefined || record.status === status));
}

/** `uploadId range` of a part upload, as gl-local logged it. */
export function partKey(record: RequestLogRecord): string {
  return `${record.uploadId} ${record.contentRange}`;
}

/** Resolves once `predicate` holds for the request log (checked on every request). */
export function waitForRequests(server: LocalServer, predicate: (records: RequestLogRecord[]) => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (predicate(server.requests)) return resolve();
    const check = () => {
      if (!predicate(server.requests)) return;
      server.off('request', check);
      resolve();
    };
    server.on('request', check);
  });
}
