// UploadArchive and DeleteArchive (§2.5, §2.6).

import { rm } from 'node:fs/promises';
import { findVault, header, isoNow, vaultArn, vaultPath, type GlacierCall, type GlacierContext, type Reply } from './context.js';
import { invalidParameter, notFound } from './errors.js';
import { receiveVerified } from './verified-body.js';
import { checkDescription, MAX_SINGLE_UPLOAD, parseContentLength } from './validate.js';

export async function uploadArchive(context: GlacierContext, call: GlacierCall): Promise<Reply> {
  const vault = findVault(context, call.route.vault!);
  const description = checkDescription(header(call, 'x-amz-archive-description'), 'archive description');
  const length = parseContentLength(header(call, 'content-length'));
  if (length === 0) throw invalidParameter('Invalid Content-Length: 0. An archive must hold at least 1 byte.');
  if (length > MAX_SINGLE_UPLOAD) {
    throw invalidParameter(`Invalid Content-Length: ${length}. A single UploadArchive request carries at most ${MAX_SINGLE_UPLOAD} bytes; use a multipart upload.`);
  }
  const file = context.store.scratchFile();
  const received = await receiveVerified(call, file);
  try {
    const archive = await context.store.locks.run(`vault:${vault.name}`, async () => {
      findVault(context, vault.name);
      return context.store.addArchive(vault, file, {
        description,
        creationDate: isoNow(),
        size: received.size,
        treeHash: received.treeHash,
        uploadId: null,
      });
    });
    return {
      status: 201,
      headers: {
        location: `${vaultPath(context, vault.name)}/archives/${archive.archiveId}`,
        'x-amz-archive-id': archive.archiveId,
        'x-amz-sha256-tree-hash': archive.treeHash,
      },
    };
  } finally {
    await rm(file, { force: true });
  }
}

export async function deleteArchive(context: GlacierContext, call: GlacierCall): Promise<Reply> {
  const vault = findVault(context, call.route.vault!);
  const archiveId = call.route.archiveId!;
  await context.store.locks.run(`vault:${vault.name}`, async () => {
    const archive = vault.archives.get(archiveId);
    if (archive) return context.store.deleteArchive(vault, archive);
    if (vault.deletedArchives.has(archiveId)) return; // idempotent
    if (context.store.archiveVault.has(archiveId)) throw invalidParameter(`Invalid vault name: ${vaultArn(context, vault.name)}`);
    throw notFound(`The archive ID was not found: ${archiveId}`);
  });
  return { status: 204 };
}
