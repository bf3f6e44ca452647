// The multipart upload operations (§2.7–2.12): initiate, upload part, complete, abort, list.

import { rm } from 'node:fs/promises';
import { combineTreeHashes } from '../../treehash/tree-hash.js';
import { findVault, header, isoNow, vaultArn, vaultPath, type GlacierCall, type GlacierContext, type Reply } from './context.js';
import { invalidParameter, missingParameter, notFound } from './errors.js';
import type { Upload, Vault } from './store.js';
import {
  checkDescription,
  MAX_PARTS,
  parseContentLength,
  parseContentRange,
  parseLimit,
  parsePartSize,
  requireHash,
} from './validate.js';
import { receiveVerified } from './verified-body.js';

function findUpload(vault: Vault, uploadId: string): Upload {
  const upload = vault.uploads.get(uploadId);
  if (!upload || vault.deleted) throw notFound(`The upload ID was not found: ${uploadId}`);
  return upload;
}

function uploadLock(uploadId: string): string {
  return `upload:${uploadId}`;
}

export async function initiateMultipartUpload(context: GlacierContext, call: GlacierCall): Promise<Reply> {
  const vault = findVault(context, call.route.vault!);
  const partSize = parsePartSize(header(call, 'x-amz-part-size'));
  // The DG says leading spaces of a multipart upload's description are dropped.
  const description = checkDescription(header(call, 'x-amz-archive-description')?.replace(/^ +/, ''), 'archive description');
  const upload = await context.store.locks.run(`vault:${vault.name}`, async () => {
    findVault(context, vault.name);
    return context.store.createUpload(vault, partSize, description, isoNow());
  });
  return {
    status: 201,
    headers: {
      location: `${vaultPath(context, vault.name)}/multipart-uploads/${upload.meta.uploadId}`,
      'x-amz-multipart-upload-id': upload.meta.uploadId,
    },
  };
}

export async function uploadMultipartPart(context: GlacierContext, call: GlacierCall): Promise<Reply> {
  const vault = findVault(context, call.route.vault!);
  const upload = findUpload(vault, call.route.uploadId!);
  const rangeHeader = header(call, 'content-range');
  const { first, last } = parseContentRange(rangeHeader);
  const length = parseContentLength(header(call, 'content-length'));
  const size = last - first + 1;
  const partSize = upload.meta.partSize;
  if (length !== size) throw invalidParameter(`Content-Range: ${rangeHeader} is incompatible with Content-Length: ${length}`);
  if (first % partSize !== 0) {
    throw invalidParameter(`Content-Range: ${rangeHeader} does not start on a part boundary; the part size is ${partSize}.`);
  }
  if (size > partSize) throw invalidParameter(`Content-Range: ${rangeHeader} is larger than the part size of ${partSize} bytes.`);
  const partNumber = first / partSize + 1;
  if (partNumber > MAX_PARTS) {
    throw invalidParameter(`This is part number ${partNumber} for the current multipart upload. It exceeds the limit of ${MAX_PARTS} parts.`);
  }

  const file = context.store.scratchFile();
  try {
    const received = await receiveVerified(call, file);
    await context.store.locks.run(uploadLock(upload.meta.uploadId), async () => {
      // The upload may have been completed or aborted while the body was arriving.
      findUpload(vault, upload.meta.uploadId);
      await context.store.installPart(upload, file, first, size, received.treeHash);
    });
    return { status: 204, headers: { 'x-amz-sha256-tree-hash': received.treeHash } };
  } finally {
    await rm(file, { force: true });
  }
}

export async function completeMultipartUpload(context: GlacierContext, call: GlacierCall): Promise<Reply> {
  const vault = findVault(context, call.route.vault!);
  const uploadId = call.route.uploadId!;
  const sizeHeader = header(call, 'x-amz-archive-size');
  if (sizeHeader === undefined) throw missingParameter('x-amz-archive-size');
  const archiveSize = /^\d+$/.test(sizeHeader) ? Number(sizeHeader) : NaN;
  if (!Number.isSafeInteger(archiveSize)) throw invalidParameter(`Invalid x-amz-archive-size: ${sizeHeader}`);
  const treeHash = requireHash(header(call, 'x-amz-sha256-tree-hash'), 'x-amz-sha256-tree-hash');

  const archive = await context.store.locks.run(`vault:${vault.name}`, () =>
    context.store.locks.run(uploadLock(uploadId), async () => {
      findVault(context, vault.name);
      const done = vault.completed.get(uploadId);
      const doneArchive = done === undefined ? undefined : vault.archives.get(done);
      if (doneArchive && !vault.uploads.has(uploadId)) {
        // Complete is idempotent: the same upload answers the same archive.
        if (doneArchive.treeHash !== treeHash || doneArchive.size !== archiveSize) throw invalidParameter(`Invalid x-amz-sha256-tree-hash: ${treeHash}`);
        return doneArchive;
      }
      const upload = findUpload(vault, uploadId);
      checkComplete(upload, archiveSize, treeHash);
      return context.store.completeUpload(vault, upload, archiveSize, treeHash, isoNow());
    }),
  );
  return {
    status: 201,
    headers: {
      location: `${vaultPath(context, vault.name)}/archives/${archive.archiveId}`,
      'x-amz-archive-id': archive.archiveId,
      'x-amz-sha256-tree-hash': archive.treeHash,
    },
  };
}

/** The parts must cover [0, archiveSize) without gaps, every part but the last full, and hash to treeHash. */
function checkComplete(upload: Upload, archiveSize: number, treeHash: string): void {
  const parts = [...upload.parts.values()].sort((a, b) => a.first - b.first);
  if (parts.length === 0) throw invalidParameter(`The multipart upload ${upload.meta.uploadId} has no parts.`);
  let next = 0;
  for (const [i, part] of parts.entries()) {
    if (part.first !== next) throw invalidParameter(`Missing part: no part covers bytes ${next}-${part.first - 1} of the archive.`);
    if (i < parts.length - 1 && part.size !== upload.meta.partSize) {
      throw invalidParameter(
        `Part bytes ${part.first}-${part.first + part.size - 1} is shorter than the part size of ${upload.meta.partSize} bytes and is not the last part.`,
      );
    }
    next = part.first + part.size;
  }
  if (next !== archiveSize) throw invalidParameter(`Invalid x-amz-archive-size: ${archiveSize}. The uploaded parts hold ${next} bytes.`);
  if (combineTreeHashes(parts.map((part) => part.treeHash)) !== treeHash) throw invalidParameter(`Invalid x-amz-sha256-tree-hash: ${treeHash}`);
}

export async function abortMultipartUpload(context: GlacierContext, call: GlacierCall): Promise<Reply> {
  const vault = findVault(context, call.route.vault!);
  const uploadId = call.route.uploadId!;
  await context.store.locks.run(uploadLock(uploadId), async () => {
    if (vault.aborted.has(uploadId)) return; // aborting twice succeeds
    await context.store.abortUpload(vault, findUpload(vault, uploadId));
  });
  return { status: 204 };
}

export async function listParts(context: GlacierContext, call: GlacierCall): Promise<Reply> {
  const vault = findVault(context, call.route.vault!);
  const upload = findUpload(vault, call.route.uploadId!);
  const limit = parseLimit(call.query.limit, 50);
  let start = 0;
  const marker = call.query.marker;
  if (marker !== undefined && marker !== '') {
    // The marker is the first byte of the next part to list.
    if (!/^\d+$/.test(marker)) throw invalidParameter(`Invalid marker: ${marker}`);
    start = Number(marker);
  }
  const parts = [...upload.parts.values()].filter((part) => part.first >= start).sort((a, b) => a.first - b.first);
  const next = parts[limit];
  return {
    status: 200,
    json: {
      ArchiveDescription: upload.meta.description,
      CreationDate: upload.meta.creationDate,
      Marker: next ? String(next.first) : null,
      MultipartUploadId: upload.meta.uploadId,
      PartSizeInBytes: upload.meta.partSize,
      Parts: parts.slice(0, limit).map((part) => ({
        RangeInBytes: `${part.first}-${part.first + part.size - 1}`,
        SHA256TreeHash: part.treeHash,
      })),
      VaultARN: vaultArn(context, vault.name),
    },
  };
}

export async function listMultipartUploads(context: GlacierContext, call: GlacierCall): Promise<Reply> {
  const vault = findVault(context, call.route.vault!);
  const limit = parseLimit(call.query.limit, 50);
  const uploads = [...vault.uploads.values()].sort(
    (a, b) => a.meta.creationDate.localeCompare(b.meta.creationDate) || a.meta.uploadId.localeCompare(b.meta.uploadId),
  );
  let start = 0;
  const marker = call.query.marker;
  if (marker !== undefined && marker !== '') {
    // The marker is the upload ID of the first upload of the next page.
    start = uploads.findIndex((upload) => upload.meta.uploadId === marker);
    if (start < 0) throw invalidParameter(`Invalid marker: ${marker}`);
  }
  const next = uploads[start + limit];
  return {
    status: 200,
    json: {
      Marker: next ? next.meta.uploadId : null,
      UploadsList: uploads.slice(start, start + limit).map((upload) => ({
        ArchiveDescription: upload.meta.description,
        CreationDate: upload.meta.creationDate,
        MultipartUploadId: upload.meta.uploadId,
        PartSizeInBytes: upload.meta.partSize,
        VaultARN: vaultArn(context, vault.name),
      })),
    },
  };
}
