// The frame every command runs in: one clear line on failure, exit statuses, Ctrl-C, closed stdout.

import { EXIT, InterruptedError, PipesError, errorMessage } from '../errors.js';

export interface CommandContext {
  /** Aborted on the first SIGINT/SIGTERM; a second signal exits at once. */
  signal: AbortSignal;
  /** Sets what to do (synchronously) when a second signal makes the command exit at once. */
  atQuit(last: () => void): void;
}

export interface RunOptions {
  /**
   * What a closed stdout (`| head`) means. `quiet` (the default) ends the command with status 0;
   * `fail` is for commands whose output must not be lost, such as the archive ledger.
   */
  onClosedStdout?: 'quiet' | 'fail';
}

/** Prints `name: message` on stderr. Diagnostics never go to stdout. */
export function warn(name: string, message: string): void {
  process.stderr.write(`${name}: ${message}\n`);
}

export async function runCommand(
  name: string,
  main: (context: CommandContext) => Promise<number | void>,
  options: RunOptions = {},
): Promise<never> {
  const controller = new AbortController();
  let signals = 0;
  let last: (() => void) | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      warn(name, `interrupted again by ${signal}: quitting at once`);
      last?.();
      process.exit(EXIT.interrupted);
    }
    controller.abort(new InterruptedError(`interrupted by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let stdoutClosed = false;
  let stdoutFailed: PipesError | undefined;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    stdoutClosed = true;
    if (err.code !== 'EPIPE') {
      // A full disk or an I/O error: output is lost, which is never quiet, however main ends.
      stdoutFailed = new PipesError('STDOUT', `stdout: ${err.message}`);
      controller.abort(stdoutFailed);
      return;
    }
    if ((options.onClosedStdout ?? 'quiet') === 'quiet') process.exit(EXIT.ok);
    controller.abort(new PipesError('STDOUT_CLOSED', 'stdout was closed before all output was written'));
  });

  // Diagnostics are not the data: when whoever read stderr has gone (`2>&1 >ledger | head -1`),
  // or it cannot be written, the command carries on without them, and its exit status still
  // tells how it went. Without a listener, the first failed write would kill the process.
  process.stderr.on('error', () => {});

  let status: number;
  try {
    status = (await main({ signal: controller.signal, atQuit: (fn) => (last = fn) })) ?? EXIT.ok;
  } catch (err) {
    status = report(name, controller.signal.aborted ? (controller.signal.reason ?? err) : err);
  }
  if (!stdoutClosed) await flushStdout();
  if (stdoutFailed && status === EXIT.ok) status = report(name, stdoutFailed);
  process.exit(status);
}

function report(name: string, err: unknown): number {
  if (err instanceof PipesError) {
    warn(name, err.message);
    return err.exitCode;
  }
  warn(name, errorMessage(err));
  if (process.env.GL_PIPES_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  return EXIT.failed;
}

function flushStdout(): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.destroyed) return resolve();
    process.stdout.write('', () => resolve());
  });
}
