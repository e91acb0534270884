import { tallyLines } from './connection-tally.ts';
import { formatMillis, runMillis } from './durations.ts';
import { appendFile } from 'node:fs/promises';
import type { ScenarioStatus } from './types.ts';
import type { RunReport, ScenarioReport } from './types.ts';
import { viewsText } from './views.ts';

/** A failed scenario may have dozens of failing connections; the first few tell the story. */
const MAX_ROWS = 20;

const MARK: Record<ScenarioStatus, string> = {
  passed: '✅',
  failed: '❌',
  skipped: '⏭️',
  errored: '⚠️',
};

/**
 * Report text (server errors included) as inline Markdown: a `|` or a line
 * break would end a table row, and `<`, `*`, `_`, backticks and brackets would
 * turn into HTML, emphasis, code or links. Backslash escapes keep it literal.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]<>|&~]/g, '\\$&').replace(/\r\n|\r|\n/g, '<br>');
}

const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
const table = (head: string[], rows: string[][]) => [
  row(head),
  row(head.map(() => '---')),
  ...rows.map(row),
];

function headline(report: RunReport): string {
  const { passed, failed, skipped, errored } = report.summary;
  const total = passed + failed + skipped + errored;
  // An errored scenario has no verdict: the run proves nothing about it, so it leads.
  if (errored > 0)
    return `## ⚠️ proxyproof: ${errored} of ${total} scenario(s) errored (no verdict)${failed ? `, ${failed} failed` : ''}`;
  if (failed > 0) return `## ❌ proxyproof: ${failed} of ${total} scenario(s) failed`;
  // All skipped is not "all passed": nothing was proven.
  if (passed === 0) return `## ⏭️ proxyproof: none of ${total} scenario(s) ran (all skipped)`;
  return `## ✅ proxyproof: all ${passed} scenario(s) passed${skipped ? `, ${skipped} skipped` : ''}`;
}

function failingConnections(s: ScenarioReport): string[] {
  const failing = s.connections.filter((c) => !c.verdict.ok);
  if (failing.length === 0) return [escapeMarkdown(s.reason)];
  const rows = failing.slice(0, MAX_ROWS).map((c) => {
    const views = viewsText(c);
    return [
      ...[c.client, views.origin, views.headerSource, views.backend].map(escapeMarkdown),
      c.verdict.reasons.map(escapeMarkdown).join('<br>'),
    ];
  });
  const more = failing.length - rows.length;
  return [
    ...table(['connection', 'origin', 'header source', "backend's view", 'diagnosis'], rows),
    ...(more > 0 ? ['', `…and ${more} more failing connection(s) in report.json.`] : []),
  ];
}

/**
 * The run as GitHub-flavoured Markdown for a CI step summary: the outcome
 * first, then every scenario, then what a person needs to act on a failure.
 */
export function renderSummaryMarkdown(report: RunReport): string {
  const { passed, failed, skipped, errored } = report.summary;
  const out = [
    headline(report),
    '',
    `${passed} passed · ${failed} failed · ${errored} errored · ${skipped} skipped · ${formatMillis(runMillis(report))} · target ${report.target} · run ${escapeMarkdown(report.runId)}`,
    '',
    ...table(
      ['', 'scenario', 'status', 'duration', 'reason'],
      report.scenarios.map((s) => [
        MARK[s.status],
        escapeMarkdown(s.id),
        s.status,
        formatMillis(s.durationMillis),
        escapeMarkdown(s.reason),
      ]),
    ),
  ];
  for (const s of report.scenarios.filter((x) => x.tally)) {
    out.push('', `### 📊 ${escapeMarkdown(s.id)}: load`, '');
    out.push(...tallyLines(s.tally!).map((line) => `- ${escapeMarkdown(line)}`));
  }
  for (const s of report.scenarios.filter((x) => x.status === 'failed')) {
    out.push('', `### ❌ ${escapeMarkdown(s.id)}: ${escapeMarkdown(s.title)}`, '');
    out.push(...failingConnections(s));
  }
  const erroredOnes = report.scenarios.filter((s) => s.status === 'errored');
  if (erroredOnes.length > 0) {
    out.push('', '### ⚠️ Errored (the harness could not finish these: no verdict)', '');
    out.push(
      ...erroredOnes.map(
        (s) =>
          `- **${escapeMarkdown(s.id)}** (${s.errorKind === 'harness' ? 'a defect of proxyproof: please report it' : 'environment'}): ${escapeMarkdown(s.reason)}`,
      ),
    );
  }
  const skippedOnes = report.scenarios.filter((s) => s.status === 'skipped');
  if (skippedOnes.length > 0) {
    out.push('', '### ⏭️ Skipped', '');
    out.push(
      ...skippedOnes.map((s) => `- **${escapeMarkdown(s.id)}**: ${escapeMarkdown(s.reason)}`),
    );
  }
  const warned = report.scenarios.filter((s) => s.warnings.length > 0);
  if (warned.length > 0) {
    out.push('', '### ⚠️ Warnings', '');
    for (const s of warned)
      out.push(...s.warnings.map((w) => `- **${escapeMarkdown(s.id)}**: ${escapeMarkdown(w)}`));
  }
  return `${out.join('\n')}\n`;
}

/**
 * Appends to the file GitHub Actions names in $GITHUB_STEP_SUMMARY (several
 * steps may each add theirs); outside Actions it does nothing. True if written.
 */
export async function writeStepSummary(
  markdown: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<boolean> {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return false;
  await appendFile(file, markdown);
  return true;
}
