import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { Journal, readJournal } from '../../src/upload/journal.js';
import { scratch } from '../helpers/data.js';

const record = { type: 'archive' as const, v: 1, vault: 'v', archiveId: 'A1', treeHash: 'aa', size: 5, description: 'd', name: 'a', created: '2026-01-01T00:00:00.000Z' };
const start = { step: 'start' as const, v: 1, vault: 'v', argv: ['--vault', 'v'], pid: 1 };

t.test('steps are appended as NDJSON and read back into the state of the run', async (t) => {
  const path = join(scratch(t), 'run.journal');
  const { journal, previous } = await Journal.open(path);
  t.ok(previous.empty, 'a new file holds no run');
  await journal.append(start);
  await journal.append({ step: 'initiated', archive: 0, name: 'a', partSize: 1048576, description: 'd', uploadId: 'U1' });
  await journal.append({ step: 'part', archive: 0, uploadId: 'U1', index: 1, range: '1048576-2097151', treeHash: 't1', sha256: 's1' });
  await journal.append({ step: 'completing', archive: 0, uploadId: 'U1', size: 5, treeHash: 'aa' });
  await journal.append({ step: 'completed', archive: 0, uploadId: 'U1', record });
  await journal.append({ step: 'sending', archive: 1, name: 'b', size: 3, treeHash: 'bb' });
  await journal.close();

  const lines = readFileSync(path, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  t.equal(lines.length, 6);
  t.match(lines[0], { step: 'start', v: 1, vault: 'v', time: /^\d{4}-/ });
  const state = readJournal(readFileSync(path, 'utf8'), path);
  t.equal(state.vault, 'v');
  t.notOk(state.finished);
  t.match(state.archives[0], { name: 'a', uploadId: 'U1', completed: record, written: false, completing: undefined });
  t.same([...state.archives[0].parts], [[1, { treeHash: 't1', sha256: 's1' }]]);
  t.match(state.archives[1], { name: 'b', sending: { size: 3, treeHash: 'bb' }, completed: undefined });
});

t.test('a fresh start forgets earlier runs; resume and done mark the run', async (t) => {
  const lines = [
    start,
    { step: 'completed', archive: 0, uploadId: null, record },
    { step: 'written', archive: 0, archiveId: 'A1' },
    { step: 'done', archives: 1 },
  ].map((step) => JSON.stringify(step));
  const finished = readJournal(`${lines.join('\n')}\n`, 'j');
  t.ok(finished.finished);
  t.ok(finished.archives[0].written);
  const again = readJournal(`${lines.join('\n')}\n${JSON.stringify(start)}\n`, 'j');
  t.same(again.archives, [], 'a new start begins a new run');
  t.notOk(again.finished);
  const resumed = readJournal(`${lines.join('\n')}\n${JSON.stringify({ step: 'resume' })}\n`, 'j');
  t.notOk(resumed.finished, 'a resumed run is not finished until it says so');
  t.ok(resumed.archives[0].written, 'and keeps what the run did before');
});

t.test('a last line cut short by a crash is ignored and cut off; a bad line in the middle is an error', async (t) => {
  const path = join(scratch(t), 'torn.journal');
  writeFileSync(path, `${JSON.stringify(start)}\n{"step":"initiated","archive":0,"na`);
  const { journal, previous } = await Journal.open(path);
  t.same(previous.archives, []);
  await journal.append({ step: 'resume', v: 1, vault: 'v', argv: [], pid: 2 });
  await journal.close();
  t.same(
    readFileSync(path, 'utf8').trimEnd().split('\n').map((line) => (JSON.parse(line) as { step: string }).step),
    ['start', 'resume'],
  );
  t.throws(() => readJournal(`${JSON.stringify(start)}\nnot json\n{"step":"done"}\n`, 'x.journal'), { message: 'x.journal:2: not a JSON line; is this a gl-put-parts journal?' });
  t.throws(() => readJournal('{"step":"start","v":2}\n', 'x.journal'), { message: /journal version 2 is newer/ });
  t.throws(() => readJournal('{"step":"part","archive":-1}\n', 'x.journal'), { message: /"archive" is not an archive number/ });
});

t.test('a file whose unfinished last line is no journal line is refused, not cut off', async (t) => {
  const dir = scratch(t);
  for (const [name, text, line] of [
    ['notes.txt', 'notes kept without a final newline', 1],
    ['blank-then-text', '\n\nsome text', 3],
    ['after-steps', `${JSON.stringify(start)}\nnot a step`, 2],
  ] as const) {
    const path = join(dir, name);
    writeFileSync(path, text);
    await t.rejects(Journal.open(path), { code: 'BAD_JOURNAL', message: `${path}:${line}: not a JSON line; is this a gl-put-parts journal?` }, name);
    t.equal(readFileSync(path, 'utf8'), text, `${name}: left as it was`);
    t.notOk(existsSync(`${path}.lock`), `${name}: not locked`);
  }
  // What a crash can leave: the start of a step, or (a power cut on some file systems) zeros.
  t.equal(readJournal(`${JSON.stringify(start)}\n{"st`, 'j').vault, 'v');
  t.equal(readJournal(`${JSON.stringify(start)}\n{"step":"part","archive":0,"upl\0\0\0`, 'j').vault, 'v');
  t.equal(readJournal(`${JSON.stringify(start)}\n\0\0\0\0`, 'j').vault, 'v');
});

t.test('a journal that cannot be written is one clear error', async (t) => {
  await t.rejects(Journal.open(join(scratch(t), 'missing-dir', 'j')), { code: 'JOURNAL', message: /^journal .*missing-dir\/j: no such directory$/ });
});

t.test('one run at a time: a second open is refused while the first holds the journal; a dead owner\'s lock is taken over', async (t) => {
  const path = join(scratch(t), 'busy.journal');
  const first = await Journal.open(path);
  await t.rejects(Journal.open(path), {
    code: 'JOURNAL_IN_USE',
    message: `journal ${path} is in use by another gl-put-parts (pid ${process.pid}); wait for it to end, or if no such process runs, remove ${path}.lock`,
  });
  await first.journal.close();
  t.notOk(existsSync(`${path}.lock`), 'close() releases the lock');

  const gone = spawnSync('true');
  writeFileSync(`${path}.lock`, `${gone.pid}\n`);
  const second = await Journal.open(path);
  t.equal(readFileSync(`${path}.lock`, 'utf8'), `${process.pid}\n`, 'the lock of a process that no longer runs is taken over');
  await second.journal.close();
});
