import type { RunReport } from './types.ts';

/** Milliseconds as people read them: 850 ms, 12.3 s, 2 min 05 s. */
export function formatMillis(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return 'unknown';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** How long the whole run took, from its start and finish times. */
export const runMillis = (report: RunReport): number =>
  Date.parse(report.finishedAt) - Date.parse(report.startedAt);
