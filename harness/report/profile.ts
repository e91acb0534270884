// Where a finished run's time went (pure): summed step time, the lane that
// decided the wall time, and how much of it the harness worked rather than waited.
import type { StepTiming } from '../step-timing.ts';
import { formatMillis, runMillis } from './durations.ts';
import type { RunReport } from './types.ts';

/** A step name's total over the run: "connecting 55 clients" and "connecting 3 clients" are one. */
export interface StepTotal {
  step: string;
  millis: number;
  count: number;
}

/** One group of scenarios a worker ran (usually one scenario), with its steps once each. */
export interface LaneGroup {
  scenarios: string[];
  /** The worker that ran it; null in a report without a schedule. */
  lane: number | null;
  startMillis: number;
  millis: number;
  steps: StepTiming[];
}

/** The worker that finished last: its groups in order are the chain that set the wall time. */
export interface CriticalPath {
  lane: number;
  groups: LaneGroup[];
  /** When its last group ended, in ms since the run started. */
  endMillis: number;
  /** Its groups' steps by name, longest first. */
  steps: StepTotal[];
  /** Time in its groups outside any step: an engine-wide turn (IPv6), writing artifacts, judging. */
  untimedMillis: number;
  /** Time on the lane between its groups (a worker picking the next group). */
  idleMillis: number;
}

export interface RunProfile {
  wallMillis: number;
  /** The run's own steps (images, the closing sweep). */
  run: StepTiming[];
  /** Every step of every group once, by name, longest first. */
  steps: StepTotal[];
  /** Null for a report without a schedule (older, or merged from shards: lanes of different runs). */
  critical: CriticalPath | null;
  /** The harness's own CPU over the run, null when the report did not record it. */
  cpuMillis: number | null;
  /** Wall time the process spent not on its CPU: waiting on the engine, containers, sleeps. */
  waitingMillis: number | null;
}

/** A step's name without its counts: "letting health checks run 2 s" → "letting health checks run". */
export const stepName = (step: string): string => step.replace(/ \d+(\.\d+)?( s)?(?= |$)/g, '');

/** Sums by step name, longest first (then by name, so equal totals keep one order). */
export function totalsByName(steps: readonly StepTiming[]): StepTotal[] {
  const totals = new Map<string, StepTotal>();
  for (const { step, millis } of steps) {
    const name = stepName(step);
    const total = totals.get(name) ?? { step: name, millis: 0, count: 0 };
    total.millis += millis;
    total.count += 1;
    totals.set(name, total);
  }
  return [...totals.values()].sort((a, b) => b.millis - a.millis || a.step.localeCompare(b.step));
}

/**
 * The run's groups: scenarios with one schedule entry are one group, their
 * shared steps (same name, same start) kept once. Without a schedule, each
 * scenario is its own group.
 */
function groupsOf(report: RunReport): LaneGroup[] {
  const groups = new Map<string, LaneGroup>();
  const seen = new Set<string>();
  for (const [i, s] of report.scenarios.entries()) {
    const key = s.schedule ? `${s.schedule.lane}/${s.schedule.group}` : `alone/${i}`;
    const group = groups.get(key) ?? {
      scenarios: [],
      lane: s.schedule?.lane ?? null,
      startMillis: s.schedule?.startMillis ?? 0,
      millis: s.schedule?.millis ?? s.durationMillis,
      steps: [],
    };
    group.scenarios.push(s.id);
    for (const t of s.timings) {
      const id = t.startMillis === undefined ? null : `${key}:${t.step}@${t.startMillis}`;
      if (id !== null && seen.has(id)) continue;
      if (id !== null) seen.add(id);
      group.steps.push(t);
    }
    groups.set(key, group);
  }
  return [...groups.values()];
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** The profile of a finished run, from its report alone. */
export function runProfile(report: RunReport): RunProfile {
  const wallMillis = runMillis(report);
  const groups = groupsOf(report);
  const cpuMillis = report.cpuMillis ? report.cpuMillis.user + report.cpuMillis.system : null;
  return {
    wallMillis,
    run: report.timings ?? [],
    steps: totalsByName(groups.flatMap((g) => g.steps)),
    critical: report.mergedFrom ? null : criticalPath(groups),
    cpuMillis,
    waitingMillis: cpuMillis === null ? null : Math.max(0, wallMillis - cpuMillis),
  };
}

function criticalPath(groups: LaneGroup[]): CriticalPath | null {
  if (groups.length === 0 || groups.some((g) => g.lane === null)) return null;
  const end = (g: LaneGroup) => g.startMillis + g.millis;
  const last = groups.reduce((a, b) => (end(b) > end(a) ? b : a));
  const lane = last.lane!;
  const chain = groups.filter((g) => g.lane === lane).sort((a, b) => a.startMillis - b.startMillis);
  const steps = chain.flatMap((g) => g.steps);
  const first = chain[0]!;
  return {
    lane,
    groups: chain,
    endMillis: end(last),
    steps: totalsByName(steps),
    untimedMillis: sum(chain.map((g) => g.millis)) - sum(steps.map((t) => t.millis)),
    idleMillis: end(last) - first.startMillis - sum(chain.map((g) => g.millis)),
  };
}

const seconds = (ms: number) => formatMillis(ms);
const share = (part: number, whole: number) =>
  whole > 0 ? ` (${Math.round((100 * part) / whole)} %)` : '';

/** The profile as label/value rows, for bench/profile.ts (and the bench's table). */
export function runProfileRows(report: RunReport): [string, string][] {
  const p = runProfile(report);
  const rows: [string, string][] = [['wall time', seconds(p.wallMillis)]];
  if (p.cpuMillis !== null && p.waitingMillis !== null) {
    rows.push(['working (harness CPU)', seconds(p.cpuMillis) + share(p.cpuMillis, p.wallMillis)]);
    rows.push([
      'waiting (engine, containers, sleeps)',
      seconds(p.waitingMillis) + share(p.waitingMillis, p.wallMillis),
    ]);
  }
  for (const t of p.run) rows.push([`run: ${t.step}`, seconds(t.millis)]);
  for (const t of p.steps)
    rows.push([`all scenarios: ${t.step}`, `${seconds(t.millis)} over ${t.count}`]);
  const c = p.critical;
  if (!c) {
    rows.push(['critical path', 'not recorded (a report without a schedule, or merged)']);
    return rows;
  }
  const before = c.groups[0]!.startMillis;
  rows.push([
    'critical path',
    `lane ${c.lane}: ${c.groups.length} groups, ${seconds(before)} before the first, ends at ${seconds(c.endMillis)}` +
      `, ${seconds(p.wallMillis - c.endMillis)} after`,
  ]);
  for (const g of c.groups)
    rows.push([
      `  ${g.scenarios.join(' + ')}`,
      `${seconds(g.millis)} from ${seconds(g.startMillis)}`,
    ]);
  for (const t of c.steps)
    rows.push([`  on it: ${t.step}`, seconds(t.millis) + share(t.millis, p.wallMillis)]);
  rows.push([
    '  on it, outside steps',
    seconds(c.untimedMillis) + share(c.untimedMillis, p.wallMillis),
  ]);
  rows.push(['  on it, between groups', seconds(c.idleMillis)]);
  return rows;
}

/** runProfileRows as an indented two-column table, one row a line. */
export function runProfileText(report: RunReport): string {
  const rows = runProfileRows(report);
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n');
}
