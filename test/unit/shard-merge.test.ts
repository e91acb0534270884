import { loadScenarios } from '../../harness/scenario/load.ts';
import { groupByTopology } from '../../harness/run/run-all.ts';
import { parseShard, shardOf } from '../../harness/run/shard.ts';
import { mergeReports } from '../../harness/report/merge.ts';
import { runReport, scenario } from '../support/failing-run.ts';

const SCENARIOS = new URL('../../scenarios/', import.meta.url).pathname;

describe('--shard i/n', () => {
  test('the shards of the shipped scenarios run each exactly once, whole groups together, the same every time', async () => {
    const all = await loadScenarios(SCENARIOS);
    for (const count of [1, 2, 3, 5]) {
      const shards = Array.from({ length: count }, (_, i) => shardOf(all, { index: i + 1, count }));
      const ids = shards.flat().map((s) => s.id);
      expect(ids.sort()).toEqual(all.map((s) => s.id).sort());
      expect(new Set(ids).size).toBe(ids.length);
      // Deterministic: the same selection gives the same shares.
      expect(shards.map((s) => s.map((x) => x.id))).toEqual(
        Array.from({ length: count }, (_, i) =>
          shardOf(all, { index: i + 1, count }).map((x) => x.id),
        ),
      );
      // Scenarios that share a topology stay on one runner.
      for (const group of groupByTopology(all))
        expect(shards.filter((s) => group.some((g) => s.includes(g)))).toHaveLength(1);
    }
  });

  test('bad shard specs and a shard with nothing to run are bad input', async () => {
    for (const text of ['0/3', '4/3', '1/0', 'half', '1/3/2'])
      expect(() => parseShard(text)).toThrow(/--shard must be i\/n/);
    const two = (await loadScenarios(SCENARIOS)).slice(0, 1);
    expect(() => shardOf(two, { index: 2, count: 2 })).toThrow(/shard 2\/2 holds no scenario/);
  });
});

describe('proxyproof merge', () => {
  const a = runReport([scenario({ id: 'x', status: 'passed', reason: 'ok' })]);
  const b = {
    ...runReport([
      scenario({ id: 'y', status: 'failed', reason: 'no' }),
      scenario({ id: 'z', target: 'aws', status: 'skipped', reason: 'no settings' }),
    ]),
    runId: 'r2',
    startedAt: '2026-11-25T23:59:00.000Z',
    finishedAt: '2026-11-26T00:05:00.000Z',
  };

  test('one run of every scenario, the summary recounted, the whole time span, where each came from', () => {
    const m = mergeReports([a, b], 'merged');
    expect(m.scenarios.map((s) => s.id)).toEqual(['x', 'y', 'z']);
    expect(m.summary).toEqual({ passed: 1, failed: 1, skipped: 1, errored: 0 });
    expect([m.startedAt, m.finishedAt]).toEqual([
      '2026-11-25T23:59:00.000Z',
      '2026-11-26T00:05:00.000Z',
    ]);
    expect(m.mergedFrom).toEqual([a.runId, 'r2']);
    expect(m.target).toBe('local+aws');
  });

  test('a scenario in two reports is an error: shards never overlap', () => {
    expect(() => mergeReports([a, { ...a, runId: 'again' }], 'm')).toThrow(
      /x is in two of the reports/,
    );
  });
});
