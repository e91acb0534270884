// One row of `npm run bench`'s summary: a figure beside its target, as data, so
// that any benchmark can add rows to the same table.

export interface BenchRow {
  name: string;
  /** Null when the figure could not be measured here (then `note` says why). */
  value: number | null;
  /** "headers/s", "MB/s", "x" (a ratio: proxyproof over the peer on the same work). */
  unit: string;
  /** The value that just meets the target; null when the row has none. */
  target: number | null;
  /** Whether the target is a floor (throughput, ratios) or a ceiling (durations). */
  better: 'higher' | 'lower';
  /** Null when there is no target or no value. */
  met: boolean | null;
  note?: string;
}

/** A row whose `met` follows from its value and target: at least the target, or at most when `better` is lower. */
export function row(
  name: string,
  value: number | null,
  unit: string,
  target: number | null,
  note?: string,
  better: BenchRow['better'] = 'higher',
): BenchRow {
  const met =
    value === null || target === null
      ? null
      : better === 'higher'
        ? value >= target
        : value <= target;
  return note === undefined
    ? { name, value, unit, target, better, met }
    : { name, value, unit, target, better, met, note };
}

const number = (n: number, unit: string, exact = false) =>
  unit === 'x'
    ? `${exact ? String(n) : n.toFixed(2)}x`
    : unit === 's'
      ? `${exact ? String(n) : n.toFixed(1)} s`
      : `${Math.round(n).toLocaleString('en-US')} ${unit}`;

/** The rows as a table: figure, target, and whether it is met. */
export function formatRows(rows: readonly BenchRow[]): string {
  const name = Math.max(...rows.map((r) => r.name.length));
  const cells = rows.map((r) => [
    r.value === null ? 'n/a' : number(r.value, r.unit),
    r.target === null
      ? 'no target'
      : `target ${r.better === 'higher' ? '>=' : '<='} ${number(r.target, r.unit, true)}`,
    r.met === null ? (r.note ?? '') : `${r.met ? 'met' : 'NOT MET'}${r.note ? ` (${r.note})` : ''}`,
  ]);
  const value = Math.max(...cells.map((c) => c[0]!.length));
  const target = Math.max(...cells.map((c) => c[1]!.length));
  return rows
    .map((r, i) => {
      const [v, t, m] = cells[i]!;
      return `  ${r.name.padEnd(name)}  ${v!.padStart(value)}   ${t!.padEnd(target)}   ${m}`.trimEnd();
    })
    .join('\n');
}
