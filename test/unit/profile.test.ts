import { runProfile, runProfileRows, stepName } from '../../harness/report/profile.ts';
import type { RunReport, ScenarioReport } from '../../harness/report/types.ts';
import type { StepTiming } from '../../harness/step-timing.ts';
import { runReport, scenario } from '../support/failing-run.ts';

// A run of 41.2 s on two lanes, figured by hand:
//   lane 1: c (300 → 12 300), then d (12 300 → 27 300)
//   lane 0: aws, skipped (300, 0 ms), then a + b sharing a topology (12 400 → 40 400)
// Lane 0 ends last, so it is the critical path.
const step = (name: string, startMillis: number, millis: number): StepTiming => ({
  step: name,
  startMillis,
  millis,
});
const shared = [
  step('creating networks', 12_500, 1_000),
  step('starting backends', 13_500, 5_000),
  step('cleaning up', 38_000, 2_000),
];
/** A passed scenario the scheduler put on `lane` as group `group`, from `startMillis` for `millis`. */
const ran = (
  id: string,
  [lane, group, startMillis, millis]: [number, number, number, number],
  timings: StepTiming[],
): ScenarioReport =>
  scenario({
    id,
    status: 'passed',
    reason: 'ok',
    schedule: { lane, group, startMillis, millis },
    timings,
  });
const scenarios: ScenarioReport[] = [
  scenario({
    id: 'aws',
    status: 'skipped',
    reason: 'no AWS',
    schedule: { lane: 0, group: 0, startMillis: 300, millis: 0 },
  }),
  ran(
    'c',
    [1, 1, 300, 12_000],
    [
      step('creating networks', 400, 800),
      step('starting backends', 1_200, 4_000),
      step('connecting 4 clients', 5_300, 5_000),
      step('cleaning up', 10_400, 1_500),
    ],
  ),
  ran('a', [0, 2, 12_400, 28_000], [...shared, step('connecting 3 clients', 18_600, 6_000)]),
  ran(
    'b',
    [0, 2, 12_400, 28_000],
    [
      ...shared,
      step('connecting 55 clients', 24_700, 9_000),
      step('letting health checks run 2 s', 33_800, 2_000),
    ],
  ),
  ran(
    'd',
    [1, 3, 12_300, 15_000],
    [step('starting backends', 12_400, 6_000), step('cleaning up', 18_500, 7_000)],
  ),
];
const report: RunReport = {
  ...runReport(scenarios),
  startedAt: '2026-11-26T00:00:00.000Z',
  finishedAt: '2026-11-26T00:00:41.200Z',
  timings: [step('checking images', 0, 300), step("sweeping the run's leftovers", 40_600, 500)],
  cpuMillis: { user: 3_000, system: 1_000 },
};

describe('runProfile', () => {
  test('steps once per group (shared ones once), summed by name, longest first', () => {
    expect(runProfile(report).steps).toEqual([
      { step: 'connecting clients', millis: 20_000, count: 3 },
      { step: 'starting backends', millis: 15_000, count: 3 },
      { step: 'cleaning up', millis: 10_500, count: 3 },
      { step: 'letting health checks run', millis: 2_000, count: 1 },
      { step: 'creating networks', millis: 1_800, count: 2 },
    ]);
  });

  test('the critical path is the lane that ends last, its groups in order', () => {
    const c = runProfile(report).critical!;
    expect(c.lane).toBe(0);
    expect(c.groups.map((g) => [g.scenarios, g.startMillis, g.millis])).toEqual([
      [['aws'], 300, 0],
      [['a', 'b'], 12_400, 28_000],
    ]);
    expect(c.endMillis).toBe(40_400);
    expect(c.steps.map((t) => [t.step, t.millis])).toEqual([
      ['connecting clients', 15_000],
      ['starting backends', 5_000],
      ['cleaning up', 2_000],
      ['letting health checks run', 2_000],
      ['creating networks', 1_000],
    ]);
    // a + b took 28 s, 25 s of it in steps; the lane waited 12.1 s between its two groups.
    expect(c.untimedMillis).toBe(3_000);
    expect(c.idleMillis).toBe(12_100);
  });

  test('working is the harness CPU; waiting, the rest of the wall time', () => {
    const p = runProfile(report);
    expect([p.wallMillis, p.cpuMillis, p.waitingMillis]).toEqual([41_200, 4_000, 37_200]);
  });

  test('a report from before schedules and offsets: each scenario alone, no critical path', () => {
    const old = runReport(
      scenarios.map((s) => ({
        ...s,
        schedule: undefined,
        timings: s.timings.map(({ step: name, millis }) => ({ step: name, millis })),
      })),
    );
    const p = runProfile(old);
    expect(p.critical).toBeNull();
    expect(p.cpuMillis).toBeNull();
    // a's and b's shared steps cannot be told apart from their own: counted in each.
    expect(p.steps.find((t) => t.step === 'starting backends')).toEqual({
      step: 'starting backends',
      millis: 20_000,
      count: 4,
    });
  });

  test('a merged report has lanes of several runs: no critical path', () => {
    expect(runProfile({ ...report, mergedFrom: ['x', 'y'] }).critical).toBeNull();
  });
});

describe('stepName', () => {
  test.each([
    ['connecting 55 clients', 'connecting clients'],
    ['letting health checks run 2.5 s', 'letting health checks run'],
    [
      'enabling proxy_protocol_v2 through the ELBv2 API',
      'enabling proxy_protocol_v2 through the ELBv2 API',
    ],
  ])('%s → %s', (raw, name) => expect(stepName(raw)).toBe(name));
});

describe('runProfileRows', () => {
  test('wall, working and waiting with their shares, the critical lane and its groups', () => {
    const rows = new Map(runProfileRows(report));
    expect(rows.get('wall time')).toBe('41.2 s');
    expect(rows.get('working (harness CPU)')).toBe('4.0 s (10 %)');
    expect(rows.get('waiting (engine, containers, sleeps)')).toBe('37.2 s (90 %)');
    expect(rows.get('run: checking images')).toBe('300 ms');
    expect(rows.get('critical path')).toBe(
      'lane 0: 2 groups, 300 ms before the first, ends at 40.4 s, 800 ms after',
    );
    expect(rows.get('  a + b')).toBe('28.0 s from 12.4 s');
    expect(rows.get('  on it: connecting clients')).toBe('15.0 s (36 %)');
  });
});
