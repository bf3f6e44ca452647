// One wording for a file that cannot be used, whichever command meets it.

import { PipesError } from '../errors.js';

/** `PATH: no such file`, `PATH: permission denied`, or the error's own message (which names the path). */
export function fileProblem(err: unknown, path: string): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `${path}: no such file`;
  if (code === 'EACCES') return `${path}: permission denied`;
  if (err instanceof PipesError) return err.message;
  return `${path}: ${(err as Error).message}`;
}

/** The same as a PipesError (code BAD_FILE), for throwing. */
export function fileError(err: unknown, path: string): PipesError {
  return new PipesError('BAD_FILE', fileProblem(err, path));
}
