import { SocketAddress } from 'node:net';
import {
  LINKTYPE_ETHERNET,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_RAW,
} from './pcap.ts';

/** One TCP segment, decoded down from the link layer. */
export interface TcpSegment {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  seq: number;
  syn: boolean;
  ack: boolean;
  fin: boolean;
  rst: boolean;
  payload: Buffer;
}

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;
const PROTO_TCP = 6;

/** Finds the IP packet inside a frame of the given link type, with its ethertype. */
function ipPayload(linkType: number, frame: Buffer): { etherType: number; ip: Buffer } | null {
  switch (linkType) {
    case LINKTYPE_ETHERNET: {
      let offset = 12;
      let etherType = frame.readUInt16BE(offset);
      while (etherType === ETHERTYPE_VLAN && frame.length >= offset + 6) {
        offset += 4;
        etherType = frame.readUInt16BE(offset);
      }
      return { etherType, ip: frame.subarray(offset + 2) };
    }
    case LINKTYPE_LINUX_SLL: // 16-byte cooked header, protocol at 14
      return { etherType: frame.readUInt16BE(14), ip: frame.subarray(16) };
    case LINKTYPE_LINUX_SLL2: // 20-byte cooked header, protocol at 0
      return { etherType: frame.readUInt16BE(0), ip: frame.subarray(20) };
    case LINKTYPE_RAW: {
      const version = frame[0]! >> 4;
      return { etherType: version === 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4, ip: frame };
    }
    default:
      return null;
  }
}

function ipv6Text(bytes: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return new SocketAddress({ address: groups.join(':'), family: 'ipv6' }).address;
}

/** Decodes a TCP segment from a captured frame; null for anything else or a truncated frame. */
export function decodeTcpSegment(linkType: number, frame: Buffer): TcpSegment | null {
  try {
    const found = ipPayload(linkType, frame);
    if (!found) return null;
    const { etherType, ip } = found;
    let src: string;
    let dst: string;
    let tcp: Buffer;
    if (etherType === ETHERTYPE_IPV4) {
      const ihl = (ip[0]! & 0x0f) * 4;
      if (ip[9] !== PROTO_TCP) return null;
      // Non-first fragments carry no TCP header.
      if ((ip.readUInt16BE(6) & 0x1fff) !== 0) return null;
      const total = ip.readUInt16BE(2);
      src = [...ip.subarray(12, 16)].join('.');
      dst = [...ip.subarray(16, 20)].join('.');
      tcp = ip.subarray(ihl, Math.min(total, ip.length));
    } else if (etherType === ETHERTYPE_IPV6) {
      // Extension headers are not followed: the harness's own traffic carries none.
      if (ip[6] !== PROTO_TCP) return null;
      const payloadLength = ip.readUInt16BE(4);
      src = ipv6Text(ip.subarray(8, 24));
      dst = ipv6Text(ip.subarray(24, 40));
      tcp = ip.subarray(40, Math.min(40 + payloadLength, ip.length));
    } else {
      return null;
    }
    const dataOffset = (tcp[12]! >> 4) * 4;
    const flags = tcp[13]!;
    return {
      src,
      dst,
      sport: tcp.readUInt16BE(0),
      dport: tcp.readUInt16BE(2),
      seq: tcp.readUInt32BE(4),
      fin: (flags & 0x01) !== 0,
      syn: (flags & 0x02) !== 0,
      rst: (flags & 0x04) !== 0,
      ack: (flags & 0x10) !== 0,
      payload: tcp.subarray(dataOffset),
    };
  } catch (e) {
    if (e instanceof RangeError) return null; // truncated frame
    throw e;
  }
}
