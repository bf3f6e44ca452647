// Generated inventories, as Glacier writes them, streamed in chunks so that a million archives
// never sit in memory at once.

import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface GeneratedArchive {
  ArchiveId: string;
  ArchiveDescription: string;
  CreationDate: string;
  Size: number;
  SHA256TreeHash: string;
}

const EPOCH = Date.UTC(2020, 0, 1);

/**
 * Archive `n` of a generated inventory: a 138-character id (it may begin with "-"), a description
 * with awkward characters every so often. Cheap to make, so a million of them take seconds.
 */
export function generatedArchive(n: number): GeneratedArchive {
  const hex = n.toString(16).padStart(8, '0');
  const awkward = ['', 'plain', 'a,b', 'say "hi"', 'back\\slash', 'end\\', '\\"both\\"', ',"\\"'][n % 8];
  return {
    ArchiveId: `${n % 3 === 0 ? '-' : 'A'}${n.toString(36)}_`.padEnd(138, 'x'),
    ArchiveDescription: n % 8 === 0 ? '' : `${awkward}#${n}`,
    CreationDate: new Date(EPOCH + n * 1000).toISOString(),
    Size: 1 + (n % 5_000_000),
    SHA256TreeHash: hex.repeat(8),
  };
}

/** The live heap after a full collection: what a parser really holds, not garbage not yet collected. */
export function liveHeap(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}

/** Glacier's CSV quoting: always quoted, " as \", backslashes as they are. */
export function glacierCsvQuote(text: string): string {
  return `"${text.replace(/"/g, '\\"')}"`;
}

/** A JSON inventory of `count` generated archives, in chunks of about 64 KiB. */
export function jsonInventoryStream(count: number): Readable {
  return Readable.from(
    (function* () {
      let batch = '{"VaultARN":"arn:aws:glacier:us-east-1:111122223333:vaults/big","InventoryDate":"2026-01-01T00:00:00Z","ArchiveList":[';
      for (let n = 0; n < count; n++) {
        batch += `${n === 0 ? '' : ','}${JSON.stringify(generatedArchive(n))}`;
        if (batch.length >= 65536) {
          yield Buffer.from(batch);
          batch = '';
        }
      }
      yield Buffer.from(`${batch}]}`);
    })(),
    { objectMode: false },
  );
}

/** The same archives as a CSV inventory, header first. */
export function csvInventoryStream(count: number): Readable {
  return Readable.from(
    (function* () {
      let batch = 'ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash\n';
      for (let n = 0; n < count; n++) {
        const a = generatedArchive(n);
        batch += `${a.ArchiveId},${glacierCsvQuote(a.ArchiveDescription)},${a.CreationDate},${a.Size},${a.SHA256TreeHash}\n`;
        if (batch.length >= 65536) {
          yield Buffer.from(batch);
          batch = '';
        }
      }
      yield Buffer.from(batch);
    })(),
    { objectMode: false },
  );
}
