// Runs real commands the way users do: a `bash -o pipefail` script with this worktree's bin/
// first on PATH. Commands load dist/, which `npm test` builds before tap runs.

import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const binDir = join(repoRoot, 'bin');

export interface ShellResult {
  status: number;
  stdout: Buffer;
  stderr: string;
}

export interface ShellOptions {
  /** Bytes for the script's stdin (default: none, stdin is closed). */
  input?: Buffer | string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Runs `script` under `bash -o pipefail -c` and collects its output and exit status. */
export function sh(script: string, options: ShellOptions = {}): Promise<ShellResult> {
  return new Promise((resolvePromise, reject) => {
    // tap injects NODE_OPTIONS (its process-info hooks) into every child it sees spawned; the
    // commands must run as users run them, so the script drops it before anything else.
    const child = spawn('bash', ['-o', 'pipefail', '-c', `unset NODE_OPTIONS\n${script}`], {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, ...options.env, PATH: `${binDir}:${process.env.PATH}` },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolvePromise({ status: code ?? (signal ? 128 : 1), stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString('utf8') });
    });
    // A command that exits before reading all its input closes the pipe; that is its business.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input);
  });
}

/** Quotes a string for a bash script. */
export function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** stdout as NDJSON records. */
export function records(result: ShellResult): Record<string, unknown>[] {
  return result.stdout
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
