import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocal } from '../../src/local/index.js';

t.test('one gl-local per data dir; a stale lock from a dead process is taken over', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-local-lock-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const first = await startLocal({ dataDir: dir });
  await t.rejects(startLocal({ dataDir: dir }), { message: new RegExp(`in use by another gl-local \\(pid ${process.pid}\\)`) });
  await first.close();
  t.notOk(existsSync(join(dir, 'gl-local.pid')), 'close() releases the lock');
  t.ok(existsSync(join(dir, 'glacier')), 'a given data dir is kept');

  writeFileSync(join(dir, 'gl-local.pid'), '2147483646\n');
  const second = await startLocal({ dataDir: dir });
  t.pass('a lock whose process is gone is taken over');
  await second.close();
});
