// Fault injection: which requests fail, and how. A spec is a comma-separated list of rules,
//
//   [OPERATIONS:]KIND[@RATE][xCOUNT]
//
//   OPERATIONS  operation names joined by `|` (UploadMultipartPart|PutObject), or `*` (the default)
//   KIND        500 | throttle | timeout | limit | policy | capacity | reset | corrupt |
//               latency=DURATION (ms, or s with `s`)
//   RATE        probability per matching request: 0.25 or 25% (default 1)
//   COUNT       at most this many faults from this rule
//
// e.g. `UploadMultipartPart:500@0.2,GetJobOutput:corrupt x1,*:latency=50ms@50%`. Decisions are
// reproducible: the n-th request a rule sees gets the same draw for the same seed.

import { createHash } from 'node:crypto';

export type FaultKind = '500' | 'throttle' | 'timeout' | 'limit' | 'policy' | 'capacity' | 'reset' | 'corrupt';

export interface FaultRule {
  /** Operation names the rule applies to; empty means every operation. */
  operations: string[];
  kind: FaultKind | 'latency';
  latencyMs: number;
  rate: number;
  limit: number | undefined;
}

export interface FaultDecision {
  fault: FaultKind | undefined;
  latencyMs: number;
}

const RULE =
  /^(?:([A-Za-z0-9*|]+):)?(500|throttle|timeout|limit|policy|capacity|reset|corrupt|latency=(\d+(?:\.\d+)?)(ms|s)?)(?:@(\d+(?:\.\d+)?)(%)?)?(?:x(\d+))?$/;

/** Parses a spec; throws an Error naming the bad rule. */
export function parseFaultSpec(spec: string): FaultRule[] {
  return spec
    .split(',')
    .map((text) => text.replace(/\s+/g, ''))
    .filter((text) => text !== '')
    .map((text) => {
      const match = RULE.exec(text);
      if (!match) throw new Error(`bad fault rule "${text}": expected [OPERATION:]KIND[@RATE][xCOUNT], KIND one of 500, throttle, timeout, limit, policy, capacity, reset, corrupt, latency=MS`);
      const [, ops, kindText, latency, unit, rateText, percent, count] = match;
      const operations = ops === undefined || ops === '*' ? [] : ops.split('|').filter((op) => op !== '');
      if (operations.includes('*')) throw new Error(`bad fault rule "${text}": "*" cannot be combined with operation names`);
      const rate = rateText === undefined ? 1 : Number(rateText) / (percent ? 100 : 1);
      if (!(rate >= 0 && rate <= 1)) throw new Error(`bad fault rule "${text}": the rate must be between 0 and 1 (or 0% and 100%)`);
      const isLatency = kindText.startsWith('latency=');
      return {
        operations,
        kind: isLatency ? 'latency' : (kindText as FaultKind),
        latencyMs: isLatency ? Number(latency) * (unit === 's' ? 1000 : 1) : 0,
        rate,
        limit: count === undefined ? undefined : Number(count),
      };
    });
}

export class FaultInjector {
  private readonly seen: number[];
  private readonly fired: number[];

  constructor(
    private readonly rules: readonly FaultRule[],
    private readonly seed: number,
  ) {
    this.seen = rules.map(() => 0);
    this.fired = rules.map(() => 0);
  }

  get active(): boolean {
    return this.rules.length > 0;
  }

  /**
   * What happens to the next request for `operation`: added latency from every latency rule that
   * fires, and at most one other fault, from the first rule that fires.
   */
  decide(operation: string): FaultDecision {
    const decision: FaultDecision = { fault: undefined, latencyMs: 0 };
    this.rules.forEach((rule, i) => {
      if (rule.operations.length > 0 && !rule.operations.includes(operation)) return;
      const draw = this.draw(i, this.seen[i]++);
      if (draw >= rule.rate || (rule.limit !== undefined && this.fired[i] >= rule.limit)) return;
      if (rule.kind === 'latency') {
        decision.latencyMs += rule.latencyMs;
        this.fired[i]++;
      } else if (decision.fault === undefined) {
        decision.fault = rule.kind;
        this.fired[i]++;
      }
    });
    return decision;
  }

  /** A uniform number in [0, 1) from the seed, the rule and how many requests the rule has seen. */
  private draw(rule: number, n: number): number {
    return createHash('sha256').update(`${this.seed}:${rule}:${n}`).digest().readUInt32BE(0) / 2 ** 32;
  }
}
