import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import t from 'tap';
import { openPartBody } from '../../src/upload/part-body.js';
import { scratch, seededBytes, writeFile } from '../helpers/data.js';

const collect = async (stream: NodeJS.ReadableStream) => Buffer.concat(await (stream as import('node:stream').Readable).toArray());

t.test('a file range, afresh every time, with the bytes counted', async (t) => {
  const bytes = seededBytes(3 * 1024 * 1024 + 7, 1);
  const path = writeFile(scratch(t), 'f.bin', bytes);
  const source = { kind: 'file' as const, path, start: 1024 * 1024, size: 2 * 1024 * 1024 };
  let counted = 0;
  const first = await collect(openPartBody(source, (n) => (counted += n)));
  t.ok(first.equals(bytes.subarray(source.start, source.start + source.size)));
  t.equal(counted, source.size);
  const half = openPartBody(source);
  half.read(10);
  half.destroy();
  t.ok((await collect(openPartBody(source))).equals(first), 'a new body starts at the beginning again');
});

t.test('a file that now ends inside the range fails the stream with SHORT_FILE', async (t) => {
  const path = writeFile(scratch(t), 'short.bin', seededBytes(100, 2));
  await t.rejects(collect(openPartBody({ kind: 'file', path, start: 50, size: 100 })), {
    code: 'SHORT_FILE',
    message: `${path}: the file ends at byte 100, before the end of bytes 50-149 (changed since it was chunked?)`,
  });
});

t.test('bytes in memory, one buffer per leaf', async (t) => {
  const leaves = [seededBytes(1024 * 1024, 3), seededBytes(5, 4)];
  let counted = 0;
  const body = await collect(openPartBody({ kind: 'memory', buffers: leaves, size: 1024 * 1024 + 5 }, (n) => (counted += n)));
  t.ok(body.equals(Buffer.concat(leaves)));
  t.equal(counted, 1024 * 1024 + 5);
  t.ok((await collect(openPartBody({ kind: 'memory', buffers: leaves, size: 1024 * 1024 + 5 }))).equals(body), 'and again');
});

t.test('piped, a file range goes out through reused buffers, each reused only after its write is done', async (t) => {
  const bytes = seededBytes(9 * 1024 * 1024 + 11, 5);
  const path = writeFile(scratch(t), 'piped.bin', bytes);
  const received: Buffer[] = [];
  const inFlight = new Set<ArrayBufferLike>();
  const buffersSeen = new Set<ArrayBufferLike>();
  let reusedTooSoon = false;
  const sink = new Writable({
    // Slow writes, finished out of the source's sight: a buffer must wait for its callback.
    write(chunk: Buffer, _encoding, done) {
      if (inFlight.has(chunk.buffer)) reusedTooSoon = true;
      inFlight.add(chunk.buffer);
      buffersSeen.add(chunk.buffer);
      received.push(Buffer.from(chunk));
      setTimeout(() => {
        inFlight.delete(chunk.buffer);
        done();
      }, 2);
    },
  });
  let counted = 0;
  const body = openPartBody({ kind: 'file', path, start: 5, size: bytes.length - 5 }, (n) => (counted += n));
  body.pipe(sink);
  await finished(sink);
  t.ok(Buffer.concat(received).equals(bytes.subarray(5)), 'every byte, in order');
  t.equal(counted, bytes.length - 5);
  t.notOk(reusedTooSoon, 'no buffer was written again before its write finished');
  t.ok(buffersSeen.size <= 4, `a few buffers, reused (${buffersSeen.size})`);
  body.destroy();
});

t.test('piped, a file that ends early destroys the destination with SHORT_FILE', async (t) => {
  const path = writeFile(scratch(t), 'short-piped.bin', seededBytes(3 * 1024 * 1024, 6));
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  const body = openPartBody({ kind: 'file', path, start: 0, size: 5 * 1024 * 1024 });
  body.pipe(sink);
  await t.rejects(finished(sink), { code: 'SHORT_FILE', message: `${path}: the file ends at byte ${3 * 1024 * 1024}, before the end of bytes 0-${5 * 1024 * 1024 - 1} (changed since it was chunked?)` });
  t.equal(body.errored && (body.errored as { code?: string }).code, 'SHORT_FILE', 'the body holds the error too');
});
