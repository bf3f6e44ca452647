import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import t from 'tap';
import { createS3Client } from '../../src/aws/clients.js';
import { isRetryable } from '../../src/aws/errors.js';

// Without the idle timeout the read would hang until tap's own timeout fails the test.
t.test('an S3 read on which nothing moves for idleTimeoutMs fails instead of hanging', { timeout: 60_000 }, async (t) => {
  // Headers and the first bytes go out, then the server goes silent: a stalled connection.
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-length': '1000', 'content-type': 'application/octet-stream' });
    res.write(Buffer.alloc(10));
    held.push(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const res of held) res.destroy();
    server.close();
  });
  const s3 = createS3Client(
    { endpointUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: 'us-east-1' },
    { maxAttempts: 1, idleTimeoutMs: 300 },
  );
  t.teardown(() => s3.destroy());
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  const read = async () => {
    const answer = await s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' }));
    return answer.Body!.transformToByteArray();
  };
  const failure = await read().then(() => undefined, (err: unknown) => err);
  t.ok(failure instanceof Error, 'the stalled body ends in an error');
  t.ok(isRetryable(failure), `and the error is worth a retry: ${String(failure)}`);
});
