// gl-local's HTTP server: one listener for Glacier and S3. Each request is routed by the
// service in its credential scope (falling back to the path shape), its SigV4 signature is
// checked, fault rules are applied, and it is handed to the Glacier service or the S3 backend.

import { createHash } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { finished, pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { lockDataDir, type DataDirLock } from './data-dir-lock.js';
import { corruptResponseBody, resetMidRequestBody, resetMidResponseBody } from './fault-effects.js';
import { FaultInjector, parseFaultSpec, type FaultRule } from './faults.js';
import type { GlacierCall, GlacierContext, Reply } from './glacier/context.js';
import { GlacierError } from './glacier/errors.js';
import { newRequestId } from './glacier/ids.js';
import { JobRunner } from './glacier/job-runner.js';
import { isGlacierPath, routeGlacier } from './glacier/routes.js';
import { handleGlacier, streamsBody } from './glacier/service.js';
import { GlacierStore } from './glacier/store.js';
import { isValidVaultName } from './glacier/validate.js';
import type { JobDelay } from './job-delay.js';
import type { RequestLogRecord } from './request-log.js';
import { openS3Backend, type S3Backend } from './s3/index.js';
import { authError, faultError, isErrorFault, writeServiceError, type Service, type ServiceError } from './service-errors.js';
import { AuthFailure, parseAuthorization, parseQuery, verifySignature } from './sigv4.js';

export interface LocalOptions {
  /** Interface to listen on; loopback unless asked otherwise. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Where state lives. Without it: a fresh temporary directory, removed by close(). */
  dataDir?: string;
  /** The one key pair requests must be signed with (default test/test). */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Region in ARNs (default us-east-1). Signatures are checked in the request's own scope. */
  region?: string;
  /** The account ID in ARNs and Location headers (default 111122223333). */
  accountId?: string;
  /** Seconds every job takes, or 'tier' (default 0). */
  jobDelay?: JobDelay;
  /** A select job starts a new results/ object once the current one holds this many bytes (default 64 MiB). */
  resultObjectBytes?: number;
  /** A fault spec (see faults.ts and the README) or parsed rules. */
  faults?: string | FaultRule[];
  faultSeed?: number;
  /** Keep every request's record in LocalServer.requests (default true). */
  recordRequests?: boolean;
  /** Vaults to create at start-up (kept if they exist already), so a pipeline can be tried at once. */
  vaults?: string[];
  /** Called with internal errors (a bug or a disk failure); default: print to stderr. */
  onError?: (err: unknown) => void;
}

export interface LocalServer extends EventEmitter {
  /** `http://HOST:PORT`, the endpoint for SDK clients, the AWS CLI and boto. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly accountId: string;
  readonly region: string;
  /** Every request answered so far, in the order they finished (when recordRequests is on). */
  readonly requests: RequestLogRecord[];
  /** The S3 backend, for writing objects straight into gl-local's S3 (benchmarks, test set-up). */
  readonly s3: S3Backend;
  /** Each answered request's log record, and the request itself (its headers as they arrived). */
  on(event: 'request', listener: (record: RequestLogRecord, req: IncomingMessage) => void): this;
  /** Stops listening, lets requests in flight finish (briefly), and removes a temporary data dir. */
  close(): Promise<void>;
}

const DEFAULT_ACCOUNT_ID = '111122223333';
/** Non-upload bodies (InitiateJob's JSON) are read whole; nothing legitimate comes near this. */
const MAX_SMALL_BODY = 2 * 1024 * 1024;
const CLOSE_GRACE_MS = 2000;

export async function startLocal(options: LocalOptions = {}): Promise<LocalServer> {
  const rules = typeof options.faults === 'string' ? parseFaultSpec(options.faults) : (options.faults ?? []);
  const temporary = options.dataDir === undefined;
  const dataDir = resolve(options.dataDir ?? (await mkdtemp(join(tmpdir(), 'gl-local-'))));
  await mkdir(join(dataDir, 's3'), { recursive: true });
  const lock = await lockDataDir(dataDir);
  try {
    const onError = options.onError ?? ((err: unknown) => process.stderr.write(`gl-local: internal error: ${(err as Error)?.stack ?? String(err)}\n`));
    const region = options.region ?? 'us-east-1';
    const s3 = await openS3Backend({ dataDir: join(dataDir, 's3'), region, onInternalError: onError });
    const store = await GlacierStore.open(join(dataDir, 'glacier'));
    for (const name of options.vaults ?? []) {
      if (!isValidVaultName(name)) throw new Error(`invalid vault name "${name}": 1 to 255 characters from a-z, A-Z, 0-9, '_', '-' and '.'`);
      await store.createVault(name, new Date().toISOString());
    }
    const jobs = new JobRunner(store, options.jobDelay ?? 0, s3, onError, options.resultObjectBytes);
    const context: GlacierContext = { store, accountId: options.accountId ?? DEFAULT_ACCOUNT_ID, region, jobs, s3 };
    const server = new LocalHttpServer(context, {
      secrets: new Map([[options.accessKeyId ?? 'test', options.secretAccessKey ?? 'test']]),
      faults: new FaultInjector(rules, options.faultSeed ?? 1),
      recordRequests: options.recordRequests ?? true,
      dataDir,
      temporary,
      lock,
      onError,
    });
    await server.listen(options.host ?? '127.0.0.1', options.port ?? 0);
    jobs.scheduleAll();
    return server;
  } catch (err) {
    await lock.release();
    if (temporary) await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}

interface ServerSettings {
  secrets: Map<string, string>;
  faults: FaultInjector;
  recordRequests: boolean;
  dataDir: string;
  temporary: boolean;
  lock: DataDirLock;
  onError: (err: unknown) => void;
}

/** Per-request state shared by the steps below. */
interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  record: RequestLogRecord;
  service: Service;
  /** True until `100 Continue` has been sent to a client that waits for it. */
  continuePending: boolean;
}

class LocalHttpServer extends EventEmitter implements LocalServer {
  readonly requests: RequestLogRecord[] = [];
  readonly dataDir: string;
  host = '';
  port = 0;
  private readonly http: Server;
  private active = 0;

  constructor(
    private readonly context: GlacierContext,
    private readonly settings: ServerSettings,
  ) {
    super();
    this.dataDir = settings.dataDir;
    // No overall request timeout: a 4 GiB part on a slow link is legitimate.
    this.http = createServer({ requestTimeout: 0 });
    this.http.on('request', (req, res) => this.serve(req, res, false));
    // Listening for checkContinue lets gl-local check signatures before the client sends a body.
    this.http.on('checkContinue', (req, res) => this.serve(req, res, true));
  }

  get url(): string {
    return `http://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  get accountId(): string {
    return this.context.accountId;
  }

  get region(): string {
    return this.context.region;
  }

  get s3(): S3Backend {
    return this.context.s3;
  }

  async listen(host: string, port: number): Promise<void> {
    this.http.listen(port, host);
    await once(this.http, 'listening');
    const address = this.http.address() as AddressInfo;
    this.host = host;
    this.port = address.port;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolvePromise) => this.http.close(() => resolvePromise()));
    this.http.closeIdleConnections();
    const deadline = Date.now() + CLOSE_GRACE_MS;
    while (this.active > 0 && Date.now() < deadline) await sleep(20);
    this.http.closeAllConnections();
    await closed;
    await this.context.jobs.close();
    await this.settings.lock.release();
    if (this.settings.temporary) await rm(this.dataDir, { recursive: true, force: true });
  }

  private async serve(req: IncomingMessage, res: ServerResponse, expectsContinue: boolean): Promise<void> {
    this.active++;
    const started = Date.now();
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const rawPath = queryAt < 0 ? url : url.slice(0, queryAt);
    const rawQuery = queryAt < 0 ? '' : url.slice(queryAt + 1);
    const auth = parseAuthorization(req.headers);
    const scopeService = auth instanceof AuthFailure ? undefined : auth?.service;
    const service: Service = scopeService === 's3' ? 's3' : scopeService === 'glacier' || isGlacierPath(rawPath) ? 'glacier' : 's3';
    const route = service === 'glacier' ? routeGlacier(req.method ?? 'GET', rawPath) : undefined;
    const requestId = newRequestId();
    const record: RequestLogRecord = {
      time: new Date(started).toISOString(),
      requestId,
      service,
      operation: service === 'glacier' ? (route?.operation ?? 'Unknown') : this.context.s3.operation(req.method ?? 'GET', url),
      method: req.method ?? 'GET',
      path: url,
      vault: route?.vault ?? null,
      archiveId: route?.archiveId ?? null,
      uploadId: route?.uploadId ?? null,
      jobId: route?.jobId ?? null,
      contentRange: headerOf(req, 'content-range') ?? null,
      range: headerOf(req, 'range') ?? null,
      status: null,
      error: null,
      fault: null,
      latencyMs: 0,
      durationMs: 0,
    };
    const exchange: Exchange = { req, res, record, service, continuePending: expectsContinue };
    res.once('close', () => {
      this.active--;
      record.status = res.headersSent ? res.statusCode : null;
      record.durationMs = Date.now() - started;
      if (this.settings.recordRequests) this.requests.push(record);
      this.emit('request', record, req);
    });
    if (service === 'glacier') res.setHeader('x-amzn-RequestId', requestId);

    try {
      if (auth === undefined) return await this.fail(exchange, authError(service, new AuthFailure('missing', 'no Authorization header')));
      if (auth instanceof AuthFailure) return await this.fail(exchange, authError(service, auth));
      const smallBody = service === 'glacier' && !streamsBody(record.operation) ? await this.readSmallBody(exchange) : undefined;
      if (headerOf(req, 'x-amz-content-sha256') === undefined && service === 's3') {
        return await this.fail(exchange, { status: 400, code: 'InvalidRequest', message: 'Missing required header for this request: x-amz-content-sha256' });
      }
      const failure = await verifySignature({ method: record.method, rawPath, rawQuery, headers: req.headers, service }, auth, (key) => this.settings.secrets.get(key), smallBody);
      if (failure) return await this.fail(exchange, authError(service, failure));
      if (smallBody !== undefined) this.checkSmallBodyHash(smallBody, req);

      if (this.settings.faults.active && (await this.injectFault(exchange))) return;

      if (service === 's3') {
        this.acceptBody(exchange);
        await this.context.s3.handle(req, res);
        return;
      }
      const call: GlacierCall = {
        route: route!,
        req,
        query: firstValues(parseQuery(rawQuery)),
        body: smallBody,
        acceptBody: () => this.acceptBody(exchange),
      };
      await this.reply(exchange, await handleGlacier(this.context, call));
    } catch (err) {
      if (err instanceof GlacierError) return await this.fail(exchange, err);
      this.settings.onError(err);
      if (res.headersSent) res.destroy();
      else await this.fail(exchange, { status: 500, code: service === 'glacier' ? 'ServiceUnavailableException' : 'InternalError', message: `gl-local internal error: ${(err as Error).message}` });
    }
  }

  private acceptBody(exchange: Exchange): void {
    if (!exchange.continuePending) return;
    exchange.continuePending = false;
    exchange.res.writeContinue();
  }

  /** Reads a whole non-upload body (InitiateJob's JSON, or nothing). */
  private async readSmallBody(exchange: Exchange): Promise<Buffer> {
    this.acceptBody(exchange);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of exchange.req) {
      size += (chunk as Buffer).length;
      if (size > MAX_SMALL_BODY) throw new GlacierError(400, 'InvalidParameterValueException', `The request body is larger than ${MAX_SMALL_BODY} bytes.`);
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  /** A signed x-amz-content-sha256 on a small body must match it (SDK v3 sends one on every request). */
  private checkSmallBodyHash(body: Buffer, req: IncomingMessage): void {
    const declared = headerOf(req, 'x-amz-content-sha256');
    if (declared === undefined || declared === 'UNSIGNED-PAYLOAD') return;
    const actual = createHash('sha256').update(body).digest('hex');
    if (declared.toLowerCase() !== actual) {
      throw new GlacierError(403, 'InvalidSignatureException', `The x-amz-content-sha256 header does not match the payload: expected ${declared}, computed ${actual}`);
    }
  }

  /** Applies the fault rules; true when the request was answered (or dropped) here. */
  private async injectFault(exchange: Exchange): Promise<boolean> {
    const { fault, latencyMs } = this.settings.faults.decide(exchange.record.operation);
    exchange.record.fault = fault ?? null;
    exchange.record.latencyMs = latencyMs;
    if (latencyMs > 0) await sleep(latencyMs);
    if (isErrorFault(fault)) {
      await this.fail(exchange, faultError(exchange.service, fault));
      return true;
    }
    if (fault === 'corrupt') corruptResponseBody(exchange.res);
    if (fault === 'reset') {
      const length = Number(headerOf(exchange.req, 'content-length') ?? 0);
      const unreadBody = !exchange.req.complete && (length > 0 || headerOf(exchange.req, 'transfer-encoding') !== undefined);
      if (!unreadBody) {
        resetMidResponseBody(exchange.res);
        return false;
      }
      this.acceptBody(exchange);
      await resetMidRequestBody(exchange.req, length || 2);
      return true;
    }
    return false;
  }

  private async reply(exchange: Exchange, reply: Reply): Promise<void> {
    const { res } = exchange;
    res.statusCode = reply.status;
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
    if (reply.stream) {
      res.setHeader('content-length', reply.stream.length);
      await pipeline(reply.stream.open(), res).catch((err: NodeJS.ErrnoException) => {
        // A client that goes away mid-download is not gl-local's error.
        if (err.code !== 'ERR_STREAM_PREMATURE_CLOSE' && !res.destroyed) throw err;
      });
      return;
    }
    const body = reply.json === undefined ? undefined : Buffer.from(JSON.stringify(reply.json));
    if (body) res.setHeader('content-type', 'application/json');
    if (reply.status !== 204) res.setHeader('content-length', body?.length ?? 0);
    res.end(body);
  }

  /**
   * Answers with an error. A body the client is still sending is read and dropped first, so the
   * connection stays usable; a client still waiting for `100 Continue` gets the error instead
   * and the connection is closed behind it.
   */
  private async fail(exchange: Exchange, error: ServiceError): Promise<void> {
    const { req, res } = exchange;
    if (res.headersSent || res.destroyed) return;
    exchange.record.error = error.code;
    if (!req.complete) {
      if (exchange.continuePending) res.setHeader('connection', 'close');
      else {
        req.resume();
        await finished(req).catch(() => undefined);
      }
    }
    if (res.destroyed) return;
    writeServiceError(res, exchange.service, error, exchange.record.requestId);
  }
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function firstValues(query: Record<string, string | string[]>): Record<string, string> {
  return Object.fromEntries(Object.entries(query).map(([key, value]) => [key, Array.isArray(value) ? value[0] : value]));
}
