// Shared pieces for benchmarks: run a shell pipeline, time it, read each stage's peak RSS.
// Benchmarks compare against a baseline measured in the same run and report ratios.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatBytes } from '../src/units.js';

/** The repository root (bench/ compiles to dist/bench/). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** bin/ holds the command shims; benchmarks put it first on PATH. */
export const binDir = join(repoRoot, 'bin');

const GNU_TIME = '/usr/bin/time';

export interface StageStats {
  label: string;
  maxRssBytes: number;
}

export interface Measurement {
  seconds: number;
  stages: StageStats[];
}

/** A scratch directory removed by the returned function. */
export function scratchDir(prefix = 'glp-bench-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(process.env.GL_PIPES_BENCH_DIR ?? tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Runs `script` with `bash -o pipefail`. Inside the script, write `$(measure LABEL) command ...`
 * to record the command's peak RSS under LABEL (one word). Returns wall time and each measured stage.
 */
export async function measureShell(script: string, env: NodeJS.ProcessEnv = {}): Promise<Measurement> {
  if (!existsSync(GNU_TIME)) throw new Error(`benchmarks need GNU time at ${GNU_TIME} (Debian package "time")`);
  const scratch = scratchDir('glp-measure-');
  const statsFile = join(scratch.dir, 'stats');
  // The words measure() prints are word-split but never unquoted by bash, so they carry no
  // quotes: the label (no spaces) and the peak RSS are joined by "=" and split at the last one.
  const prelude = `measure() { printf '%s -a -o %s -f %s' ${GNU_TIME} '${statsFile}' "$1=%M"; }\n`;
  const started = process.hrtime.bigint();
  try {
    await new Promise<void>((resolvePromise, reject) => {
      const child = spawn('bash', ['-o', 'pipefail', '-c', prelude + script], {
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, PATH: `${binDir}:${process.env.PATH}`, ...env },
      });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolvePromise() : reject(new Error(`benchmark script failed (${code}): ${script}`))));
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const stages = existsSync(statsFile)
      ? readFileSync(statsFile, 'utf8')
          .split('\n')
          .filter((line) => line.includes('='))
          .map((line) => {
            const at = line.lastIndexOf('=');
            return { label: line.slice(0, at), maxRssBytes: Number(line.slice(at + 1)) * 1024 };
          })
      : [];
    return { seconds, stages };
  } finally {
    scratch.remove();
  }
}

/** Runs a command and returns its stdout as text. */
export function capture(command: string, args: string[]): string {
  return execFileSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
}

export function mibPerSecond(bytes: number, seconds: number): number {
  return bytes / 2 ** 20 / seconds;
}

/** Prints a small aligned table. */
export function printTable(title: string, header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((row) => row.map((cell) => (typeof cell === 'number' ? cell.toFixed(2) : cell)))];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => String(row[i] ?? '').length)));
  console.log(`\n## ${title}`);
  for (const row of cells) console.log(row.map((cell, i) => String(cell ?? '').padEnd(widths[i])).join('  ').trimEnd());
}

/** The gl-local command as users start it (bin/gl-local passes its Node flags). */
export const glLocalCommand = join(binDir, 'gl-local');

/** A server in its own process that printed its URL as its first line of output. */
export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** SIGTERM, then resolves once it has exited. */
  stop: () => Promise<void>;
}

export async function startServerProcess(command: string, args: string[]): Promise<ServerProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code} before printing its URL`)));
  });
  const exited = once(child, 'exit');
  return {
    child,
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** gl-local (the built command) as its own process, keeping its state in `dataDir`. */
export function startGlLocal(dataDir: string, args: string[] = []): Promise<ServerProcess> {
  return startServerProcess(glLocalCommand, ['--data-dir', dataDir, ...args]);
}

export function shellQuote(arg: string): string {
  return `'${arg.replaceAll("'", "'\\''")}'`;
}

/** Each label's best run as a table row next to the first label's (the baseline): seconds, MiB/s, ratio, peak RSS. */
export function printRatios(title: string, labels: string[], best: Map<string, { seconds: number; rss: number }>, bytes: number): void {
  const baseline = best.get(labels[0])!;
  printTable(
    title,
    ['run', 'seconds', 'MiB/s', 'x baseline', 'peak RSS'],
    labels.map((label) => {
      const { seconds, rss } = best.get(label)!;
      return [label, seconds, mibPerSecond(bytes, seconds), baseline.seconds / seconds, formatBytes(rss)];
    }),
  );
}
