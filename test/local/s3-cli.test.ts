// The AWS CLI sends differently from SDK v3 (Content-MD5 or CRC32 headers, Expect: 100-continue on
// every PUT, encoding-type=url listings it decodes itself). Each installed CLI is driven here.

import t from 'tap';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startS3Server } from './s3-server.js';

const run = promisify(execFile);

/** Distinct AWS CLI installations: the one on PATH and Debian's (CI installs that one). */
async function installedClis(): Promise<{ path: string; version: string }[]> {
  const found = new Map<string, string>();
  for (const path of ['aws', '/usr/bin/aws']) {
    try {
      const { stdout, stderr } = await run(path, ['--version']);
      const version = (stdout || stderr).trim().split(' ')[0]!;
      if (![...found.values()].includes(version)) found.set(path, version);
    } catch {
      // not installed here
    }
  }
  return [...found].map(([path, version]) => ({ path, version }));
}

t.test('the AWS CLI against the S3 subset', async (t) => {
  const clis = await installedClis();
  t.ok(clis.length > 0, 'an AWS CLI is installed (.ci/run installs Debian awscli)');
  for (const { path, version } of clis) {
    await t.test(version, async (t) => {
      const server = await startS3Server();
      t.teardown(() => server.close());
      const work = await mkdtemp(join(tmpdir(), 'gl-s3-cli-'));
      t.teardown(() => rm(work, { recursive: true, force: true }));
      const env = {
        PATH: process.env.PATH,
        HOME: work,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_CONFIG_FILE: join(work, 'no-config'),
        AWS_SHARED_CREDENTIALS_FILE: join(work, 'no-credentials'),
      };
      const aws = async (...args: string[]) => (await run(path, [...args, '--endpoint-url', server.endpoint], { env })).stdout;
      const json = async (...args: string[]) => JSON.parse(await aws(...args, '--output', 'json'));
      const upload = join(work, 'upload.bin');
      const data = randomBytes(3 * 1024 * 1024 + 5);
      await writeFile(upload, data);

      await aws('s3api', 'create-bucket', '--bucket', 'cli-bucket');
      const key = 'dir/with space+plus é.bin';
      const put = await json('s3api', 'put-object', '--bucket', 'cli-bucket', '--key', key, '--body', upload, '--content-type', 'application/x-cli', '--metadata', 'origin=cli');
      t.equal(put.ETag, `"${createHash('md5').update(data).digest('hex')}"`, 'put-object ETag is the MD5');
      for (let i = 0; i < 3; i++) await aws('s3api', 'put-object', '--bucket', 'cli-bucket', '--key', `dir/sub${i}/f`, '--body', upload);

      const got = await json('s3api', 'get-object', '--bucket', 'cli-bucket', '--key', key, join(work, 'get.bin'));
      t.equal(got.ContentType, 'application/x-cli');
      t.same(got.Metadata, { origin: 'cli' });
      t.ok((await readFile(join(work, 'get.bin'))).equals(data), 'get-object returns the uploaded bytes');
      await aws('s3api', 'get-object', '--bucket', 'cli-bucket', '--key', key, '--range', 'bytes=100-199', join(work, 'range.bin'));
      t.ok((await readFile(join(work, 'range.bin'))).equals(data.subarray(100, 200)), 'a range');

      const listed = await json('s3api', 'list-objects-v2', '--bucket', 'cli-bucket', '--prefix', 'dir/', '--delimiter', '/');
      t.same(listed.Contents.map((object: { Key: string }) => object.Key), [key], 'the CLI decodes url-encoded keys back');
      t.same(listed.CommonPrefixes.map((common: { Prefix: string }) => common.Prefix), ['dir/sub0/', 'dir/sub1/', 'dir/sub2/']);
      const paged = await json('s3api', 'list-objects-v2', '--bucket', 'cli-bucket', '--page-size', '1');
      t.equal(paged.Contents.length, 4, 'the CLI follows continuation tokens one key per page');

      await aws('s3', 'cp', upload, 's3://cli-bucket/copied.bin');
      await aws('s3', 'cp', 's3://cli-bucket/copied.bin', join(work, 'cp.bin'));
      t.ok((await readFile(join(work, 'cp.bin'))).equals(data), 'aws s3 cp both ways');
      t.match(await aws('s3', 'ls', 's3://cli-bucket/'), /PRE dir\/[\s\S]*copied\.bin/);

      const deleted = await json('s3api', 'delete-objects', '--bucket', 'cli-bucket', '--delete', JSON.stringify({ Objects: [{ Key: key }, { Key: 'copied.bin' }] }));
      t.same(deleted.Deleted.map((entry: { Key: string }) => entry.Key).sort(), ['copied.bin', key].sort());
      const missing = await run(path, ['s3api', 'head-object', '--bucket', 'cli-bucket', '--key', key, '--endpoint-url', server.endpoint], { env }).catch((error) => error);
      t.match(missing.stderr, /404|Not Found/, 'head-object of a deleted key fails with 404');
    });
  }
});
