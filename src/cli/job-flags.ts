// The flags every command that starts Glacier jobs takes (gl-select, gl-retrieve, gl-inventory).

import type { Options } from 'yargs';
import { UsageError } from '../errors.js';
import { descriptionProblem } from '../records/limits.js';

export const jobFlags = {
  description: { type: 'string', requiresArg: true, describe: 'job description (printable ASCII, at most 1,024 bytes)' },
  'sns-topic': { type: 'string', requiresArg: true, describe: 'SNS topic ARN Glacier notifies when a job completes' },
} as const satisfies Record<string, Options>;

/** A --description Glacier would refuse is a usage error before any job. */
export function checkJobDescription(description: string | undefined): void {
  const problem = description === undefined ? undefined : descriptionProblem(description);
  if (problem) throw new UsageError(`--description: ${problem}`);
}
