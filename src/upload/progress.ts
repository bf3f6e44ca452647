// What gl-put-parts tells the user on stderr while it works: warnings always; with progress on,
// a status line (bytes, rate, ETA when the size is known, retries) that a terminal sees redrawn
// in place and a log (--progress into a file) sees every few seconds, one line per retry, and
// one line per stored archive. Never stdout: that is the ledger's.

import { describeAwsError } from '../aws/errors.js';
import { formatBytes } from '../units.js';
import type { RetryEvent } from './requests.js';
import type { UploadObserver } from './uploader.js';

export interface ReporterOptions {
  /** Show progress at all. */
  progress: boolean;
  /** Redraw one line in place (a terminal), rather than print a line now and then. */
  tty: boolean;
  /** Prefix of every line. */
  name: string;
  /** How often the status line is drawn (default 250 ms on a terminal, 5 s otherwise). */
  intervalMs?: number;
}

interface ArchiveProgress {
  name: string;
  size: number | null;
  started: number;
  /** Body bytes on the wire or acknowledged, this run. */
  sent: number;
  /** Bytes an earlier run stored. */
  skipped: number;
  retries: number;
}

export class UploadReporter implements UploadObserver {
  private archive: ArchiveProgress | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Archives already named as possibly stored twice: once is enough, however many retries. */
  private readonly warnedStoredTwice = new Set<string>();
  private lineShown = false;

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly options: ReporterOptions,
  ) {}

  archiveStarted(info: { name: string; size: number | null; resumed: boolean }): void {
    this.archive = { name: info.name, size: info.size, started: Date.now(), sent: 0, skipped: 0, retries: 0 };
    if (!this.options.progress) return;
    if (info.resumed) this.say(`"${info.name}": continuing the earlier run`);
    this.timer ??= setInterval(() => this.draw(), this.options.intervalMs ?? (this.options.tty ? 250 : 5000)).unref();
  }

  bytesSent(bytes: number): void {
    if (this.archive) this.archive.sent += bytes;
  }

  partStored(info: { size: number; skipped: boolean }): void {
    if (info.skipped && this.archive) this.archive.skipped += info.size;
  }

  archiveStored(record: { name: string; size: number; archiveId: string }, info: { written: boolean }): void {
    const archive = this.archive;
    this.archive = undefined;
    if (!this.options.progress || !archive) return;
    if (!info.written) return this.say(`"${record.name}": stored by the earlier run, ledger record already written`);
    const seconds = (Date.now() - archive.started) / 1000;
    const retries = archive.retries > 0 ? `, ${retriesText(archive.retries)}` : '';
    const reused = archive.skipped > 0 ? `, ${formatBytes(archive.skipped)} already there` : '';
    this.say(`"${record.name}": stored ${formatBytes(record.size)} in ${seconds.toFixed(1)} s (${rate(archive.sent, seconds)}${reused}${retries})`);
  }

  retry(event: RetryEvent): void {
    if (this.archive) this.archive.retries++;
    // Glacier has no idempotency token: if the first attempt was stored and only its answer was
    // lost, the resent UploadArchive stores a second copy. Said even without --progress: only an
    // inventory can tell.
    if (event.operation === 'UploadArchive' && event.mayHaveTakenEffect && event.archive && !this.warnedStoredTwice.has(event.what)) {
      this.warnedStoredTwice.add(event.what);
      const { description, size, treeHash } = event.archive;
      this.say(
        `UploadArchive for ${event.what} failed after its whole body was sent (${describeAwsError(event.error)}); it is sent again, ` +
          `so the vault may end up holding it twice: check an inventory for a second archive with description ${JSON.stringify(description)}, size ${size} and tree hash ${treeHash}`,
      );
    }
    if (this.options.progress) {
      this.say(`retrying ${event.operation} for ${event.what} in ${(event.delayMs / 1000).toFixed(1)} s (attempt ${event.attempt} failed: ${describeAwsError(event.error)})`);
    }
  }

  warning(message: string): void {
    this.say(message);
  }

  /** Stops drawing and clears the status line. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clearLine();
  }

  private say(message: string): void {
    this.clearLine();
    this.out.write(`${this.options.name}: ${message}\n`);
  }

  private clearLine(): void {
    if (this.lineShown) this.out.write('\r\x1b[K');
    this.lineShown = false;
  }

  private draw(): void {
    const archive = this.archive;
    if (!archive) return;
    const seconds = (Date.now() - archive.started) / 1000;
    const done = archive.sent + archive.skipped;
    const fields = [`"${archive.name}"`];
    if (archive.size !== null && archive.size > 0) {
      fields.push(`${formatBytes(done)} of ${formatBytes(archive.size)} (${Math.floor((100 * done) / archive.size)}%)`);
    } else fields.push(formatBytes(done));
    fields.push(rate(archive.sent, seconds));
    const perSecond = archive.sent / seconds;
    if (archive.size !== null && perSecond > 0 && done < archive.size) fields.push(`ETA ${clock((archive.size - done) / perSecond)}`);
    if (archive.retries > 0) fields.push(retriesText(archive.retries));
    const line = `${this.options.name}: ${fields.join(', ')}`;
    if (this.options.tty) {
      this.out.write(`\r${line}\x1b[K`);
      this.lineShown = true;
    } else this.out.write(`${line}\n`);
  }
}

function retriesText(count: number): string {
  return `${count} ${count === 1 ? 'retry' : 'retries'}`;
}

function rate(bytes: number, seconds: number): string {
  return seconds > 0 ? `${formatBytes(Math.round(bytes / seconds))}/s` : '-';
}

function clock(seconds: number): string {
  const s = Math.round(seconds);
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}
