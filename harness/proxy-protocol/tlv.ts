import { isUtf8 } from 'node:buffer';
import { hex, latin1 } from './bytes-text.ts';
import type { DecodeError, OpaqueValue, SslValue, Tlv, TlvValue } from './types.ts';

// How strict each TLV rule is: refused only where haproxy doc/proxy-protocol.txt
// makes the header invalid; elsewhere the value is kept opaque and flagged.
//   rule                               spec (section)                  HAProxy   here
//   vector overruns the header length  2.2 TLV layout                  refuses   V2_TLV_OVERRUN
//   CRC32C not 4 bytes                 2.2.3 "32-bit number"           refuses   V2_BAD_CRC32C
//   CRC32C does not verify             2.2.3 MUST treat as invalid     refuses   V2_CRC_MISMATCH
//   two CRC32C TLVs                    2.2.3 one checksum field        refuses*  V2_BAD_CRC32C
//   UNIQUE_ID over 128 bytes           2.2.5 "up to 128 bytes"         refuses   V2_UNIQUE_ID_TOO_LONG
//   ALPN, UNIQUE_ID, NOOP bytes        2.2.1/4/5 any bytes             accepts   text or 0x hex
//   AUTHORITY, SSL_CN not UTF-8        2.2.2/2.2.6 UTF-8, no refusal   accepts   opaque, flagged
//   NETNS, SSL text not US-ASCII       2.2.6/2.2.7 ASCII, no refusal   accepts   opaque, flagged
//   SSL under 5 bytes, bad sub-TLVs    2.2.6 layout, no refusal        accepts   opaque, flagged
//   0xE0-0xEF off the vendor layout    2.2.8 application-specific      accepts   opaque, flagged
//   other types (0xF0-0xFF too)        2.2 receiver "may ... skip"     accepts   0x hex
//   * HAProxy zeroes each checksum once verified, so no second one can verify.
// Sub-TLVs of SSL are their own namespace: a 0x03 in there is no CRC32C.

const TOP_LEVEL = {
  ALPN: 0x01,
  AUTHORITY: 0x02,
  CRC32C: 0x03,
  NOOP: 0x04,
  UNIQUE_ID: 0x05,
  SSL: 0x20,
  NETNS: 0x30,
  // The cloud providers' documented uses of the custom range.
  GCP: 0xe0,
  AWS: 0xea,
  AZURE: 0xee,
} as const;
const SSL_SUB = {
  SSL_VERSION: 0x21,
  SSL_CN: 0x22,
  SSL_CIPHER: 0x23,
  SSL_SIG_ALG: 0x24,
  SSL_KEY_ALG: 0x25,
  SSL_GROUP: 0x26,
  SSL_SIG_SCHEME: 0x27,
  SSL_CLIENT_CERT: 0x28,
} as const;
export const TLV = { ...TOP_LEVEL, ...SSL_SUB } as const;

/** Each type's name by its number, UNKNOWN where there is none. */
function names(types: Record<string, number>): readonly string[] {
  const byType = new Array<string>(256).fill('UNKNOWN');
  for (const [name, type] of Object.entries(types)) byType[type] = name;
  return byType;
}
const TOP_LEVEL_NAMES = names(TOP_LEVEL);
const SSL_SUB_NAMES = names(SSL_SUB);

/** PP2_SUBTYPE_AWS_VPCE_ID, PP2_SUBTYPE_AZURE_PRIVATEENDPOINT_LINKID. */
export const AWS_VPCE_ID = 0x01;
export const AZURE_LINK_ID = 0x01;
const UNIQUE_ID_MAX = 128;
const SSL_HEAD = 5; // client (1 byte), verify (4 bytes)

type Parsed =
  | {
      ok: true;
      tlvs: Tlv[];
      /** Where the CRC32C value sits in the input, for verification. */ crcOffset: number | null;
    }
  | { ok: false; error: DecodeError };

const error = (code: string, message: string): DecodeError => ({ code, message });

/** Why the TLV vector `b[start, end)` does not exactly fill it, or null when it does. */
function overrun(b: Uint8Array, start: number, end: number): DecodeError | null {
  for (let at = start; at < end;) {
    if (end - at < 3) {
      return error(
        'V2_TLV_OVERRUN',
        `${end - at} stray byte(s) where a TLV header (3 bytes) should be`,
      );
    }
    const length = (b[at + 1]! << 8) | b[at + 2]!;
    if (at + 3 + length > end) {
      return error(
        'V2_TLV_OVERRUN',
        `TLV 0x${b[at]!.toString(16)} declares ${length} bytes but only ${end - at - 3} remain`,
      );
    }
    at += 3 + length;
  }
  return null;
}

/**
 * The bytes being decoded, with their latin1 and hex text made once (from
 * `base`): every value and hex string is cut from them by substring().
 */
interface Source {
  b: Uint8Array;
  base: number;
  latin1: string;
  hex: string;
}

const latin1Of = (s: Source, start: number, end: number) =>
  s.latin1.substring(start - s.base, end - s.base);
const hexOf = (s: Source, start: number, end: number) =>
  s.hex.substring(2 * (start - s.base), 2 * (end - s.base));

/**
 * Reads the header's TLV vector, exactly filling `b[start, end)`: each value
 * decoded in place, no view or copy made of it.
 */
export function parseTlvs(b: Uint8Array, start: number, end: number): Parsed {
  const bad = overrun(b, start, end);
  if (bad) return { ok: false, error: bad };
  const source: Source = { b, base: start, latin1: latin1(b, start, end), hex: hex(b, start, end) };
  const tlvs: Tlv[] = [];
  let crcOffset: number | null = null;
  for (let at = start; at < end;) {
    const type = b[at]!;
    const from = at + 3;
    const to = from + ((b[at + 1]! << 8) | b[at + 2]!);
    const refused = refusal(type, to - from);
    if (refused) return { ok: false, error: refused };
    if (type === TLV.CRC32C) {
      if (crcOffset !== null)
        return { ok: false, error: error('V2_BAD_CRC32C', 'more than one CRC32C TLV') };
      crcOffset = from;
    }
    const value = decodeValue(type, source, from, to);
    tlvs.push({ type, name: TOP_LEVEL_NAMES[type]!, value, hex: hexOf(source, from, to) });
    at = to;
  }
  return { ok: true, tlvs, crcOffset };
}

/** Why a value of this length makes the header invalid, for the two types where one can. */
function refusal(type: number, length: number): DecodeError | null {
  if (type === TLV.CRC32C && length !== 4)
    return error('V2_BAD_CRC32C', `CRC32C TLV is ${length} bytes, must be 4`);
  if (type === TLV.UNIQUE_ID && length > UNIQUE_ID_MAX)
    return error('V2_UNIQUE_ID_TOO_LONG', `UNIQUE_ID is ${length} bytes, at most ${UNIQUE_ID_MAX}`);
  return null;
}

/** Whether `b[start, end)` is printable ASCII; ascii(): US-ASCII at all. */
function printable(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (b[i]! < 0x20 || b[i]! >= 0x7f) return false;
  return true;
}
function ascii(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (b[i]! >= 0x80) return false;
  return true;
}

const opaque = (s: Source, start: number, end: number, layout: string): OpaqueValue => ({
  data: hexOf(s, start, end),
  layout,
});
/** Any-bytes values: text when printable ASCII, else 0x-prefixed hex. */
const text = (s: Source, start: number, end: number) =>
  printable(s.b, start, end) ? latin1Of(s, start, end) : `0x${hexOf(s, start, end)}`;
const asciiText = (s: Source, start: number, end: number) =>
  ascii(s.b, start, end)
    ? latin1Of(s, start, end)
    : opaque(s, start, end, 'not the US-ASCII text the spec defines');
function utf8(s: Source, start: number, end: number): string | OpaqueValue {
  // ASCII, the usual case, reads the same as latin1.
  if (ascii(s.b, start, end)) return latin1Of(s, start, end);
  const v = Buffer.from(s.b.buffer, s.b.byteOffset + start, end - start);
  return isUtf8(v)
    ? v.toString('utf8')
    : opaque(s, start, end, 'not the UTF-8 text the spec defines');
}
const u32be = (b: Uint8Array, at: number) =>
  ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;

/** A value refusal() lets through, decoded. */
function decodeValue(type: number, s: Source, start: number, end: number): TlvValue {
  const b = s.b;
  const length = end - start;
  switch (type) {
    case TLV.ALPN:
      return text(s, start, end);
    case TLV.AUTHORITY:
      return utf8(s, start, end);
    case TLV.NETNS:
      return asciiText(s, start, end);
    case TLV.CRC32C:
      // The v2 decoder refuses a header whose checksum does not match.
      return { checksum: `0x${hexOf(s, start, end)}`, verified: true };
    case TLV.NOOP:
      return { length };
    case TLV.UNIQUE_ID:
      return text(s, start, end);
    case TLV.SSL:
      return decodeSsl(s, start, end);
    case TLV.AWS:
      if (length < 1)
        return opaque(s, start, end, "no subtype byte, which AWS's layout starts with");
      return b[start] === AWS_VPCE_ID
        ? {
            subtype: AWS_VPCE_ID,
            vpcEndpointId: latin1Of(s, start + 1, end),
            data: hexOf(s, start + 1, end),
          }
        : { subtype: b[start]!, data: hexOf(s, start + 1, end) };
    case TLV.AZURE:
      if (length < 1)
        return opaque(s, start, end, "no subtype byte, which Azure's layout starts with");
      if (b[start] !== AZURE_LINK_ID) return { subtype: b[start]!, data: hexOf(s, start + 1, end) };
      if (length !== 5)
        return opaque(s, start, end, "LINKID without Azure's documented 4-byte link id");
      return {
        subtype: AZURE_LINK_ID,
        privateLinkId:
          (b[start + 1]! | (b[start + 2]! << 8) | (b[start + 3]! << 16) | (b[start + 4]! << 24)) >>>
          0,
        data: hexOf(s, start + 1, end),
      };
    case TLV.GCP:
      if (length !== 8)
        return opaque(s, start, end, "not GCP's documented 8-byte PSC connection id");
      return {
        pscConnectionId: (
          (BigInt(u32be(b, start)) << 32n) |
          BigInt(u32be(b, start + 4))
        ).toString(),
      };
    default:
      return `0x${hexOf(s, start, end)}`;
  }
}

function decodeSslSub(type: number, s: Source, start: number, end: number): TlvValue {
  switch (type) {
    case TLV.SSL_CN:
      return utf8(s, start, end);
    case TLV.SSL_VERSION:
    case TLV.SSL_CIPHER:
    case TLV.SSL_SIG_ALG:
    case TLV.SSL_KEY_ALG:
    case TLV.SSL_GROUP:
    case TLV.SSL_SIG_SCHEME:
      return asciiText(s, start, end);
    default: // SSL_CLIENT_CERT (DER) and unknown subtypes
      return `0x${hexOf(s, start, end)}`;
  }
}

function decodeSsl(s: Source, start: number, end: number): SslValue | OpaqueValue {
  if (end - start < SSL_HEAD)
    return opaque(s, start, end, `shorter than the ${SSL_HEAD}-byte client and verify`);
  const bad = overrun(s.b, start + SSL_HEAD, end);
  if (bad) return opaque(s, start, end, `sub-TLVs do not fill it: ${bad.message}`);
  const b = s.b;
  const subTlvs: Tlv[] = [];
  for (let at = start + SSL_HEAD; at < end;) {
    const type = b[at]!;
    const from = at + 3;
    const to = from + ((b[at + 1]! << 8) | b[at + 2]!);
    const value = decodeSslSub(type, s, from, to);
    subTlvs.push({ type, name: SSL_SUB_NAMES[type]!, value, hex: hexOf(s, from, to) });
    at = to;
  }
  const client = b[start]!;
  return {
    client,
    verify: u32be(b, start + 1),
    clientSsl: (client & 0x01) !== 0,
    clientCertConn: (client & 0x02) !== 0,
    clientCertSess: (client & 0x04) !== 0,
    subTlvs,
  };
}

/** A TLV to encode: its type and value bytes. */
export interface RawTlv {
  type: number;
  value: Uint8Array;
}

export function encodeTlvs(tlvs: RawTlv[]): Buffer {
  return Buffer.concat(
    tlvs.map((t) => {
      const h = Buffer.alloc(3);
      h[0] = t.type;
      h.writeUInt16BE(t.value.length, 1);
      return Buffer.concat([h, t.value]);
    }),
  );
}

/** Builders for the value bytes of every TLV the decoder reads. */
export const tlv = {
  alpn: (protocol: string): RawTlv => ({ type: TLV.ALPN, value: Buffer.from(protocol, 'latin1') }),
  authority: (host: string): RawTlv => ({ type: TLV.AUTHORITY, value: Buffer.from(host, 'utf8') }),
  noop: (length: number): RawTlv => ({ type: TLV.NOOP, value: Buffer.alloc(length) }),
  uniqueId: (id: Uint8Array | string): RawTlv => ({
    type: TLV.UNIQUE_ID,
    value: typeof id === 'string' ? Buffer.from(id, 'latin1') : id,
  }),
  netns: (name: string): RawTlv => ({ type: TLV.NETNS, value: Buffer.from(name, 'latin1') }),
  ssl: (s: { client: number; verify: number; subTlvs: RawTlv[] }): RawTlv => {
    const head = Buffer.alloc(SSL_HEAD);
    head[0] = s.client;
    head.writeUInt32BE(s.verify, 1);
    return { type: TLV.SSL, value: Buffer.concat([head, encodeTlvs(s.subTlvs)]) };
  },
  sslSub: (type: number, value: string): RawTlv => ({ type, value: Buffer.from(value, 'utf8') }),
  awsVpcEndpoint: (id: string): RawTlv => ({
    type: TLV.AWS,
    value: Buffer.concat([Buffer.from([AWS_VPCE_ID]), Buffer.from(id, 'latin1')]),
  }),
  azureLinkId: (id: number): RawTlv => {
    const value = Buffer.alloc(5);
    value[0] = AZURE_LINK_ID;
    value.writeUInt32LE(id, 1);
    return { type: TLV.AZURE, value };
  },
  gcpPscConnection: (id: bigint): RawTlv => {
    const value = Buffer.alloc(8);
    value.writeBigUInt64BE(id);
    return { type: TLV.GCP, value };
  },
  raw: (type: number, value: Uint8Array): RawTlv => ({ type, value }),
};
