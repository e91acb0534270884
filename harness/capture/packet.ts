import { formatIPv4, formatIPv6 } from '../net/ip.ts';
import { CaptureFormatError } from './damage.ts';

const LINKTYPE_ETHERNET = 1;
const LINKTYPE_RAW = 101;
const LINKTYPE_LINUX_SLL = 113;
const LINKTYPE_LINUX_SLL2 = 276;

/** Refuses a link type locateTcpSegment cannot read: every packet would be skipped unread. */
export function checkLinkType(linkType: number, where: string, offset: number): void {
  if (
    linkType === LINKTYPE_ETHERNET ||
    linkType === LINKTYPE_RAW ||
    linkType === LINKTYPE_LINUX_SLL ||
    linkType === LINKTYPE_LINUX_SLL2
  ) {
    return;
  }
  throw new CaptureFormatError(
    'UNSUPPORTED_LINK_TYPE',
    offset,
    `${where}: link type ${linkType} is not supported (Ethernet 1, raw IP 101, Linux SLL 113 and SLL2 276 are)`,
  );
}

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

/**
 * Where the parts of a TCP segment lie, as offsets into the bytes holding its
 * frame. Filled in by locateTcpSegment, so that reassembly can look at every
 * packet without allocating anything for it.
 */
export interface TcpLocation {
  /** 4 or 6. */
  ipVersion: number;
  /** Offset of the source address; the destination address directly follows it. */
  addresses: number;
  sport: number;
  dport: number;
  seq: number;
  /** 0 when the header is cut short before it. */
  ack: number;
  /** The TCP flags byte. */
  flags: number;
  payloadStart: number;
  payloadEnd: number;
}

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_ACK = 0x10;

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;
const PROTO_TCP = 6;

const u16 = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!;
const u32 = (b: Uint8Array, at: number) =>
  ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;

export function newTcpLocation(): TcpLocation {
  return {
    ipVersion: 0,
    addresses: 0,
    sport: 0,
    dport: 0,
    seq: 0,
    ack: 0,
    flags: 0,
    payloadStart: 0,
    payloadEnd: 0,
  };
}

/**
 * Finds the TCP segment in the frame at `bytes[start, end)`, of the given link
 * type, and fills in `at` with offsets into `bytes`; false for anything else or
 * a frame too short for its headers. Every bound is checked here, so nothing
 * reads past the frame.
 */
export function locateTcpSegment(
  linkType: number,
  bytes: Uint8Array,
  start: number,
  end: number,
  at: TcpLocation,
): boolean {
  let ip: number;
  let etherType: number;
  switch (linkType) {
    case LINKTYPE_ETHERNET: {
      if (end - start < 14) return false;
      let offset = start + 12;
      etherType = u16(bytes, offset);
      while (etherType === ETHERTYPE_VLAN && end >= offset + 6) {
        offset += 4;
        etherType = u16(bytes, offset);
      }
      ip = offset + 2;
      break;
    }
    case LINKTYPE_LINUX_SLL: // 16-byte cooked header, protocol at 14
      if (end - start < 16) return false;
      etherType = u16(bytes, start + 14);
      ip = start + 16;
      break;
    case LINKTYPE_LINUX_SLL2: // 20-byte cooked header, protocol at 0
      if (end - start < 20) return false;
      etherType = u16(bytes, start);
      ip = start + 20;
      break;
    case LINKTYPE_RAW:
      if (end - start < 1) return false;
      etherType = bytes[start]! >> 4 === 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
      ip = start;
      break;
    default:
      return false;
  }
  let tcp: number;
  let tcpEnd: number;
  if (etherType === ETHERTYPE_IPV4) {
    // Shorter than the minimum header is malformed: it holds no whole addresses.
    if (end - ip < 20 || bytes[ip + 9] !== PROTO_TCP) return false;
    // Non-first fragments carry no TCP header.
    if ((u16(bytes, ip + 6) & 0x1fff) !== 0) return false;
    at.ipVersion = 4;
    at.addresses = ip + 12;
    tcp = ip + (bytes[ip]! & 0x0f) * 4;
    tcpEnd = Math.min(ip + u16(bytes, ip + 2), end);
  } else if (etherType === ETHERTYPE_IPV6) {
    // Extension headers are not followed: the harness's own traffic carries none.
    if (end - ip < 40 || bytes[ip + 6] !== PROTO_TCP) return false;
    at.ipVersion = 6;
    at.addresses = ip + 8;
    tcp = ip + 40;
    tcpEnd = Math.min(tcp + u16(bytes, ip + 4), end);
  } else {
    return false;
  }
  const tcpLength = tcpEnd - tcp;
  if (tcpLength < 8) return false;
  at.sport = u16(bytes, tcp);
  at.dport = u16(bytes, tcp + 2);
  at.seq = u32(bytes, tcp + 4);
  at.ack = tcpLength >= 12 ? u32(bytes, tcp + 8) : 0;
  // A header cut short inside its first 14 bytes reads as offset 0, no flags.
  const dataOffset = tcpLength > 12 ? (bytes[tcp + 12]! >> 4) * 4 : 0;
  at.flags = tcpLength > 13 ? bytes[tcp + 13]! : 0;
  at.payloadStart = tcp + Math.min(dataOffset, tcpLength);
  at.payloadEnd = tcpEnd;
  return true;
}

/** Text of the address of the given IP version at `at`. */
export function ipText(ipVersion: number, b: Uint8Array, at: number): string {
  return ipVersion === 4 ? formatIPv4(b, at) : formatIPv6(b, at);
}

/** Decodes a TCP segment from a captured frame; null for anything else or a truncated frame. */
export function decodeTcpSegment(linkType: number, frame: Buffer): TcpSegment | null {
  const at = newTcpLocation();
  if (!locateTcpSegment(linkType, frame, 0, frame.length, at)) return null;
  const size = at.ipVersion === 4 ? 4 : 16;
  return {
    src: ipText(at.ipVersion, frame, at.addresses),
    dst: ipText(at.ipVersion, frame, at.addresses + size),
    sport: at.sport,
    dport: at.dport,
    seq: at.seq,
    fin: (at.flags & TCP_FIN) !== 0,
    syn: (at.flags & TCP_SYN) !== 0,
    rst: (at.flags & TCP_RST) !== 0,
    ack: (at.flags & TCP_ACK) !== 0,
    payload: frame.subarray(at.payloadStart, at.payloadEnd),
  };
}
