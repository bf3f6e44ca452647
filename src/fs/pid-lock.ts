// A lock file holding its owner's pid, for state that two processes must not write at once (a
// gl-local data directory, a gl-put-parts journal). A lock left by a process that no longer runs
// (kill -9) is taken over.

import { readFile, rm, writeFile } from 'node:fs/promises';

export interface PidLock {
  release(): Promise<void>;
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
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, `${process.pid}\n`, { flag: 'wx' });
      return { release: () => rm(path, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(owner) && owner > 0 && isRunning(owner)) throw new LockedError(path, owner);
    await rm(path, { force: true });
  }
  throw new Error(`could not take the lock ${path}: it keeps coming back`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
