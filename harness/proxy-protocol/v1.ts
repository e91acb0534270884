import { isIPv4, isIPv6 } from 'node:net';
import type { Endpoint } from '../net/endpoint.ts';
import { invalid, type DecodeResult, type ProxyHeader } from './types.ts';

// haproxy doc/proxy-protocol.txt, section 2.1: "PROXY" SP proto SP src SP dst SP
// sport SP dport CRLF, at most 107 bytes with the CRLF.
const SIGNATURE = Buffer.from('PROXY ', 'latin1');
export const V1_MAX_LENGTH = 107;
const PORT = /^(0|[1-9][0-9]{0,4})$/;
const CR = 0x0d;
const LF = 0x0a;

function parsePort(text: string): number | null {
  if (!PORT.test(text)) return null;
  const port = Number(text);
  return port <= 65535 ? port : null;
}

/** True when `bytes` could still become, or already is, a v1 header. */
export function startsLikeV1(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, SIGNATURE.length);
  for (let i = 0; i < n; i++) if (bytes[i] !== SIGNATURE[i]) return false;
  return true;
}

/** Decodes a v1 header at the start of `bytes`, strictly as the spec says. */
export function decodeV1(bytes: Uint8Array): DecodeResult {
  if (!startsLikeV1(bytes)) return { kind: 'absent' };
  if (bytes.length < SIGNATURE.length) return { kind: 'incomplete' };

  const limit = Math.min(bytes.length, V1_MAX_LENGTH);
  let crlf = -1;
  for (let i = SIGNATURE.length; i < limit; i++) {
    if (bytes[i] === LF) {
      if (bytes[i - 1] !== CR)
        return invalid('V1_BAD_TERMINATOR', 'the line ends with LF without CR');
      crlf = i - 1;
      break;
    }
    if (bytes[i - 1] === CR) return invalid('V1_BAD_TERMINATOR', 'CR not followed by LF');
  }
  if (crlf < 0) {
    if (bytes.length < V1_MAX_LENGTH) return { kind: 'incomplete' };
    return invalid('V1_TOO_LONG', `no CRLF within the first ${V1_MAX_LENGTH} bytes`);
  }
  const length = crlf + 2;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, length);
  const line = buf.toString('latin1', 0, crlf);
  const hex = buf.toString('hex');
  const fields = line.split(' ');
  const proto = fields[1];

  if (proto === 'UNKNOWN') {
    // The receiver must ignore whatever follows UNKNOWN up to the CRLF.
    return { kind: 'header', header: v1Header('UNSPEC', null, null, length, hex) };
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
  const v4 = proto === 'TCP4';
  for (const [name, value] of [
    ['source', src],
    ['destination', dst],
  ] as const) {
    if (!(v4 ? isIPv4(value) : isIPv6(value))) {
      return invalid(
        'V1_BAD_ADDRESS',
        `${name} address ${JSON.stringify(value)} is not a valid ${v4 ? 'IPv4' : 'IPv6'} address`,
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
  const header = v1Header(
    v4 ? 'INET' : 'INET6',
    { address: src, port: sport },
    { address: dst, port: dport },
    length,
    hex,
  );
  return { kind: 'header', header };
}

function v1Header(
  family: 'INET' | 'INET6' | 'UNSPEC',
  source: Endpoint | null,
  destination: Endpoint | null,
  length: number,
  hex: string,
): ProxyHeader {
  const protocol = family === 'UNSPEC' ? 'UNSPEC' : 'STREAM';
  return {
    version: 1,
    command: 'PROXY',
    family,
    protocol,
    source,
    destination,
    tlvs: [],
    length,
    hex,
  };
}

/** Encodes a v1 header: TCP4/TCP6 with both endpoints, or UNKNOWN. */
export function encodeV1(h: {
  family: 'INET' | 'INET6' | 'UNSPEC';
  source?: Endpoint | null;
  destination?: Endpoint | null;
}): Buffer {
  if (h.family === 'UNSPEC' || !h.source || !h.destination) {
    return Buffer.from('PROXY UNKNOWN\r\n', 'latin1');
  }
  const { source: s, destination: d } = h;
  const word = h.family === 'INET' ? 'TCP4' : 'TCP6';
  return Buffer.from(`PROXY ${word} ${s.address} ${d.address} ${s.port} ${d.port}\r\n`, 'latin1');
}
