import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunReport } from '../../harness/report/types.ts';
import { runAll } from '../../harness/run/run-all.ts';
import { loadScenarios } from '../../harness/scenario/load.ts';
import type { Scenario } from '../../harness/scenario/schema.ts';
import { proxyproof } from '../support/cli.ts';
import { madeBy } from '../support/docker-leftovers.ts';
import { quietEvents as quiet } from '../support/quiet-events.ts';

// "How does my own application get the client's address?" answered three
// ways, each a scenario in examples/: each passes as shipped (origin = header
// source = the application's own report), and each fails the right way when
// the application is told to trust someone other than the balancer.
const EXAMPLES = new URL('../../examples/', import.meta.url).pathname;
const CONTAINERS = 20 * 60_000;

let reports: string;
beforeAll(async () => {
  reports = await mkdtemp(join(tmpdir(), 'proxyproof-examples-'));
});
afterAll(() => rm(reports, { recursive: true, force: true }));

test(
  'npx proxyproof run --scenarios examples: every example passes, the application reporting each client',
  async () => {
    const child = proxyproof([
      'run',
      '--scenarios',
      EXAMPLES,
      '--reports',
      join(reports, 'ok'),
      '--quiet',
    ]);
    const r = await child;
    const report = JSON.parse(
      await readFile(join(reports, 'ok', 'latest', 'report.json'), 'utf8'),
    ) as RunReport;
    expect(report.scenarios.map((s) => `${s.id}: ${s.status}: ${s.reason}`)).toEqual(
      report.scenarios.map((s) => `${s.id}: passed: ${s.reason}`),
    );
    expect(report.scenarios.map((s) => s.id).sort()).toEqual([
      'mariadb-my-cnf',
      'nginx-stream',
      'node-app',
      'node-app-behind-nlb',
      'node-app-nlb-on-first-ack',
    ]);
    for (const s of report.scenarios) {
      expect(s.components.backends.kind).toBe('container');
      // Its passing is the stall: the server never answered behind the NLB.
      if (s.id === 'node-app-behind-nlb') {
        expect(s.connections.map((c) => [c.backend, c.error?.split(':')[0]])).toEqual(
          s.connections.map(() => [null, 'CONNECTION_CLOSED']),
        );
        continue;
      }
      for (const c of s.connections) {
        // The application's own report is the origin, and so is the header's source.
        expect(c.backend?.address).toBeDefined();
        expect(c.wire?.stack.at(-1)?.source).toEqual(c.origin);
      }
    }
    expect(r.exitCode).toBe(0);
    expect(await madeBy(child.pid!)).toEqual({ containers: [], networks: [] });
  },
  CONTAINERS,
);

test(
  'told to trust another network, each example fails the right way, and says whom to trust',
  async () => {
    const untrusting = (s: Scenario): Scenario => {
      if (s.backends.kind !== 'container' || !s.backends.trust)
        throw new Error(`${s.id} is not told whom to trust`);
      return {
        ...s,
        backends: { ...s.backends, trust: { ...s.backends.trust, networks: 'another-network' } },
      };
    };
    const { report } = await runAll({
      // The stalling example never delivers a header, so whom it trusts cannot show.
      scenarios: (await loadScenarios(EXAMPLES))
        .filter((s) => !s.checks.some((c) => c.kind === 'stalled'))
        .map(untrusting),
      reportsDir: join(reports, 'untrusting'),
      signal: new AbortController().signal,
      events: quiet,
    });
    const reason = (id: string) => report.scenarios.find((s) => s.id === id)?.reason ?? '';
    for (const s of report.scenarios) expect(`${s.id}: ${s.status}`).toBe(`${s.id}: failed`);
    // nginx lets in only the networks it trusts: the balancer's connection is closed unanswered.
    expect(reason('nginx-stream')).toMatch(
      /CONNECTION_CLOSED.*the backend ended it after a PROXY header from \S+: if it does not trust that sender, trust the balancer's own address \(\S+\) in file \/etc\/nginx\/trusted-balancers\.conf/,
    );
    // proxyproof's wrapper refuses a header from a peer it does not trust.
    expect(reason('node-app')).toMatch(/CONNECTION_CLOSED.*in env TRUSTED_PROXIES/);
    // MariaDB refuses the header and says why.
    expect(reason('mariadb-my-cnf')).toMatch(
      /ER_HOST_NOT_PRIVILEGED: Proxy header is not accepted from .*in file \/etc\/mysql\/mariadb\.conf\.d\/99-proxyproof-trust\.cnf/,
    );
  },
  CONTAINERS,
);
