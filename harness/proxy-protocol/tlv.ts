import type { DecodeError, SslValue, Tlv, TlvValue } from './types.ts';

// haproxy doc/proxy-protocol.txt 2.2.x, plus the cloud providers' documented types.
export const TLV = {
  ALPN: 0x01,
  AUTHORITY: 0x02,
  CRC32C: 0x03,
  NOOP: 0x04,
  UNIQUE_ID: 0x05,
  SSL: 0x20,
  SSL_VERSION: 0x21,
  SSL_CN: 0x22,
  SSL_CIPHER: 0x23,
  SSL_SIG_ALG: 0x24,
  SSL_KEY_ALG: 0x25,
  NETNS: 0x30,
  GCP: 0xe0,
  AWS: 0xea,
  AZURE: 0xee,
} as const;

const NAMES = new Map<number, string>(Object.entries(TLV).map(([name, type]) => [type, name]));
export const tlvName = (type: number) => NAMES.get(type) ?? 'UNKNOWN';

/** PP2_SUBTYPE_AWS_VPCE_ID, PP2_SUBTYPE_AZURE_PRIVATEENDPOINT_LINKID. */
export const AWS_VPCE_ID = 0x01;
export const AZURE_LINK_ID = 0x01;
const UNIQUE_ID_MAX = 128;

type Parsed =
  | {
      ok: true;
      tlvs: Tlv[];
      /** Where the CRC32C value sits in the input, for verification. */ crcOffset: number | null;
    }
  | { ok: false; error: DecodeError };

const fail = (code: string, message: string): Parsed => ({ ok: false, error: { code, message } });

/** Reads a TLV vector exactly filling `bytes`; a TLV running past the end is an error. */
export function parseTlvs(bytes: Buffer, nested = false): Parsed {
  const tlvs: Tlv[] = [];
  let crcOffset: number | null = null;
  let offset = 0;
  while (offset < bytes.length) {
    if (bytes.length - offset < 3) {
      return fail(
        'V2_TLV_OVERRUN',
        `${bytes.length - offset} stray byte(s) where a TLV header (3 bytes) should be`,
      );
    }
    const type = bytes[offset]!;
    const length = bytes.readUInt16BE(offset + 1);
    const start = offset + 3;
    if (start + length > bytes.length) {
      return fail(
        'V2_TLV_OVERRUN',
        `TLV 0x${type.toString(16)} declares ${length} bytes but only ${bytes.length - start} remain in the header`,
      );
    }
    const value = bytes.subarray(start, start + length);
    const decoded = decodeValue(type, value, nested);
    if (isError(decoded)) return { ok: false, error: decoded };
    if (type === TLV.CRC32C) {
      if (crcOffset !== null) return fail('V2_BAD_CRC32C', 'more than one CRC32C TLV');
      crcOffset = start;
    }
    tlvs.push({ type, name: tlvName(type), value: decoded, hex: value.toString('hex') });
    offset = start + length;
  }
  return { ok: true, tlvs, crcOffset };
}

const isError = (v: TlvValue | DecodeError): v is DecodeError =>
  typeof v === 'object' && 'code' in v;
const isPrintable = (b: Buffer) => b.every((c) => c >= 0x20 && c < 0x7f);
/** Opaque bytes as text when they are printable ASCII, else 0x-prefixed hex. */
const text = (b: Buffer) => (isPrintable(b) ? b.toString('latin1') : `0x${b.toString('hex')}`);

function decodeValue(type: number, v: Buffer, nested: boolean): TlvValue | DecodeError {
  switch (type) {
    case TLV.ALPN:
    case TLV.NETNS:
    case TLV.SSL_VERSION:
    case TLV.SSL_CIPHER:
    case TLV.SSL_SIG_ALG:
    case TLV.SSL_KEY_ALG:
      return text(v);
    case TLV.AUTHORITY:
    case TLV.SSL_CN:
      return v.toString('utf8'); // UTF-8 by the spec
    case TLV.CRC32C:
      if (v.length !== 4)
        return { code: 'V2_BAD_CRC32C', message: `CRC32C TLV is ${v.length} bytes, must be 4` };
      // The v2 decoder refuses a header whose checksum does not match, so a
      // decoded header only ever holds verified checksums.
      return { checksum: `0x${v.toString('hex')}`, verified: true };
    case TLV.NOOP:
      return { length: v.length };
    case TLV.UNIQUE_ID:
      if (v.length > UNIQUE_ID_MAX) {
        return {
          code: 'V2_UNIQUE_ID_TOO_LONG',
          message: `UNIQUE_ID is ${v.length} bytes, at most ${UNIQUE_ID_MAX}`,
        };
      }
      return text(v);
    case TLV.SSL:
      return nested ? text(v) : decodeSsl(v);
    case TLV.AWS:
      if (v.length < 1) return { code: 'V2_BAD_AWS_TLV', message: 'AWS TLV has no subtype byte' };
      return v[0] === AWS_VPCE_ID
        ? { subtype: v[0], vpcEndpointId: v.toString('latin1', 1), data: v.toString('hex', 1) }
        : { subtype: v[0]!, data: v.toString('hex', 1) };
    case TLV.AZURE:
      if (v.length < 1)
        return { code: 'V2_BAD_AZURE_TLV', message: 'Azure TLV has no subtype byte' };
      if (v[0] === AZURE_LINK_ID) {
        if (v.length !== 5)
          return { code: 'V2_BAD_AZURE_TLV', message: 'Azure LINKID must be a 4-byte integer' };
        return { subtype: v[0], privateLinkId: v.readUInt32LE(1), data: v.toString('hex', 1) };
      }
      return { subtype: v[0]!, data: v.toString('hex', 1) };
    case TLV.GCP:
      if (v.length !== 8)
        return {
          code: 'V2_BAD_GCP_TLV',
          message: `GCP PSC connection id is ${v.length} bytes, must be 8`,
        };
      return { pscConnectionId: v.readBigUInt64BE(0).toString() };
    default:
      return `0x${v.toString('hex')}`;
  }
}

function decodeSsl(v: Buffer): SslValue | DecodeError {
  if (v.length < 5)
    return { code: 'V2_BAD_SSL_TLV', message: `SSL TLV is ${v.length} bytes, needs at least 5` };
  const client = v[0]!;
  const sub = parseTlvs(v.subarray(5), true);
  if (!sub.ok) return sub.error;
  return {
    client,
    verify: v.readUInt32BE(1),
    clientSsl: (client & 0x01) !== 0,
    clientCertConn: (client & 0x02) !== 0,
    clientCertSess: (client & 0x04) !== 0,
    subTlvs: sub.tlvs,
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
    const head = Buffer.alloc(5);
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
