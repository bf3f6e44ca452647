// gl-put-parts against a gl-local that fails requests on purpose (10% 500s, 5% throttling, 2%
// connections reset mid-body, fixed seed): uploads still complete with the right tree hash,
// and the request log shows the faults happened and every part was sent again until stored.

import t, { type Test } from 'tap';
import type { LocalServer } from '../../src/local/index.js';
import { withLocal } from '../helpers/local.js';
import { MiB, scratch, seededBytes, writeFile } from '../helpers/data.js';
import { quote, records, sh } from '../helpers/shell.js';
import { glTreehash, partKey, putEnv, requestsFor } from '../upload/helpers.js';

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
