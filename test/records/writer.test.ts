// The record writer waits for a slow reader instead of queueing without bound.

import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { MAX_DATA_LINE_BYTES } from '../../src/records/data-line.js';
import { RecordWriter } from '../../src/records/writer.js';
import { MiB, seededBytes } from '../helpers/data.js';

/** A sink that takes 5 ms per chunk and records what it got, and the most ever queued in it. */
function slowSink() {
  const chunks: Buffer[] = [];
  let queued = 0;
  let mostQueued = 0;
  const sink = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk)); // a copy: the writer reuses data-line buffers once done
      setTimeout(done, 5);
    },
  });
  const write = sink.write.bind(sink);
  sink.write = ((chunk: Buffer, ...rest: never[]) => {
    queued = sink.writableLength + chunk.length;
    mostQueued = Math.max(mostQueued, queued);
    return write(chunk, ...rest);
  }) as typeof sink.write;
  return { sink, chunks, mostQueued: () => mostQueued };
}

t.test('writes wait while more than the high-water mark is unwritten', async (t) => {
  const { sink, chunks, mostQueued } = slowSink();
  const writer = new RecordWriter(sink, { highWaterMark: 2 * MiB });
  const leaves = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => seededBytes(MiB, i));
  for (const [i, leaf] of leaves.entries()) {
    await writer.writeData(0, i * MiB, leaf);
    t.ok(sink.writableLength <= 2 * MiB + MAX_DATA_LINE_BYTES, `after leaf ${i}: ${sink.writableLength} bytes unwritten`);
  }
  await writer.write({ type: 'part', index: 0, start: 0, size: 8 * MiB });
  await writer.flush();
  t.ok(mostQueued() <= 2 * MiB + 2 * MAX_DATA_LINE_BYTES, `never more than about two lines queued (${mostQueued()})`);
  const lines = Buffer.concat(chunks).toString().split('\n');
  t.equal(lines.length, 10);
  for (const [i, leaf] of leaves.entries()) {
    t.same(JSON.parse(lines[i]), { type: 'data', part: 0, offset: i * MiB, data: leaf.toString('base64') }, `line ${i + 1} intact though its buffer was reused`);
  }
  t.same(JSON.parse(lines[8]), { type: 'part', index: 0, start: 0, size: 8 * MiB });
});

t.test('a write error reaches the writer', async (t) => {
  const sink = new Writable({
    write(_chunk, _encoding, done) {
      done(new Error('disk full'));
    },
  });
  sink.on('error', () => {});
  const writer = new RecordWriter(sink, { highWaterMark: 1 });
  await t.rejects(writer.write({ type: 'x' }), { message: 'disk full' });
  await sleep(1);
  await t.rejects(writer.write({ type: 'y' }), { message: 'disk full' }, 'and stays');
});

t.test('raw lines pass byte for byte; a missing newline is added', async (t) => {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  const writer = new RecordWriter(sink);
  await writer.writeRaw(Buffer.from('{"type":"x", "spaces" : true}\r\n'));
  await writer.writeRaw(Buffer.from('{"type":"last"}'));
  await writer.flush();
  t.equal(Buffer.concat(chunks).toString(), '{"type":"x", "spaces" : true}\r\n{"type":"last"}\n');
});
