import type { CaptureDamage } from '../capture/damage.ts';
import type { CapturedConnection } from '../capture/proxy-headers.ts';
import type { DecodeResult, ProxyAddress, ProxyHeader, Tlv } from '../proxy-protocol/types.ts';

/** The JSON form of a header: what `proxyproof decode` prints. */
function headerJson(h: ProxyHeader, hex: string) {
  const tlvs = (list: readonly Tlv[]): unknown[] =>
    list.map((t) => ({
      type: t.type,
      name: t.name,
      value:
        typeof t.value === 'object' && 'subTlvs' in t.value
          ? { ...t.value, subTlvs: tlvs(t.value.subTlvs) }
          : t.value,
    }));
  return {
    version: h.version,
    command: h.command,
    family: h.family,
    protocol: h.protocol,
    source: h.source,
    destination: h.destination,
    tlvs: tlvs(h.tlvs),
    length: h.length,
    hex,
  };
}

/** Whether decode shows a connection: it begins with a PROXY header, or a broken one. */
export const shown = (c: CapturedConnection) => c.headers.length > 0 || c.error !== null;

/** A shown connection as one JSON line. */
export function connectionLine(c: CapturedConnection): string {
  return JSON.stringify({
    connection: c.connection,
    headers: c.headers.map((h) => headerJson(h, h.hex)),
    ...(c.error ? { error: c.error } : {}),
  });
}

/** What of a capture was not read, as a JSON line after the connections. */
export const unreadLine = (damage: CaptureDamage) => JSON.stringify({ unread: damage });

/** `decode --hex`: the header, or an error object; ok says which exit code. */
export function hexResult(input: Buffer, result: DecodeResult): { ok: boolean; json: unknown } {
  switch (result.kind) {
    case 'header':
      return {
        ok: true,
        json: headerJson(result.header, input.toString('hex', 0, result.header.length)),
      };
    case 'invalid':
      return { ok: false, json: { error: result.error } };
    case 'incomplete':
      return {
        ok: false,
        json: { error: { code: 'INCOMPLETE', message: 'the bytes end before the header does' } },
      };
    case 'absent':
      return {
        ok: false,
        json: {
          error: {
            code: 'NO_SIGNATURE',
            message: 'the bytes do not start with a PROXY v1 or v2 signature',
          },
        },
      };
  }
}

const address = (a: ProxyAddress | null) =>
  a === null
    ? '-'
    : 'path' in a
      ? a.path
      : a.address.includes(':')
        ? `[${a.address}]:${a.port}`
        : `${a.address}:${a.port}`;
const tlvSummary = (h: ProxyHeader) =>
  h.tlvs.map((t) => (typeof t.value === 'string' ? `${t.name}=${t.value}` : t.name)).join(' ') ||
  '-';

/** A table for people: one row per header, stacked headers on their own rows. */
export function connectionTable(connections: CapturedConnection[]): string {
  const rows = [
    ['connection', 'v', 'command', 'source (client)', 'destination (proxy listener)', 'TLVs'],
  ];
  for (const c of connections.filter(shown)) {
    const conn = `${address({ address: c.connection.src, port: c.connection.sport })} → ${address({ address: c.connection.dst, port: c.connection.dport })}`;
    c.headers.forEach((h, i) =>
      rows.push([
        i === 0 ? conn : '  (stacked)',
        String(h.version),
        h.command,
        address(h.source),
        address(h.destination),
        tlvSummary(h),
      ]),
    );
    if (c.error)
      rows.push([
        c.headers.length === 0 ? conn : '',
        '',
        'ERROR',
        `${c.error.code}: ${c.error.message}`,
        '',
        '',
      ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
