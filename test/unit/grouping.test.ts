import { groupByTopology } from '../../harness/run/run-all.ts';
import type { Scenario } from '../../harness/scenario/schema.ts';

const base: Scenario = {
  id: 'a',
  title: 'a',
  balancer: { kind: 'classic-elb', listenerPort: 3306, instancePort: 3306, proxyProtocol: true },
  backends: 2,
  clients: { harness: 2 },
  expect: { header: 'v1', backendSees: 'client' },
};

describe('scenarios that can share a topology do', () => {
  test('equal topologies share, in file order; a different balancer does not', () => {
    const b = { ...base, id: 'b', clients: { harness: 9 } };
    const c = { ...base, id: 'c', balancer: { ...base.balancer, proxyProtocol: false } };
    const d = { ...base, id: 'd' };
    expect(groupByTopology([base, c, b, d]).map((g) => g.map((s) => s.id))).toEqual([
      ['a', 'b', 'd'],
      ['c'],
    ]);
  });

  test('scenarios that change or read server-wide state run alone', () => {
    const checks = {
      ...base,
      id: 'h',
      balancer: {
        ...base.balancer,
        healthCheck: { kind: 'tcp' as const, intervalMs: 100, runForMs: 0 },
      },
    };
    const forge = {
      ...base,
      id: 'f',
      clients: { harness: 1, forgeDirect: { claim: '203.0.113.66' } },
    };
    const containers = { ...base, id: 'm', clients: { harness: 1, containers: 2 } };
    expect(groupByTopology([base, checks, forge, containers]).map((g) => g.length)).toEqual([
      1, 1, 1, 1,
    ]);
  });
});
