// The annotated hex dump of a connection's header bytes: a classic 16-byte-a-row
// dump whose runs are tinted and titled by field, and a table naming every run.
import { annotateProxyBytes, type HexField } from './hex-annotate.ts';
import { markup, type Html } from './html-text.ts';

const ROW = 16;
const hexOf = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
const offsetText = (n: number) => `0x${n.toString(16).padStart(4, '0')}`;
const printable = (b: number) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.');
/** Neighbouring fields get different tints; the table, not colour, carries the meaning. */
const tint = (i: number) => `f${i % 4}`;

function dumpRow(bytes: Uint8Array, fields: HexField[], start: number): Html {
  const end = Math.min(start + ROW, bytes.length);
  const runs = fields.flatMap((f, i) => {
    const from = Math.max(f.offset, start);
    const to = Math.min(f.offset + f.length, end);
    if (from >= to) return [];
    const hex = hexOf(bytes.subarray(from, to));
    return [markup`<span class="${tint(i)}" title="${f.label}: ${f.value}">${hex}</span>`];
  });
  const spaced = runs.flatMap((r, i) => (i ? [' ', r] : [r]));
  const pad = ' '.repeat((ROW - (end - start)) * 3);
  const ascii = Array.from(bytes.subarray(start, end), printable).join('');
  return markup`${offsetText(start)}  ${spaced}${pad}  |${ascii}|\n`;
}

function dump(bytes: Uint8Array, fields: HexField[]): Html {
  const rows: Html[] = [];
  for (let at = 0; at < bytes.length; at += ROW) rows.push(dumpRow(bytes, fields, at));
  return markup`<pre class="dump" aria-hidden="true">${rows}</pre>`;
}

function groupHeading(header: number, headers: number): Html | null {
  if (headers < 2 && header >= 0) return null;
  const text = header < 0 ? 'bytes no header explains' : `header ${header + 1} of ${headers}`;
  return markup`<tr class="group"><th colspan="4" scope="rowgroup">${text}</th></tr>`;
}

function fieldRow(bytes: Uint8Array, f: HexField, i: number): Html {
  const hex = hexOf(bytes.subarray(f.offset, f.offset + f.length));
  return markup`<tr class="${tint(i)}"><td>${offsetText(f.offset)}</td><td><code>${hex}</code></td><td>${f.label}</td><td>${f.value}</td></tr>`;
}

function fieldTable(bytes: Uint8Array, fields: HexField[]): Html {
  const headers = new Set(fields.filter((f) => f.header >= 0).map((f) => f.header)).size;
  const rows = fields.map((f, i) => {
    const first = i === 0 || fields[i - 1]!.header !== f.header;
    return markup`${first && groupHeading(f.header, headers)}${fieldRow(bytes, f, i)}`;
  });
  return markup`<div class="scroll"><table class="fields">
<thead><tr><th scope="col">offset</th><th scope="col">bytes</th><th scope="col">field</th><th scope="col">value</th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
}

/** The bytes of `rawHex` (as WireView.raw holds them), dumped and annotated field by field. */
export function renderHexDump(rawHex: string): Html {
  const bytes = Buffer.from(rawHex, 'hex');
  if (bytes.length === 0) return markup`<p>No header bytes were recorded.</p>`;
  const fields = annotateProxyBytes(bytes);
  return markup`<div class="hex">${dump(bytes, fields)}${fieldTable(bytes, fields)}</div>`;
}
