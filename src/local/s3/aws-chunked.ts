// Decodes S3's aws-chunked body framing:
//
//   <hex size>[;chunk-signature=<sig>]\r\n <size bytes> \r\n ... 0[;...]\r\n [<name>:<value>\r\n]* \r\n
//
// used with x-amz-content-sha256 STREAMING-UNSIGNED-PAYLOAD-TRAILER (what SDK v3 sends for stream
// bodies) and the STREAMING-AWS4-HMAC-SHA256-PAYLOAD family. Chunk and trailer signatures are read
// past, not verified. Data passes through without copying; only framing lines are buffered.

import { Transform, type TransformCallback } from 'node:stream';
import { S3Error, incompleteBody, malformedTrailer } from './errors.js';

const MAX_LINE = 4096;

type State = 'size' | 'data' | 'data-end' | 'trailer' | 'done';

export class AwsChunkedDecoder extends Transform {
  /** Trailer fields by lower-case name, complete once the stream has ended. */
  readonly trailers = new Map<string, string>();
  private state: State = 'size';
  private line = '';
  private remaining = 0;
  private decoded = 0;

  constructor(private readonly declaredLength: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      let at = 0;
      while (at < chunk.length) {
        if (this.state === 'data') {
          const take = Math.min(this.remaining, chunk.length - at);
          this.decoded += take;
          if (this.decoded > this.declaredLength) {
            throw new S3Error(
              'InvalidRequest',
              400,
              `The aws-chunked body decodes to more than the ${this.declaredLength} bytes x-amz-decoded-content-length declares.`,
            );
          }
          this.push(chunk.subarray(at, at + take));
          at += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = 'data-end';
        } else if (this.state === 'done') {
          throw malformed('bytes follow the final empty line');
        } else {
          const newline = chunk.indexOf(10, at);
          const end = newline < 0 ? chunk.length : newline;
          this.line += chunk.toString('latin1', at, end);
          if (this.line.length > MAX_LINE) throw malformed('a framing line is longer than 4096 bytes');
          at = end;
          if (newline >= 0) {
            at++;
            if (!this.line.endsWith('\r')) throw malformed('a framing line does not end in CRLF');
            const line = this.line.slice(0, -1);
            this.line = '';
            this.takeLine(line);
          }
        }
      }
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    if (this.state !== 'done') return done(incompleteBody('The request body terminated unexpectedly'));
    if (this.decoded !== this.declaredLength) {
      return done(
        incompleteBody(
          `You did not provide the number of bytes specified by the x-amz-decoded-content-length header (declared ${this.declaredLength}, received ${this.decoded}).`,
        ),
      );
    }
    done();
  }

  private takeLine(line: string): void {
    switch (this.state) {
      case 'size': {
        const size = line.split(';', 1)[0]!;
        if (!/^[0-9a-fA-F]{1,13}$/.test(size)) throw malformed(`bad chunk size line ${JSON.stringify(line.slice(0, 80))}`);
        this.remaining = parseInt(size, 16);
        this.state = this.remaining === 0 ? 'trailer' : 'data';
        return;
      }
      case 'data-end':
        if (line !== '') throw malformed('chunk data is longer than its declared size');
        this.state = 'size';
        return;
      case 'trailer': {
        if (line === '') {
          this.state = 'done';
          return;
        }
        const colon = line.indexOf(':');
        if (colon <= 0) throw malformedTrailer();
        this.trailers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
        return;
      }
    }
  }
}

function malformed(why: string): S3Error {
  return new S3Error('InvalidRequest', 400, `Malformed aws-chunked body: ${why}.`);
}
