// The Glacier calls an upload makes, each retried with backoff and jitter through one shared
// ThrottleGate (5xx, 408, throttling, dropped connections), with the hashes supplied up front
// (glacier-api.md §5.4) and a fresh body per attempt. The SDK client must be made with
// maxAttempts: 1: these retries are the only ones, for stream bodies and for everything else.
// A call that fails for good throws a RequestError: one line naming the call and what it was for.

import type { GlacierClient } from '@aws-sdk/client-glacier';
import { glacierSdk } from '../require-commonjs.js';
import type { Readable } from 'node:stream';
import { withUploadHeaders } from '../aws/clients.js';
import { awsErrorCode, describeAwsError, httpStatus } from '../aws/errors.js';
import { withRetries } from '../aws/retry.js';
import type { ThrottleGate } from '../aws/throttle-gate.js';
import { PipesError } from '../errors.js';
import { fileProblem } from '../records/file-problem.js';
import { hashFileRange } from '../treehash/file-hash.js';
import { openPartBody, wholeBodySent, type PartSource } from './part-body.js';

const { AbortMultipartUploadCommand, CompleteMultipartUploadCommand, InitiateMultipartUploadCommand, ListPartsCommand, UploadArchiveCommand, UploadMultipartPartCommand } = glacierSdk();

export interface RetryEvent {
  operation: string;
  /** What the call was for: `part 3 (bytes 6291456-8388607) of "photos.tar"`. */
  what: string;
  error: unknown;
  /** The attempt that failed (1 for the first). */
  attempt: number;
  delayMs: number;
  /**
   * Calls with a body: the failed attempt had sent its whole body and no answer says Glacier
   * refused it (there was none, or a 5xx): it may have been carried out.
   */
  mayHaveTakenEffect?: boolean;
  /** For UploadArchive: the archive it stores, so that a possible second copy can be named. */
  archive?: { description: string; size: number; treeHash: string };
}

export interface UploadRequestsOptions {
  /** An SDK client made with maxAttempts: 1 (createGlacierClient(settings, { maxAttempts: 1 })). */
  client: GlacierClient;
  vault: string;
  /** Shared by every call, so throttling slows them all. */
  gate: ThrottleGate;
  /** Attempts per call, the first included (default 10). */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  onRetry?: (event: RetryEvent) => void;
}

/** A call that failed for good. `cause` is the last error; `awsCode` its AWS error code, if any. */
export class RequestError extends PipesError {
  readonly awsCode: string | undefined;

  /** `afterwards`: what the user must know beyond the failure itself. */
  constructor(operation: string, what: string, cause: unknown, attempts: number, afterwards = '') {
    const tries = attempts > 1 ? ` (gave up after ${attempts} attempts)` : '';
    super('REQUEST_FAILED', `${operation} for ${what}: ${describeAwsError(cause)}${tries}${afterwards}`, { cause });
    this.name = 'RequestError';
    this.awsCode = awsErrorCode(cause);
  }
}

export interface PartHashes {
  treeHash: string;
  sha256: string;
}

export interface StoredArchive {
  archiveId: string;
  /** The archive tree hash Glacier reports, when it reports one. */
  checksum: string | undefined;
}

export interface ListedPart {
  first: number;
  last: number;
  treeHash: string;
}

export interface ListedUpload {
  partSize: number;
  description: string;
  /** In byte order. */
  parts: ListedPart[];
}

/** How a call is made: `signal` stops retrying (a request already on the wire is let finish). */
export interface CallOptions {
  signal?: AbortSignal;
  /** Bytes of the body as they go out; a failed attempt takes its bytes back (negative). */
  onBytes?: (bytes: number) => void;
}

const accountId = '-';

export class UploadRequests {
  readonly vault: string;
  private readonly client: GlacierClient;
  private readonly options: UploadRequestsOptions;

  constructor(options: UploadRequestsOptions) {
    this.client = options.client;
    this.vault = options.vault;
    this.options = options;
  }

  async initiate(partSize: number, description: string, what: string, call: CallOptions = {}): Promise<string> {
    const output = await this.retry('InitiateMultipartUpload', what, call, () =>
      this.client.send(new InitiateMultipartUploadCommand({ accountId, vaultName: this.vault, partSize: String(partSize), archiveDescription: description || undefined })),
    );
    if (!output.uploadId) throw new PipesError('BAD_RESPONSE', `InitiateMultipartUpload for ${what}: Glacier answered without an upload ID`);
    return output.uploadId;
  }

  /** Sends one part and checks the tree hash Glacier computed. */
  async uploadPart(uploadId: string, start: number, source: PartSource, hashes: PartHashes, what: string, call: CallOptions = {}): Promise<void> {
    const range = `bytes ${start}-${start + source.size - 1}/*`;
    const output = await this.retryWithBody('UploadMultipartPart', what, call, source, hashes, {}, (body) => {
      const command = new UploadMultipartPartCommand({ accountId, vaultName: this.vault, uploadId, range, checksum: hashes.treeHash, body });
      withUploadHeaders(command, { sha256: hashes.sha256, contentLength: source.size });
      return this.client.send(command);
    });
    checkChecksum('UploadMultipartPart', what, output.checksum, hashes.treeHash);
  }

  /** Stores a whole archive in one request (it must fit in one request: up to 4 GiB). */
  async uploadArchive(description: string, source: PartSource, hashes: PartHashes, what: string, call: CallOptions = {}): Promise<StoredArchive> {
    const archive = { description, size: source.size, treeHash: hashes.treeHash };
    const output = await this.retryWithBody('UploadArchive', what, call, source, hashes, { archive }, (body) => {
      const command = new UploadArchiveCommand({ accountId, vaultName: this.vault, archiveDescription: description || undefined, checksum: hashes.treeHash, body });
      withUploadHeaders(command, { sha256: hashes.sha256, contentLength: source.size });
      return this.client.send(command);
    });
    return stored('UploadArchive', what, output);
  }

  /** Completes a multipart upload. Glacier answers a repeated Complete with the same archive. */
  async complete(uploadId: string, size: number, treeHash: string, what: string, call: CallOptions = {}): Promise<StoredArchive> {
    const output = await this.retry('CompleteMultipartUpload', what, call, () =>
      this.client.send(new CompleteMultipartUploadCommand({ accountId, vaultName: this.vault, uploadId, archiveSize: String(size), checksum: treeHash })),
    );
    return stored('CompleteMultipartUpload', what, output);
  }

  async abort(uploadId: string, what: string, call: CallOptions = {}): Promise<void> {
    await this.retry('AbortMultipartUpload', what, call, () => this.client.send(new AbortMultipartUploadCommand({ accountId, vaultName: this.vault, uploadId })));
  }

  /** Every part Glacier holds for the upload (all pages): what a resumed upload trusts. */
  async listParts(uploadId: string, what: string, call: CallOptions = {}): Promise<ListedUpload> {
    const parts: ListedPart[] = [];
    let marker: string | undefined;
    let partSize = 0;
    let description = '';
    do {
      // The page size is left to the service: the API reference says at most 50, another page 1,000.
      const page = await this.retry('ListParts', what, call, () => this.client.send(new ListPartsCommand({ accountId, vaultName: this.vault, uploadId, marker })));
      partSize = page.PartSizeInBytes ?? partSize;
      description = page.ArchiveDescription ?? description;
      for (const part of page.Parts ?? []) {
        const match = /^(\d+)-(\d+)$/.exec(part.RangeInBytes ?? '');
        if (!match || !part.SHA256TreeHash) throw new PipesError('BAD_RESPONSE', `ListParts for ${what}: Glacier listed a part as ${JSON.stringify(part)}`);
        parts.push({ first: Number(match[1]), last: Number(match[2]), treeHash: part.SHA256TreeHash });
      }
      marker = page.Marker ?? undefined;
    } while (marker);
    parts.sort((a, b) => a.first - b.first);
    return { partSize, description, parts };
  }

  /** `detail` adds to each RetryEvent what only the caller knows about the failed attempt. */
  private async retry<T>(
    operation: string,
    what: string,
    call: CallOptions,
    send: () => Promise<T>,
    detail?: () => Partial<RetryEvent>,
    afterwards?: () => string,
  ): Promise<T> {
    let attempts = 0;
    try {
      return await withRetries(
        () => {
          attempts++;
          return send();
        },
        {
          attempts: this.options.attempts ?? 10,
          baseDelayMs: this.options.baseDelayMs,
          maxDelayMs: this.options.maxDelayMs,
          gate: this.options.gate,
          signal: call.signal,
          onRetry: (error, attempt, delayMs) => this.options.onRetry?.({ operation, what, error, attempt, delayMs, ...detail?.() }),
        },
      );
    } catch (err) {
      if (err instanceof PipesError || call.signal?.aborted) throw err;
      throw new RequestError(operation, what, err, attempts, afterwards?.());
    }
  }

  /**
   * Like retry, with a fresh body for every attempt; a failed attempt's bytes are taken back. A
   * file whose bytes are no longer those hashed explains a failure better than Glacier can (a
   * payload that does not match its signed hash).
   */
  private async retryWithBody<T>(
    operation: string,
    what: string,
    call: CallOptions,
    source: PartSource,
    hashes: PartHashes,
    detail: Partial<RetryEvent>,
    send: (body: Readable) => Promise<T>,
  ): Promise<T> {
    let mayHaveTakenEffect = false;
    // An UploadArchive that fails for good may still have stored the archive on an attempt
    // whose answer was lost: the vault then holds it without a ledger record.
    let mayHaveStored = false;
    const afterwards = () =>
      detail.archive && mayHaveStored
        ? `; an attempt may have stored it all the same: check an inventory for an archive with description ${JSON.stringify(detail.archive.description)}, ` +
          `size ${detail.archive.size} and tree hash ${detail.archive.treeHash} before storing it again`
        : '';
    try {
      return await this.retry(operation, what, call, async () => {
        mayHaveTakenEffect = false;
        let sent = 0;
        const body = openPartBody(source, (bytes) => {
          sent += bytes;
          call.onBytes?.(bytes);
        });
        try {
          return await send(body);
        } catch (err) {
          const status = httpStatus(err);
          mayHaveTakenEffect = wholeBodySent(body) && (status === undefined || status >= 500);
          mayHaveStored ||= mayHaveTakenEffect;
          call.onBytes?.(-sent);
          // A file that shrank is not a network fault: report it as it is, without retrying.
          if (body.errored instanceof PipesError) throw new PipesError(body.errored.code, `${what}: ${body.errored.message}`);
          throw err;
        } finally {
          body.destroy();
        }
      }, () => ({ ...detail, mayHaveTakenEffect }), afterwards);
    } catch (err) {
      if (err instanceof RequestError && source.kind === 'file' && !call.signal?.aborted) {
        const change = await fileChange(source, hashes);
        if (change) throw new PipesError('FILE_CHANGED', `${what}: ${change}`, { cause: err });
      }
      throw err;
    }
  }
}

/** How a file part's bytes differ from when they were hashed, or undefined when they do not. */
async function fileChange(source: Extract<PartSource, { kind: 'file' }>, hashes: PartHashes): Promise<string | undefined> {
  const { path, start, size } = source;
  let now;
  try {
    now = await hashFileRange(path, start, size);
  } catch (err) {
    return `${fileProblem(err, path)}: the file changed after its bytes were hashed`;
  }
  if (now.treeHash === hashes.treeHash && now.sha256 === hashes.sha256) return undefined;
  return `${path} changed after its bytes were hashed: bytes ${start}-${start + size - 1} now have tree hash ${now.treeHash}, not ${hashes.treeHash}`;
}

function stored(operation: string, what: string, output: { archiveId?: string; checksum?: string }): StoredArchive {
  if (!output.archiveId) throw new PipesError('BAD_RESPONSE', `${operation} for ${what}: Glacier answered without an archive ID`);
  return { archiveId: output.archiveId, checksum: output.checksum };
}

function checkChecksum(operation: string, what: string, reported: string | undefined, ours: string): void {
  if (reported !== undefined && reported !== ours) {
    throw new PipesError('CHECKSUM_MISMATCH', `${operation} for ${what}: Glacier computed tree hash ${reported}, but the part's is ${ours}`);
  }
}
