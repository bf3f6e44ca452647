// The bin/ scripts as npm installs them: symlinked from another directory, started by name.

import { mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { binDir, quote, sh } from '../helpers/shell.js';

const commands = readdirSync(binDir).filter((name) => name.startsWith('gl-'));
const offline = ['gl-chunk', 'gl-local', 'gl-treehash'];

t.test('every command starts through a symlink elsewhere, as in node_modules/.bin', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'glp-bin-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const command of commands) symlinkSync(join(binDir, command), join(dir, command));
  t.ok(commands.length >= 10, 'all the commands');
  for (const command of commands) {
    const result = await sh(`cd ${quote(dir)} && ./${command} --version`);
    t.equal(result.status, 0, `${command} --version: ${result.stderr}`);
    t.match(result.stdout.toString(), /^\d+\.\d+\.\d+\n$/, `${command} prints its version`);
  }
});

t.test('commands that make no TLS connection start without NODE_EXTRA_CA_CERTS', async (t) => {
  // Node reads the named file as it starts and warns when it cannot; a command started without
  // the variable never tries.
  const env = { NODE_EXTRA_CA_CERTS: '/nonexistent/extra-ca.pem' };
  for (const command of offline) {
    const result = await sh(`${command} --version`, { env });
    t.equal(result.status, 0, command);
    t.notMatch(result.stderr, /extra certs/, `${command} does not read NODE_EXTRA_CA_CERTS`);
  }
  const networked = await sh('gl-vault --version', { env });
  t.match(networked.stderr, /Ignoring extra certs from `\/nonexistent\/extra-ca.pem`/, 'gl-vault, which may talk TLS to AWS, keeps it');
});
