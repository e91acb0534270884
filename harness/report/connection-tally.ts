// A scenario with more connections than a person reads row by row is reported
// as counts, rates and latency percentiles, with every failure listed and the
// first passes as a sample. Pure: evidence in, the report's part out.
import type { Evidence } from '../evidence/types.ts';

/** Up to this many connections, the report lists every one. */
export const ROWS_IN_FULL = 200;
/** Beyond it, this many passes are listed besides every failure. */
export const PASSES_SAMPLED = 20;

export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** How many connections timed themselves. */
  of: number;
}

export interface ConnectionTally {
  total: number;
  passed: number;
  failed: number;
  /** The connections the report lists: every failure, then the first passes. */
  listed: { failures: number; passes: number };
  /** Connections per backend instance that served them (the capture's or the backend's word). */
  byInstance: Record<string, number>;
  /** Distinct origin addresses. */
  origins: number;
  /**
   * Verified connections per second, end to end: from starting the clients
   * (their containers included) to the last verdict (capture collection included).
   */
  verifiedPerSecond: number;
  /** The whole span that rate is over. */
  millis: number;
  latencyMs: {
    /** The client's TCP handshake with the balancer: before any PROXY header. */
    connect: Percentiles | null;
    /** Until the backend answered: the balancer's connection with the header, and the session. */
    answer: Percentiles | null;
  };
}

/** Nearest-rank percentiles of `values` (sorted here). */
export function percentiles(values: number[]): Percentiles | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return {
    p50: rank(50),
    p90: rank(90),
    p99: rank(99),
    max: sorted[sorted.length - 1]!,
    of: sorted.length,
  };
}

/**
 * The rows a report keeps of `evidence`, and, when it is too many to list, the
 * tally that stands for the rest. `millis` is the span the rate is over: from
 * starting the clients to the last verdict.
 */
export function tallyConnections(
  evidence: Evidence[],
  millis: number,
): { rows: Evidence[]; tally: ConnectionTally | null } {
  if (evidence.length <= ROWS_IN_FULL) return { rows: evidence, tally: null };
  const failures = evidence.filter((e) => !e.verdict.ok);
  const passes = evidence.filter((e) => e.verdict.ok);
  const sample = passes.slice(0, PASSES_SAMPLED);
  const byInstance: Record<string, number> = {};
  for (const e of evidence) {
    const instance = e.captured?.instance ?? e.backend?.instance ?? '(none)';
    byInstance[instance] = (byInstance[instance] ?? 0) + 1;
  }
  const timed = evidence.flatMap((e) => (e.timing ? [e.timing] : []));
  return {
    rows: [...failures, ...sample],
    tally: {
      total: evidence.length,
      passed: passes.length,
      failed: failures.length,
      listed: { failures: failures.length, passes: sample.length },
      byInstance,
      origins: new Set(evidence.flatMap((e) => (e.origin ? [e.origin.address] : []))).size,
      verifiedPerSecond: millis > 0 ? Math.round((passes.length * 1000) / millis) : 0,
      millis: Math.round(millis),
      latencyMs: {
        // Answered connections only: the probes time nothing else.
        connect: percentiles(timed.map((t) => t.connectMs)),
        answer: percentiles(timed.map((t) => t.answerMs)),
      },
    },
  };
}

const count = (n: number) => n.toLocaleString('en-US');
const ms = (n: number) => `${n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : Math.round(n)} ms`;
const spread = (p: Percentiles) =>
  `p50 ${ms(p.p50)}, p90 ${ms(p.p90)}, p99 ${ms(p.p99)}, max ${ms(p.max)} (${count(p.of)} timed)`;

/** A tally in sentences, as the console, summary.md and index.html all say it. */
export function tallyLines(t: ConnectionTally): string[] {
  const backends = Object.entries(t.byInstance)
    .map(([instance, n]) => `${instance} ${count(n)}`)
    .join(', ');
  return [
    `${count(t.total)} connections from ${t.origins} origin address(es): ${count(t.passed)} passed, ${count(t.failed)} failed; by backend: ${backends}`,
    `${count(t.verifiedPerSecond)} verified connections/s end to end: ${(t.millis / 1000).toFixed(1)} s from starting the clients to the last verdict, capture collection included`,
    ...(t.latencyMs.connect
      ? [`TCP connect to the balancer, before any PROXY header: ${spread(t.latencyMs.connect)}`]
      : []),
    ...(t.latencyMs.answer
      ? [
          `until the backend answered, the balancer's connection with its header included: ${spread(t.latencyMs.answer)}`,
        ]
      : []),
    `listed: every failure (${count(t.listed.failures)}) and the first ${count(t.listed.passes)} passes; the rest are counted above`,
  ];
}
