// The run's report as one self-contained HTML page (reports/<run-id>/index.html):
// no network, no external files, readable from disk, in a narrow window and in print.
import type { ScenarioStatus } from './types.ts';
import { CSS } from './html-style.ts';
import { renderScenario } from './html-scenario.ts';
import { formatMillis, runMillis } from './durations.ts';
import { markup, mark, raw, scenarioAnchor, type Html } from './html-text.ts';
import type { RunReport } from './types.ts';

/** Nothing may load from anywhere: the page is whole as written. */
const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

/** Opens every fold that holds a failure before printing, should a reader have closed one. */
const PRINT_SCRIPT =
  "addEventListener('beforeprint', function () { document.querySelectorAll('details.has-failure').forEach(function (d) { d.open = true; }); });";

/** A count in words; coloured only when there is something to count. */
const count = (n: number, status: ScenarioStatus, symbol: string) =>
  markup`<span${n > 0 ? markup` class="mark ${status}"` : ''}>${symbol} ${n} ${status}</span>`;

function summary(report: RunReport): Html {
  const { passed, failed, skipped, errored } = report.summary;
  const took = formatMillis(runMillis(report));
  return markup`<p class="summary">${count(passed, 'passed', '✓')}${count(failed, 'failed', '✗')}${count(errored, 'errored', '⚠')}${count(skipped, 'skipped', '–')}<span>took ${took}</span><span>target ${report.target}</span><span>run <code>${report.runId}</code></span></p>`;
}

function contents(report: RunReport): Html {
  const items = report.scenarios.map(
    (s) =>
      markup`<li>${mark(s.status)} <a href="#${scenarioAnchor(s.id)}">${s.title}</a> <code>${s.id}</code></li>\n`,
  );
  return markup`<nav aria-label="scenarios"><ol>\n${items}</ol></nav>`;
}

/** Pure: the report in, the page out. */
export function renderHtml(report: RunReport): string {
  const { passed, failed, skipped, errored } = report.summary;
  return markup`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>proxyproof ${report.runId}: ${passed} passed, ${failed} failed, ${errored} errored, ${skipped} skipped</title>
<style>${raw(CSS)}</style>
</head>
<body>
<header>
<h1>proxyproof run <code>${report.runId}</code></h1>
${summary(report)}
<p class="meta">started ${report.startedAt}, finished ${report.finishedAt}</p>
${contents(report)}
</header>
<main>
${report.scenarios.map(renderScenario)}
</main>
<script>${raw(PRINT_SCRIPT)}</script>
</body>
</html>
`.value;
}
