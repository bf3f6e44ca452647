// The ListObjectsV2 walk over a bucket's keys, kept sorted in UTF-8 byte order: prefix, delimiter
// roll-up into common prefixes, a page limit, and where the next page resumes. No I/O, no XML.

import { compareUtf8 } from './names.js';

/** First index whose key is >= target (or > target when `after`). */
export function searchKeys(keys: readonly string[], target: string, after = false): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const order = compareUtf8(keys[middle]!, target);
    if (order < 0 || (after && order === 0)) low = middle + 1;
    else high = middle;
  }
  return low;
}

export function insertKey(keys: string[], key: string): void {
  const at = searchKeys(keys, key);
  if (keys[at] !== key) keys.splice(at, 0, key);
}

export function removeKey(keys: string[], key: string): void {
  const at = searchKeys(keys, key);
  if (keys[at] === key) keys.splice(at, 1);
}

/** A page boundary: the last key or common prefix handed out. */
export interface ListPosition {
  name: string;
  isPrefix: boolean;
}

export interface ListQuery {
  prefix: string;
  /** Empty for none. */
  delimiter: string;
  maxKeys: number;
  /** Resume strictly after this key or common prefix. */
  after?: ListPosition;
}

export interface ListPage {
  keys: string[];
  commonPrefixes: string[];
  truncated: boolean;
  /** Where the next page starts, when truncated. */
  next?: ListPosition;
}

export function listPage(sorted: readonly string[], query: ListQuery): ListPage {
  const { prefix, delimiter, maxKeys, after } = query;
  const page: ListPage = { keys: [], commonPrefixes: [], truncated: false };
  let at = searchKeys(sorted, prefix);
  if (after) {
    at = Math.max(at, searchKeys(sorted, after.name, true));
    if (after.isPrefix) at = skipPrefix(sorted, at, after.name);
  }
  let last: ListPosition | undefined;
  while (at < sorted.length && sorted[at]!.startsWith(prefix)) {
    if (page.keys.length + page.commonPrefixes.length === maxKeys) {
      page.truncated = maxKeys > 0;
      break;
    }
    const key = sorted[at]!;
    const cut = delimiter === '' ? -1 : key.indexOf(delimiter, prefix.length);
    if (cut >= 0) {
      const common = key.slice(0, cut + delimiter.length);
      page.commonPrefixes.push(common);
      last = { name: common, isPrefix: true };
      at = skipPrefix(sorted, at, common);
    } else {
      page.keys.push(key);
      last = { name: key, isPrefix: false };
      at++;
    }
  }
  if (page.truncated) page.next = last;
  return page;
}

/** Past the run of keys starting with `prefix` that begins at or after `from` (such keys are contiguous). */
function skipPrefix(sorted: readonly string[], from: number, prefix: string): number {
  let low = from;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]!.startsWith(prefix)) low = middle + 1;
    else high = middle;
  }
  return low;
}
