import { gateConsoleLines, gateMarkdown, gateVerdict } from '../../harness/report/gate.ts';
import { mixedReport, runReport, scenario } from '../support/failing-run.ts';

const passed = scenario({ id: 'classic-elb-v1', status: 'passed', reason: 'fine' });
const awsPassed = scenario({
  id: 'aws-classic-elb-v1',
  target: 'aws',
  status: 'passed',
  reason: 'fine',
});
const awsSkipped = scenario({
  id: 'aws-nlb-v2',
  target: 'aws',
  status: 'skipped',
  reason: 'needs AWS settings: PROXYPROOF_NLB_TARGET_GROUP_ARN is not set',
});

describe('gateVerdict', () => {
  test('a failed scenario fails the gate, naming it and why', () => {
    const v = gateVerdict(mixedReport, { requireAws: false });
    expect(v.exitCode).toBe(1);
    expect(v.lines).toEqual([expect.stringMatching(/^classic-elb-policy-off failed: 1 of 2 /)]);
  });

  test('all passed: 0', () => {
    const v = gateVerdict(runReport([passed, awsPassed]), { requireAws: true });
    expect(v).toEqual({ exitCode: 0, lines: ['gate passed: 2 passed, none failed, 0 skipped'] });
  });

  test('an AWS scenario skipped with --require aws: 1, naming it and the reason', () => {
    const v = gateVerdict(runReport([passed, awsPassed, awsSkipped]), { requireAws: true });
    expect(v.exitCode).toBe(1);
    expect(v.lines).toEqual([
      '--require aws: aws-nlb-v2 was skipped, and a skip is not a pass: needs AWS settings: PROXYPROOF_NLB_TARGET_GROUP_ARN is not set',
    ]);
  });

  test('an AWS scenario skipped without --require aws: 0, as run', () => {
    const v = gateVerdict(runReport([passed, awsSkipped]), { requireAws: false });
    expect(v.exitCode).toBe(0);
  });

  test('a local skip does not trip --require aws', () => {
    const localSkip = scenario({ id: 'oracle', status: 'skipped', reason: 'no image' });
    const v = gateVerdict(runReport([awsPassed, localSkip]), { requireAws: true });
    expect(v.exitCode).toBe(0);
  });

  test('--require aws with no AWS scenario selected: 1, saying what was selected', () => {
    const v = gateVerdict(runReport([passed]), { requireAws: true });
    expect(v.exitCode).toBe(1);
    expect(v.lines).toEqual([
      '--require aws: no AWS scenario was selected (selected: classic-elb-v1)',
    ]);
  });

  test('errored for the environment: 2, errored on a defect of proxyproof: 70; never a pass', () => {
    const broken = scenario({
      id: 'classic-elb-v1',
      status: 'errored',
      errorKind: 'environment',
      reason: 'the harness could not complete the scenario: (HTTP code 404) no such container',
    });
    const env = gateVerdict(runReport([awsPassed, broken]), { requireAws: false });
    expect(env.exitCode).toBe(2);
    expect(env.lines).toEqual([
      'classic-elb-v1 errored (environment): the harness could not complete the scenario: (HTTP code 404) no such container',
    ]);
    const defect = {
      ...broken,
      errorKind: 'harness' as const,
      reason: 'TypeError: x is undefined',
    };
    const bug = gateVerdict(runReport([awsPassed, broken, defect]), { requireAws: false });
    expect(bug.exitCode).toBe(70);
    // A failed scenario beside an errored one: the errored run's code wins (no verdict for all).
    const both = gateVerdict(runReport([mixedReport.scenarios[1]!, broken]), {
      requireAws: false,
    });
    expect(both.exitCode).toBe(2);
  });

  test('nothing checked (all skipped): 2, even without --require aws', () => {
    const v = gateVerdict(runReport([awsSkipped]), { requireAws: false });
    expect(v).toEqual({
      exitCode: 2,
      lines: ['nothing was checked: all 1 selected scenario(s) were skipped'],
    });
  });

  test('failures and skips are all named', () => {
    const v = gateVerdict(mixedReport, { requireAws: true });
    expect(v.lines).toHaveLength(2);
  });
});

describe('gate output', () => {
  const failed = { exitCode: 1 as const, lines: ['x failed: 50% lost\nsecond line'] };

  test('in GitHub Actions a failure becomes one-line error annotations', () => {
    expect(gateConsoleLines(failed, true)).toEqual(['::error::x failed: 50%25 lost%0Asecond line']);
    expect(gateConsoleLines(failed, false)).toEqual(failed.lines);
    const ok = { exitCode: 0 as const, lines: ['gate passed'] };
    expect(gateConsoleLines(ok, true)).toEqual(['gate passed']);
  });

  test('the step summary gets the verdict, escaped', () => {
    expect(gateMarkdown(failed)).toBe(
      '\n### ❌ Gate failed\n\n- x failed: 50% lost<br>second line\n',
    );
  });
});
