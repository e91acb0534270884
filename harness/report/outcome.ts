import { EXIT, type ExitCode } from '../exit-codes.ts';
import type { RunReport } from './types.ts';

export interface RunOutcome {
  exitCode: ExitCode;
  /** Why the exit code is what it is, in one sentence. */
  headline: string;
  /** Each scenario that keeps the run from green, one line each. */
  lines: string[];
}

/**
 * A finished run's exit code: a defect of the harness (70) over a broken
 * environment (2) over a failed check (1); and a run that checked nothing
 * (every scenario skipped) is 2, never a green 0.
 */
export function runOutcome(report: RunReport): RunOutcome {
  const lines: string[] = [];
  for (const s of report.scenarios) {
    if (s.status === 'errored') {
      const by =
        s.errorKind === 'harness' ? 'a defect of proxyproof, please report it' : 'environment';
      lines.push(`${s.id} errored (${by}): ${s.reason}`);
    } else if (s.status === 'failed') lines.push(`${s.id} failed: ${s.reason}`);
  }
  const errored = report.scenarios.filter((s) => s.status === 'errored');
  const defects = errored.filter((s) => s.errorKind === 'harness').length;
  const { passed, failed } = report.summary;
  if (defects > 0) {
    const headline = `${defects} scenario(s) errored on a defect of proxyproof (please report it): no verdict`;
    return { exitCode: EXIT.internal, headline, lines };
  }
  if (errored.length > 0) {
    const headline = `${errored.length} scenario(s) errored: the environment kept the harness from finishing them, so they have no verdict`;
    return { exitCode: EXIT.setup, headline, lines };
  }
  if (failed > 0) return { exitCode: EXIT.failed, headline: `${failed} scenario(s) failed`, lines };
  if (passed === 0) {
    const headline = `nothing was checked: all ${report.scenarios.length} selected scenario(s) were skipped`;
    return { exitCode: EXIT.setup, headline, lines: [headline] };
  }
  return { exitCode: EXIT.passed, headline: `${passed} scenario(s) checked and passed`, lines };
}
