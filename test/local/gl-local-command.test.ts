// The gl-local command: one URL line on stdout, clean stops on SIGTERM and SIGINT, a temporary
// data dir removed on exit, --log records, custom keys, job delays, and usage errors.

import t from 'tap';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateVaultCommand, DescribeJobCommand, InitiateJobCommand, ListVaultsCommand } from '@aws-sdk/client-glacier';
import { glacierClient, repoRoot, spawnLocal } from '../helpers/local.js';

const run = promisify(execFile);
const command = join(repoRoot, 'dist', 'src', 'commands', 'gl-local.js');

t.test('prints the URL alone on stdout, serves, and stops on SIGTERM removing its temporary dir', async (t) => {
  const local = await spawnLocal(t, []);
  t.match(local.url, /^http:\/\/127\.0\.0\.1:\d+$/, 'the only stdout line is the endpoint URL');
  const answer = await glacierClient(local.url).send(new ListVaultsCommand({ accountId: '-' }));
  t.same(answer.VaultList, []);
  const dir = /state in (\S+) \(temporary\)/.exec(local.stderr())?.[1];
  t.ok(dir && existsSync(dir), `a temporary data dir (${dir})`);
  local.child.kill('SIGTERM');
  t.equal(await local.exited, 0, 'exit status 0');
  t.notOk(existsSync(dir!), 'the temporary data dir is gone');
  t.match(local.stderr(), /gl-local: stopped/);
});

t.test('SIGINT stops it too; --log writes one NDJSON record per request to stderr', async (t) => {
  const local = await spawnLocal(t, ['--log']);
  await glacierClient(local.url).send(new CreateVaultCommand({ accountId: '-', vaultName: 'logged' }));
  local.child.kill('SIGINT');
  t.equal(await local.exited, 0);
  const records = local.stderr().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
  t.match(records, [{ service: 'glacier', operation: 'CreateVault', method: 'PUT', vault: 'logged', status: 201, fault: null }]);
});

t.test('--access-key/--secret-key replace test/test; --job-delay keeps jobs in progress', async (t) => {
  const local = await spawnLocal(t, ['--access-key', 'AKIDLOCAL', '--secret-key', 's3cret', '--job-delay', '600', '--region', 'eu-west-1']);
  const glacier = glacierClient(local.url, { credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 's3cret' } });
  await glacier.send(new CreateVaultCommand({ accountId: '-', vaultName: 'v' }));
  const { jobId } = await glacier.send(new InitiateJobCommand({ accountId: '-', vaultName: 'v', jobParameters: { Type: 'inventory-retrieval' } }));
  const job = await glacier.send(new DescribeJobCommand({ accountId: '-', vaultName: 'v', jobId }));
  t.match(job, { StatusCode: 'InProgress', VaultARN: 'arn:aws:glacier:eu-west-1:111122223333:vaults/v' });
  await t.rejects(glacierClient(local.url).send(new ListVaultsCommand({ accountId: '-' })), { name: 'UnrecognizedClientException' }, 'test/test is refused');
});

t.test('--vault repeats: every vault named is created, spelled --vault a --vault b or --vault a b', async (t) => {
  const local = await spawnLocal(t, ['--vault', 'one', '--vault', 'two', '--vault', 'three', 'four']);
  const answer = await glacierClient(local.url).send(new ListVaultsCommand({ accountId: '-' }));
  t.same(answer.VaultList?.map((vault) => vault.VaultName).sort(), ['four', 'one', 'three', 'two']);
});

t.test('usage errors exit 2 with one line', async (t) => {
  for (const [args, message] of [
    [['--job-delay', 'soon'], /--job-delay: "soon" is not 0, "tier" or a number of seconds/],
    [['--faults', 'UploadArchive:boom'], /--faults: bad fault rule "UploadArchive:boom"/],
    [['--port', '70000'], /--port: "70000" is not a port number/],
    [['--port', 'http'], /--port: "http" is not a port number/],
    [['--fault-seed', 'x'], /--fault-seed: "x" is not an integer/],
    [['--bogus'], /Unknown argument: bogus/],
    [['--port', '0', '--port', '1'], /^gl-local: --port is given more than once\n$/],
  ] as const) {
    const failed = await run(process.execPath, [command, ...args]).then(
      () => undefined,
      (err: { code: number; stderr: string; stdout: string }) => err,
    );
    t.equal(failed?.code, 2, `${args.join(' ')}: exit status 2`);
    t.match(failed?.stderr, message);
    t.equal(failed?.stdout, '', 'nothing on stdout');
  }
  const help = await run(process.execPath, [command, '--help']);
  t.match(help.stdout, /gl-local --data-dir/, '--help shows a real example');
});
