// An upload body checked against both hashes the client declared: the linear SHA-256 it signed
// (x-amz-content-sha256) and the tree hash (x-amz-sha256-tree-hash). Nothing unverified is kept.

import { rm } from 'node:fs/promises';
import { header, type GlacierCall } from './context.js';
import { GlacierError, invalidParameter } from './errors.js';
import { receiveToFile, type ReceivedBody } from './receive.js';
import { requireHash } from './validate.js';

export async function receiveVerified(call: GlacierCall, file: string): Promise<ReceivedBody> {
  const treeHash = requireHash(header(call, 'x-amz-sha256-tree-hash'), 'x-amz-sha256-tree-hash');
  const contentSha256 = requireHash(header(call, 'x-amz-content-sha256'), 'x-amz-content-sha256');
  call.acceptBody();
  const received = await receiveToFile(call.req, file);
  if (received.sha256 !== contentSha256) {
    await rm(file, { force: true });
    throw new GlacierError(
      403,
      'InvalidSignatureException',
      `The x-amz-content-sha256 header does not match the payload: expected ${contentSha256}, computed ${received.sha256}`,
    );
  }
  if (received.treeHash !== treeHash) {
    await rm(file, { force: true });
    throw invalidParameter(`Checksum mismatch: expected ${treeHash}, computed ${received.treeHash}`);
  }
  return received;
}
