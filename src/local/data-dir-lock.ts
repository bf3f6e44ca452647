// One gl-local per data directory: two servers writing the same state would corrupt it.

import { join } from 'node:path';
import { LockedError, takePidLock, type PidLock } from '../fs/pid-lock.js';

export type DataDirLock = PidLock;

export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  try {
    return await takePidLock(join(dataDir, 'gl-local.pid'));
  } catch (err) {
    if (!(err instanceof LockedError)) throw err;
    throw new Error(`${dataDir} is in use by another gl-local (pid ${err.owner}); if it is not running, remove ${err.path}`);
  }
}
