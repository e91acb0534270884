import type { Endpoint } from '../net/endpoint.ts';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../net/ip.ts';
import { invalid, NO_TLVS, type DecodeResult, type ProxyHeader } from './types.ts';

// haproxy doc/proxy-protocol.txt, section 2.1: "PROXY" SP proto SP src SP dst SP
// sport SP dport CRLF, at most 107 bytes with the CRLF. Parsed byte by byte:
// this runs once per connection on a busy backend. Every refusal is the spec's:
// "any sequence which does not exactly match the protocol must be discarded".
// (HAProxy is laxer on ports, taking leading zeros, and stricter on UNKNOWN,
// taking only "UNKNOWN\r\n"; the spec is followed on both.)
export const V1_MAX_LENGTH = 107;
const SIGNATURE = [0x50, 0x52, 0x4f, 0x58, 0x59, 0x20]; // "PROXY "
const SP = 0x20;
const CR = 0x0d;
const LF = 0x0a;
const INCOMPLETE: DecodeResult = { kind: 'incomplete' };
const ABSENT: DecodeResult = { kind: 'absent' };

/** True when `bytes` could still become, or already is, a v1 header. */
export function startsLikeV1(bytes: Uint8Array): boolean {
  const n = bytes.length < 6 ? bytes.length : 6;
  for (let i = 0; i < n; i++) if (bytes[i] !== SIGNATURE[i]) return false;
  return true;
}

/** Index of the next SP or CR from `from` (the CR at `cr` at the latest). */
function fieldEnd(b: Uint8Array, from: number, cr: number): number {
  const sp = b.indexOf(SP, from);
  return sp < 0 || sp > cr ? cr : sp;
}

/** A decimal port without sign or leading zeros, or -1. */
function port(b: Uint8Array, start: number, end: number): number {
  const len = end - start;
  if (len < 1 || len > 5 || (len > 1 && b[start] === 0x30)) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const d = b[i]! - 0x30;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value <= 65535 ? value : -1;
}

const text = (b: Uint8Array, start: number, end: number) =>
  String.fromCharCode.apply(null, b.subarray(start, end) as unknown as number[]);
const v4 = new Uint8Array(4);
const v6 = new Uint8Array(16);

/** Decodes a v1 header at the start of `bytes`, strictly as the spec says. */
export function decodeV1(b: Uint8Array): DecodeResult {
  if (!startsLikeV1(b)) return ABSENT;
  const n = b.length;
  if (n < 6) return INCOMPLETE;

  // Native scan for the LF; a longer-than-allowed line is decided at 107 bytes.
  const lf = b.indexOf(LF, 6);
  if (lf < 0 || lf >= V1_MAX_LENGTH) {
    return n < V1_MAX_LENGTH && lf < 0
      ? INCOMPLETE
      : invalid('V1_TOO_LONG', `no CRLF within the first ${V1_MAX_LENGTH} bytes`);
  }
  const cr = lf - 1;
  if (b[cr] !== CR) return invalid('V1_BAD_TERMINATOR', 'the line ends with LF without CR');
  const length = lf + 1;

  // "UNKNOWN": the receiver must ignore whatever follows it up to the CRLF.
  if (
    b[6] === 0x55 &&
    b[7] === 0x4e &&
    b[8] === 0x4b &&
    b[9] === 0x4e &&
    b[10] === 0x4f &&
    b[11] === 0x57 &&
    b[12] === 0x4e &&
    (b[13] === SP || 13 === cr)
  ) {
    return { kind: 'header', header: header('UNSPEC', null, null, length) };
  }
  const family = b[6] === 0x54 && b[7] === 0x43 && b[8] === 0x50 && b[10] === SP ? b[9] : 0;
  if (family !== 0x34 && family !== 0x36) {
    return invalid(
      'V1_BAD_PROTOCOL',
      `protocol must be TCP4, TCP6 or UNKNOWN, got ${JSON.stringify(text(b, 6, fieldEnd(b, 6, cr)))}`,
    );
  }
  const isV4 = family === 0x34;

  // Four fields: src SP dst SP sport SP dport, each non-empty, the last ending at CR.
  const s0 = 11;
  const s1 = fieldEnd(b, s0, cr);
  const d0 = s1 + 1;
  const d1 = fieldEnd(b, d0, cr);
  const p0 = d1 + 1;
  const p1 = fieldEnd(b, p0, cr);
  const q0 = p1 + 1;
  const q1 = fieldEnd(b, q0, cr);
  if (
    s1 === s0 ||
    d0 > cr ||
    d1 === d0 ||
    p0 > cr ||
    p1 === p0 ||
    q0 > cr ||
    q1 === q0 ||
    q1 !== cr
  ) {
    return invalid(
      'V1_BAD_FIELDS',
      'expected 6 single-space-separated fields: PROXY, protocol, addresses and ports',
    );
  }
  let source: string;
  let destination: string;
  if (isV4) {
    if (!parseIPv4(b, s0, s1, v4)) return badAddress('source', b, s0, s1, 'IPv4');
    source = formatIPv4(v4, 0);
    if (!parseIPv4(b, d0, d1, v4)) return badAddress('destination', b, d0, d1, 'IPv4');
    destination = formatIPv4(v4, 0);
  } else {
    // Printed canonically, as v2 addresses are: the spec leaves spelling to the sender.
    if (!parseIPv6(b, s0, s1, v6)) return badAddress('source', b, s0, s1, 'IPv6');
    source = formatIPv6(v6, 0);
    if (!parseIPv6(b, d0, d1, v6)) return badAddress('destination', b, d0, d1, 'IPv6');
    destination = formatIPv6(v6, 0);
  }
  const sport = port(b, p0, p1);
  const dport = port(b, q0, q1);
  if (sport < 0 || dport < 0) {
    const bad = sport < 0 ? text(b, p0, p1) : text(b, q0, q1);
    return invalid(
      'V1_BAD_PORT',
      `port ${JSON.stringify(bad)} is not a decimal 0-65535 without sign or leading zeros`,
    );
  }
  const src = { address: source, port: sport };
  const dst = { address: destination, port: dport };
  return { kind: 'header', header: header(isV4 ? 'INET' : 'INET6', src, dst, length) };
}

function badAddress(
  name: string,
  b: Uint8Array,
  start: number,
  end: number,
  family: string,
): DecodeResult {
  return invalid(
    'V1_BAD_ADDRESS',
    `${name} address ${JSON.stringify(text(b, start, end))} is not a valid ${family} address`,
  );
}

function header(
  family: 'INET' | 'INET6' | 'UNSPEC',
  source: Endpoint | null,
  destination: Endpoint | null,
  length: number,
): ProxyHeader {
  const protocol = family === 'UNSPEC' ? 'UNSPEC' : 'STREAM';
  return {
    version: 1,
    command: 'PROXY',
    family,
    protocol,
    source,
    destination,
    tlvs: NO_TLVS,
    length,
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
