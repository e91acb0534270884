import type { SslValue, Tlv } from '../proxy-protocol/index.ts';

/** A byte as 0xNN. */
export const hex2 = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;

/** A TLV's type as people look it up in the spec: 0x03 CRC32C. */
export const tlvTypeText = (t: Pick<Tlv, 'type' | 'name'>): string => `${hex2(t.type)} ${t.name}`;

/** The SSL TLV's client byte: which PP2_CLIENT_* bits are set. */
export function sslClientText(v: SslValue): string {
  const flags = [
    v.clientSsl && 'client used TLS',
    v.clientCertConn && 'certificate on this connection',
    v.clientCertSess && 'certificate on the session',
  ].filter(Boolean);
  return `client ${hex2(v.client)} (${flags.join(', ') || 'no TLS'})`;
}

/** The SSL TLV's verify field: 0 when the client's certificate verified. */
export const sslVerifyText = (v: SslValue): string =>
  v.verify === 0 ? 'certificate verified' : `verify result ${v.verify}`;

const sslText = (v: SslValue) =>
  `${sslClientText(v)}, ${sslVerifyText(v)}, ${v.subTlvs.length} sub-TLV(s)`;

/** A decoded TLV value in words, for the header table and the hex annotation alike. */
export function tlvValueText(t: Tlv): string {
  const v = t.value;
  if (typeof v === 'string') return v;
  if ('checksum' in v) return `${v.checksum}, verified`;
  if ('length' in v) return `${v.length} byte(s) of padding`;
  if ('subTlvs' in v) return sslText(v);
  if ('pscConnectionId' in v) return `PSC connection id ${v.pscConnectionId}`;
  if ('layout' in v) return `0x${v.data} (${v.layout})`;
  if ('vpcEndpointId' in v && v.vpcEndpointId !== undefined)
    return `VPC endpoint ${v.vpcEndpointId}`;
  if ('privateLinkId' in v && v.privateLinkId !== undefined)
    return `private link id ${v.privateLinkId}`;
  return `subtype ${hex2(v.subtype)}, data 0x${v.data}`;
}
