// The hash constructor @smithy/signature-v4 asks for: SHA-256, or HMAC-SHA256 when given a key.
// node:crypto does both; the signer only needs update() and an async digest().

import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';

type Key = string | ArrayBuffer | ArrayBufferView;

export class NodeSha256 {
  private readonly key: Key | undefined;
  private hash: Hash | Hmac;

  constructor(key?: Key) {
    this.key = key;
    this.hash = fresh(key);
  }

  update(data: Uint8Array | string): void {
    this.hash.update(data);
  }

  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }

  reset(): void {
    this.hash = fresh(this.key);
  }
}

function fresh(key: Key | undefined): Hash | Hmac {
  if (key === undefined) return createHash('sha256');
  if (typeof key === 'string') return createHmac('sha256', key);
  const bytes = ArrayBuffer.isView(key) ? new Uint8Array(key.buffer, key.byteOffset, key.byteLength) : new Uint8Array(key);
  return createHmac('sha256', bytes);
}
