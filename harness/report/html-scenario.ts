// One scenario's section: outcome and reason, warnings, the diagnosis of what
// failed, the topology, the connections and their headers, files and timings.
import { ROWS_IN_FULL, tallyLines } from './connection-tally.ts';
import { HEADER_PAIRS } from './connection-views.ts';
import { formatMillis } from './durations.ts';
import { renderConnections } from './html-connections.ts';
import { foldable, foldWhenLong, markup, mark, scenarioAnchor, type Html } from './html-text.ts';
import { renderTopology } from './html-topology.ts';
import { renderWire } from './html-wire.ts';
import type { ComponentInfo, ScenarioReport } from './types.ts';

const list = (items: (Html | string)[]) =>
  markup`<ul>${items.map((i) => markup`<li>${i}</li>`)}</ul>`;

function reason(s: ScenarioReport): Html {
  const lead = {
    passed: 'Why it passed',
    failed: 'Diagnosis',
    skipped: 'Skipped',
    errored:
      s.errorKind === 'harness' ? 'Errored (a defect of proxyproof)' : 'Errored (environment)',
  }[s.status];
  return markup`<p class="reason"><strong>${lead}:</strong> ${s.reason}</p>`;
}

/** A component in words: its kind, how many, its image, and what else it said of itself. */
const described = (c: ComponentInfo) => [
  markup`<code>${c.kind}</code>`,
  c.count === undefined ? '' : ` ×${c.count}`,
  c.image ? markup` (image <code>${c.image}</code>)` : '',
  c.detail ? `: ${c.detail}` : '',
];

/** What the scenario was made of and where it ran, so a report says what was tested. */
function components(s: ScenarioReport): Html {
  const where = s.target === 'aws' ? 'AWS (your balancer and backends)' : 'local containers';
  const { balancer, backends, fronts, clients, checks } = s.components;
  const items = [
    markup`target: ${where}`,
    markup`balancer: ${described(balancer)}`,
    markup`backends: ${described(backends)}`,
    ...fronts.map((f) => markup`in front: ${described(f)}`),
    ...clients.map((c) => markup`clients: ${described(c)}`),
    markup`checks: ${checks.join('; ')}`,
  ];
  return markup`<details class="components"><summary>Tested: ${balancer.kind} → ${backends.kind} on ${where}</summary>${list(items)}</details>`;
}

function warnings(s: ScenarioReport): Html | null {
  if (s.warnings.length === 0) return null;
  return markup`<div class="warnings" role="note"><strong>⚠ Warnings</strong>${list(s.warnings)}</div>`;
}

/** How many client names to list before "and N more". */
const NAMED = 6;

/** The failed connections' reasons, each once with the clients it befell, before any drawing. */
function diagnosis(s: ScenarioReport): Html | null {
  const failed = s.connections.filter((c) => !c.verdict.ok);
  if (failed.length === 0) return null;
  const byReason = new Map<string, string[]>();
  for (const c of failed) {
    const why = c.verdict.reasons.length ? c.verdict.reasons.join('; ') : 'no reason was recorded';
    byReason.set(why, [...(byReason.get(why) ?? []), c.client]);
  }
  const items = [...byReason].map(([why, clients]) => {
    const more = clients.length > NAMED ? ` and ${clients.length - NAMED} more` : '';
    return markup`<strong>${clients.slice(0, NAMED).join(', ')}${more}</strong>: ${why}`;
  });
  const head = `✗ ${failed.length} of ${s.tally?.total ?? s.connections.length} connection(s) failed`;
  return markup`<div class="diagnosis" role="alert"><strong>${head}</strong>${list(items)}</div>`;
}

/** Too many connections to list: the counts, rate and latencies stand for them. */
function tally(s: ScenarioReport): Html | null {
  if (!s.tally) return null;
  return markup`<h3>Load</h3><div class="tally">${list(tallyLines(s.tally))}</div>`;
}

/** Rows a page shows; report.json keeps every one (thousands may fail under load). */
const ROWS_SHOWN = ROWS_IN_FULL;

function connections(s: ScenarioReport): Html | null {
  if (s.connections.length === 0) return null;
  const shown = s.connections.slice(0, ROWS_SHOWN);
  const n = shown.length;
  const failed = shown.filter((c) => !c.verdict.ok).length;
  const more = s.connections.length - n;
  const omitted = more > 0 ? markup`<p>…and ${more} more in report.json.</p>` : '';
  const headers = markup`<p>${HEADER_PAIRS}</p>${shown.map(renderWire)}`;
  return markup`<h3>Topology</h3>${renderTopology(shown)}
<h3>Connections</h3>${renderConnections(shown)}${omitted}
<h3>PROXY headers</h3>${foldWhenLong(n, headers, failed)}`;
}

/** Paths in report.json are relative to it, as index.html beside it is: link them as they are. */
const href = (path: string) => path.split('/').map(encodeURIComponent).join('/');
const isCapture = (path: string) => /\.pcap(ng)?$/.test(path);

function artifacts(s: ScenarioReport): Html | null {
  if (s.artifacts.length === 0) return null;
  const items = s.artifacts.map(
    (a) =>
      markup`<a href="${href(a)}">${a}</a>${isCapture(a) ? ' (packet capture: opens in Wireshark)' : ''}`,
  );
  return markup`<h3>Files</h3><div class="artifacts">${list(items)}</div>`;
}

function timings(s: ScenarioReport): Html | null {
  if (s.timings.length === 0) return null;
  const longest = Math.max(1, ...s.timings.map((t) => t.millis));
  const rows = s.timings.map((t) => {
    const share = Math.round((100 * t.millis) / longest);
    return markup`<tr><td>${t.step}</td><td class="num">${formatMillis(t.millis)}</td><td class="bar-cell"><span class="bar" style="width:${share}%"></span></td></tr>`;
  });
  const table = markup`<div class="scroll"><table class="timings"><thead><tr><th scope="col">step</th><th scope="col">took</th><th scope="col"><span class="visually-hidden">share of the longest</span></th></tr></thead><tbody>${rows}</tbody></table></div>`;
  const total = formatMillis(s.timings.reduce((sum, t) => sum + t.millis, 0));
  const summary = markup`Step timings: ${total} over ${s.timings.length} steps`;
  return foldable(summary, table, false, 'timings');
}

export function renderScenario(s: ScenarioReport): Html {
  return markup`<section class="scenario ${s.status}" id="${scenarioAnchor(s.id)}">
<h2>${mark(s.status)} ${s.title}</h2>
<p class="meta">scenario <code>${s.id}</code> · ${formatMillis(s.durationMillis)}</p>
${reason(s)}${components(s)}${warnings(s)}${diagnosis(s)}${tally(s)}${connections(s)}${artifacts(s)}${timings(s)}
</section>
`;
}
