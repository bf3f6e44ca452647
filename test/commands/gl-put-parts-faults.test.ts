// gl-put-parts against a gl-local that fails requests on purpose (10% 500s, 5% throttling, 2%
// connections reset mid-body, fixed seed): uploads still complete with the right tree hash,
// and the request log shows the faults happened and every part was sent again until stored.
// And, through a proxy, what gl-local cannot send: a tree hash that is not ours (no ledger record).
// LimitExceededException (gl-local's `limit` fault) is retried.

import { once } from 'node:events';
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import type { LocalServer } from '../../src/local/index.js';
import { withLocal } from '../helpers/local.js';
import { MiB, scratch, seededBytes, writeFile } from '../helpers/data.js';
import { quote, records, sh } from '../helpers/shell.js';
import { glTreehash, openUploads, partKey, putEnv, requestsFor } from '../upload/helpers.js';

const FAULTS = '*:500@10%,*:throttle@5%,*:reset@2%';

function checkLog(t: Test, server: LocalServer, parts: number): void {
  const sends = requestsFor(server, 'UploadMultipartPart');
  const faults = new Map<string, number>();
  for (const record of server.requests) if (record.fault) faults.set(record.fault, (faults.get(record.fault) ?? 0) + 1);
  t.ok(faults.get('500'), `500s were injected (${faults.get('500')})`);
  t.ok(faults.get('throttle'), `throttling was injected (${faults.get('throttle')})`);
  t.ok(faults.get('reset'), `connections were reset (${faults.get('reset')})`);
  const stored = sends.filter((record) => record.status === 204).map(partKey);
  t.equal(new Set(stored).size, parts, `all ${parts} parts stored`);
  t.equal(stored.length, parts, 'each once');
  const faulted = sends.filter((record) => record.fault !== null);
  t.ok(faulted.length > 0, `${faulted.length} part uploads failed`);
  t.ok(
    faulted.every((record) => stored.includes(partKey(record))),
    'every part that failed was sent again until stored',
  );
}

t.test('200 MiB from a file, 4 MiB parts, through 500s, throttling and resets', async (t) => {
  const server = await withLocal(t, { faults: FAULTS, faultSeed: 18, vaults: ['v'] });
  const file = writeFile(scratch(t), 'big.bin', seededBytes(200 * MiB, 21));
  const result = await sh(`gl-chunk --part-size 4MiB ${quote(file)} | gl-put-parts --vault v --progress`, { env: putEnv(server) });
  t.equal(result.status, 0, result.stderr);
  const [record] = records(result);
  t.equal(record.treeHash, await glTreehash({ path: file }), 'the right tree hash');
  checkLog(t, server, 50);
  t.match(result.stderr, /gl-put-parts: retrying UploadMultipartPart for part \d+ \(bytes \d+-\d+\) of ".*big\.bin" in \d+\.\d s \(attempt 1 failed: /, 'retries are reported with --progress');
  t.match(result.stderr, /gl-put-parts: ".*big\.bin": stored 200 MiB in [\d.]+ s \([\d.]+ [KM]iB\/s, \d+ retries\)\n$/);
});

t.test('40 MiB from a pipe, 1 MiB parts: retried bodies come from memory', async (t) => {
  const server = await withLocal(t, { faults: FAULTS, faultSeed: 33, vaults: ['v'] });
  const file = writeFile(scratch(t), 'pipe.bin', seededBytes(40 * MiB, 22));
  const result = await sh(`cat ${quote(file)} | gl-chunk --part-size 1MiB | gl-put-parts --vault v`, { env: putEnv(server) });
  t.equal(result.status, 0, result.stderr);
  t.equal(result.stderr, '', 'retries are silent without --progress');
  t.equal(records(result)[0].treeHash, await glTreehash({ path: file }));
  checkLog(t, server, 40);
});

t.test('--concurrency 64 through throttling: every part waits at the gate, and stderr stays clean', async (t) => {
  // A throttle pauses every request in flight on one abort signal: 64 waiters are the design,
  // not a leak, so Node must not warn about them.
  const server = await withLocal(t, { faults: 'UploadMultipartPart:throttlex1', vaults: ['v'] });
  const file = writeFile(scratch(t), 'wide.bin', seededBytes(24 * MiB, 23));
  const result = await sh(`gl-chunk --part-size 1MiB ${quote(file)} | gl-put-parts --vault v --concurrency 64`, { env: putEnv(server) });
  t.equal(result.status, 0, result.stderr);
  t.equal(result.stderr, '', 'nothing on stderr');
  t.equal(records(result)[0].treeHash, await glTreehash({ path: file }));
  t.equal(server.requests.filter((record) => record.fault === 'throttle').length, 1, 'a part was throttled');
});

/** The Glacier operation of a request that stores bytes, from its method and path. */
function storingOperation(req: IncomingMessage): string | undefined {
  if (req.method === 'PUT' && /\/multipart-uploads\/[^/?]+$/.test(req.url!)) return 'UploadMultipartPart';
  if (req.method === 'POST' && /\/multipart-uploads\/[^/?]+$/.test(req.url!)) return 'CompleteMultipartUpload';
  if (req.method === 'POST' && /\/archives$/.test(req.url!)) return 'UploadArchive';
  return undefined;
}

/** A proxy on 127.0.0.1 in front of gl-local, for answers gl-local cannot give; `handle` serves each request. */
async function startProxy(t: Test, handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const proxy = createServer(handle);
  proxy.listen(0, '127.0.0.1');
  await once(proxy, 'listening');
  t.teardown(() => proxy.close());
  return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}

/** Passes a request on to gl-local as it came (its signature still holds) and the answer back, after `edit` saw its headers. */
function forward(server: LocalServer, req: IncomingMessage, res: ServerResponse, edit?: (headers: IncomingHttpHeaders) => void): void {
  const target = new URL(server.url);
  const upstream = request({ hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
    const headers = { ...answer.headers };
    edit?.(headers);
    res.writeHead(answer.statusCode!, headers);
    answer.pipe(res);
  });
  upstream.on('error', (err) => res.destroy(err));
  req.pipe(upstream);
}

/**
 * Answers to `operation` carry another tree hash than the one gl-local computed: a Glacier that
 * stored other bytes than were sent. (gl-local's `corrupt` fault changes bodies, and these
 * answers have none.)
 */
function wrongTreeHashProxy(t: Test, server: LocalServer, operation: string): Promise<string> {
  return startProxy(t, (req, res) =>
    forward(server, req, res, (headers) => {
      const hash = headers['x-amz-sha256-tree-hash'];
      if (typeof hash === 'string' && storingOperation(req) === operation) headers['x-amz-sha256-tree-hash'] = `${hash[0] === '0' ? '1' : '0'}${hash.slice(1)}`;
    }),
  );
}

t.test('a tree hash from Glacier that is not ours: one line, exit 1, no archive record', async (t) => {
  const server = await withLocal(t, { vaults: ['v'] });
  const dir = scratch(t);
  const big = writeFile(dir, 'big.bin', seededBytes(3 * MiB + 7, 24));
  const small = writeFile(dir, 'small.bin', seededBytes(1000, 25));
  const cases: [string, string, RegExp][] = [
    ['UploadMultipartPart', big, /^gl-put-parts: UploadMultipartPart for part \d \(bytes \d+-\d+\) of ".*big\.bin": Glacier computed tree hash [0-9a-f]{64}, but the part's is [0-9a-f]{64}; the multipart upload of ".*big\.bin" was aborted\n$/],
    ['CompleteMultipartUpload', big, /^gl-put-parts: archive ".*big\.bin": Glacier stored archive ID \S+ with tree hash [0-9a-f]{64}, but the input's is [0-9a-f]{64}; no ledger record written\n$/],
    ['UploadArchive', small, /^gl-put-parts: archive ".*small\.bin": Glacier stored archive ID \S+ with tree hash [0-9a-f]{64}, but the input's is [0-9a-f]{64}; no ledger record written\n$/],
  ];
  for (const [operation, file, message] of cases) {
    const endpoint = await wrongTreeHashProxy(t, server, operation);
    const result = await sh(`gl-chunk --part-size 1MiB ${quote(file)} | gl-put-parts --vault v --endpoint-url ${endpoint}`, { env: putEnv(server) });
    t.equal(result.status, 1, operation);
    t.match(result.stderr, message, operation);
    t.equal(result.stdout.length, 0, `${operation}: no archive record`);
  }
  t.same(await openUploads(server, 'v'), [], 'no upload left open');
});

t.test('LimitExceededException is retried like throttling', async (t) => {
  const server = await withLocal(t, { faults: 'UploadMultipartPart:limitx2', vaults: ['v'] });
  const file = writeFile(scratch(t), 'limited.bin', seededBytes(3 * MiB, 26));
  const result = await sh(`gl-chunk --part-size 1MiB ${quote(file)} | gl-put-parts --vault v --progress`, { env: putEnv(server) });
  t.equal(result.status, 0, result.stderr);
  t.equal(requestsFor(server, 'UploadMultipartPart').filter((record) => record.fault === 'limit').length, 2);
  t.equal(result.stderr.match(/retrying UploadMultipartPart for part \d .* \(attempt \d failed: LimitExceededException \(HTTP 400\): Request limit exceeded/g)?.length, 2, 'both refusals retried');
  t.equal(records(result)[0].treeHash, await glTreehash({ path: file }));
  t.equal(requestsFor(server, 'UploadMultipartPart', 204).length, 3, 'each part stored once');
});

// Glacier has no idempotency token: an UploadArchive sent again after its whole body went out
// and no answer refused it may store a second copy. That is said on stderr even without
// --progress; a retry that cannot have stored anything says nothing.
t.test('a resent UploadArchive that may have stored the archive is named on stderr, and only that one', async (t) => {
  const dir = scratch(t);
  const small = writeFile(dir, 'small.bin', seededBytes(MiB, 41));
  const big = writeFile(dir, 'big.bin', seededBytes(16 * MiB, 42));
  const cases = [
    // gl-local reads the whole body, then answers 500: the client cannot tell it was not stored.
    // Said once for the archive, however many attempts fail so.
    { faults: 'UploadArchive:500x2', file: small, warned: true, sends: 3 },
    // A refusal (throttling) after the whole body: Glacier said it stored nothing.
    { faults: 'UploadArchive:throttlex1', file: small, warned: false, sends: 2 },
    // The connection is reset after half the body: the rest never went out.
    { faults: 'UploadArchive:resetx1', file: big, warned: false, sends: 2 },
  ];
  for (const { faults, file, warned, sends } of cases) {
    const server = await withLocal(t, { faults, vaults: ['v'] });
    const partSize = file === big ? '16MiB' : '1MiB';
    const result = await sh(`gl-chunk --part-size ${partSize} ${quote(file)} | gl-put-parts --vault v`, { env: putEnv(server) });
    t.equal(result.status, 0, `${faults}: ${result.stderr}`);
    t.equal(requestsFor(server, 'UploadArchive').length, sends, `${faults}: UploadArchive was sent ${sends} times`);
    const [record] = records(result);
    if (warned) {
      const treeHash = await glTreehash({ path: file });
      t.equal(
        result.stderr,
        `gl-put-parts: UploadArchive for archive "${file}" failed after its whole body was sent (ServiceUnavailableException (HTTP 500): Service is unavailable. Try again later. (injected fault)); ` +
          `it is sent again, so the vault may end up holding it twice: check an inventory for a second archive with description ${JSON.stringify(record.description)}, size ${MiB} and tree hash ${treeHash}\n`,
        `${faults}: one line naming the archive`,
      );
    } else t.equal(result.stderr, '', `${faults}: nothing on stderr`);
  }
});
