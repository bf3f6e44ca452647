import t from 'tap';
import { withRetries } from '../../src/aws/retry.js';
import { isRetryable } from '../../src/aws/errors.js';

const serverError = () => Object.assign(new Error('busy'), { name: 'ServiceUnavailableException', $metadata: { httpStatusCode: 500 } });
const clientError = () => Object.assign(new Error('no vault'), { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });

t.test('retries what is retryable until it succeeds, with a fresh attempt each time', async (t) => {
  const seen: number[] = [];
  const result = await withRetries(
    async (n) => {
      seen.push(n);
      if (n < 3) throw serverError();
      return 'done';
    },
    { baseDelayMs: 1 },
  );
  t.equal(result, 'done');
  t.same(seen, [1, 2, 3]);
});

t.test('a final error is thrown at once', async (t) => {
  let calls = 0;
  await t.rejects(
    withRetries(async () => {
      calls++;
      throw clientError();
    }, { baseDelayMs: 1 }),
    { name: 'ResourceNotFoundException' },
  );
  t.equal(calls, 1);
});

t.test('gives up after the attempt cap with the last error', async (t) => {
  let calls = 0;
  const retries: number[] = [];
  await t.rejects(
    withRetries(async () => {
      calls++;
      throw serverError();
    }, { attempts: 4, baseDelayMs: 1, onRetry: (_e, n) => retries.push(n) }),
    { name: 'ServiceUnavailableException' },
  );
  t.equal(calls, 4);
  t.same(retries, [1, 2, 3]);
});

t.test('an abort stops the waiting', async (t) => {
  const controller = new AbortController();
  const pending = withRetries(async () => {
    throw serverError();
  }, { baseDelayMs: 60_000, maxDelayMs: 60_000, attempts: 5, signal: controller.signal, onRetry: () => setImmediate(() => controller.abort()) });
  // Without the abort this would wait up to a minute; with it the promise settles at once.
  await t.rejects(pending);
  t.ok(controller.signal.aborted);
});

t.test('classification', async (t) => {
  t.ok(isRetryable(serverError()));
  t.ok(isRetryable(Object.assign(new Error('slow down'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } })));
  t.ok(isRetryable(Object.assign(new Error('timeout'), { name: 'RequestTimeoutException', $metadata: { httpStatusCode: 408 } })));
  t.ok(isRetryable(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })));
  t.notOk(isRetryable(clientError()));
  t.notOk(isRetryable(Object.assign(new Error('bad hash'), { name: 'InvalidParameterValueException', $metadata: { httpStatusCode: 400 } })));
});
