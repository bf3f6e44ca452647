import { Readable } from 'node:stream';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import t from 'tap';
import { s3Client, withLocal } from './local.js';

// The SDK prints warnings on the console (Node version support, once per process; a failed
// streamed request, unless it has a logger): noise in test output.
t.test('the SDK clients built for tests print nothing on the console when a request fails', async (t) => {
  const server = await withLocal(t);
  const s3 = s3Client(server, { maxAttempts: 1 });
  t.teardown(() => s3.destroy());
  const printed: unknown[][] = [];
  const saved = { ...console };
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) console[level] = (...args: unknown[]) => void printed.push(args);
  let failure: unknown;
  try {
    // A streamed body cannot be sent twice: on failure the SDK says so, on the console without a logger.
    await s3.send(new PutObjectCommand({ Bucket: 'no-such-bucket', Key: 'k', Body: Readable.from([Buffer.from('abc')]), ContentLength: 3 }));
  } catch (err) {
    failure = err;
  } finally {
    Object.assign(console, saved);
  }
  t.ok(failure instanceof Error, 'the request fails (there is no such bucket)');
  t.same(printed, [], 'and nothing was printed on the console');
});
