import { groupByTopology, takeNext } from '../../harness/run/run-all.ts';
import {
  ScenarioSchema,
  type Scenario,
  type ScenarioInput,
} from '../../harness/scenario/schema.ts';

const make = (fields: Partial<ScenarioInput> & { id: string }): Scenario =>
  ScenarioSchema.parse({
    title: fields.id,
    balancer: { kind: 'classic-elb', listenerPort: 3306, instancePort: 3306, proxyProtocol: true },
    backends: { kind: 'mariadb', count: 2 },
    clients: [{ kind: 'harness', count: 2 }],
    checks: [{ kind: 'header', version: 'v1' }],
    ...fields,
  });

const ids = (groups: Scenario[][]) => groups.map((g) => g.map((s) => s.id));

describe('scenarios that can share a topology do', () => {
  test('equal topologies share, in file order; a different balancer or backend does not', () => {
    const a = make({ id: 'a' });
    const b = make({ id: 'b', clients: [{ kind: 'harness', count: 9 }] });
    const c = make({
      id: 'c',
      balancer: {
        kind: 'classic-elb',
        listenerPort: 3306,
        instancePort: 3306,
        proxyProtocol: false,
      },
    });
    const d = make({ id: 'd', backends: { kind: 'mariadb', count: 2, trust: 'nothing' } });
    const e = make({ id: 'e', checks: [{ kind: 'backend-sees', who: 'client' }] });
    expect(ids(groupByTopology([a, c, b, d, e]))).toEqual([['a', 'b', 'e'], ['c'], ['d']]);
  });

  // Each of these has the very topology of `a`, so only the rule keeps it apart.
  test.each<[string, Partial<ScenarioInput>]>([
    [
      'a forger (it widens a backend trust)',
      { clients: [{ kind: 'forger', count: 1, claim: '203.0.113.66' }] },
    ],
    [
      'client containers (matched by the whole balancer log)',
      { clients: [{ kind: 'mariadb-cli', count: 2 }] },
    ],
    ['a check of server-wide counters', { checks: [{ kind: 'aborted-connects', expect: 'none' }] }],
    ['an AWS target', { target: 'aws', clients: [{ kind: 'harness', count: 1 }] }],
  ])('%s runs alone', (_, fields) => {
    const a = make({ id: 'a' });
    const alone = make({ id: 'x', ...fields });
    const a2 = make({ id: 'a2' });
    expect(ids(groupByTopology([a, alone, a2]))).toEqual([['a', 'a2'], ['x']]);
  });
});

describe('takeNext', () => {
  test('the first group in file order when none would wait', () => {
    const pending = [2, 3, 4];
    expect(takeNext(pending, () => false)).toBe(2);
    expect(pending).toEqual([3, 4]);
  });

  test('passes over a group that would wait for a turn another worker holds', () => {
    const pending = [5, 6, 7];
    expect(takeNext(pending, (i) => i === 5)).toBe(6);
    expect(pending).toEqual([5, 7]);
  });

  test('when every group would wait, the first all the same', () => {
    const pending = [8, 9];
    expect(takeNext(pending, () => true)).toBe(8);
    expect(pending).toEqual([9]);
  });
});
