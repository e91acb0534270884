import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sameAddress } from '../../harness/net/endpoint.ts';
import type { RunReport } from '../../harness/report/types.ts';
import { proxyproof } from '../support/cli.ts';

// The shipped load scenario, as a user runs it (`npx proxyproof run
// --scenarios scenarios/load`): 10,000 connections, each attributed to its own
// origin on the wire and in the backend's session; and the same load with the
// policy forgotten, where every connection must be counted as failed and listed.
const LOAD = new URL('../../scenarios/load', import.meta.url).pathname;
const CONTAINERS = 10 * 60_000;

let reports: string;
let broken: string;
beforeAll(async () => {
  reports = await mkdtemp(join(tmpdir(), 'proxyproof-load-reports-'));
  broken = await mkdtemp(join(tmpdir(), 'proxyproof-load-broken-'));
  await writeFile(join(broken, 'package.json'), '{ "type": "module" }\n');
  const shipped = await readFile(join(LOAD, 'load-10k.ts'), 'utf8');
  // Outside the project 'proxyproof' does not resolve: the same object, undecorated.
  const forgotten = shipped
    .replace("import { defineScenario } from 'proxyproof';", '')
    .replace('defineScenario({', '({')
    .replace("id: 'load-10k'", "id: 'load-policy-off'")
    .replace('count: 10_000', 'count: 400')
    .replace('proxyProtocol: true', 'proxyProtocol: false');
  expect(forgotten).not.toBe(shipped);
  expect(forgotten).toContain('proxyProtocol: false');
  await writeFile(join(broken, 'load-policy-off.ts'), forgotten);
});
afterAll(async () => {
  await rm(reports, { recursive: true, force: true });
  await rm(broken, { recursive: true, force: true });
});

const report = async (dir: string) =>
  JSON.parse(await readFile(join(dir, 'latest', 'report.json'), 'utf8')) as RunReport;

test(
  '10,000 connections pass, every one attributed to its own origin, reported as a tally',
  async () => {
    const out = join(reports, 'shipped');
    const run = await proxyproof(['run', '--scenarios', LOAD, '--reports', out, '--quiet']);
    expect(run.stderr).toContain('verified connections/s');
    expect(run.exitCode).toBe(0);
    const [s] = (await report(out)).scenarios;
    expect(s?.status).toBe('passed');
    const tally = s!.tally!;
    expect(tally.total).toBe(10_000);
    expect(tally.passed).toBe(10_000);
    expect(tally.failed).toBe(0);
    expect(tally.origins).toBe(2);
    expect(Object.values(tally.byInstance).reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(Object.keys(tally.byInstance).sort()).toEqual(['backend-1', 'backend-2', 'backend-3']);
    expect(tally.latencyMs.answer?.of).toBe(10_000);
    // The sample still carries all three views, and they agree.
    expect(s!.connections.length).toBeGreaterThan(0);
    for (const c of s!.connections) {
      expect(c.wire?.source?.port).toBe(c.origin?.port);
      expect(sameAddress(c.wire!.source!.address, c.origin!.address)).toBe(true);
      expect(c.backend?.port).toBe(c.origin?.port);
      expect(sameAddress(c.backend!.address, c.origin!.address)).toBe(true);
    }
  },
  CONTAINERS,
);

test(
  'the same load with the policy forgotten fails, every connection counted and listed',
  async () => {
    const out = join(reports, 'broken');
    const run = await proxyproof(['run', '--scenarios', broken, '--reports', out, '--quiet']);
    expect(run.exitCode).toBe(1);
    const [s] = (await report(out)).scenarios;
    expect(s?.status).toBe('failed');
    expect(s!.tally).toMatchObject({ total: 400, passed: 0, failed: 400 });
    expect(s!.connections).toHaveLength(400);
    expect(s!.connections.every((c) => !c.verdict.ok && c.wire === null)).toBe(true);
    expect(run.stderr).toContain('…and 380 more failing connection(s) in report.json');
  },
  CONTAINERS,
);
