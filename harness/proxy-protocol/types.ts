import type { Endpoint } from '../net/endpoint.ts';

/** v2 address family; v1's TCP4/TCP6/UNKNOWN map to INET/INET6/UNSPEC. */
export type AddressFamily = 'UNSPEC' | 'INET' | 'INET6' | 'UNIX';
/** v2 transport protocol; v1 is always STREAM (TCP), or UNSPEC for UNKNOWN. */
export type TransportProtocol = 'UNSPEC' | 'STREAM' | 'DGRAM';
/** PROXY: relayed for a client. LOCAL: the proxy's own connection (health checks). */
export type Command = 'PROXY' | 'LOCAL';

/** A UNIX socket address from a v2 header (108-byte path). */
export interface UnixAddress {
  path: string;
}
export type ProxyAddress = Endpoint | UnixAddress;

/** One v2 TLV, decoded where its type is known, raw where it is not. */
export interface Tlv {
  type: number;
  /** PP2_TYPE_* name without the prefix (ALPN, AUTHORITY, ...), or UNKNOWN. */
  name: string;
  value: TlvValue;
  /** The value bytes, hex. */
  hex: string;
}

/**
 * A string for text and raw values (text types as text; unknown types and
 * non-printable ALPN or UNIQUE_ID as `0x` hex); else one object per layout,
 * told apart by a key only it has: checksum, length, subTlvs, subtype (AWS or
 * Azure, by the TLV's type), pscConnectionId, layout.
 */
export type TlvValue =
  string | Crc32cValue | NoopValue | SslValue | AwsValue | AzureValue | GcpValue | OpaqueValue;

/** A mismatch is a decode error instead, so a decoded checksum is a verified one. */
export interface Crc32cValue {
  checksum: string;
  verified: true;
}
export interface NoopValue {
  length: number;
}
/** 0xEA: subtype, then data (hex); subtype 1 is the VPC endpoint id. */
export interface AwsValue {
  subtype: number;
  vpcEndpointId?: string;
  data: string;
}
/** 0xEE: subtype, then data (hex); subtype 1 is the private link id, uint32 LE. */
export interface AzureValue {
  subtype: number;
  privateLinkId?: number;
  data: string;
}
/** 0xE0: the PSC connection id, a uint64 in decimal. */
export interface GcpValue {
  pscConnectionId: string;
}
/**
 * A value that does not have the layout its type documents, where the spec
 * does not make that an error: kept whole (hex), with what is off.
 */
export interface OpaqueValue {
  data: string;
  /** What is off, e.g. "not GCP's documented 8-byte PSC connection id". */
  layout: string;
}

export interface SslValue {
  client: number;
  /** 0 when the client presented a certificate that verified. */
  verify: number;
  clientSsl: boolean;
  clientCertConn: boolean;
  clientCertSess: boolean;
  subTlvs: readonly Tlv[];
}

/** A decoded PROXY protocol header, v1 or v2. */
export interface ProxyHeader {
  version: 1 | 2;
  command: Command;
  family: AddressFamily;
  protocol: TransportProtocol;
  /** The client as the proxy saw it; null for LOCAL, UNSPEC and v1 UNKNOWN. */
  source: ProxyAddress | null;
  /** The proxy's own listener: the address and port the client dialled. */
  destination: ProxyAddress | null;
  tlvs: readonly Tlv[];
  /** Bytes the header occupies at the start of the input: they are `input.subarray(0, length)`. */
  length: number;
}

/** The TLV list of every header without TLVs (v1 always): shared, never mutated. */
export const NO_TLVS: readonly Tlv[] = Object.freeze([]);

/** A decode failure with a stable code and a sentence for people. */
export interface DecodeError {
  code: string;
  message: string;
}

export type DecodeResult =
  | { kind: 'header'; header: ProxyHeader }
  /** The bytes so far are a valid prefix; more are needed to decide. */
  | { kind: 'incomplete' }
  /** The stream does not start with a PROXY signature at all. */
  | { kind: 'absent' }
  | { kind: 'invalid'; error: DecodeError };

export const invalid = (code: string, message: string): DecodeResult => ({
  kind: 'invalid',
  error: { code, message },
});

export function isEndpoint(a: ProxyAddress | null): a is Endpoint {
  return a !== null && 'address' in a;
}
