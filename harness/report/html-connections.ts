// The connections table: the three independent views side by side, one row a
// connection, each row marked in words as well as colour.
import type { Evidence } from '../evidence/types.ts';
import { backendInstance, missingWire } from './connection-views.ts';
import { foldWhenLong, markup, mark, type Html } from './html-text.ts';
import { viewsText } from './views.ts';

/** Why a row passed or failed, and what could not be checked. */
function notes(c: Evidence): Html | null {
  const items = [
    ...c.verdict.reasons,
    !c.wire && missingWire(c),
    c.wire &&
      c.wire.stack.length > 1 &&
      `${c.wire.stack.length} stacked headers: the last one's source is shown`,
    // Diagnoses of expected refusals quote the server already.
    c.error && !c.verdict.reasons.some((r) => r.includes(c.error!)) && `client error: ${c.error}`,
    c.unobservable?.originPort && `not checked: ${c.unobservable.originPort}`,
    c.captureDropped > 0 &&
      `the captures dropped ${c.captureDropped} packet(s): a missing packet may be a capture loss`,
  ].filter((i): i is string => Boolean(i));
  return items.length
    ? markup`<ul class="notes">${items.map((i) => markup`<li>${i}</li>`)}</ul>`
    : null;
}

function row(c: Evidence): Html {
  const status = c.verdict.ok ? 'passed' : 'failed';
  const views = viewsText(c);
  const user = c.backend && markup`<br><small>USER() ${c.backend.user}</small>`;
  return markup`<tr class="${status}"><td>${mark(status)}</td><td>${c.client}</td><td>${views.origin}</td><td>${views.headerSource}</td><td>${views.backend}${user}</td><td>${backendInstance(c) ?? '—'}</td><td class="why">${notes(c)}</td></tr>\n`;
}

export function renderConnections(connections: readonly Evidence[]): Html {
  const failed = connections.filter((c) => !c.verdict.ok).length;
  const table = markup`<p class="hint">A connection passes when its origin, the header's source and the backend's view agree.</p>
<div class="scroll"><table class="connections">
<thead><tr><th scope="col">verdict</th><th scope="col">client</th><th scope="col">origin (client's socket)</th><th scope="col">header source (wire)</th><th scope="col">backend's view</th><th scope="col">reached</th><th scope="col">why</th></tr></thead>
<tbody>${connections.map(row)}</tbody></table></div>`;
  return foldWhenLong(connections.length, table, failed);
}
