import t from 'tap';
import { formatChecksumLine, parseChecksumLine } from '../../src/treehash/checksum-list.js';

const HASH = 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9';

t.test('lines look like sha256sum lines and read back', async (t) => {
  t.equal(formatChecksumLine(HASH, 'a b.tar'), `${HASH}  a b.tar\n`);
  for (const name of ['plain.tar', 'with space', 'new\nline', 'back\\slash', 'both\\\n', 'cr\r', '-']) {
    const line = formatChecksumLine(HASH, name);
    t.equal(line.split('\n').length, 2, `${JSON.stringify(name)} stays on one line`);
    t.same(parseChecksumLine(line.slice(0, -1)), { hash: HASH, name }, `${JSON.stringify(name)} reads back`);
  }
  t.equal(formatChecksumLine(HASH, 'new\nline'), `\\${HASH}  new\\nline\n`, 'escaped as sha256sum does');
  t.same(parseChecksumLine(`${HASH.toUpperCase()} *binary.tar`), { hash: HASH, name: 'binary.tar' }, 'the binary marker and upper case');
});

t.test('lines that are not checksum lines', async (t) => {
  for (const line of ['', 'hello', `${HASH} x`.replace(' x', 'x'), `${HASH.slice(1)}  x`, `${HASH}  `, `\\${HASH}  bad\\qescape`]) {
    t.equal(parseChecksumLine(line), undefined, JSON.stringify(line));
  }
});
