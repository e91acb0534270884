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

export type TlvValue =
  | string
  | { checksum: string; verified: true } // CRC32C: a mismatch is a decode error instead
  | { length: number } // NOOP
  | SslValue
  | { subtype: number; vpcEndpointId?: string; data: string } // AWS 0xEA
  | { subtype: number; privateLinkId?: number; data: string } // Azure 0xEE
  | { pscConnectionId: string }; // GCP 0xE0, a uint64 in decimal

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
