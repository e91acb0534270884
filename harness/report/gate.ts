import type { RunReport } from './types.ts';
import { escapeMarkdown } from './summary-md.ts';

export interface GateOptions {
  /** AWS must have been exercised: a skipped or unselected AWS scenario fails the gate. */
  requireAws: boolean;
  /** Ids of the selected scenarios whose target is AWS (the report does not say which ones are). */
  awsIds: readonly string[];
}

export interface GateVerdict {
  exitCode: 0 | 1;
  /** Why the gate failed, one line per cause; one line saying it passed otherwise. */
  lines: string[];
}

/**
 * CI's decision on a finished run: green only when nothing failed, and, with
 * requireAws, only when every selected AWS scenario really ran, so a nightly
 * cannot go green by skipping (missing settings or credentials).
 */
export function gateVerdict(report: RunReport, options: GateOptions): GateVerdict {
  const lines = report.scenarios
    .filter((s) => s.status === 'failed')
    .map((s) => `${s.id} failed: ${s.reason}`);
  if (options.requireAws) {
    const aws = report.scenarios.filter((s) => options.awsIds.includes(s.id));
    if (aws.length === 0) {
      lines.push(
        `--require aws: no AWS scenario was selected (selected: ${report.scenarios.map((s) => s.id).join(', ') || 'none'})`,
      );
    }
    for (const s of aws.filter((x) => x.status === 'skipped'))
      lines.push(`--require aws: ${s.id} was skipped, and a skip is not a pass: ${s.reason}`);
  }
  if (lines.length > 0) return { exitCode: 1, lines };
  const { passed, skipped } = report.summary;
  return {
    exitCode: 0,
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
