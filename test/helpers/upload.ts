// Putting a file into a vault for tests that need an archive, and the `archive` record the ledger
// would hold for it. This is the one place to swap for `gl-chunk FILE | gl-put-parts --vault V`
// once gl-put-parts lands: today gl-chunk and gl-treehash plan and hash the parts, and SDK v3
// uploads them (multipart, 1 MiB parts).

import { readFile, stat } from 'node:fs/promises';
import { CompleteMultipartUploadCommand, CreateVaultCommand, InitiateMultipartUploadCommand, UploadMultipartPartCommand } from '@aws-sdk/client-glacier';
import type { LocalServer } from '../../src/local/index.js';
import { RECORD_VERSION, type ArchiveRecord, type EndRecord, type PartRecord, type UploadRecord } from '../../src/records/types.js';
import { glacierClient } from './local.js';
import { quote, records, sh } from './shell.js';

/** Uploads `file` into `vault` (created if need be) and returns its ledger record. */
export async function uploadArchive(server: LocalServer, vault: string, file: string): Promise<ArchiveRecord> {
  const planned = await sh(`gl-chunk --part-size 1MiB ${quote(file)} | gl-treehash --records`);
  if (planned.status !== 0) throw new Error(`gl-chunk | gl-treehash failed: ${planned.stderr}`);
  const stream = records(planned);
  const upload = stream.find((record) => record.type === 'upload') as UploadRecord;
  const parts = stream.filter((record) => record.type === 'part') as PartRecord[];
  const end = stream.find((record) => record.type === 'end') as EndRecord;

  const glacier = glacierClient(server);
  await glacier.send(new CreateVaultCommand({ accountId: '-', vaultName: vault }));
  const { uploadId } = await glacier.send(
    new InitiateMultipartUploadCommand({ accountId: '-', vaultName: vault, partSize: String(upload.partSize), archiveDescription: upload.description }),
  );
  const bytes = await readFile(file);
  for (const part of parts) {
    await glacier.send(
      new UploadMultipartPartCommand({
        accountId: '-',
        vaultName: vault,
        uploadId,
        range: `bytes ${part.start}-${part.start + part.size - 1}/*`,
        checksum: part.treeHash,
        body: bytes.subarray(part.start, part.start + part.size),
      }),
    );
  }
  const done = await glacier.send(
    new CompleteMultipartUploadCommand({ accountId: '-', vaultName: vault, uploadId, archiveSize: String(end.size), checksum: end.treeHash }),
  );
  if (done.checksum !== end.treeHash) throw new Error(`gl-local reports tree hash ${done.checksum}, gl-treehash computed ${end.treeHash}`);
  return {
    type: 'archive',
    v: RECORD_VERSION,
    vault,
    archiveId: done.archiveId!,
    treeHash: end.treeHash!,
    size: (await stat(file)).size,
    description: upload.description,
    name: upload.name,
    created: new Date().toISOString(),
  };
}
