import t from 'tap';
import { Readable } from 'node:stream';
import { AwsChunkedDecoder } from '../../src/local/s3/aws-chunked.js';
import { S3Error } from '../../src/local/s3/errors.js';
import { awsChunked } from './s3-server.js';


/** Feeds the encoded bytes in pieces of `step` bytes and collects the output. */
async function decode(encoded: Buffer, declared: number, step = encoded.length) {
  const pieces: Buffer[] = [];
  for (let at = 0; at < encoded.length; at += step) pieces.push(encoded.subarray(at, at + step));
  const decoder = new AwsChunkedDecoder(declared);
  const out: Buffer[] = [];
  Readable.from(pieces).pipe(decoder);
  for await (const chunk of decoder) out.push(chunk as Buffer);
  return { body: Buffer.concat(out), trailers: decoder.trailers };
}

async function decodeError(encoded: Buffer, declared: number, step?: number): Promise<S3Error> {
  try {
    await decode(encoded, declared, step);
  } catch (error) {
    return error as S3Error;
  }
  throw new Error('decoding succeeded');
}

t.test('SDK-style unsigned framing with a trailer, fed whole and one byte at a time', async (t) => {
  const data = [Buffer.from('hello '), Buffer.from('stream'), Buffer.alloc(70000, 7)];
  const encoded = awsChunked(data, 'x-amz-checksum-crc32:gtnkmQ==\r\n');
  for (const step of [encoded.length, 1, 3, 8191]) {
    const { body, trailers } = await decode(encoded, 70012, step);
    t.ok(body.equals(Buffer.concat(data)), `body with step ${step}`);
    t.same([...trailers], [['x-amz-checksum-crc32', 'gtnkmQ==']], `trailer with step ${step}`);
  }
});

t.test('signed chunks: extensions are read past, a signed trailer is kept as a field', async (t) => {
  const data = [Buffer.alloc(8192, 1), Buffer.from('tail')];
  const signature = ';chunk-signature=' + 'ab'.repeat(32);
  const plain = awsChunked(data, '', () => signature);
  t.ok((await decode(plain, 8196, 5)).body.equals(Buffer.concat(data)));
  const trailed = awsChunked(data, 'x-amz-checksum-crc32:AAAAAA==\r\nx-amz-trailer-signature:' + 'cd'.repeat(32) + '\r\n', () => signature);
  const { trailers } = await decode(trailed, 8196, 7);
  t.same([...trailers.keys()], ['x-amz-checksum-crc32', 'x-amz-trailer-signature']);
});

t.test('an empty body is a lone zero chunk', async (t) => {
  const { body, trailers } = await decode(Buffer.from('0\r\n\r\n'), 0);
  t.equal(body.length, 0);
  t.equal(trailers.size, 0);
});

t.test('broken framing is refused with S3 errors', async (t) => {
  const good = awsChunked([Buffer.from('abcdef')], 'x-amz-checksum-crc32:AAAAAA==\r\n');
  const cases: [string, Buffer, number, string][] = [
    ['truncated before the final chunk', good.subarray(0, 10), 6, 'IncompleteBody'],
    ['truncated inside the trailer', good.subarray(0, good.length - 3), 6, 'IncompleteBody'],
    ['fewer bytes than declared', good, 7, 'IncompleteBody'],
    ['more bytes than declared', good, 5, 'InvalidRequest'],
    ['a size that is not hex', Buffer.from('zz\r\nabcdef\r\n0\r\n\r\n'), 6, 'InvalidRequest'],
    ['chunk data longer than its size', Buffer.from('3\r\nabcdef\r\n0\r\n\r\n'), 3, 'InvalidRequest'],
    ['a line ending in LF only', Buffer.from('6\nabcdef\r\n0\r\n\r\n'), 6, 'InvalidRequest'],
    ['bytes after the end', Buffer.concat([good, Buffer.from('x')]), 6, 'InvalidRequest'],
    ['a trailer line without a colon', Buffer.from('6\r\nabcdef\r\n0\r\nnocolon\r\n\r\n'), 6, 'MalformedTrailerError'],
  ];
  for (const [name, encoded, declared, code] of cases) {
    for (const step of [encoded.length, 1]) {
      const error = await decodeError(encoded, declared, step);
      t.equal(error.code, code, `${name} (step ${step}): ${error.message}`);
    }
  }
  t.equal((await decodeError(Buffer.from(`${'1'.repeat(5000)}\r\n`), 1)).code, 'InvalidRequest', 'an endless size line');
});
