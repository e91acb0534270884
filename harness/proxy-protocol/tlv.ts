import { isAscii, isUtf8 } from 'node:buffer';
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

function namer(types: Record<string, number>): (type: number) => string {
  const names = new Map(Object.entries(types).map(([name, type]) => [type, name]));
  return (type) => names.get(type) ?? 'UNKNOWN';
}
const topLevelName = namer(TOP_LEVEL);
const sslSubName = namer(SSL_SUB);

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

interface Entry {
  type: number;
  /** Offset of the value in the vector. */
  start: number;
  value: Buffer;
}

/** Splits a TLV vector exactly filling `bytes`; a TLV running past the end is an error. */
function split(bytes: Buffer): Entry[] | DecodeError {
  const entries: Entry[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (bytes.length - offset < 3) {
      return error(
        'V2_TLV_OVERRUN',
        `${bytes.length - offset} stray byte(s) where a TLV header (3 bytes) should be`,
      );
    }
    const type = bytes[offset]!;
    const length = bytes.readUInt16BE(offset + 1);
    const start = offset + 3;
    if (start + length > bytes.length) {
      return error(
        'V2_TLV_OVERRUN',
        `TLV 0x${type.toString(16)} declares ${length} bytes but only ${bytes.length - start} remain`,
      );
    }
    entries.push({ type, start, value: bytes.subarray(start, start + length) });
    offset = start + length;
  }
  return entries;
}

const isError = (v: unknown): v is DecodeError =>
  typeof v === 'object' && v !== null && 'code' in v;
const tlvOf = (type: number, name: string, value: TlvValue, bytes: Buffer): Tlv => ({
  type,
  name,
  value,
  hex: bytes.toString('hex'),
});

/** Reads the header's TLV vector, exactly filling `bytes`. */
export function parseTlvs(bytes: Buffer): Parsed {
  const entries = split(bytes);
  if (isError(entries)) return { ok: false, error: entries };
  const tlvs: Tlv[] = [];
  let crcOffset: number | null = null;
  for (const { type, start, value } of entries) {
    const decoded = decodeValue(type, value);
    if (isError(decoded)) return { ok: false, error: decoded };
    if (type === TLV.CRC32C) {
      if (crcOffset !== null)
        return { ok: false, error: error('V2_BAD_CRC32C', 'more than one CRC32C TLV') };
      crcOffset = start;
    }
    tlvs.push(tlvOf(type, topLevelName(type), decoded, value));
  }
  return { ok: true, tlvs, crcOffset };
}

const opaque = (v: Buffer, layout: string): OpaqueValue => ({ data: v.toString('hex'), layout });
const hex = (b: Buffer) => `0x${b.toString('hex')}`;
/** Any-bytes values: text when printable ASCII, else 0x-prefixed hex. */
const text = (b: Buffer) => (b.every((c) => c >= 0x20 && c < 0x7f) ? b.toString('latin1') : hex(b));
const ascii = (b: Buffer) =>
  isAscii(b) ? b.toString('latin1') : opaque(b, 'not the US-ASCII text the spec defines');
const utf8 = (b: Buffer) =>
  isUtf8(b) ? b.toString('utf8') : opaque(b, 'not the UTF-8 text the spec defines');

function decodeValue(type: number, v: Buffer): TlvValue | DecodeError {
  switch (type) {
    case TLV.ALPN:
      return text(v);
    case TLV.AUTHORITY:
      return utf8(v);
    case TLV.NETNS:
      return ascii(v);
    case TLV.CRC32C:
      if (v.length !== 4)
        return error('V2_BAD_CRC32C', `CRC32C TLV is ${v.length} bytes, must be 4`);
      // The v2 decoder refuses a header whose checksum does not match.
      return { checksum: hex(v), verified: true };
    case TLV.NOOP:
      return { length: v.length };
    case TLV.UNIQUE_ID:
      if (v.length > UNIQUE_ID_MAX) {
        return error(
          'V2_UNIQUE_ID_TOO_LONG',
          `UNIQUE_ID is ${v.length} bytes, at most ${UNIQUE_ID_MAX}`,
        );
      }
      return text(v);
    case TLV.SSL:
      return decodeSsl(v);
    case TLV.AWS:
      if (v.length < 1) return opaque(v, "no subtype byte, which AWS's layout starts with");
      return v[0] === AWS_VPCE_ID
        ? { subtype: v[0], vpcEndpointId: v.toString('latin1', 1), data: v.toString('hex', 1) }
        : { subtype: v[0]!, data: v.toString('hex', 1) };
    case TLV.AZURE:
      if (v.length < 1) return opaque(v, "no subtype byte, which Azure's layout starts with");
      if (v[0] !== AZURE_LINK_ID) return { subtype: v[0]!, data: v.toString('hex', 1) };
      if (v.length !== 5) return opaque(v, "LINKID without Azure's documented 4-byte link id");
      return { subtype: v[0], privateLinkId: v.readUInt32LE(1), data: v.toString('hex', 1) };
    case TLV.GCP:
      if (v.length !== 8) return opaque(v, "not GCP's documented 8-byte PSC connection id");
      return { pscConnectionId: v.readBigUInt64BE(0).toString() };
    default:
      return hex(v);
  }
}

function decodeSslSub(type: number, v: Buffer): TlvValue {
  switch (type) {
    case TLV.SSL_CN:
      return utf8(v);
    case TLV.SSL_VERSION:
    case TLV.SSL_CIPHER:
    case TLV.SSL_SIG_ALG:
    case TLV.SSL_KEY_ALG:
    case TLV.SSL_GROUP:
    case TLV.SSL_SIG_SCHEME:
      return ascii(v);
    default: // SSL_CLIENT_CERT (DER) and unknown subtypes
      return hex(v);
  }
}

function decodeSsl(v: Buffer): SslValue | OpaqueValue {
  if (v.length < SSL_HEAD) return opaque(v, `shorter than the ${SSL_HEAD}-byte client and verify`);
  const entries = split(v.subarray(SSL_HEAD));
  if (isError(entries)) return opaque(v, `sub-TLVs do not fill it: ${entries.message}`);
  const client = v[0]!;
  return {
    client,
    verify: v.readUInt32BE(1),
    clientSsl: (client & 0x01) !== 0,
    clientCertConn: (client & 0x02) !== 0,
    clientCertSess: (client & 0x04) !== 0,
    subTlvs: entries.map(({ type, value }) =>
      tlvOf(type, sslSubName(type), decodeSslSub(type, value), value),
    ),
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
