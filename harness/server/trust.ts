import { addressBytes, formatIPv4, formatIPv6 } from '../net/ip.ts';

/** One trusted range: the network's bytes (4 or 16) and its prefix length. */
interface Range {
  bytes: Uint8Array;
  prefix: number;
}

/** Only these characters make up IP text: anything else is refused before parsing. */
const IP_CHARS = /^[0-9A-Fa-f:.]+$/;

/**
 * The peers whose PROXY headers are believed: IPv4 and IPv6 CIDRs ("10.0.0.0/24",
 * "fd00::/64"; a bare address is a /32 or /128). An IPv4 peer, and an
 * IPv4-mapped IPv6 peer (::ffff:a.b.c.d, as a dual-stack listener reports IPv4
 * clients) alike, is matched against the IPv4 ranges; a range written inside
 * ::ffff:0:0/96 is an IPv4 range. IPv6 ranges match IPv6 peers only, so
 * "::/0" does not trust IPv4 peers.
 */
export class TrustList {
  private readonly v4: Range[] = [];
  private readonly v6: Range[] = [];

  /** Throws a TypeError naming the first entry that is not a CIDR or an address. */
  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const range = parseRange(entry);
      (range.bytes.length === 4 ? this.v4 : this.v6).push(range);
    }
  }

  /** True when `address` (as Node reports a socket's peer) is in a trusted range. */
  has(address: string): boolean {
    const bytes = peerBytes(address);
    if (bytes === null) return false;
    const ranges = bytes.length === 4 ? this.v4 : this.v6;
    return ranges.some((r) => inRange(bytes, r));
  }

  /** How many ranges are trusted. */
  get size(): number {
    return this.v4.length + this.v6.length;
  }
}

function parseRange(entry: string): Range {
  const bad = (why: string) =>
    new TypeError(`trusted: ${JSON.stringify(entry)} is not an IP range (${why})`);
  if (typeof entry !== 'string') throw bad('not a string');
  const slash = entry.indexOf('/');
  const address = slash < 0 ? entry : entry.slice(0, slash);
  const prefixText = slash < 0 ? null : entry.slice(slash + 1);
  if (!IP_CHARS.test(address)) throw bad('expected a.b.c.d/n or an IPv6 address/n');
  let bytes: Uint8Array;
  try {
    bytes = addressBytes(address);
  } catch {
    throw bad('the address does not parse');
  }
  const max = bytes.length * 8;
  let prefix = max;
  if (prefixText !== null) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) throw bad('the prefix length is not a number');
    prefix = Number(prefixText);
    if (prefix > max) throw bad(`the prefix length is over ${max}`);
  }
  if (!hostBitsClear(bytes, prefix)) {
    const network = maskText(bytes, prefix);
    throw bad(`it has host bits set: did you mean ${network}/${prefix}?`);
  }
  // A range inside ::ffff:0:0/96 is an IPv4 range (the peers it can hold are IPv4 clients).
  if (bytes.length === 16 && prefix >= 96 && isMapped(bytes)) {
    return { bytes: bytes.slice(12), prefix: prefix - 96 };
  }
  return { bytes, prefix };
}

/** The peer's 4 or 16 bytes, IPv4-mapped IPv6 as IPv4; null for what is not an IP address. */
function peerBytes(address: string): Uint8Array | null {
  // A link-local peer carries its zone ("fe80::1%eth0"): the range is matched on the address.
  const zone = address.indexOf('%');
  const bare = zone < 0 ? address : address.slice(0, zone);
  if (!IP_CHARS.test(bare)) return null;
  let bytes: Uint8Array;
  try {
    bytes = addressBytes(bare);
  } catch {
    return null;
  }
  return bytes.length === 16 && isMapped(bytes) ? bytes.slice(12) : bytes;
}

function isMapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

function inRange(b: Uint8Array, r: Range): boolean {
  const full = r.prefix >> 3;
  for (let i = 0; i < full; i++) if (b[i] !== r.bytes[i]) return false;
  const rest = r.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (b[full]! & mask) === r.bytes[full];
}

function hostBitsClear(b: Uint8Array, prefix: number): boolean {
  for (let bit = prefix; bit < b.length * 8; bit++) {
    if (b[bit >> 3]! & (0x80 >> (bit & 7))) return false;
  }
  return true;
}

function maskText(b: Uint8Array, prefix: number): string {
  const masked = Uint8Array.from(b, (byte, i) => {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    return byte & ((0xff << (8 - keep)) & 0xff);
  });
  return masked.length === 4 ? formatIPv4(masked, 0) : formatIPv6(masked, 0);
}
