// Glacier state: vaults, archives, multipart uploads and jobs, in memory for answering and on
// disk for surviving. Every change is durable before it is acknowledged (see durable.ts); the
// layout is described in docs/gl-local.md.
//
//   glacier/vaults/<vault>/vault.json
//   glacier/vaults/<vault>/archives/<archiveId>/archive.json + segment files
//   glacier/vaults/<vault>/uploads/<uploadId>/upload.json + <first>.<gen>.<treeHash>.part
//   glacier/vaults/<vault>/aborted/<uploadId>       tombstones: a repeated abort succeeds
//   glacier/vaults/<vault>/deleted/<archiveId>      tombstones: a repeated delete succeeds
//   glacier/vaults/<vault>/jobs/<jobId>/job.json + output/
//   glacier/tmp/    bodies being received, directories being built (emptied on start)
//   glacier/trash/  directories being removed (emptied on start)

import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir, publishDir, removeDurably, renameDurably, writeFileDurably, writeFileSynced } from '../durable.js';
import { KeyedMutex } from '../keyed-mutex.js';
import { newArchiveId, newUploadId } from './ids.js';
import type { JobRecord } from './job-record.js';

export interface Segment {
  /** File name inside the archive (or job output) directory. */
  file: string;
  size: number;
}

export interface ArchiveMeta {
  archiveId: string;
  description: string | null;
  creationDate: string;
  size: number;
  treeHash: string;
  /** The multipart upload it was completed from; null for UploadArchive. */
  uploadId: string | null;
  /** The archive's bytes, in order. */
  segments: Segment[];
}

export interface UploadMeta {
  uploadId: string;
  partSize: number;
  description: string | null;
  creationDate: string;
}

export interface Part {
  first: number;
  size: number;
  treeHash: string;
  file: string;
}

export interface Upload {
  meta: UploadMeta;
  dir: string;
  /** Acknowledged parts by first byte. */
  parts: Map<number, Part>;
  /** Generation for the next part file; a re-sent range gets a higher one and replaces the old. */
  nextGen: number;
}

export class Vault {
  readonly archives = new Map<string, ArchiveMeta>();
  readonly uploads = new Map<string, Upload>();
  readonly aborted = new Set<string>();
  readonly deletedArchives = new Set<string>();
  /** uploadId → archiveId, so a repeated CompleteMultipartUpload answers the same archive. */
  readonly completed = new Map<string, string>();
  /** In creation order. */
  readonly jobs = new Map<string, JobRecord>();
  deleted = false;

  constructor(
    readonly name: string,
    readonly dir: string,
    readonly creationDate: string,
    public lastInventoryDate: string | null,
  ) {}

  archiveDir(archiveId: string): string {
    return join(this.dir, 'archives', archiveId);
  }

  jobDir(jobId: string): string {
    return join(this.dir, 'jobs', jobId);
  }
}

interface VaultFile {
  name: string;
  creationDate: string;
  lastInventoryDate: string | null;
}

const VAULT_SUBDIRS = ['archives', 'uploads', 'aborted', 'deleted', 'jobs'];
const PART_FILE = /^(\d+)\.(\d+)\.([0-9a-f]{64})\.part$/;

export class GlacierStore {
  readonly vaults = new Map<string, Vault>();
  /** Every archive's vault, to tell "unknown archive" from "archive of another vault". */
  readonly archiveVault = new Map<string, string>();
  readonly locks = new KeyedMutex();
  readonly tmpDir: string;
  private readonly trashDir: string;
  private readonly vaultsDir: string;

  private constructor(readonly dir: string) {
    this.tmpDir = join(dir, 'tmp');
    this.trashDir = join(dir, 'trash');
    this.vaultsDir = join(dir, 'vaults');
  }

  /** Opens (or creates) the state under `dir`, finishing or discarding whatever a crash left half-done. */
  static async open(dir: string): Promise<GlacierStore> {
    const store = new GlacierStore(dir);
    for (const sub of [store.tmpDir, store.trashDir]) await rm(sub, { recursive: true, force: true });
    for (const sub of [store.vaultsDir, store.tmpDir, store.trashDir]) await mkdir(sub, { recursive: true });
    for (const entry of await readdir(store.vaultsDir)) await store.loadVault(join(store.vaultsDir, entry));
    return store;
  }

  sortedVaults(): Vault[] {
    return [...this.vaults.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async createVault(name: string, creationDate: string): Promise<void> {
    await this.locks.run(`vault:${name}`, async () => {
      if (this.vaults.has(name)) return;
      const finalDir = join(this.vaultsDir, vaultDirName(name));
      const file: VaultFile = { name, creationDate, lastInventoryDate: null };
      await publishDir(this.tmpDir, finalDir, async (dir) => {
        for (const sub of VAULT_SUBDIRS) await mkdir(join(dir, sub));
        await writeFileSynced(join(dir, 'vault.json'), JSON.stringify(file));
      });
      this.vaults.set(name, new Vault(name, finalDir, creationDate, null));
    });
  }

  /** Removes a vault with its uploads and jobs; the caller has checked it holds no archives. */
  async deleteVault(vault: Vault): Promise<void> {
    vault.deleted = true;
    this.vaults.delete(vault.name);
    await removeDurably(vault.dir, this.trashDir);
  }

  async saveVault(vault: Vault): Promise<void> {
    const file: VaultFile = { name: vault.name, creationDate: vault.creationDate, lastInventoryDate: vault.lastInventoryDate };
    await writeFileDurably(join(vault.dir, 'vault.json'), JSON.stringify(file));
  }

  /** A fresh path under tmp/ for a body being received. */
  scratchFile(): string {
    return join(this.tmpDir, `${randomBytes(12).toString('hex')}.body`);
  }

  /** Publishes a received, verified body (already fsynced at `dataFile`) as a new archive. */
  async addArchive(vault: Vault, dataFile: string, meta: Omit<ArchiveMeta, 'archiveId' | 'segments'>): Promise<ArchiveMeta> {
    const archive: ArchiveMeta = { ...meta, archiveId: newArchiveId(), segments: [{ file: `0.0.${meta.treeHash}.part`, size: meta.size }] };
    await publishDir(this.tmpDir, vault.archiveDir(archive.archiveId), async (dir) => {
      await renameDurably(dataFile, join(dir, archive.segments[0].file));
      await writeFileSynced(join(dir, 'archive.json'), JSON.stringify(archive));
    });
    this.registerArchive(vault, archive);
    return archive;
  }

  async deleteArchive(vault: Vault, archive: ArchiveMeta): Promise<void> {
    await this.tombstone(vault, 'deleted', archive.archiveId);
    vault.archives.delete(archive.archiveId);
    vault.deletedArchives.add(archive.archiveId);
    this.archiveVault.delete(archive.archiveId);
    await removeDurably(vault.archiveDir(archive.archiveId), this.trashDir);
  }

  async createUpload(vault: Vault, partSize: number, description: string | null, creationDate: string): Promise<Upload> {
    const meta: UploadMeta = { uploadId: newUploadId(), partSize, description, creationDate };
    const dir = join(vault.dir, 'uploads', meta.uploadId);
    await publishDir(this.tmpDir, dir, async (scratch) => {
      await writeFileSynced(join(scratch, 'upload.json'), JSON.stringify(meta));
    });
    const upload: Upload = { meta, dir, parts: new Map(), nextGen: 0 };
    vault.uploads.set(meta.uploadId, upload);
    return upload;
  }

  /**
   * Installs a received, verified part (already fsynced at `dataFile`). A part for the same range
   * replaces the earlier one: the new file gets a higher generation and the old file is removed
   * only after the new name is durable.
   */
  async installPart(upload: Upload, dataFile: string, first: number, size: number, treeHash: string): Promise<void> {
    const file = `${first}.${upload.nextGen++}.${treeHash}.part`;
    await renameDurably(dataFile, join(upload.dir, file));
    const previous = upload.parts.get(first);
    upload.parts.set(first, { first, size, treeHash, file });
    if (previous) await rm(join(upload.dir, previous.file), { force: true });
  }

  /** Turns a checked upload into an archive: archive.json into the upload directory, then one rename. */
  async completeUpload(vault: Vault, upload: Upload, size: number, treeHash: string, creationDate: string): Promise<ArchiveMeta> {
    const parts = [...upload.parts.values()].sort((a, b) => a.first - b.first);
    const archive: ArchiveMeta = {
      archiveId: newArchiveId(),
      description: upload.meta.description,
      creationDate,
      size,
      treeHash,
      uploadId: upload.meta.uploadId,
      segments: parts.map((part) => ({ file: part.file, size: part.size })),
    };
    await writeFileDurably(join(upload.dir, 'archive.json'), JSON.stringify(archive));
    await renameDurably(upload.dir, vault.archiveDir(archive.archiveId));
    vault.uploads.delete(upload.meta.uploadId);
    this.registerArchive(vault, archive);
    return archive;
  }

  async abortUpload(vault: Vault, upload: Upload): Promise<void> {
    await this.tombstone(vault, 'aborted', upload.meta.uploadId);
    vault.uploads.delete(upload.meta.uploadId);
    vault.aborted.add(upload.meta.uploadId);
    await removeDurably(upload.dir, this.trashDir);
  }

  async createJob(vault: Vault, job: JobRecord): Promise<void> {
    await publishDir(this.tmpDir, vault.jobDir(job.jobId), async (dir) => {
      await mkdir(join(dir, 'output'));
      await writeFileSynced(join(dir, 'job.json'), JSON.stringify(job));
    });
    vault.jobs.set(job.jobId, job);
  }

  async saveJob(vault: Vault, job: JobRecord): Promise<void> {
    await writeFileDurably(join(vault.jobDir(job.jobId), 'job.json'), JSON.stringify(job));
  }

  jobOutputDir(vault: Vault, jobId: string): string {
    return join(vault.jobDir(jobId), 'output');
  }

  /** Hard-links an archive's segments into a job's output, so a later DeleteArchive cannot take them away. */
  async stageArchive(vault: Vault, archive: ArchiveMeta, jobId: string): Promise<Segment[]> {
    const outputDir = this.jobOutputDir(vault, jobId);
    await this.clearJobOutput(vault, jobId);
    for (const segment of archive.segments) await link(join(vault.archiveDir(archive.archiveId), segment.file), join(outputDir, segment.file));
    await fsyncDir(outputDir);
    return archive.segments;
  }

  async clearJobOutput(vault: Vault, jobId: string): Promise<void> {
    const outputDir = this.jobOutputDir(vault, jobId);
    await rm(outputDir, { recursive: true, force: true });
    await mkdir(outputDir);
  }

  private async tombstone(vault: Vault, kind: 'aborted' | 'deleted', id: string): Promise<void> {
    const file = await open(join(vault.dir, kind, id), 'w');
    await file.close();
    await fsyncDir(join(vault.dir, kind));
  }

  private registerArchive(vault: Vault, archive: ArchiveMeta): void {
    vault.archives.set(archive.archiveId, archive);
    this.archiveVault.set(archive.archiveId, vault.name);
    if (archive.uploadId) vault.completed.set(archive.uploadId, archive.archiveId);
  }

  private async loadVault(dir: string): Promise<void> {
    const file = await readJson<VaultFile>(join(dir, 'vault.json'));
    if (!file) return;
    const vault = new Vault(file.name, dir, file.creationDate, file.lastInventoryDate);
    for (const id of await readdir(join(dir, 'aborted'))) vault.aborted.add(id);
    for (const id of await readdir(join(dir, 'deleted'))) vault.deletedArchives.add(id);
    for (const id of await readdir(join(dir, 'uploads'))) await this.loadUpload(vault, id);
    for (const id of await readdir(join(dir, 'archives'))) {
      if (vault.deletedArchives.has(id)) {
        // The delete was acknowledged after the tombstone; finish removing the bytes.
        await removeDurably(vault.archiveDir(id), this.trashDir);
        continue;
      }
      const archive = await readJson<ArchiveMeta>(join(vault.archiveDir(id), 'archive.json'));
      if (archive) this.registerArchive(vault, archive);
    }
    const jobs: JobRecord[] = [];
    for (const id of await readdir(join(dir, 'jobs'))) {
      const job = await readJson<JobRecord>(join(vault.jobDir(id), 'job.json'));
      if (job) jobs.push(job);
    }
    jobs.sort((a, b) => a.creationDate.localeCompare(b.creationDate) || a.jobId.localeCompare(b.jobId));
    for (const job of jobs) vault.jobs.set(job.jobId, job);
    this.vaults.set(vault.name, vault);
  }

  private async loadUpload(vault: Vault, uploadId: string): Promise<void> {
    const dir = join(vault.dir, 'uploads', uploadId);
    if (vault.aborted.has(uploadId)) {
      // The abort was acknowledged after the tombstone; finish removing the parts.
      await removeDurably(dir, this.trashDir);
      return;
    }
    const completing = await readJson<ArchiveMeta>(join(dir, 'archive.json'));
    if (completing) {
      // A crash between archive.json and the rename: roll the completion forward.
      await renameDurably(dir, vault.archiveDir(completing.archiveId));
      return;
    }
    const meta = await readJson<UploadMeta>(join(dir, 'upload.json'));
    if (!meta) return;
    const upload: Upload = { meta, dir, parts: new Map(), nextGen: 0 };
    const stale: string[] = [];
    const generations = new Map<number, number>();
    for (const name of await readdir(dir)) {
      const match = PART_FILE.exec(name);
      if (!match) continue;
      const first = Number(match[1]);
      const gen = Number(match[2]);
      upload.nextGen = Math.max(upload.nextGen, gen + 1);
      const current = upload.parts.get(first);
      if (current && (generations.get(first) ?? -1) > gen) {
        stale.push(name);
        continue;
      }
      if (current) stale.push(current.file);
      const { size } = await stat(join(dir, name));
      upload.parts.set(first, { first, size, treeHash: match[3], file: name });
      generations.set(first, gen);
    }
    for (const name of stale) await rm(join(dir, name), { force: true });
    vault.uploads.set(uploadId, upload);
  }
}

/** Vault names are file names, except the two that mean something to the file system. */
function vaultDirName(name: string): string {
  return name === '.' || name === '..' ? name.replace(/\./g, '%2E') : name;
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
