import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAll } from '../../harness/run/run-all.ts';
import type { RunReport } from '../../harness/report/types.ts';
import { loadScenarios } from '../../harness/scenario/load.ts';
import { onAws, type Scenario } from '../../harness/scenario/schema.ts';
import { leftovers } from '../support/docker-leftovers.ts';
import { quietEvents as quiet } from '../support/quiet-events.ts';

const SCENARIOS = new URL('../../scenarios/', import.meta.url).pathname;
const CONTAINERS = 15 * 60_000;

type Part<K extends keyof Scenario> = Scenario[K];
/** The scenario with its balancer's options changed. */
const balancer = (s: Scenario, change: Partial<Part<'balancer'>>): Scenario => ({
  ...s,
  balancer: { ...s.balancer, ...change } as Part<'balancer'>,
});
const backends = (s: Scenario, change: Partial<Part<'backends'>>): Scenario => ({
  ...s,
  backends: { ...s.backends, ...change } as Part<'backends'>,
});
const harnessClients = (count: number) => [{ kind: 'harness' as const, count }];
const healthCheck = (s: Scenario, kind: 'tcp' | 'mysql') =>
  balancer(s, { healthCheck: { ...s.balancer.healthCheck!, kind } });

/**
 * Each scenario, with the one thing it guards broken, and the failure it must
 * then report. A scenario that still passed here could not fail.
 */
const BREAKS: Record<string, { break: (s: Scenario) => Scenario; expect: RegExp }> = {
  'classic-elb-v1': {
    break: (s) => balancer(s, { proxyProtocol: false }),
    expect: /saw the balancer/,
  },
  'classic-elb-policy-off': {
    break: (s) => balancer(s, { proxyProtocol: true }),
    expect: /header was on the wire although none was expected/,
  },
  'two-backends': {
    break: (s) => ({ ...s, clients: harnessClients(1) }),
    expect: /every backend should serve, but backend-2 received none/,
  },
  'health-checks': {
    break: (s) => healthCheck(s, 'mysql'),
    expect: /left no aborted handshakes on some backend/,
  },
  'health-checks-mysql': {
    break: (s) => healthCheck(s, 'tcp'),
    expect: /left aborted handshakes on the backends .* expected none/,
  },
  'nlb-health-checks': {
    break: (s) => balancer(s, { healthCheck: undefined }),
    expect: /left no aborted handshakes on some backend|no health check reached a backend/,
  },
  'nlb-client-ip-preserved': {
    break: (s) => balancer(s, { preserveClientIp: false }),
    expect: /the backend's TCP peer was \S+, not the client/,
  },
  'nlb-client-ip-preserved-untrusted': {
    break: (s) => balancer(s, { preserveClientIp: false }),
    expect: /accepted the session .* although it should have refused it/,
  },
  ipv6: {
    break: (s) => balancer(s, { ipv6Clients: false }),
    expect: /address family is INET, expected INET6/,
  },
  'ipv6-nlb': {
    break: (s) => balancer(s, { ipv6Clients: false }),
    expect: /address family is INET, expected INET6/,
  },
  'multi-origin': {
    break: (s) => balancer(s, { proxyProtocol: false }),
    expect: /saw the balancer/,
  },
  'nlb-v2-tlv': {
    break: (s) => balancer(s, { v2Tlvs: ['unique-id', 'authority'] }),
    expect: /the header lacks the CRC32C TLV/,
  },
  'double-proxy': {
    break: (s) => ({ ...s, fronts: [] }),
    expect: /1 stacked PROXY headers on one connection; 2 were expected/,
  },
  'spoofed-header': {
    break: (s) => backends(s, { trust: 'vpc-subnet' }),
    expect: /SECURITY: backend backend-1 accepted the forged origin 203\.0\.113\.66/,
  },
  'untrusted-balancer': {
    break: (s) => backends(s, { trust: 'vpc-subnet' }),
    expect: /accepted the session .* although it should have refused it/,
  },
  'backend-without-proxy-support': {
    break: (s) => backends(s, { trust: 'vpc-subnet' }),
    expect: /accepted the session .* although it should have refused it/,
  },
};

describe('every scenario fails when the thing it guards is broken', () => {
  let dir: string;
  let report: RunReport;
  let shipped: Scenario[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'proxyproof-guards-'));
    shipped = await loadScenarios(SCENARIOS);
    const broken = shipped.filter((s) => BREAKS[s.id]).map((s) => BREAKS[s.id]!.break(s));
    ({ report } = await runAll({
      scenarios: broken,
      reportsDir: dir,
      signal: new AbortController().signal,
      events: quiet,
    }));
  }, CONTAINERS);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  test('every shipped local scenario has a break here (those needing Oracle MySQL cannot run here; AWS ones are broken in aws-scenarios.test.ts)', () => {
    const runnable = shipped.filter((s) => s.backends.kind !== 'oracle-mysql' && !onAws(s));
    expect(runnable.map((s) => s.id).filter((id) => !BREAKS[id])).toEqual([]);
  });

  test.each(Object.keys(BREAKS))('%s, broken, fails for the right reason', (id) => {
    const s = report.scenarios.find((x) => x.id === id);
    expect(s?.status).toBe('failed');
    expect(s?.reason).toMatch(BREAKS[id]!.expect);
  });

  test('nothing is left behind', async () => {
    expect(await leftovers(report.runId)).toEqual({ containers: [], networks: [] });
  });
});
