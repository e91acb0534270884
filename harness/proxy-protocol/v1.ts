import type { Endpoint } from '../net/endpoint.ts';
import {
  CANONICAL_IPV6,
  formatIPv6,
  NOT_IPV6,
  parseIPv4,
  parseIPv6Spelling,
  scanIPv6,
  scanned,
} from '../net/ip.ts';
import { latin1 } from './bytes-text.ts';
import { ListenerAddress } from './listener-address.ts';
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
  let i = from;
  while (i < cr && b[i] !== SP) i++;
  return i;
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
const v6 = new Uint8Array(16);

/** Where the listener's kept address ends if it stands at `b[start]` before SP and `limit`; else -1. */
function listenerEnd(last: ListenerAddress, b: Uint8Array, start: number, limit: number): number {
  const end = start + last.length;
  return end < limit && b[end] === SP && last.matches(b, start, end) ? end : -1;
}
const lastV4 = new ListenerAddress();
const lastV6 = new ListenerAddress();
/**
 * IPv6 text as Node prints it: the sender's when canonical (`spelling`), else
 * printed. Only then are the address's bytes needed, so only then are they read.
 */
function v6Text(b: Uint8Array, start: number, end: number, spelling: number): string {
  if (spelling === CANONICAL_IPV6) return latin1(b, start, end);
  parseIPv6Spelling(b, start, end, v6);
  return formatIPv6(v6, 0);
}

/** Index of the first SP from `from`, or `limit`. */
function nextSpace(b: Uint8Array, from: number, limit: number): number {
  let i = from;
  while (i < limit && b[i] !== SP) i++;
  return i;
}

/**
 * The usual header, a valid TCP4 or TCP6 line, read in one pass: each IPv6
 * address is parsed where it stands, the parse finding its end. Null for
 * anything else, which decodeV1's full reading then decides in the order of
 * its checks; a line read here is one that reading accepts the same way.
 */
function decodeUsual(b: Uint8Array, n: number): DecodeResult | null {
  const family = b[6] === 0x54 && b[7] === 0x43 && b[8] === 0x50 && b[10] === SP ? b[9] : 0;
  if (family !== 0x34 && family !== 0x36) return null;
  const limit = n < V1_MAX_LENGTH ? n : V1_MAX_LENGTH;
  const s0 = 11;
  let s1: number;
  let d1: number;
  let source: string;
  let destination: string;
  if (family === 0x34) {
    s1 = nextSpace(b, s0, limit);
    if (s1 === limit || !parseIPv4(b, s0, s1)) return null;
    source = latin1(b, s0, s1);
    const d0 = s1 + 1;
    d1 = listenerEnd(lastV4, b, d0, limit);
    if (d1 >= 0) destination = lastV4.text;
    else {
      d1 = nextSpace(b, d0, limit);
      if (d1 === limit || !parseIPv4(b, d0, d1)) return null;
      destination = lastV4.keep(b, d0, d1, latin1(b, d0, d1));
    }
  } else {
    const spelling = scanIPv6(b, s0, limit);
    s1 = scanned.end;
    if (spelling === NOT_IPV6 || b[s1] !== SP) return null;
    source = v6Text(b, s0, s1, spelling);
    const d0 = s1 + 1;
    d1 = listenerEnd(lastV6, b, d0, limit);
    if (d1 >= 0) destination = lastV6.text;
    else {
      const dst = scanIPv6(b, d0, limit);
      d1 = scanned.end;
      if (dst === NOT_IPV6 || b[d1] !== SP) return null;
      destination = lastV6.keep(b, d0, d1, v6Text(b, d0, d1, dst));
    }
  }
  const p0 = d1 + 1;
  const p1 = nextSpace(b, p0, limit);
  const sport = port(b, p0, p1);
  if (p1 === limit || sport < 0) return null;
  const q0 = p1 + 1;
  let cr = q0;
  while (cr < limit && b[cr]! >= 0x30 && b[cr]! <= 0x39) cr++;
  const dport = port(b, q0, cr);
  if (cr + 1 >= limit || b[cr] !== CR || b[cr + 1] !== LF || dport < 0) return null;
  const src = { address: source, port: sport };
  const dst = { address: destination, port: dport };
  return { kind: 'header', header: header(family === 0x34 ? 'INET' : 'INET6', src, dst, cr + 2) };
}

/** Decodes a v1 header at the start of `bytes`, strictly as the spec says. */
export function decodeV1(b: Uint8Array): DecodeResult {
  if (!startsLikeV1(b)) return ABSENT;
  const n = b.length;
  if (n < 6) return INCOMPLETE;
  const usual = decodeUsual(b, n);
  if (usual) return usual;

  // One pass to the LF, noting the first four spaces from 11 on: after "PROXY
  // TCPx ", they end the fields. A longer-than-allowed line is decided at 107 bytes.
  const max = n < V1_MAX_LENGTH ? n : V1_MAX_LENGTH;
  let sp0 = 0;
  let sp1 = 0;
  let sp2 = 0;
  let sp3 = 0;
  let spaces = 0;
  let lf = 6;
  for (; lf < max; lf++) {
    const c = b[lf];
    if (c === LF) break;
    if (c === SP && lf >= 11) {
      if (spaces === 0) sp0 = lf;
      else if (spaces === 1) sp1 = lf;
      else if (spaces === 2) sp2 = lf;
      else if (spaces === 3) sp3 = lf;
      spaces++;
    }
  }
  if (lf === max) {
    return n < V1_MAX_LENGTH
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
  const s1 = spaces > 0 ? sp0 : cr;
  const d0 = s1 + 1;
  const d1 = spaces > 1 ? sp1 : cr;
  const p0 = d1 + 1;
  const p1 = spaces > 2 ? sp2 : cr;
  const q0 = p1 + 1;
  const q1 = spaces > 3 ? sp3 : cr;
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
  // Address text is cut from the line, not printed anew: IPv4 text that parses
  // is Node's, and IPv6 text is kept when it is already canonical (the spec
  // leaves spelling to the sender; v2 addresses are printed the same way).
  let source: string;
  let destination: string;
  if (isV4) {
    if (!parseIPv4(b, s0, s1)) return badAddress('source', b, s0, s1, 'IPv4');
    if (!parseIPv4(b, d0, d1)) return badAddress('destination', b, d0, d1, 'IPv4');
    source = latin1(b, s0, s1);
    destination = latin1(b, d0, d1);
  } else {
    const spelling = parseIPv6Spelling(b, s0, s1);
    if (spelling === NOT_IPV6) return badAddress('source', b, s0, s1, 'IPv6');
    source = v6Text(b, s0, s1, spelling);
    const dst = parseIPv6Spelling(b, d0, d1);
    if (dst === NOT_IPV6) return badAddress('destination', b, d0, d1, 'IPv6');
    destination = v6Text(b, d0, d1, dst);
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
