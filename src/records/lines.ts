// Splits a byte stream into lines at the Buffer level. Each byte is scanned once: a chunk is
// searched with indexOf(10) from where the last search stopped, and the pieces of a long line
// are joined once when its newline arrives (split2 re-splits the whole pending string on every
// chunk, which made megabyte data lines about 4x slower; see DESIGN.md).

export interface Line {
  /** 1-based line number in the input. */
  number: number;
  /** The line's content: without the newline and without a trailing `\r`. */
  bytes: Buffer;
  /** The line exactly as read, newline included (the last line may lack one). */
  raw: Buffer;
}

export interface SplitOptions {
  /** Longest line accepted, so that a stream with no newlines cannot fill memory. */
  maxLineBytes?: number;
  /** Called with the line number and length when a line is too long; must throw. */
  onTooLong: (line: number, bytes: number) => never;
  /**
   * Join a line that spans chunks in one buffer kept for the next such line, instead of a new
   * one each time (a pipe brings 64 KiB at a time, so every data line spans chunks): a line is
   * then valid only until the next one is pulled.
   */
  reuse?: boolean;
  /**
   * Leave out blank lines (nothing but spaces, tabs and `\r`); they are still counted. A blank
   * line costs a few byte comparisons instead of a yield: 200 MB of newlines took minutes.
   */
  skipBlank?: boolean;
}

/** Data lines are about 1.4 MB; 16 MiB leaves room for hand-made records and still bounds memory. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

export async function* splitLines(chunks: AsyncIterable<Buffer | Uint8Array | string>, options: SplitOptions): AsyncGenerator<Line> {
  const maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
  let number = 0;
  // The start of a line that spans chunks. Reusing, it is copied at once into one buffer kept for
  // every such line, so that input chunks die young; else the pieces are kept and joined once.
  let pieces: Buffer[] = [];
  let carry: Buffer | undefined;
  let pendingBytes = 0;
  const hold = (piece: Buffer) => {
    if (!options.reuse) pieces.push(piece);
    else {
      const needed = pendingBytes + piece.length;
      if (!carry || carry.length < needed) {
        const grown = Buffer.allocUnsafeSlow(Math.max(needed, 2 * (carry?.length ?? 0)));
        carry?.copy(grown, 0, 0, pendingBytes);
        carry = grown;
      }
      piece.copy(carry, pendingBytes);
    }
    pendingBytes += piece.length;
  };
  const takeHeld = (): Buffer => {
    const raw = options.reuse ? carry!.subarray(0, pendingBytes) : Buffer.concat(pieces, pendingBytes);
    pieces = [];
    pendingBytes = 0;
    return raw;
  };

  for await (const input of chunks) {
    const chunk = typeof input === 'string' ? Buffer.from(input) : Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    let from = 0;
    while (true) {
      if (options.skipBlank && pendingBytes === 0) {
        let at = from;
        while (at < chunk.length && isBlankByte(chunk[at])) at++;
        if (chunk[at] === 10) {
          if (at - from > maxLineBytes) options.onTooLong(number + 1, at - from);
          number++;
          from = at + 1;
          continue;
        }
      }
      const newline = chunk.indexOf(10, from);
      if (newline === -1) break;
      const length = pendingBytes + newline + 1 - from;
      if (length - 1 > maxLineBytes) options.onTooLong(number + 1, length - 1);
      const piece = chunk.subarray(from, newline + 1);
      let raw = piece;
      if (pendingBytes > 0) {
        hold(piece);
        raw = takeHeld();
      }
      from = newline + 1;
      const bytes = content(raw);
      number++;
      if (!(options.skipBlank && isBlank(bytes))) yield { number, bytes, raw };
    }
    if (from < chunk.length) {
      if (pendingBytes + chunk.length - from > maxLineBytes) options.onTooLong(number + 1, pendingBytes + chunk.length - from);
      hold(chunk.subarray(from));
    }
  }
  // A last line without a newline still counts (a truncated stream is caught by what it means).
  if (pendingBytes > 0) {
    const raw = takeHeld();
    const bytes = content(raw);
    number++;
    if (!(options.skipBlank && isBlank(bytes))) yield { number, bytes, raw };
  }
}

/** Nothing but spaces, tabs and `\r`. */
function isBlank(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) if (!isBlankByte(bytes[i])) return false;
  return true;
}

function isBlankByte(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d;
}

function content(raw: Buffer): Buffer {
  let end = raw.length;
  if (end > 0 && raw[end - 1] === 10) end--;
  if (end > 0 && raw[end - 1] === 13) end--;
  return raw.subarray(0, end);
}
