// examples/Makefile against gl-local: every directory becomes one archive and one ledger line;
// a second run stores nothing; after a change only the changed directory is stored again.

import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { withLocal } from '../helpers/local.js';
import { scratch, seededBytes } from '../helpers/data.js';
import { quote, repoRoot, sh } from '../helpers/shell.js';
import { glTreehash, putEnv, retrieve, sha256 } from '../upload/helpers.js';

t.test('examples/Makefile backs up directories and re-runs only what changed', async (t) => {
  const server = await withLocal(t, { jobDelay: 0, vaults: ['backups'] });
  const dir = scratch(t);
  for (const [name, files] of Object.entries({ docs: { 'a.txt': 'hello\n' }, photos: { 'b.jpg': seededBytes(3 * 1024 * 1024 + 7, 31), 'c.jpg': seededBytes(100, 32) } })) {
    mkdirSync(join(dir, 'src', name), { recursive: true });
    for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, 'src', name, file), content);
  }
  const make = () => sh(`make -s -f ${quote(join(repoRoot, 'examples', 'Makefile'))} SRC=src VAULT=backups PART_SIZE=1MiB`, { cwd: dir, env: putEnv(server) });
  const ledger = () =>
    readFileSync(join(dir, 'archives.ndjson'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, string>);
  const tarOf = async (name: string) => (await sh(`tar c -C src --sort=name ${name}`, { cwd: dir })).stdout;

  const first = await make();
  t.equal(first.status, 0, first.stderr);
  t.same(
    ledger().map((record) => record.name),
    ['docs.tar', 'photos.tar'],
    'one ledger line per directory',
  );
  const photos = ledger()[1];
  const tar = await tarOf('photos');
  t.equal(photos.treeHash, await glTreehash({ bytes: tar }), "the archive is the directory's tar");
  t.equal(sha256(await retrieve(server, 'backups', photos.archiveId)), sha256(tar), 'and reads back as it');

  const uploads = () => server.requests.filter((record) => /Upload|Multipart|Archive/.test(record.operation)).length;
  const requests = uploads();
  const second = await make();
  t.equal(second.status, 0, second.stderr);
  t.equal(ledger().length, 2, 'nothing changed: no new line');
  t.equal(uploads(), requests, 'and nothing sent');

  appendFileSync(join(dir, 'src', 'photos', 'c.jpg'), 'more');
  const third = await make();
  t.equal(third.status, 0, third.stderr);
  t.same(
    ledger().map((record) => record.name),
    ['docs.tar', 'photos.tar', 'photos.tar'],
    'only the changed directory is stored again',
  );
  t.equal(ledger()[2].treeHash, await glTreehash({ bytes: await tarOf('photos') }));
});
