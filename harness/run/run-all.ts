import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Interrupted } from '../lifecycle/steps.ts';
import type { RunReport, ScenarioReport } from '../report/types.ts';
import { writeReport } from '../report/write.ts';
import type { Scenario } from '../scenario/schema.ts';
import { sweepRun } from '../topology/docker.ts';
import { ensureImages } from '../topology/images.ts';
import { runScenario, type RunContext } from './run-scenario.ts';

export interface RunEvents {
  runStarted(runId: string, scenarios: Scenario[]): void;
  building(tag: string): void;
  scenarioStarted(scenario: Scenario, index: number): void;
  step: RunContext['announce'];
  warn: RunContext['warn'];
  scenarioFinished(report: ScenarioReport): void;
}

/** A sortable, unique id: the time it started plus a little randomness. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

/**
 * Runs every scenario, writes the report, and removes every container and
 * network the run created — by label, after each scenario's own teardown — on
 * success, failure and interruption alike.
 */
export async function runAll(opts: {
  scenarios: Scenario[];
  reportsDir: string;
  signal: AbortSignal;
  events: RunEvents;
}): Promise<{ report: RunReport; dir: string }> {
  const runId = newRunId();
  const startedAt = new Date().toISOString();
  const runDir = join(opts.reportsDir, runId);
  opts.events.runStarted(runId, opts.scenarios);
  const images = await ensureImages((tag) => opts.events.building(tag));
  await mkdir(runDir, { recursive: true });
  const reports: ScenarioReport[] = [];
  try {
    for (const [index, scenario] of opts.scenarios.entries()) {
      if (opts.signal.aborted) throw new Interrupted();
      opts.events.scenarioStarted(scenario, index);
      const report = await runScenario(scenario, {
        runId,
        images,
        runDir,
        signal: opts.signal,
        announce: opts.events.step,
        warn: opts.events.warn,
      });
      reports.push(report);
      opts.events.scenarioFinished(report);
    }
  } finally {
    await sweepRun(runId);
  }
  const summary = { passed: 0, failed: 0, skipped: 0 };
  for (const r of reports) summary[r.status] += 1;
  const report: RunReport = {
    runId,
    startedAt,
    finishedAt: new Date().toISOString(),
    target: 'local',
    summary,
    scenarios: reports,
  };
  const dir = await writeReport(opts.reportsDir, report);
  return { report, dir };
}
