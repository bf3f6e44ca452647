// The JSON vault inventory read incrementally, in constant memory whatever the number of archives:
//
//   {"VaultARN":"...","InventoryDate":"...","ArchiveList":[{"ArchiveId":"...",...},{...},...]}
//
// ArchiveList can hold millions of entries (hundreds of megabytes), so the document is never
// parsed whole. A small byte scanner walks the top-level object, finds where each ArchiveList
// element begins and ends (tracking strings, escapes and nesting) and hands each element, a few
// hundred bytes, to JSON.parse, which does the real validation. Top-level members other than
// ArchiveList are parsed the same way and kept (VaultARN, InventoryDate). A pure engine: push
// bytes in, get entries out; `jsonInventoryEntries` wraps it around a stream.

import { inventoryEntry, InventoryError, type InventoryEntry } from './inventory-entry.js';

/** Longest top-level value or ArchiveList element accepted: far above a real entry (~1.5 KiB at most). */
export const MAX_ELEMENT_BYTES = 1024 * 1024;

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;

type State =
  | 'start' // before the opening {
  | 'first-key' // after {: a key or }
  | 'key' // after a comma: a key
  | 'colon'
  | 'value'
  | 'after-value' // a comma or }
  | 'list-first' // after [: an element or ]
  | 'list-next' // after a comma in the list: an element
  | 'list-after' // after an element: a comma or ]
  | 'done';

/** A JSON value being collected across chunks: where it stands in strings and nesting. */
class ValueScanner {
  private pieces: Buffer[] = [];
  private length = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private kind: 'nested' | 'string' | 'primitive' | undefined;

  /** Scans from `at`; returns the index just past the value, or -1 when the chunk ended inside it. */
  scan(buf: Buffer, at: number, where: () => string): number {
    let i = at;
    if (this.kind === undefined) {
      const c = buf[i];
      this.kind = c === OPEN_BRACE || c === OPEN_BRACKET ? 'nested' : c === QUOTE ? 'string' : 'primitive';
      if (this.kind !== 'primitive') {
        this.depth = this.kind === 'nested' ? 1 : 0;
        this.inString = this.kind === 'string';
        i++;
      }
    }
    const len = buf.length;
    let end = -1;
    while (i < len) {
      const c = buf[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.kind === 'string') {
            end = i + 1;
            break;
          }
        }
      } else if (this.kind === 'primitive') {
        if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isSpace(c)) {
          end = i;
          break;
        }
      } else if (c === QUOTE) this.inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (--this.depth === 0) {
          end = i + 1;
          break;
        }
      }
      i++;
    }
    const stop = end < 0 ? len : end;
    if (stop > at) {
      this.length += stop - at;
      if (this.length > MAX_ELEMENT_BYTES) throw new InventoryError(`${where()}: a value longer than ${MAX_ELEMENT_BYTES} bytes; is this a Glacier inventory?`);
      this.pieces.push(buf.subarray(at, stop));
    }
    return end;
  }

  /** A value has begun and not ended. */
  get pending(): boolean {
    return this.kind !== undefined;
  }

  /** The collected value, parsed; the scanner is ready for the next one. */
  take(where: () => string): unknown {
    const text = (this.pieces.length === 1 ? this.pieces[0] : Buffer.concat(this.pieces, this.length)).toString('utf8');
    this.pieces = [];
    this.length = 0;
    this.kind = undefined;
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new InventoryError(`${where()}: not valid JSON (${(err as Error).message})`);
    }
  }
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

export class JsonInventoryParser {
  /** Top-level members other than ArchiveList, once read (VaultARN, InventoryDate). */
  readonly header: Record<string, unknown> = {};
  private state: State = 'start';
  private key: string | undefined;
  private readonly value = new ValueScanner();
  private offset = 0;
  private entries = 0;
  private sawArchiveList = false;

  /** Entries completed by this chunk, in order. */
  push(buf: Buffer): InventoryEntry[] {
    const out: InventoryEntry[] = [];
    let i = 0;
    const at = () => `JSON inventory, byte ${this.offset + i}`;
    while (i < buf.length) {
      if (this.value.pending || this.state === 'value' || this.state === 'list-first' || this.state === 'list-next' || this.state === 'first-key' || this.state === 'key') {
        // Where a value may begin: skip white space, then collect it.
        if (!this.value.pending) {
          while (i < buf.length && isSpace(buf[i])) i++;
          if (i === buf.length) break;
          if (this.beginsWithoutValue(buf[i], at)) {
            i++;
            continue;
          }
        }
        const end = this.value.scan(buf, i, at);
        if (end < 0) {
          i = buf.length;
          break;
        }
        i = end;
        this.finishValue(out, at);
        continue;
      }
      const c = buf[i];
      if (isSpace(c)) {
        i++;
        continue;
      }
      this.step(c, at);
      i++;
    }
    this.offset += buf.length;
    return out;
  }

  /** The input is over: anything but a complete inventory is an InventoryError. */
  end(): void {
    if (this.state !== 'done') throw new InventoryError(`JSON inventory, byte ${this.offset}: the inventory ends before its closing brace (truncated?)`);
    if (!this.sawArchiveList) throw new InventoryError('JSON inventory: no ArchiveList');
  }

  /** How many entries have been read. */
  get count(): number {
    return this.entries;
  }

  /** In a state where a value may begin: true when `c` is punctuation handled here instead (] or }). */
  private beginsWithoutValue(c: number, at: () => string): boolean {
    if (this.state === 'list-first' && c === CLOSE_BRACKET) {
      this.state = 'after-value';
      return true;
    }
    if (this.state === 'first-key' && c === CLOSE_BRACE) {
      this.state = 'done';
      return true;
    }
    if ((this.state === 'first-key' || this.state === 'key') && c !== QUOTE) throw this.unexpected(c, 'a member name', at);
    if (this.state === 'value' && this.key === 'ArchiveList') {
      if (c !== OPEN_BRACKET) throw new InventoryError(`${at()}: ArchiveList is not a list`);
      this.sawArchiveList = true;
      this.state = 'list-first';
      return true;
    }
    return false;
  }

  private finishValue(out: InventoryEntry[], at: () => string): void {
    const value = this.value.take(at);
    switch (this.state) {
      case 'first-key':
      case 'key':
        this.key = value as string;
        this.state = 'colon';
        return;
      case 'value':
        this.header[this.key!] = value;
        this.state = 'after-value';
        return;
      default: {
        // list-first or list-next: an archive.
        const n = ++this.entries;
        const where = `JSON inventory, ArchiveList entry ${n}`;
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InventoryError(`${where}: not an object`);
        const fields = value as Record<string, unknown>;
        out.push(
          inventoryEntry(
            { archiveId: fields.ArchiveId, description: fields.ArchiveDescription, created: fields.CreationDate, size: fields.Size, treeHash: fields.SHA256TreeHash },
            where,
          ),
        );
        this.state = 'list-after';
      }
    }
  }

  /** Punctuation between values. */
  private step(c: number, at: () => string): void {
    switch (this.state) {
      case 'start':
        if (c !== OPEN_BRACE) throw this.unexpected(c, 'the opening { of an inventory', at);
        this.state = 'first-key';
        return;
      case 'colon':
        if (c !== COLON) throw this.unexpected(c, ':', at);
        this.state = 'value';
        return;
      case 'after-value':
        if (c === COMMA) this.state = 'key';
        else if (c === CLOSE_BRACE) this.state = 'done';
        else throw this.unexpected(c, ', or }', at);
        return;
      case 'list-after':
        if (c === COMMA) this.state = 'list-next';
        else if (c === CLOSE_BRACKET) this.state = 'after-value';
        else throw this.unexpected(c, ', or ] in ArchiveList', at);
        return;
      default:
        // 'done': only white space may follow.
        throw this.unexpected(c, 'nothing after the inventory', at);
    }
  }

  private unexpected(c: number, expected: string, at: () => string): InventoryError {
    return new InventoryError(`${at()}: ${JSON.stringify(String.fromCharCode(c))} where ${expected} should be`);
  }
}

/** Every entry of a JSON inventory read from `source`, as the bytes arrive. */
export async function* jsonInventoryEntries(source: AsyncIterable<Buffer> | Iterable<Buffer>, parser = new JsonInventoryParser()): AsyncGenerator<InventoryEntry> {
  for await (const chunk of source) yield* parser.push(chunk);
  parser.end();
}
