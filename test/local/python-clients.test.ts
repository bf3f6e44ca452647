// boto3 and boto 2 against gl-local, unchanged: the scripts in python/ make the calls and check
// the answers; each runs against a fresh server under every Python that has the library.

import t from 'tap';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { awsEnv, repoRoot, withLocal } from '../helpers/local.js';

const run = promisify(execFile);
const scripts = join(repoRoot, 'test', 'local', 'python');

/** Distinct Python interpreters (Debian's first) that can import `module`. */
function pythonsWith(module: string): string[] {
  const candidates = ['/usr/bin/python3', ...(process.env.PATH ?? '').split(':').map((dir) => join(dir, 'python3'))];
  const found = new Map<string, string>();
  for (const python of candidates) {
    if (!existsSync(python)) continue;
    try {
      const executable = execFileSync(python, ['-c', `import ${module}, sys; print(sys.executable)`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      const real = realpathSync(executable);
      if (![...found.values()].includes(real)) found.set(python, real);
    } catch {
      // this interpreter lacks the module
    }
  }
  return [...found.keys()];
}

for (const [module, script] of [
  ['boto3', 'boto3_glacier.py'],
  ['boto', 'boto2_glacier.py'],
] as const) {
  const pythons = pythonsWith(module);
  t.ok(pythons.length > 0, `a Python with ${module} is installed (Debian: python3-${module === 'boto' ? 'boto' : 'boto3'})`);
  for (const python of pythons) {
    t.test(`${module} under ${python}: ${script}`, async (t) => {
      const server = await withLocal(t);
      const { stdout, stderr } = await run(python, [join(scripts, script)], { env: awsEnv(server) }).catch((err: { stdout: string; stderr: string }) => err);
      t.comment(stdout.split('\n')[0]);
      t.match(stdout, new RegExp(`${module === 'boto' ? 'boto2' : 'boto3'} done`), `${script} ran to the end${stderr ? `\n${stderr}` : ''}`);
      t.ok(stdout.split('\n').filter((line) => line.startsWith('ok ')).length >= 15, 'and made its checks');
      t.ok(server.requests.length > 20, `through gl-local (${server.requests.length} requests)`);
    });
  }
}
