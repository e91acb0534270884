import {
  percentiles,
  PASSES_SAMPLED,
  ROWS_IN_FULL,
  tallyConnections,
  tallyLines,
} from '../../harness/report/connection-tally.ts';
import type { Evidence } from '../../harness/evidence/types.ts';

const evidence = (i: number, ok: boolean): Evidence => ({
  client: `load-1#${i}`,
  origin: { address: i % 2 ? '10.1.0.2' : '10.1.0.3', port: 40000 + i },
  balancer: { address: '10.2.0.250', subnet: '10.2.0.0/24', front: null },
  wire: null,
  wireError: null,
  captured: {
    instance: `backend-${(i % 3) + 1}`,
    connection: { src: '10.2.0.250', sport: 1000 + i, dst: '10.2.0.2', dport: 3306 },
  },
  captureDropped: 0,
  backendTrust: null,
  backend: null,
  error: null,
  // 1..N ms, so the percentiles are known by hand.
  timing: { connectMs: i, answerMs: 2 * i },
  verdict: ok ? { ok: true, reasons: [] } : { ok: false, reasons: [`client ${i} misattributed`] },
});

describe('a tally of many connections', () => {
  test('nearest-rank percentiles', () => {
    expect(percentiles([])).toBeNull();
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentiles(hundred)).toEqual({ p50: 50, p90: 90, p99: 99, max: 100, of: 100 });
    expect(percentiles([7])).toEqual({ p50: 7, p90: 7, p99: 7, max: 7, of: 1 });
  });

  test('up to the limit every row is kept and nothing is tallied', () => {
    const all = Array.from({ length: ROWS_IN_FULL }, (_, i) => evidence(i + 1, true));
    expect(tallyConnections(all, 1000)).toEqual({ rows: all, tally: null });
  });

  test('beyond it: every failure, the first passes, the counts, the rate, the latencies', () => {
    const all = Array.from({ length: 1000 }, (_, i) =>
      evidence(i + 1, i + 1 !== 500 && i + 1 !== 900),
    );
    const { rows, tally } = tallyConnections(all, 2000);
    expect(rows.map((r) => r.client)).toEqual([
      'load-1#500',
      'load-1#900',
      ...Array.from({ length: PASSES_SAMPLED }, (_, i) => `load-1#${i + 1}`),
    ]);
    expect(tally).toEqual({
      total: 1000,
      passed: 998,
      failed: 2,
      listed: { failures: 2, passes: PASSES_SAMPLED },
      byInstance: { 'backend-1': 333, 'backend-2': 334, 'backend-3': 333 },
      origins: 2,
      verifiedPerSecond: 499,
      millis: 2000,
      latencyMs: {
        connect: { p50: 500, p90: 900, p99: 990, max: 1000, of: 1000 },
        answer: { p50: 1000, p90: 1800, p99: 1980, max: 2000, of: 1000 },
      },
    });
    const text = tallyLines(tally!).join('\n');
    expect(text).toContain('1,000 connections from 2 origin address(es): 998 passed, 2 failed');
    expect(text).toContain('499 verified connections/s');
    expect(text).toContain('p99 990 ms');
  });
});
