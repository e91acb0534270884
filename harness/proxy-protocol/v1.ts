import { isIPv4, isIPv6 } from 'node:net';
import type { DecodeError, DecodeResult, ProxyHeader } from './types.ts';

// haproxy doc/proxy-protocol.txt, section 2.1: "PROXY" SP proto SP src SP dst SP
// sport SP dport CRLF, at most 107 bytes with the CRLF.
const SIGNATURE = Buffer.from('PROXY ', 'latin1');
export const V1_MAX_LENGTH = 107;
const PORT = /^(0|[1-9][0-9]{0,4})$/;

const invalid = (code: string, message: string): DecodeResult => ({
  kind: 'invalid',
  error: { code, message } satisfies DecodeError,
});

function parsePort(text: string): number | null {
  if (!PORT.test(text)) return null;
  const port = Number(text);
  return port <= 65535 ? port : null;
}

/** Decodes a v1 header at the start of `bytes`, strictly as the spec says. */
export function decodeV1(bytes: Uint8Array): DecodeResult {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const prefix = buf.subarray(0, SIGNATURE.length);
  if (!SIGNATURE.subarray(0, prefix.length).equals(prefix)) return { kind: 'absent' };
  if (buf.length < SIGNATURE.length) return { kind: 'incomplete' };

  const window = buf.subarray(0, V1_MAX_LENGTH);
  const crlf = window.indexOf('\r\n', 0, 'latin1');
  if (crlf < 0) {
    if (buf.length < V1_MAX_LENGTH) return { kind: 'incomplete' };
    return invalid('V1_TOO_LONG', `no CRLF within the first ${V1_MAX_LENGTH} bytes`);
  }
  const length = crlf + 2;
  const line = window.subarray(0, crlf).toString('latin1');
  const hex = buf.subarray(0, length).toString('hex');
  const fields = line.split(' ');
  const proto = fields[1];

  if (proto === 'UNKNOWN') {
    // The receiver must ignore whatever follows UNKNOWN up to the CRLF.
    const header: ProxyHeader = {
      version: 1,
      family: 'UNKNOWN',
      source: null,
      destination: null,
      length,
      hex,
    };
    return { kind: 'header', header };
  }
  if (proto !== 'TCP4' && proto !== 'TCP6') {
    return invalid(
      'V1_BAD_PROTOCOL',
      `protocol must be TCP4, TCP6 or UNKNOWN, got ${JSON.stringify(proto)}`,
    );
  }
  if (fields.length !== 6) {
    return invalid(
      'V1_BAD_FIELDS',
      `expected 6 single-space-separated fields, got ${fields.length}`,
    );
  }
  const [, , src, dst, sportText, dportText] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const validAddress = proto === 'TCP4' ? isIPv4 : isIPv6;
  for (const [name, value] of [
    ['source', src],
    ['destination', dst],
  ] as const) {
    if (!validAddress(value)) {
      return invalid(
        'V1_BAD_ADDRESS',
        `${name} address ${JSON.stringify(value)} is not a valid ${proto === 'TCP4' ? 'IPv4' : 'IPv6'} address`,
      );
    }
  }
  const sport = parsePort(sportText);
  const dport = parsePort(dportText);
  if (sport === null || dport === null) {
    const bad = sport === null ? sportText : dportText;
    return invalid(
      'V1_BAD_PORT',
      `port ${JSON.stringify(bad)} is not a decimal 0-65535 without sign or leading zeros`,
    );
  }
  const header: ProxyHeader = {
    version: 1,
    family: proto,
    source: { address: src, port: sport },
    destination: { address: dst, port: dport },
    length,
    hex,
  };
  return { kind: 'header', header };
}

/** Encodes a v1 header; the inverse of decodeV1 for TCP4/TCP6/UNKNOWN. */
export function encodeV1(h: Pick<ProxyHeader, 'family' | 'source' | 'destination'>): Buffer {
  if (h.family === 'UNKNOWN' || !h.source || !h.destination)
    return Buffer.from('PROXY UNKNOWN\r\n', 'latin1');
  const { source: s, destination: d } = h;
  return Buffer.from(
    `PROXY ${h.family} ${s.address} ${d.address} ${s.port} ${d.port}\r\n`,
    'latin1',
  );
}
