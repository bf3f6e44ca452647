// Deleting the archives a ledger names (gl-rm as a library): DeleteArchive for each, a bounded
// number in flight, each retried with backoff, all passing one ThrottleGate, so that a throttle
// slows every request and fewer run at once. Results come out in input order, one per archive:
// the `deleted` record Glacier confirmed, or why it was not deleted. DeleteArchive is
// idempotent, so deleting again what is already gone succeeds again.

import type { GlacierClient } from '@aws-sdk/client-glacier';
import { glacierSdk } from '../require-commonjs.js';
import { awsErrorCode, describeAwsError } from '../aws/errors.js';
import { withRetries } from '../aws/retry.js';
import { ThrottleGate } from '../aws/throttle-gate.js';
import { orderedMap } from '../jobs/ordered-map.js';
import type { ArchiveRecord, DeletedRecord } from '../records/types.js';

const { DeleteArchiveCommand } = glacierSdk();

export interface DeleteOptions {
  /** DeleteArchive requests in flight (default 4). */
  concurrency?: number;
  /** Attempts per archive, the first included (default 8). */
  attempts?: number;
  signal?: AbortSignal;
  /** Shared by every request; by default a fresh one per call, at `concurrency`. */
  gate?: ThrottleGate;
  /** Told of every failed attempt that will be retried. */
  onRetry?: (archive: ArchiveRecord, err: unknown, attempt: number) => void;
}

/** An archive to delete, with whatever the caller uses to name it in messages (a line number). */
export interface DeleteRequest<T> {
  archive: ArchiveRecord;
  tag: T;
}

export type DeleteResult<T> = { tag: T; archive: ArchiveRecord } & ({ ok: true; record: DeletedRecord } | { ok: false; reason: string; error: unknown });

/** The `deleted` record for an archive: the ledger record as it was, `type` changed, the time added. */
export function deletedRecord(archive: ArchiveRecord, when: Date): DeletedRecord {
  return { ...archive, type: 'deleted', deleted: when.toISOString() };
}

/** Why an archive was not deleted, in words that say what to check. */
export function deleteFailureReason(archive: ArchiveRecord, err: unknown): string {
  const said = describeAwsError(err);
  const message = (err as Error)?.message ?? '';
  if (awsErrorCode(err) === 'InvalidParameterValueException' && /invalid vault name/i.test(message)) {
    return `archive ${archive.archiveId} is not in vault ${archive.vault}: Glacier deletes an archive only through the vault that holds it; check the record's "vault" (${said})`;
  }
  if (awsErrorCode(err) === 'ResourceNotFoundException' && /^vault not found/i.test(message)) return `vault ${archive.vault} does not exist (${said})`;
  if (awsErrorCode(err) === 'ResourceNotFoundException') return `Glacier does not know archive ${archive.archiveId} in vault ${archive.vault} (${said})`;
  return `vault ${archive.vault}, archive ${archive.archiveId}: ${said}`;
}

/**
 * Deletes one archive, retried (the client should make one attempt per call: createGlacierClient
 * with maxAttempts 1, so that every throttle reaches the gate); resolves with its `deleted` record.
 */
export async function deleteArchive(glacier: GlacierClient, archive: ArchiveRecord, options: DeleteOptions = {}): Promise<DeletedRecord> {
  await withRetries(() => glacier.send(new DeleteArchiveCommand({ accountId: '-', vaultName: archive.vault, archiveId: archive.archiveId }), { abortSignal: options.signal }), {
    attempts: options.attempts,
    signal: options.signal,
    gate: options.gate,
    onRetry: (err, attempt) => options.onRetry?.(archive, err, attempt),
  });
  return deletedRecord(archive, new Date());
}

/**
 * Deletes every archive of `requests`, `concurrency` at a time, and yields one result per archive
 * in input order. A failed archive does not stop the others. When `requests` itself fails (a bad
 * input line), no further archive is started; the deletes under way finish and are yielded, then
 * that failure is thrown, so no confirmed delete goes unreported.
 */
export async function* deleteArchives<T>(
  glacier: GlacierClient,
  requests: AsyncIterable<DeleteRequest<T>> | Iterable<DeleteRequest<T>>,
  options: DeleteOptions = {},
): AsyncGenerator<DeleteResult<T>> {
  const concurrency = options.concurrency ?? 4;
  const shared = { ...options, gate: options.gate ?? new ThrottleGate(concurrency) };
  let inputFailure: { error: unknown } | undefined;
  async function* guarded(): AsyncGenerator<DeleteRequest<T>> {
    try {
      yield* requests;
    } catch (error) {
      inputFailure = { error };
    }
  }
  const results = orderedMap(guarded(), concurrency, async ({ archive, tag }): Promise<DeleteResult<T>> => {
    try {
      return { tag, archive, ok: true, record: await deleteArchive(glacier, archive, shared) };
    } catch (error) {
      if (options.signal?.aborted) throw error;
      return { tag, archive, ok: false, reason: deleteFailureReason(archive, error), error };
    }
  });
  yield* results;
  if (inputFailure) throw inputFailure.error;
}
