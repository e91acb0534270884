import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunReport } from '../../harness/report/types.ts';
import { proxyproof } from '../support/cli.ts';

// Spread over runners: the shards of one selection, run separately and merged,
// report what one unsharded run reports (the same scenarios, statuses and
// connection counts), and the merge gates on the whole.
const CONTAINERS = 20 * 60_000;
const SELECTION =
  'classic-elb-v1,two-backends,classic-elb-policy-off,untrusted-balancer,nlb-v2-tlv';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'proxyproof-shards-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const read = async (folder: string) =>
  JSON.parse(await readFile(join(folder, 'latest', 'report.json'), 'utf8')) as RunReport;
const shape = (r: RunReport) =>
  r.scenarios
    .map((s) => ({ id: s.id, status: s.status, connections: s.connections.length }))
    .sort((a, b) => a.id.localeCompare(b.id));

test(
  '--shard 1/3 … 3/3 run every scenario once; merged, they equal one unsharded run',
  async () => {
    const whole = await proxyproof([
      'run',
      '--only',
      SELECTION,
      '--reports',
      join(dir, 'whole'),
      '--quiet',
    ]);
    expect(whole.exitCode).toBe(0);
    const shards = [];
    for (const i of [1, 2, 3]) {
      const r = await proxyproof([
        'run',
        '--only',
        SELECTION,
        '--shard',
        `${i}/3`,
        '--reports',
        join(dir, `shard-${i}`),
        '--quiet',
      ]);
      expect(r.exitCode).toBe(0);
      shards.push(await read(join(dir, `shard-${i}`)));
    }
    const ids = shards.flatMap((s) => s.scenarios.map((x) => x.id));
    expect(ids.sort()).toEqual(SELECTION.split(',').sort());

    const merged = await proxyproof([
      'merge',
      join(dir, 'shard-1'),
      join(dir, 'shard-2'),
      join(dir, 'shard-3'),
      '--reports',
      join(dir, 'merged'),
    ]);
    expect(merged.stderr).toContain('gate passed: 5 passed, none failed, 0 skipped');
    expect(merged.exitCode).toBe(0);
    const report = await read(join(dir, 'merged'));
    expect(shape(report)).toEqual(shape(await read(join(dir, 'whole'))));
    expect(report.mergedFrom).toEqual(shards.map((s) => s.runId));
    // The captures came along: the merged page links files that are there.
    const pcaps = report.scenarios.flatMap((s) => s.artifacts.filter((a) => a.endsWith('.pcap')));
    expect(pcaps.length).toBeGreaterThan(0);
    for (const pcap of pcaps) await readFile(join(dir, 'merged', 'latest', pcap));
    for (const file of ['junit.xml', 'summary.md', 'index.html'])
      expect(await readFile(join(dir, 'merged', 'latest', file), 'utf8')).toContain('nlb-v2-tlv');
  },
  CONTAINERS,
);
