// One connection's wire view: the decoded header, which pair is which, and the
// bytes annotated; or, where there is no header, why.
import type { Evidence, WireView } from '../evidence/types.ts';
import { missingWire } from './connection-views.ts';
import { renderHexDump } from './html-hexdump.ts';
import { endpointText, foldable, markup, mark, type Html } from './html-text.ts';
import { tlvTypeText, tlvValueText } from './tlv-text.ts';

const row = (name: string, value: string) =>
  markup`<tr><th scope="row">${name}</th><td>${value}</td></tr>`;

function decoded(w: WireView): Html {
  const rows = [
    row('version', String(w.version)),
    row('command', w.command),
    row('family', w.family),
    row('protocol', w.protocol),
    row('source (the client as the balancer saw it)', endpointText(w.source)),
    row("destination (the balancer's listener)", endpointText(w.destination)),
    ...w.tlvs.map((t) => row(`TLV ${tlvTypeText(t)}`, tlvValueText(t))),
  ];
  return markup`<table class="decoded"><tbody>${rows}</tbody></table>`;
}

/** Headers several proxies stacked, in the order they arrived. */
function stack(w: WireView): Html | null {
  if (w.stack.length < 2) return null;
  const items = w.stack.map(
    (h) =>
      markup`<li>source ${endpointText(h.source)} → destination ${endpointText(h.destination)}</li>`,
  );
  return markup`<p>${w.stack.length} headers arrived stacked, first to last; the last is the outermost proxy's, naming the client:</p><ol>${items}</ol>`;
}

/** The wire view of one connection; failures open, so nothing wrong is folded away. */
export function renderWire(c: Evidence): Html {
  const status = c.verdict.ok ? 'passed' : 'failed';
  const who = markup`${mark(status)} <strong>${c.client}</strong>`;
  if (!c.wire) return markup`<p class="wire missing">${who}: ${missingWire(c)}</p>`;
  const w = c.wire;
  const extra = w.stack.length > 1 ? `, ${w.stack.length} stacked headers` : '';
  const summary = markup`${who}: PROXY v${w.version} ${w.command}, ${w.raw.length / 2} bytes${extra}`;
  const body = markup`<p class="meaning">${w.meaning}.</p>${decoded(w)}${stack(w)}${renderHexDump(w.raw)}`;
  return foldable(summary, body, !c.verdict.ok, `wire ${status}`);
}
