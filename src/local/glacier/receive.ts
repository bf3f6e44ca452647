// Receives an upload body straight into a file, then computes its tree hash and linear SHA-256
// from the file in the hashing worker threads while the file is flushed to disk: memory stays
// bounded whatever the part size, and the event loop, which serves every other request, never
// hashes (on one thread, hashing capped the server near 300 MiB/s, well below what clients
// send). The file is fsynced before this returns, so a caller that then renames it into place
// can acknowledge it.

import { open, rm } from 'node:fs/promises';
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { hashFileRange } from '../../treehash/file-hash.js';
import { sha256 } from '../../treehash/tree-hash.js';

export interface ReceivedBody {
  size: number;
  treeHash: string;
  sha256: string;
}

const WRITE_BUFFER = 4 * 1024 * 1024;

export async function receiveToFile(body: Readable, path: string): Promise<ReceivedBody> {
  const handle = await open(path, 'wx');
  let size = 0;
  let hashes: { treeHash: string; sha256?: string };
  try {
    // Writes queue up while one is in flight and go out together.
    const file = new Writable({
      highWaterMark: WRITE_BUFFER,
      writev(chunks, callback) {
        const buffers = chunks.map(({ chunk }) => chunk as Buffer);
        for (const buffer of buffers) size += buffer.length;
        handle.writev(buffers).then(() => callback(), callback);
      },
    });
    await pipeline(body, file);
    // An empty body is one empty leaf: its tree hash is its SHA-256.
    const empty = sha256(new Uint8Array(0)).toString('hex');
    [hashes] = await Promise.all([size > 0 ? hashFileRange(path, 0, size) : { treeHash: empty, sha256: empty }, handle.datasync()]);
  } catch (err) {
    await handle.close();
    await rm(path, { force: true });
    throw err;
  }
  await handle.close();
  return { size, treeHash: hashes.treeHash, sha256: hashes.sha256! };
}
