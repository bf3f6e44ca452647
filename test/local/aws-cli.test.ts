// The AWS CLI against gl-local, unchanged: every `aws` found (Debian's v2 at /usr/bin/aws, and a
// pip-installed v1 if one comes first on PATH), for the vault, upload, multipart and job commands.

import t from 'tap';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { combineTreeHashes, treeHash } from '../../src/treehash/tree-hash.js';
import { awsEnv, mod251, withLocal } from '../helpers/local.js';

const run = promisify(execFile);
const MiB = 1048576;

function findClis(): string[] {
  const found = new Map<string, string>();
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/bin']) {
    const path = join(dir, 'aws');
    if (dir && existsSync(path)) {
      const real = realpathSync(path);
      if (![...found.values()].includes(real)) found.set(path, real);
    }
  }
  return [...found.keys()];
}

const clis = findClis();
t.jobs = clis.length;
t.ok(clis.length > 0, `an AWS CLI is installed (found: ${clis.join(', ')})`);

for (const cli of clis) {
  t.test(`AWS CLI ${cli}: vault, upload-archive, multipart by hand, job, output`, async (t) => {
    const server = await withLocal(t);
    const dir = mkdtempSync(join(tmpdir(), 'gl-local-cli-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const aws = async (...args: string[]) => {
      const { stdout } = await run(cli, ['glacier', ...args, '--account-id', '-', '--endpoint-url', server.url, '--output', 'json'], { env: awsEnv(server), cwd: dir });
      return stdout.trim() === '' ? {} : JSON.parse(stdout);
    };
    t.comment((await run(cli, ['--version'], { env: awsEnv(server) })).stdout.trim());

    t.same(await aws('create-vault', '--vault-name', 'cli'), { location: '/111122223333/vaults/cli' });
    const single = mod251(3 * MiB + 77);
    writeFileSync(join(dir, 'single.bin'), single);
    const uploaded = await aws('upload-archive', '--vault-name', 'cli', '--body', 'single.bin', '--archive-description', 'from the CLI');
    t.equal(uploaded.checksum, treeHash(single), 'upload-archive: the tree hash the CLI computed matches');

    const data = mod251(2 * MiB + 500, 3);
    const started = await aws('initiate-multipart-upload', '--vault-name', 'cli', '--part-size', String(MiB), '--archive-description', 'multipart');
    const partHashes: string[] = [];
    for (let first = 0; first < data.length; first += MiB) {
      const part = data.subarray(first, first + MiB);
      const file = `part-${first}`;
      writeFileSync(join(dir, file), part);
      partHashes.push(treeHash(part));
      const answer = await aws(
        'upload-multipart-part', '--vault-name', 'cli', `--upload-id=${started.uploadId}`,
        '--range', `bytes ${first}-${first + part.length - 1}/*`, '--body', file, '--checksum', treeHash(part),
      );
      t.equal(answer.checksum, treeHash(part), `part at ${first}`);
    }
    const listed = await aws('list-parts', '--vault-name', 'cli', `--upload-id=${started.uploadId}`);
    t.equal(listed.Parts.length, 3);
    const completed = await aws(
      'complete-multipart-upload', '--vault-name', 'cli', `--upload-id=${started.uploadId}`,
      '--archive-size', String(data.length), '--checksum', combineTreeHashes(partHashes),
    );
    t.equal(completed.checksum, treeHash(data));

    for (const [archiveId, bytes] of [[uploaded.archiveId, single], [completed.archiveId, data]] as const) {
      const job = await aws('initiate-job', '--vault-name', 'cli', '--job-parameters', JSON.stringify({ Type: 'archive-retrieval', ArchiveId: archiveId }));
      const described = await aws('describe-job', '--vault-name', 'cli', `--job-id=${job.jobId}`);
      t.match(described, { StatusCode: 'Succeeded', Completed: true, ArchiveSHA256TreeHash: treeHash(bytes) });
      const whole = await aws('get-job-output', '--vault-name', 'cli', `--job-id=${job.jobId}`, 'out.bin');
      t.equal(whole.checksum, treeHash(bytes));
      t.ok(readFileSync(join(dir, 'out.bin')).equals(bytes), 'get-job-output: the retrieved bytes equal the uploaded ones');
      const first = await aws('get-job-output', '--vault-name', 'cli', `--job-id=${job.jobId}`, '--range', 'bytes=0-1048575', 'first.bin');
      t.match(first, { status: 206, contentRange: `bytes 0-1048575/${bytes.length}`, checksum: treeHash(bytes.subarray(0, MiB)) });
      t.ok(readFileSync(join(dir, 'first.bin')).equals(bytes.subarray(0, MiB)), 'a ranged download');
    }

    const missing = await run(cli, ['glacier', 'describe-vault', '--account-id', '-', '--vault-name', 'nope', '--endpoint-url', server.url], { env: awsEnv(server) }).then(
      () => undefined,
      (err: { stderr: string }) => err.stderr,
    );
    t.match(missing, /ResourceNotFoundException/, 'errors reach the CLI by code');
  });
}
