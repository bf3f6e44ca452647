// The archive description gl-chunk writes when none is given: the source name, made legal.

import { descriptionProblem, MAX_DESCRIPTION_BYTES } from '../records/limits.js';

/**
 * The name itself when Glacier accepts it as a description. Otherwise every byte it would refuse
 * (outside printable ASCII), a leading space and `%` itself are written as %XX, cut to 1,024
 * bytes without splitting an escape. The ledger keeps the exact name beside it anyway.
 */
export function defaultDescription(name: string): string {
  if (descriptionProblem(name) === undefined) return name;
  let out = '';
  for (const byte of Buffer.from(name, 'utf8')) {
    const legal = byte >= 0x20 && byte <= 0x7e && byte !== 0x25 && !(byte === 0x20 && out === '');
    const piece = legal ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    if (out.length + piece.length > MAX_DESCRIPTION_BYTES) break;
    out += piece;
  }
  return out;
}
