// Receives an upload body straight into a file while computing its tree hash and linear SHA-256,
// chunk by chunk: memory stays bounded whatever the part size. The file is fsynced before this
// returns, so a caller that then renames it into place can acknowledge it.

import { open, rm } from 'node:fs/promises';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TreeHasher } from '../../treehash/tree-hash.js';

export interface ReceivedBody {
  size: number;
  treeHash: string;
  sha256: string;
}

const WRITE_BUFFER = 4 * 1024 * 1024;

export async function receiveToFile(body: Readable, path: string): Promise<ReceivedBody> {
  const handle = await open(path, 'wx');
  const hasher = new TreeHasher();
  try {
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hasher.update(chunk);
        callback(null, chunk);
      },
    });
    // Writes queue up while one is in flight and go out together; hashing runs meanwhile.
    const file = new Writable({
      highWaterMark: WRITE_BUFFER,
      writev(chunks, callback) {
        handle.writev(chunks.map(({ chunk }) => chunk as Buffer)).then(() => callback(), callback);
      },
      final(callback) {
        handle.datasync().then(() => callback(), callback);
      },
    });
    await pipeline(body, hashing, file);
  } catch (err) {
    await handle.close();
    await rm(path, { force: true });
    throw err;
  }
  await handle.close();
  return { size: hasher.size, ...hasher.digest() };
}
