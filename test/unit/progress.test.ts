import { consoleEvents } from '../../harness/cli/progress.ts';
import type { Scenario } from '../../harness/scenario/schema.ts';
import { failingConnection, mixedReport } from '../support/failing-run.ts';

/** A stand-in for stderr: what was written, and whether it is a terminal. */
function fakeStream(isTTY: boolean) {
  const written: string[] = [];
  const out = { isTTY, write: (s: string) => written.push(s) };
  return { out, text: () => written.join('') };
}

const scenario = { id: 'classic-elb-v1', title: 'Classic ELB, v1' } as Scenario;

/** Drives one scenario through the events: a step started and finished, warned, finished failed. */
function drive(events: ReturnType<typeof consoleEvents>) {
  events.runStarted('r1', [scenario]);
  events.building('proxyproof-backend:abc');
  events.building('proxyproof-backend:abc', 54_200);
  events.scenarioStarted(scenario, 0);
  events.step('classic-elb-v1', 'enabling the policy through the ELB API');
  events.step('classic-elb-v1', 'enabling the policy through the ELB API', 1234);
  events.warn('classic-elb-v1', 'cleanup problems: gone');
  events.scenarioFinished({
    ...mixedReport.scenarios[1]!,
    warnings: ['forgery works'],
    connections: [failingConnection],
  });
}

describe('console progress', () => {
  test('not a terminal: finished steps with their times, no colour, no start lines', () => {
    const { out, text } = fakeStream(false);
    drive(consoleEvents(out, { env: {} }));
    expect(text()).toContain('building image proxyproof-backend:abc');
    expect(text()).toContain('built proxyproof-backend:abc 54.2s\n');
    expect(text()).toContain(
      '      classic-elb-v1: enabling the policy through the ELB API 1.2s\n',
    );
    expect(text()).not.toContain('→');
    expect(text()).toContain('  FAILED classic-elb-policy-off in 3.2s: 1 of 2');
    expect(text()).toContain('    ✗ harness#2: backend backend-1 saw the balancer');
    expect(text()).not.toContain('\x1b[');
  });

  test('a terminal: a line as each step starts, and colour', () => {
    const { out, text } = fakeStream(true);
    drive(consoleEvents(out, { env: {} }));
    expect(text()).toContain('classic-elb-v1: enabling the policy through the ELB API…\n');
    expect(text()).toContain('\x1b[31mFAILED\x1b[0m');
  });

  test('NO_COLOR turns colour off on a terminal', () => {
    const { out, text } = fakeStream(true);
    drive(consoleEvents(out, { env: { NO_COLOR: '1' } }));
    expect(text()).toContain('  FAILED classic-elb-policy-off');
    expect(text()).not.toContain('\x1b[');
  });

  test('quiet: only verdicts, failing connections and cleanup problems', () => {
    const { out, text } = fakeStream(true);
    drive(consoleEvents(out, { quiet: true, env: { NO_COLOR: '1' } }));
    expect(text()).toBe(
      [
        '  ! classic-elb-v1: cleanup problems: gone',
        '  FAILED classic-elb-policy-off in 3.2s: 1 of 2 connections failed | see below\nsecond line <b>',
        `    ✗ harness#2: ${failingConnection.verdict.reasons.join('; ')}`,
        '',
      ].join('\n'),
    );
  });
});
