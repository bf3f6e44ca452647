// Finishes jobs once their delay has passed: stages an archive retrieval's bytes (hard links),
// builds an inventory from the vault's live state, or runs a select job. A job is finished by a
// timer, or at the latest when a client looks at it, so `--job-delay 0` jobs are done at once.
// A job interrupted by a crash is still InProgress on disk and is finished again after a restart.

import { join } from 'node:path';
import { jobDelayMs, type JobDelay, TIER_SECONDS } from '../job-delay.js';
import type { S3Backend } from '../s3/index.js';
import { writeFileDurably } from '../durable.js';
import { buildInventory } from './inventory.js';
import { retrievalAligned, type JobRecord } from './job-record.js';
import { readSegments, treeHashOfSegments } from './segments.js';
import { runSelectJob } from './select-job.js';
import type { GlacierStore, Segment, Vault } from './store.js';

export class JobRunner {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, Promise<void>>();
  private closed = false;

  constructor(
    private readonly store: GlacierStore,
    private readonly delay: JobDelay,
    private readonly s3: S3Backend,
    private readonly onError: (err: unknown) => void,
    /** Size at which a select job starts its next results/ object (default RESULT_OBJECT_BYTES). */
    private readonly resultObjectBytes?: number,
  ) {}

  delayMs(tier: keyof typeof TIER_SECONDS): number {
    return jobDelayMs(this.delay, tier);
  }

  /** Arms the timer of an unfinished job (new, or found on disk at start). */
  schedule(vault: Vault, job: JobRecord): void {
    if (job.statusCode !== 'InProgress' || this.closed) return;
    const timer = setTimeout(() => this.settle(vault, job).catch(this.onError), Math.max(0, job.readyAt - Date.now()));
    timer.unref();
    this.timers.set(job.jobId, timer);
  }

  scheduleAll(): void {
    for (const vault of this.store.vaults.values()) for (const job of vault.jobs.values()) this.schedule(vault, job);
  }

  /** Finishes the job now if its time has come (or waits for the run already under way). */
  async settle(vault: Vault, job: JobRecord): Promise<void> {
    if (job.statusCode !== 'InProgress' || Date.now() < job.readyAt || this.closed) return;
    let run = this.running.get(job.jobId);
    if (!run) {
      clearTimeout(this.timers.get(job.jobId));
      this.timers.delete(job.jobId);
      run = this.finish(vault, job).finally(() => this.running.delete(job.jobId));
      this.running.set(job.jobId, run);
    }
    await run;
  }

  forgetVault(vault: Vault): void {
    for (const jobId of vault.jobs.keys()) {
      clearTimeout(this.timers.get(jobId));
      this.timers.delete(jobId);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled(this.running.values());
  }

  private async finish(vault: Vault, job: JobRecord): Promise<void> {
    let failure: string | undefined;
    try {
      if (job.action === 'ArchiveRetrieval') failure = await this.finishRetrieval(vault, job);
      else if (job.action === 'InventoryRetrieval') await this.finishInventory(vault, job);
      else failure = await this.finishSelect(vault, job);
    } catch (err) {
      failure = `gl-local could not finish the job: ${(err as Error).message}`;
      this.onError(err);
    }
    if (vault.deleted) return;
    job.statusCode = failure === undefined ? 'Succeeded' : 'Failed';
    job.statusMessage = failure ?? 'Succeeded';
    job.completionDate = new Date().toISOString();
    await this.store.saveJob(vault, job);
  }

  /** Hard-links the archive's files into the job's output, so a later DeleteArchive cannot take them away. */
  private stage(vault: Vault, job: JobRecord): Promise<Segment[] | undefined> {
    return this.store.locks.run(`vault:${vault.name}`, async () => {
      const archive = vault.archives.get(job.archiveId!);
      return archive && this.store.stageArchive(vault, archive, job.jobId);
    });
  }

  private async finishRetrieval(vault: Vault, job: JobRecord): Promise<string | undefined> {
    const staged = await this.stage(vault, job);
    if (!staged) return archiveGone(job);
    job.output = staged;
    const { start, end } = job.retrieval!;
    if (start === 0 && end === job.archiveSize! - 1) job.rangeTreeHash = job.archiveTreeHash;
    else if (retrievalAligned(job)) job.rangeTreeHash = await treeHashOfSegments(this.store.jobOutputDir(vault, job.jobId), staged, start, end);
    return undefined;
  }

  private async finishInventory(vault: Vault, job: JobRecord): Promise<void> {
    const now = new Date().toISOString();
    const page = buildInventory(job.vaultArn, vault.archives.values(), job.inventory!, now);
    const file = page.contentType === 'text/csv' ? 'inventory.csv' : 'inventory.json';
    await writeFileDurably(join(this.store.jobOutputDir(vault, job.jobId), file), page.body);
    job.output = [{ file, size: page.body.length }];
    job.inventorySize = page.body.length;
    job.inventoryNextMarker = page.nextMarker;
    vault.lastInventoryDate = now;
    await this.store.saveVault(vault);
  }

  private async finishSelect(vault: Vault, job: JobRecord): Promise<string | undefined> {
    const staged = await this.stage(vault, job);
    if (!staged) return archiveGone(job);
    const bytes = readSegments(this.store.jobOutputDir(vault, job.jobId), staged, 0, job.archiveSize! - 1);
    const outcome = await runSelectJob(this.s3, job.select!, bytes, { objectBytes: this.resultObjectBytes });
    await this.store.clearJobOutput(vault, job.jobId);
    return outcome.ok ? undefined : outcome.message;
  }
}

function archiveGone(job: JobRecord): string {
  return `The archive was deleted before the job completed: ${job.archiveId}`;
}
