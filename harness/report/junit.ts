import { escapeXml } from '../xml.ts';
import { tallyLines } from './connection-tally.ts';
import type { RunReport } from './types.ts';
import { viewsText } from './views.ts';

/**
 * JUnit XML: one testcase per scenario; failures carry the diagnosis and each
 * failing connection's three views, skips the reason.
 */
export function renderJunit(report: RunReport): string {
  const cases = report.scenarios.map((s) => {
    const open = `    <testcase classname="proxyproof" name="${escapeXml(s.id)}" time="${(s.durationMillis / 1000).toFixed(3)}">`;
    const failedRows = s.connections
      .filter((c) => !c.verdict.ok)
      .map((c) => {
        const v = viewsText(c);
        return `${c.client}: ${c.verdict.reasons.join('; ')}\n  origin ${v.origin}, header source ${v.headerSource}, backend's view ${v.backend}`;
      })
      .join('\n');
    // The tally beside a failure too: how many of how many.
    const load = s.tally
      ? `\n      <system-out>${escapeXml(tallyLines(s.tally).join('\n'))}</system-out>`
      : '';
    const body =
      s.status === 'failed'
        ? `\n      <failure message="${escapeXml(s.reason)}">${escapeXml(failedRows || s.reason)}</failure>${load}\n    `
        : s.status === 'skipped'
          ? `\n      <skipped message="${escapeXml(s.reason)}"/>\n    `
          : s.status === 'errored'
            ? `\n      <error type="${s.errorKind ?? 'environment'}" message="${escapeXml(s.reason)}">${escapeXml(s.reason)}</error>\n    `
            : load && `${load}\n    `;
    return `${open}${body}</testcase>`;
  });
  const { passed, failed, skipped, errored } = report.summary;
  const counts = `tests="${passed + failed + skipped + errored}" failures="${failed}" errors="${errored}" skipped="${skipped}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="proxyproof" ${counts}>`,
    `  <testsuite name="proxyproof run ${escapeXml(report.runId)}" ${counts} timestamp="${report.startedAt}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
