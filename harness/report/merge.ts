import { SetupError } from '../errors.ts';
import type { RunReport } from './types.ts';

/**
 * Runs made on several runners (the shards of one selection) as one run: every
 * scenario once, in the order the runs are given, the summary recounted, the
 * time from the first start to the last finish. A scenario in two runs is an
 * error: shards of one selection never overlap.
 */
export function mergeReports(runs: readonly RunReport[], runId: string): RunReport {
  const seen = new Map<string, string>();
  for (const run of runs)
    for (const s of run.scenarios) {
      const other = seen.get(s.id);
      if (other !== undefined)
        throw new SetupError(
          `${s.id} is in two of the reports (runs ${other} and ${run.runId}): shards never overlap`,
        );
      seen.set(s.id, run.runId);
    }
  const scenarios = runs.flatMap((r) => r.scenarios);
  const summary = { passed: 0, failed: 0, skipped: 0, errored: 0 };
  for (const s of scenarios) summary[s.status] += 1;
  const targets = new Set(runs.flatMap((r) => r.target.split('+')));
  const target: RunReport['target'] =
    targets.has('local') && targets.has('aws') ? 'local+aws' : targets.has('aws') ? 'aws' : 'local';
  const times = (pick: (r: RunReport) => string) => runs.map(pick).sort();
  return {
    runId,
    startedAt: times((r) => r.startedAt)[0] ?? new Date().toISOString(),
    finishedAt: times((r) => r.finishedAt).at(-1) ?? new Date().toISOString(),
    target,
    summary,
    scenarios,
    mergedFrom: runs.map((r) => r.runId),
  };
}
