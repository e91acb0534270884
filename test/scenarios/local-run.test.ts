import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { formatEndpoint, sameAddress } from '../../harness/net/endpoint.ts';
import { runAll } from '../../harness/run/run-all.ts';
import type { RunReport, ScenarioReport } from '../../harness/report/types.ts';
import { loadScenarios } from '../../harness/scenario/load.ts';
import { onAws, type Scenario } from '../../harness/scenario/schema.ts';
import { CHROMIUM, chromiumArgs, consoleLines, hasChromium } from '../support/chromium.ts';
import { leftovers } from '../support/docker-leftovers.ts';
import { quietEvents as quiet } from '../support/quiet-events.ts';

const SCENARIOS = new URL('../../scenarios/', import.meta.url).pathname;
const BIN = new URL('../../bin/proxyproof.js', import.meta.url).pathname;
// Per hook and test: Jest ignores testTimeout in project configs. A first run builds images.
const CONTAINERS = 15 * 60_000;

let reportsDir: string;
beforeAll(async () => {
  reportsDir = await mkdtemp(join(tmpdir(), 'proxyproof-reports-'));
});
afterAll(() => rm(reportsDir, { recursive: true, force: true }));

async function run(scenarios: Scenario[]): Promise<RunReport> {
  const { report } = await runAll({
    scenarios,
    reportsDir,
    signal: new AbortController().signal,
    events: quiet,
  });
  return report;
}

const byId = (report: RunReport, id: string): ScenarioReport => {
  const s = report.scenarios.find((x) => x.id === id);
  if (!s) throw new Error(`no scenario ${id} in the report`);
  return s;
};

// AWS scenarios run in aws-scenarios.test.ts, against the simulator only: a
// developer's own AWS settings must never make this suite touch AWS.
const localScenarios = async () => (await loadScenarios(SCENARIOS)).filter((s) => !onAws(s));

describe('the shipped scenarios on local containers', () => {
  let report: RunReport;
  let written: RunReport;
  beforeAll(async () => {
    report = await run(await localScenarios());
    written = JSON.parse(
      await readFile(join(reportsDir, 'latest', 'report.json'), 'utf8'),
    ) as RunReport;
  }, CONTAINERS);

  test('report.json is written, reports/latest points at it, every local scenario file is in it', async () => {
    expect(written.runId).toBe(report.runId);
    const ids = (await localScenarios()).map((x) => x.id).sort();
    expect(written.scenarios.map((x) => x.id).sort()).toEqual(ids);
  });

  test('every shipped scenario passes, but those needing Oracle MySQL, which say why they skipped', async () => {
    const needsOracle = new Set(
      (await loadScenarios(SCENARIOS))
        .filter((x) => x.backends.kind === 'oracle-mysql')
        .map((x) => x.id),
    );
    const notPassed = written.scenarios.filter(
      (x) => x.status !== 'passed' && !(x.status === 'skipped' && needsOracle.has(x.id)),
    );
    expect(notPassed.map((x) => `${x.id}: ${x.status}: ${x.reason}`)).toEqual([]);
    for (const x of written.scenarios.filter((y) => y.status === 'skipped'))
      expect(x.reason).toMatch(/needs Oracle MySQL|not run by the local provider/);
  });

  test('two-backends: both instances served, each connection seen as its own client', () => {
    const s = byId(written, 'two-backends');
    expect(new Set(s.connections.map((c) => c.backend?.instance))).toEqual(
      new Set(['backend-1', 'backend-2']),
    );
    for (const c of s.connections)
      expect(
        sameAddress(c.backend!.address, c.origin!.address) && c.backend!.port === c.origin!.port,
      ).toBe(true);
  });

  test('classic-elb-v1: every backend view is the client, and the client is not the balancer', () => {
    const s = byId(written, 'classic-elb-v1');
    expect(s.status).toBe('passed');
    expect(s.connections).toHaveLength(6);
    for (const c of s.connections) {
      expect(c.wire?.source).not.toBeNull();
      expect(c.backend).not.toBeNull();
      expect(sameAddress(c.origin!.address, c.wire!.source!.address)).toBe(true);
      expect(sameAddress(c.backend!.address, c.origin!.address)).toBe(true);
      expect(c.backend!.port).toBe(c.origin!.port);
      expect(sameAddress(c.origin!.address, c.balancer.address!)).toBe(false);
    }
  });

  test('classic-elb-policy-off: no header on the captured connection, the backend saw the balancer', () => {
    const s = byId(written, 'classic-elb-policy-off');
    expect(s.status).toBe('passed');
    expect(s.connections).toHaveLength(4);
    for (const c of s.connections) {
      expect(c.wire).toBeNull();
      expect(c.captured).not.toBeNull();
      expect(sameAddress(c.backend!.address, c.balancer.address!)).toBe(true);
    }
  });

  test('proxyproof decode on the backend pcaps lists each client connection separately', async () => {
    const s = byId(written, 'classic-elb-v1');
    const pcaps = s.artifacts.filter((a) => a.endsWith('.pcap'));
    expect(pcaps).toHaveLength(2);
    const lines: { connection: { sport: number }; headers: { source: { port: number } }[] }[] = [];
    for (const pcap of pcaps) {
      const { stdout } = await execa('node', [BIN, 'decode', join(reportsDir, report.runId, pcap)]);
      lines.push(
        ...stdout
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as (typeof lines)[0]),
      );
    }
    // One line per client connection of every scenario that shared these captures.
    const sharing = written.scenarios.filter((x) => pcaps.every((p) => x.artifacts.includes(p)));
    expect(sharing.map((x) => x.id)).toContain('classic-elb-v1');
    expect(lines.map((l) => l.headers[0]!.source.port).sort()).toEqual(
      sharing.flatMap((x) => x.connections.map((c) => c.origin!.port)).sort(),
    );
    expect(new Set(lines.map((l) => l.connection.sport)).size).toBe(lines.length);
    // Two CLI processes (tsx starts each), on a machine busy with other suites.
  }, 60_000);

  test('index.html, summary.md and junit.xml in reports/latest show every scenario with its evidence', async () => {
    const file = (name: string) => readFile(join(reportsDir, 'latest', name), 'utf8');
    const [html, md, xml] = await Promise.all([
      file('index.html'),
      file('summary.md'),
      file('junit.xml'),
    ]);
    for (const s of written.scenarios) {
      expect(html).toContain(s.id);
      expect(md).toContain(s.id);
      expect(xml).toContain(`name="${s.id}"`);
      // Evidence, not just names: each connection's origin is shown on the page.
      for (const c of s.connections.filter((x) => x.origin))
        expect(html).toContain(formatEndpoint(c.origin!));
    }
  });

  (hasChromium ? test : test.skip)(
    `the real run's index.html in headless Chromium: no console message, every scenario in the DOM, a screenshot beside it${hasChromium ? '' : ` — SKIPPED: ${CHROMIUM} is not installed`}`,
    async () => {
      const page = pathToFileURL(join(reportsDir, report.runId, 'index.html')).href;
      const profile = join(reportsDir, 'chromium-profile');
      const dom = await execa(CHROMIUM, chromiumArgs(profile, ['--dump-dom', page]));
      expect(consoleLines(dom.stderr)).toEqual([]);
      for (const s of written.scenarios) expect(dom.stdout).toContain(`id="scenario-${s.id}"`);
      const shot = join(reportsDir, report.runId, 'index.png');
      const r = await execa(
        CHROMIUM,
        chromiumArgs(profile, [`--screenshot=${shot}`, '--window-size=1280,2400', page]),
      );
      expect(consoleLines(r.stderr)).toEqual([]);
      expect((await readFile(shot)).subarray(1, 4).toString('latin1')).toBe('PNG');
    },
    120_000,
  );

  test('nothing the run started is left behind', async () => {
    expect(await leftovers(report.runId)).toEqual({ containers: [], networks: [] });
  });
});

describe('breaking the setup makes the scenario fail', () => {
  test(
    'classic-elb-v1 without send-proxy fails, saying the backend saw the balancer',
    async () => {
      const [v1] = (await loadScenarios(SCENARIOS)).filter((s) => s.id === 'classic-elb-v1');
      const broken = { ...v1!, balancer: { ...v1!.balancer, proxyProtocol: false } };
      const report = await run([broken]);
      const s = byId(report, 'classic-elb-v1');
      expect(s.status).toBe('failed');
      expect(s.reason).toMatch(/saw the balancer/);
      expect(s.connections.every((c) => !c.verdict.ok)).toBe(true);
      expect(await leftovers(report.runId)).toEqual({ containers: [], networks: [] });
    },
    CONTAINERS,
  );
});

describe('Ctrl-C mid-run', () => {
  test(
    'exits 130 and leaves no container or network behind',
    async () => {
      const child = execa('node', [BIN, 'run', '--reports', reportsDir], {
        reject: false,
        all: true,
      });
      let runId = '';
      let stderr = '';
      await new Promise<void>((resolve, reject) => {
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          runId ||= /proxyproof run (\S+):/.exec(stderr)?.[1] ?? '';
          // Interrupt once containers exist: after the first backends are up.
          if (runId && /starting backends/.test(stderr)) resolve();
        });
        child.once('exit', () =>
          reject(new Error(`exited before the interrupt point:\n${stderr}`)),
        );
      });
      child.kill('SIGINT');
      const result = await child;
      expect(result.exitCode).toBe(130);
      expect(result.all).toMatch(/interrupted: everything this run started has been removed/);
      expect(await leftovers(runId)).toEqual({ containers: [], networks: [] });
    },
    CONTAINERS,
  );
});
