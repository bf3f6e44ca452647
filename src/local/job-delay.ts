// How long gl-local's jobs take. `0` finishes them at once (tests), a number of seconds delays
// every job by that much, and `tier` mimics the retrieval tiers at one second per real hour,
// from the upper end of each tier's documented time (at least one second).

export type JobDelay = number | 'tier';

/** Seconds per tier under `--job-delay tier`: Expedited 1–5 min, Standard 3–5 h, Bulk 5–12 h. */
export const TIER_SECONDS = { Expedited: 1, Standard: 5, Bulk: 12 } as const;

export function parseJobDelay(text: string): JobDelay | undefined {
  if (text === 'tier') return 'tier';
  if (!/^\d+(\.\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/** Inventory jobs have no tier; they take a Standard retrieval's time. */
export function jobDelayMs(delay: JobDelay, tier: keyof typeof TIER_SECONDS): number {
  return (delay === 'tier' ? TIER_SECONDS[tier] : delay) * 1000;
}
