// Errors that reach the user carry a stable code and the exit status the command ends with.

export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  /** A job is not finished yet and the caller asked not to wait (EX_TEMPFAIL from sysexits.h). */
  notReady: 75,
  /** Stopped by SIGINT or SIGTERM. */
  interrupted: 130,
} as const;

export class PipesError extends Error {
  readonly code: string;
  readonly exitCode: number;

  constructor(code: string, message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'PipesError';
    this.code = code;
    this.exitCode = options.exitCode ?? EXIT.failed;
  }
}

/** A bad flag or argument: exit status 2. */
export class UsageError extends PipesError {
  constructor(message: string) {
    super('USAGE', message, { exitCode: EXIT.usage });
    this.name = 'UsageError';
  }
}

/** Bad input at a known place: the message reads `source:line: what is wrong`. */
export class InputError extends PipesError {
  readonly source: string;
  readonly line: number | undefined;
  readonly reason: string;

  constructor(source: string, line: number | undefined, reason: string, code = 'BAD_INPUT') {
    super(code, line === undefined ? `${source}: ${reason}` : `${source}:${line}: ${reason}`);
    this.name = 'InputError';
    this.source = source;
    this.line = line;
    this.reason = reason;
  }
}

/** The run was stopped on request (Ctrl-C); whatever was acknowledged stays acknowledged. */
export class InterruptedError extends PipesError {
  constructor(message = 'interrupted') {
    super('INTERRUPTED', message, { exitCode: EXIT.interrupted });
    this.name = 'InterruptedError';
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
