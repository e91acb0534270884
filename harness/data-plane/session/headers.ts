// The two PROXY v2 headers the data plane writes upstream, built by the
// project's codec. Pure.
import type { Endpoint } from '../../net/endpoint.ts';
import { isIPv4Text } from '../../net/ip.ts';
import {
  crc32c,
  encodeTlvs,
  encodeV2,
  TLV,
  tlv,
  type RawTlv,
  type V2Input,
} from '../../proxy-protocol/index.ts';
import type { TargetTlv } from './settings.ts';

/** Whom a connection is for and what it dialled, as both headers state them. */
export interface ConnectionAddresses {
  /** The client: the TCP peer, or the source of the front's header. */
  client: Endpoint;
  /** The listener the client dialled: the accepted socket's own address. */
  listener: Endpoint;
}

/** What the target header can carry besides the addresses. */
export interface TargetTlvValues {
  /** Which TLVs, in order (CRC32C always first, as HAProxy and AWS place it). */
  tlvs: readonly TargetTlv[];
  /** This connection's UNIQUE_ID: at most 128 bytes (spec 2.2.5). */
  uniqueId: string;
  /** The AUTHORITY value of the front's header, as its bytes; null when it had none. */
  authority: Buffer | null;
}

const UNIQUE_ID_MAX = 128;

/**
 * v2 states both addresses in one family: INET when both are IPv4, else INET6
 * with IPv4 written as IPv4-mapped, as HAProxy does for a mixed pair (a front's
 * IPv6 client reaching an IPv4 listener).
 */
function addressed(a: ConnectionAddresses): Pick<V2Input, 'family' | 'source' | 'destination'> {
  if (isIPv4Text(a.client.address) && isIPv4Text(a.listener.address)) {
    return { family: 'INET', source: a.client, destination: a.listener };
  }
  const v6 = (e: Endpoint) =>
    isIPv4Text(e.address) ? { ...e, address: `::ffff:${e.address}` } : e;
  return { family: 'INET6', source: v6(a.client), destination: v6(a.listener) };
}

/**
 * The header for the balancer behind the data plane (HAProxy with
 * accept-proxy): the client, so that its logs, balancing and TPROXY see it.
 * No TLVs: what the target is told is the target header's business.
 */
export function upstreamHeader(a: ConnectionAddresses): Buffer {
  return encodeV2({ command: 'PROXY', protocol: 'STREAM', ...addressed(a) });
}

/** The NLB's own header for the target: the client, the listener, and the TLVs asked for. */
export function targetHeader(a: ConnectionAddresses, values: TargetTlvValues): Buffer {
  const tlvs: RawTlv[] = [];
  for (const name of values.tlvs) {
    if (name === 'unique-id') {
      if (Buffer.byteLength(values.uniqueId, 'latin1') > UNIQUE_ID_MAX) {
        throw new RangeError(`UNIQUE_ID ${values.uniqueId} is over ${UNIQUE_ID_MAX} bytes`);
      }
      tlvs.push(tlv.uniqueId(values.uniqueId));
    } else if (name === 'authority' && values.authority) {
      tlvs.push({ type: TLV.AUTHORITY, value: values.authority });
    }
  }
  if (!values.tlvs.includes('crc32c'))
    return encodeV2({ command: 'PROXY', protocol: 'STREAM', ...addressed(a), tlvs });
  // CRC32C first, where HAProxy and AWS's own checks put it (tshark 4.0 lists it only there);
  // computed over the whole header with its own four bytes zero.
  const rest = encodeTlvs(tlvs).length;
  const out = encodeV2({
    command: 'PROXY',
    protocol: 'STREAM',
    ...addressed(a),
    tlvs: [{ type: TLV.CRC32C, value: Buffer.alloc(4) }, ...tlvs],
  });
  out.writeUInt32BE(crc32c(out), out.length - rest - 4);
  return out;
}
