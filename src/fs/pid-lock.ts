// A lock file holding its owner's pid, for state that two processes must not write at once (a
// gl-local data directory, a gl-put-parts journal). A lock left by a process that no longer runs
// (kill -9) is taken over.
//
// Takers starting at once must not both win, also over a dead process's lock. So a lock file is
// never seen without its pid (the pid is written to a file of the taker's own, then linked into
// place), and a dead owner's lock is never removed, only replaced in one rename by the one taker
// that holds `PATH.stale-PID` (itself a lock of this kind).

import { rmSync } from 'node:fs';
import { link, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

export interface PidLock {
  release(): Promise<void>;
  /** For a process about to exit at once, with no time to wait. */
  releaseNow(): void;
}

/** Thrown when a running process holds the lock. */
export class LockedError extends Error {
  constructor(
    readonly path: string,
    readonly owner: number,
  ) {
    super(`${path} is held by pid ${owner}`);
  }
}

export async function takePidLock(path: string): Promise<PidLock> {
  await claim(path);
  return { release: () => rm(path, { force: true }), releaseNow: () => rmSync(path, { force: true }) };
}

/** Makes the lock file `path` hold this process's pid, unless a running process holds it. */
async function claim(path: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await putPid(path, (own) => link(own, path))) return;
    const owner = await ownerOf(path);
    if (owner === undefined) continue;
    if (isRunning(owner)) throw new LockedError(path, owner);
    const breaker = `${path}.stale-${owner}`;
    try {
      await claim(breaker);
    } catch (err) {
      if (!(err instanceof LockedError)) throw err;
      // Another taker is replacing the dead owner's lock: see who holds it then.
      await sleep(5);
      continue;
    }
    try {
      // Only the holder of the breaker replaces a lock that still names the dead owner.
      if ((await ownerOf(path)) === owner) {
        await putPid(path, (own) => rename(own, path));
        return;
      }
    } finally {
      await rm(breaker, { force: true });
    }
  }
  throw new Error(`could not take the lock ${path}: it keeps changing hands`);
}

let ownFiles = 0;

/** Writes this process's pid to a file of its own and `place`s it at `path`; false if `path` exists. */
async function putPid(path: string, place: (own: string) => Promise<void>): Promise<boolean> {
  const own = `${path}.${process.pid}-${++ownFiles}`;
  await writeFile(own, `${process.pid}\n`);
  try {
    await place(own);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await rm(own, { force: true });
  }
}

/** The pid in a lock file: undefined when there is no file, 0 when it holds no pid. */
async function ownerOf(path: string): Promise<number | undefined> {
  let text;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : 0;
}

function isRunning(pid: number): boolean {
  // kill(0) would signal our own process group.
  if (pid === 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
