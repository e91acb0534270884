import { renderJunit } from '../../harness/report/junit.ts';
import type { RunReport } from '../../harness/report/types.ts';

const base = { connections: [], warnings: [], artifacts: [], timings: [], durationMillis: 1500 };
const report: RunReport = {
  runId: 'r1',
  startedAt: '2026-11-26T00:00:00.000Z',
  finishedAt: '2026-11-26T00:00:02.000Z',
  target: 'local',
  summary: { passed: 1, failed: 1, skipped: 1 },
  scenarios: [
    { ...base, id: 'ok', title: 'ok', status: 'passed', reason: 'fine' },
    {
      ...base,
      id: 'bad',
      title: 'bad',
      status: 'failed',
      reason: 'backend saw the balancer <172.21.0.4> & not "the client"',
    },
    { ...base, id: 'aws', title: 'aws', status: 'skipped', reason: 'no AWS settings' },
  ],
};

describe('JUnit XML', () => {
  const xml = renderJunit(report);
  test('one testcase per scenario with its time', () => {
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml).toContain('<testcase classname="proxyproof" name="ok" time="1.500"></testcase>');
  });
  test('failures carry the diagnosis, escaped', () => {
    expect(xml).toContain(
      '<failure message="backend saw the balancer &lt;172.21.0.4&gt; &amp; not &quot;the client&quot;">',
    );
  });
  test('skips carry the reason', () => {
    expect(xml).toContain('<skipped message="no AWS settings"/>');
  });
  test('counts add up', () => {
    expect(xml).toContain('tests="3" failures="1" skipped="1"');
  });
});
