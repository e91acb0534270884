import { EXIT, type ExitCode } from '../exit-codes.ts';
import { runOutcome } from './outcome.ts';
import type { RunReport } from './types.ts';
import { escapeMarkdown } from './summary-md.ts';

export interface GateOptions {
  /** AWS must have been exercised: a skipped or unselected AWS scenario fails the gate. */
  requireAws: boolean;
}

export interface GateVerdict {
  exitCode: ExitCode;
  /** Why the gate failed, one line per cause; one line saying it passed otherwise. */
  lines: string[];
}

/**
 * CI's decision on a finished run: the run's own exit code (errored, failed,
 * nothing checked), and, with requireAws, a failure when any selected AWS
 * scenario did not really run, so a nightly cannot go green by skipping
 * (missing settings or credentials).
 */
export function gateVerdict(report: RunReport, options: GateOptions): GateVerdict {
  const outcome = runOutcome(report);
  const required: string[] = [];
  if (options.requireAws) {
    // The report says where each scenario ran: the gate needs nothing else.
    const aws = report.scenarios.filter((s) => s.target === 'aws');
    if (aws.length === 0) {
      required.push(
        `--require aws: no AWS scenario was selected (selected: ${report.scenarios.map((s) => s.id).join(', ') || 'none'})`,
      );
    }
    for (const s of aws.filter((x) => x.status === 'skipped'))
      required.push(`--require aws: ${s.id} was skipped, and a skip is not a pass: ${s.reason}`);
  }
  const lines = [...outcome.lines, ...required];
  // An unmet requirement is a failed check; an errored run keeps its stronger code.
  if (required.length > 0 && report.summary.errored === 0) return { exitCode: EXIT.failed, lines };
  if (outcome.exitCode !== EXIT.passed) return { exitCode: outcome.exitCode, lines };
  const { passed, skipped } = report.summary;
  return {
    exitCode: EXIT.passed,
    lines: [`gate passed: ${passed} passed, none failed, ${skipped} skipped`],
  };
}

/**
 * The verdict for the console. In GitHub Actions a failure's lines become
 * error annotations, which must be one line each (%, CR and LF encoded).
 */
export function gateConsoleLines(verdict: GateVerdict, githubActions: boolean): string[] {
  if (!githubActions || verdict.exitCode === 0) return verdict.lines;
  return verdict.lines.map(
    (l) => `::error::${l.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}`,
  );
}

/** The verdict under the run's step summary: the gate can fail on what the table shows as skipped. */
export function gateMarkdown(verdict: GateVerdict): string {
  const title = verdict.exitCode === 0 ? '### ✅ Gate passed' : '### ❌ Gate failed';
  return `\n${title}\n\n${verdict.lines.map((l) => `- ${escapeMarkdown(l)}`).join('\n')}\n`;
}
