import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Interrupted, Steps } from '../lifecycle/steps.ts';
import type { RunReport, ScenarioReport } from '../report/types.ts';
import { writeReport } from '../report/write.ts';
import { onAws, type Scenario } from '../scenario/schema.ts';
import { sweepRun } from '../topology/docker.ts';
import { withEngineLock } from '../topology/engine-lock.ts';
import { ensureImages } from '../topology/images.ts';
import type { RunContext } from './context.ts';
import { runScenarioGroup, shareKey } from './run-scenario.ts';

export interface RunEvents {
  runStarted(runId: string, scenarios: Scenario[]): void;
  /** An image build started (millis undefined), or the builds the run waited for ended. */
  building(tags: string, millis?: number): void;
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
  /** Scenarios run at once; each has its own networks and containers, so they cannot collide. */
  jobs?: number;
}): Promise<{ report: RunReport; dir: string }> {
  const runId = newRunId();
  const startedAt = new Date().toISOString();
  const origin = performance.now();
  const cpuAtStart = process.cpuUsage();
  // The run's own steps: not announced (the events say them their own way), timed for the profile.
  const own = new Steps(opts.signal, () => undefined, origin);
  const runDir = join(opts.reportsDir, runId);
  opts.events.runStarted(runId, opts.scenarios);
  // AWS scenarios need no containers; a run of only those needs no Docker.
  const local = !opts.scenarios.every(onAws);
  const built: string[] = [];
  const buildStart = performance.now();
  const images = local
    ? await own.run('checking images', () =>
        ensureImages((tag) => {
          built.push(tag);
          opts.events.building(tag);
        }),
      )
    : null;
  if (built.length > 0)
    opts.events.building(built.join(', '), Math.round(performance.now() - buildStart));
  await mkdir(runDir, { recursive: true });
  const reports: ScenarioReport[] = new Array<ScenarioReport>(opts.scenarios.length);
  const groups = groupByTopology(opts.scenarios);
  const pending = groups.map((_, index) => index);
  // Two dual-stack networks at once on one engine broke host-to-container IPv6
  // connects (timeouts), also across two runs: IPv6 scenarios take turns on the
  // engine, whichever run they belong to; everything else runs side by side.
  const needsTurn = (group: Scenario[]) =>
    images !== null && group.some((s) => s.balancer.ipv6Clients);
  let turnsTaken = 0;
  const inTurn = async <T>(group: Scenario[], work: () => Promise<T>): Promise<T> => {
    if (!images || !needsTurn(group)) return work();
    turnsTaken += 1;
    try {
      return await withEngineLock(
        'ipv6',
        { runId, image: images.balancer, signal: opts.signal },
        work,
      );
    } finally {
      turnsTaken -= 1;
    }
  };
  // A few workers take groups in file order; reports keep the scenarios' order.
  const worker = async (lane: number) => {
    while (pending.length > 0) {
      if (opts.signal.aborted) throw new Interrupted();
      const index = takeNext(pending, (i) => turnsTaken > 0 && needsTurn(groups[i]!));
      const group = groups[index]!;
      const taken = performance.now();
      for (const scenario of group)
        opts.events.scenarioStarted(scenario, opts.scenarios.indexOf(scenario));
      const done = await inTurn(group, () =>
        runScenarioGroup(group, {
          runId,
          images,
          runDir,
          reportsDir: opts.reportsDir,
          signal: opts.signal,
          origin,
          announce: opts.events.step,
          warn: opts.events.warn,
        }),
      );
      const schedule = {
        lane,
        group: index,
        startMillis: Math.round(taken - origin),
        millis: Math.round(performance.now() - taken),
      };
      for (const [i, scenarioReport] of done.entries()) {
        const report = { ...scenarioReport, schedule };
        reports[opts.scenarios.indexOf(group[i]!)] = report;
        opts.events.scenarioFinished(report);
      }
    }
  };
  try {
    const workers = Math.max(1, Math.min(opts.jobs ?? 1, groups.length));
    const results = await Promise.allSettled(
      Array.from({ length: workers }, (_, lane) => worker(lane)),
    );
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
  } finally {
    if (local) await own.always("sweeping the run's leftovers", () => sweepRun(runId));
  }
  const cpu = process.cpuUsage(cpuAtStart);
  const summary = { passed: 0, failed: 0, skipped: 0, errored: 0 };
  for (const r of reports) summary[r.status] += 1;
  const report: RunReport = {
    runId,
    startedAt,
    finishedAt: new Date().toISOString(),
    target: local ? (opts.scenarios.some(onAws) ? 'local+aws' : 'local') : 'aws',
    summary,
    scenarios: reports,
    timings: own.timings,
    cpuMillis: { user: Math.round(cpu.user / 1000), system: Math.round(cpu.system / 1000) },
  };
  const dir = await writeReport(opts.reportsDir, report);
  return { report, dir };
}

/**
 * Takes the first of `pending` (group indexes, in file order) that would not
 * just wait: one that needs the engine-wide turn another worker holds would
 * idle its worker for the whole of that group. When every group would wait,
 * the first.
 */
export function takeNext(pending: number[], wouldWait: (index: number) => boolean): number {
  const at = pending.findIndex((i) => !wouldWait(i));
  return pending.splice(Math.max(at, 0), 1)[0]!;
}

/** Scenarios that can share one topology go together; the rest run alone. In file order. */
export function groupByTopology(scenarios: Scenario[]): Scenario[][] {
  const groups: Scenario[][] = [];
  const byKey = new Map<string, Scenario[]>();
  for (const scenario of scenarios) {
    const key = shareKey(scenario);
    const existing = key === null ? undefined : byKey.get(key);
    if (existing) {
      existing.push(scenario);
      continue;
    }
    const group = [scenario];
    groups.push(group);
    if (key !== null) byKey.set(key, group);
  }
  return groups;
}
