// Labels every byte of captured PROXY header(s) by decoding them again with the
// codec and laying the decoded fields over the spec's byte layout. Pure: bytes in,
// field list out; the page renders it.
import { decodeProxyHeader, type ProxyHeader, type Tlv } from '../proxy-protocol/index.ts';
import { isEndpoint, type DecodeResult, type ProxyAddress } from '../proxy-protocol/types.ts';
import { hex2, sslClientText, sslVerifyText, tlvTypeText, tlvValueText } from './tlv-text.ts';

/** One run of bytes with what the spec calls it and what it says. */
export interface HexField {
  /** Which header of a stack, 0 first on the wire; -1 for bytes no header explains. */
  header: number;
  /** From the start of all the bytes given. */
  offset: number;
  length: number;
  label: string;
  value: string;
}

/** Appends consecutive fields; the spec's layouts are read front to back. */
class Cursor {
  readonly fields: Omit<HexField, 'header'>[] = [];
  constructor(public at = 0) {}
  push(length: number, label: string, value: string): void {
    this.fields.push({ offset: this.at, length, label, value });
    this.at += length;
  }
}

const addressText = (a: ProxyAddress | null) =>
  a === null ? '' : isEndpoint(a) ? a.address : a.path;
const portText = (a: ProxyAddress | null) => (a && isEndpoint(a) ? String(a.port) : '');

// Spec 2.1: "PROXY" SP proto SP src SP dst SP sport SP dport CRLF.
function v1Fields(b: Uint8Array, h: ProxyHeader): Cursor {
  const c = new Cursor();
  c.push(6, 'signature', '"PROXY "');
  const end = h.length - 2; // the CRLF
  if (h.family === 'UNSPEC') {
    c.push(7, 'protocol', 'UNKNOWN: no addresses given');
    if (c.at < end) c.push(end - c.at, 'ignored', 'whatever follows UNKNOWN is ignored (spec 2.1)');
  } else {
    // The decoder accepted it, so the fields are separated by exactly one space.
    const [proto, ...tokens] = Buffer.from(b.subarray(6, end)).toString('latin1').split(' ');
    c.push(
      proto!.length,
      'protocol',
      proto === 'TCP4' ? 'TCP4: TCP over IPv4' : 'TCP6: TCP over IPv6',
    );
    const named: [string, string][] = [
      ['source address', addressText(h.source)],
      ['destination address', addressText(h.destination)],
      ['source port', portText(h.source)],
      ['destination port', portText(h.destination)],
    ];
    tokens.forEach((token, i) => {
      c.push(1, 'SP', 'separator');
      c.push(token.length, named[i]![0], named[i]![1]);
    });
  }
  c.push(2, 'CRLF', 'end of the header');
  return c;
}

/** The family byte in words: "TCP over IPv4", "datagram over a UNIX socket". */
function familyWords(h: ProxyHeader): string {
  if (h.family === 'UNSPEC' || h.protocol === 'UNSPEC') return 'unspecified';
  if (h.family === 'UNIX')
    return `${h.protocol === 'STREAM' ? 'stream' : 'datagram'} over a UNIX socket`;
  return `${h.protocol === 'STREAM' ? 'TCP' : 'UDP'} over ${h.family === 'INET' ? 'IPv4' : 'IPv6'}`;
}

// Spec 2.2: per family, source address, destination address, then the ports.
function addressFields(c: Cursor, h: ProxyHeader): void {
  if (h.family === 'UNIX') {
    c.push(108, 'source path', addressText(h.source));
    c.push(108, 'destination path', addressText(h.destination));
  } else if (h.family === 'INET' || h.family === 'INET6') {
    const size = h.family === 'INET' ? 4 : 16;
    c.push(size, 'source address', addressText(h.source));
    c.push(size, 'destination address', addressText(h.destination));
    c.push(2, 'source port', portText(h.source));
    c.push(2, 'destination port', portText(h.destination));
  }
}

// Spec 2.2.x: type (1 byte), length (2 bytes, big-endian), value; SSL nests more.
function tlvFields(c: Cursor, b: Uint8Array, tlvs: readonly Tlv[], prefix: string): void {
  for (const t of tlvs) {
    const length = (b[c.at + 1]! << 8) | b[c.at + 2]!;
    c.push(1, `${prefix} type`, tlvTypeText(t));
    c.push(2, `${prefix} length`, `${length} byte(s)`);
    const v = t.value;
    if (typeof v === 'object' && 'subTlvs' in v) {
      c.push(1, 'SSL client', sslClientText(v));
      c.push(4, 'SSL verify', sslVerifyText(v));
      tlvFields(c, b, v.subTlvs, 'SSL sub-TLV');
    } else if (length > 0) {
      c.push(length, `${prefix} value (${t.name})`, tlvValueText(t));
    }
  }
}

function v2Fields(b: Uint8Array, h: ProxyHeader): Cursor {
  const c = new Cursor();
  c.push(12, 'signature', '\\r\\n\\r\\n\\0\\r\\nQUIT\\n');
  c.push(1, 'version and command', `${hex2(b[12]!)}: version ${b[12]! >> 4}, ${h.command}`);
  const family = `${h.family} ${h.protocol} (${familyWords(h)})`;
  c.push(1, 'family and protocol', `${hex2(b[13]!)}: ${family}`);
  c.push(2, 'length', `${h.length - 16} bytes follow`);
  // TLVs fill the header's end exactly, so they say where the address block stops
  // (LOCAL headers may carry or omit one; AWS NLB health checks omit it).
  const tlvBytes = h.tlvs.reduce((n, t) => n + 3 + t.hex.length / 2, 0);
  const tlvStart = h.length - tlvBytes;
  if (h.command === 'PROXY') addressFields(c, h);
  if (c.at < tlvStart) {
    const why = h.command === 'LOCAL' ? 'ignored: LOCAL relays no client' : 'not used';
    c.push(tlvStart - c.at, 'address block', why);
  }
  tlvFields(c, b, h.tlvs, 'TLV');
  return c;
}

function notAHeader(result: DecodeResult): string {
  if (result.kind === 'invalid') return `${result.error.code}: ${result.error.message}`;
  return result.kind === 'incomplete' ? 'a header cut short' : 'no PROXY signature';
}

/** Every byte of `bytes`, labelled: each stacked header in turn, then anything left. */
export function annotateProxyBytes(bytes: Uint8Array): HexField[] {
  const fields: HexField[] = [];
  let at = 0;
  for (let header = 0; at < bytes.length; header++) {
    const result = decodeProxyHeader(bytes.subarray(at));
    if (result.kind !== 'header') {
      const value = notAHeader(result);
      fields.push({ header: -1, offset: at, length: bytes.length - at, label: 'undecoded', value });
      break;
    }
    const h = result.header;
    const own = bytes.subarray(at, at + h.length);
    const layout = h.version === 1 ? v1Fields(own, h) : v2Fields(own, h);
    for (const f of layout.fields) fields.push({ ...f, header, offset: f.offset + at });
    at += h.length;
  }
  return fields;
}
