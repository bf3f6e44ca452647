// Waiting for jobs against gl-local: DescribeJob rounds, --no-wait, timeouts, unknown jobs.

import t from 'tap';
import { CreateVaultCommand, InitiateJobCommand, UploadArchiveCommand } from '@aws-sdk/client-glacier';
import { EXIT } from '../../src/errors.js';
import { DescribeJobError, JobNotReadyError, pollIntervals, waitForJobs } from '../../src/jobs/wait.js';
import { glacierClient, withLocal } from '../helpers/local.js';

async function twoJobs(t: Parameters<typeof withLocal>[0], jobDelay: number) {
  const server = await withLocal(t, { jobDelay });
  const glacier = glacierClient(server);
  await glacier.send(new CreateVaultCommand({ accountId: '-', vaultName: 'v' }));
  const { archiveId } = await glacier.send(new UploadArchiveCommand({ accountId: '-', vaultName: 'v', body: Buffer.from('a,b\n') }));
  const jobs = [];
  for (let i = 0; i < 2; i++) {
    const { jobId } = await glacier.send(new InitiateJobCommand({ accountId: '-', vaultName: 'v', jobParameters: { Type: 'archive-retrieval', ArchiveId: archiveId } }));
    jobs.push({ vault: 'v', jobId: jobId! });
  }
  return { server, glacier, jobs };
}

t.test('poll intervals grow by half up to the maximum', async (t) => {
  const intervals = pollIntervals(1000, 4000);
  t.same(Array.from({ length: 6 }, () => intervals.next().value), [1000, 1500, 2250, 3375, 4000, 4000]);
});

t.test('waits in rounds until every job has completed', async (t) => {
  const { server, glacier, jobs } = await twoJobs(t, 1);
  const waits: number[] = [];
  const started = Date.now();
  const done = await waitForJobs(glacier, jobs, { pollIntervalMs: 200, onWait: (unfinished, total, waitMs) => waits.push(unfinished * 1000 + total * 100 + waitMs) });
  t.same(done.map((job) => [job.JobId, job.StatusCode]), jobs.map((job) => [job.jobId, 'Succeeded']));
  t.ok(Date.now() - started >= 900, 'not before the jobs were done');
  t.equal(waits[0], 2 * 1000 + 2 * 100 + 200, 'first wait: both unfinished, 200 ms');
  // The first round looks at both jobs; each later one at the jobs still unfinished before it.
  const describes = server.requests.filter((r) => r.operation === 'DescribeJob').length;
  const unfinishedBeforeLaterRounds = waits.map((wait) => Math.floor(wait / 1000));
  t.equal(describes, 2 + unfinishedBeforeLaterRounds.reduce((sum, n) => sum + n, 0), 'each round looks at each unfinished job once');
});

t.test('wait: false and timeouts end with JobNotReadyError (exit status 75)', async (t) => {
  const { glacier, jobs } = await twoJobs(t, 5);
  const once = await waitForJobs(glacier, jobs, { wait: false }).catch((err) => err);
  t.ok(once instanceof JobNotReadyError);
  t.equal(once.exitCode, EXIT.notReady);
  t.same(once.unfinished.map((job: { index: number }) => job.index), [0, 1]);
  t.equal(once.unfinished[0].description.StatusCode, 'InProgress');
  const started = Date.now();
  await t.rejects(waitForJobs(glacier, jobs, { pollIntervalMs: 100, timeoutMs: 400 }), JobNotReadyError);
  const took = Date.now() - started;
  t.ok(took >= 400 && took < 3000, `gave up after ${took} ms`);
});

t.test('an unknown job is a DescribeJobError naming it', async (t) => {
  const { glacier, jobs } = await twoJobs(t, 0);
  const err = await waitForJobs(glacier, [jobs[0], { vault: 'v', jobId: 'nope' }]).catch((error) => error);
  t.ok(err instanceof DescribeJobError);
  t.equal(err.index, 1);
  t.match(err.message, /^job nope in vault v: ResourceNotFoundException \(HTTP 404\): The job ID was not found: nope/);
});
