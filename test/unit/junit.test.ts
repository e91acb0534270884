import { renderJunit } from '../../harness/report/junit.ts';
import type { RunReport } from '../../harness/report/types.ts';
import { mixedReport, scenario } from '../support/failing-run.ts';
const report: RunReport = {
  runId: 'r1',
  startedAt: '2026-11-26T00:00:00.000Z',
  finishedAt: '2026-11-26T00:00:02.000Z',
  target: 'local',
  summary: { passed: 1, failed: 1, skipped: 1, errored: 1 },
  scenarios: [
    scenario({ id: 'ok', status: 'passed', reason: 'fine' }),
    scenario({
      id: 'bad',
      status: 'failed',
      reason: 'backend saw the balancer <172.21.0.4> & not "the client"',
    }),
    scenario({ id: 'aws', status: 'skipped', reason: 'no AWS settings' }),
    scenario({
      id: 'gone',
      status: 'errored',
      errorKind: 'environment',
      reason: 'the harness could not complete the scenario: (HTTP code 404) no such container',
    }),
  ],
};

describe('JUnit XML', () => {
  const xml = renderJunit(report);
  test('one testcase per scenario with its time', () => {
    expect(xml.match(/<testcase /g)).toHaveLength(4);
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
  test('an errored scenario is an <error>, not a <failure>: the setup broke, not the product', () => {
    expect(xml).toContain(
      '<error type="environment" message="the harness could not complete the scenario: (HTTP code 404) no such container">',
    );
    expect(xml.match(/<failure /g)).toHaveLength(1);
  });
  test('counts add up', () => {
    expect(xml).toContain('tests="4" failures="1" errors="1" skipped="1"');
  });
});

describe('JUnit XML of a failing connection', () => {
  const xml = renderJunit(mixedReport);
  const failure = /<failure message="[^"]*">([^<]*)<\/failure>/.exec(xml)?.[1] ?? '';

  test('names the connection with its diagnosis, and only the failing one', () => {
    expect(failure).toContain(
      'harness#2: backend backend-1 saw the balancer (172.31.0.4:44920), not the client 172.30.0.1:46812; header source 10.9.9.9:4444 differs',
    );
    expect(failure).not.toContain('harness#1');
  });

  test('lays the disagreeing views side by side (the last stacked header is the source)', () => {
    expect(failure).toContain(
      'origin 172.30.0.1:46812, header source 10.9.9.9:4444, backend&apos;s view 172.31.0.4:44920 (backend-1)',
    );
  });

  test('the skipped one carries its reason; one testcase per scenario', () => {
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml).toContain(
      '<testcase classname="proxyproof" name="aws-nlb-v2" time="1.500">\n      <skipped message="needs AWS settings: PROXYPROOF_NLB_TARGET_GROUP_ARN is not set"/>',
    );
  });
});

test('control characters XML 1.0 forbids never reach the file: it always parses', () => {
  const report = structuredClone(mixedReport);
  report.scenarios[1]!.reason = 'the server said: \u0000\u0007bad\u001b[31m';
  const xml = renderJunit(report);
  // eslint-disable-next-line no-control-regex -- looking for them is the point
  expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
  expect(xml).toContain('the server said: \ufffd\ufffdbad\ufffd[31m');
});
