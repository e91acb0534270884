// Byte-level IP text parsing and printing. The decoders run these per header
// and per packet, so they avoid Node's regex validators and allocations.

const DOT = 0x2e;
const COLON = 0x3a;
const ZERO = 0x30;

/** Decimal text of 0-255, bare and with a trailing dot: IPv4 text is built from them. */
const DEC: string[] = Array.from({ length: 256 }, (_, i) => String(i));
const DEC_DOT: string[] = DEC.map((d) => `${d}.`);

/** a.b.c.d from four bytes at `at`. */
export function formatIPv4(b: Uint8Array, at: number): string {
  return DEC_DOT[b[at]!]! + DEC_DOT[b[at + 1]!]! + DEC_DOT[b[at + 2]!]! + DEC[b[at + 3]!]!;
}

/** Scratch space: the formatter and parser run synchronously, one call at a time. */
const GROUPS = new Uint16Array(8);
const QUAD = new Uint8Array(4);

/** Lower-case hex of every 16-bit group without leading zeros: IPv6 text is built from it. */
const GROUP: string[] = Array.from({ length: 65536 }, (_, i) => i.toString(16));
const GROUP_COLON: string[] = GROUP.map((g) => `${g}:`);

/**
 * Text of the 16 bytes at `at`, exactly as Node (libuv's inet_ntop) prints
 * socket addresses, so views from Node and from the wire compare as text: lower
 * case, no leading zeros, the first longest run of two or more zero groups as
 * "::", and IPv4-mapped/-compatible addresses with a dotted quad.
 */
export function formatIPv6(b: Uint8Array, at: number): string {
  const g0 = (b[at]! << 8) | b[at + 1]!;
  const g1 = (b[at + 2]! << 8) | b[at + 3]!;
  const g2 = (b[at + 4]! << 8) | b[at + 5]!;
  const g3 = (b[at + 6]! << 8) | b[at + 7]!;
  const g4 = (b[at + 8]! << 8) | b[at + 9]!;
  const g5 = (b[at + 10]! << 8) | b[at + 11]!;
  const g6 = (b[at + 12]! << 8) | b[at + 13]!;
  const g7 = (b[at + 14]! << 8) | b[at + 15]!;
  const g = GROUPS;
  g[0] = g0;
  g[1] = g1;
  g[2] = g2;
  g[3] = g3;
  g[4] = g4;
  g[5] = g5;
  g[6] = g6;
  g[7] = g7;
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestStart === 0 && (bestLen === 6 || (bestLen === 5 && g5 === 0xffff))) {
    return `::${bestLen === 5 ? 'ffff:' : ''}${formatIPv4(b, at + 12)}`;
  }
  if (bestStart < 0) {
    return (
      GROUP_COLON[g0]! +
      GROUP_COLON[g1]! +
      GROUP_COLON[g2]! +
      GROUP_COLON[g3]! +
      GROUP_COLON[g4]! +
      GROUP_COLON[g5]! +
      GROUP_COLON[g6]! +
      GROUP[g7]!
    );
  }
  let text = bestStart === 0 ? ':' : '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      text += ':';
      i += bestLen - 1;
    } else {
      text += i === 7 ? GROUP[g[i]!]! : GROUP_COLON[g[i]!]!;
    }
  }
  return text;
}

/**
 * Parses dotted-quad IPv4 text in `b[start, end)` into `out[at..at+4)`:
 * exactly four decimal octets, 0-255, no leading zeros (they read as octal
 * elsewhere, so they are ambiguous). Returns false for anything else.
 */
export function parseIPv4(
  b: Uint8Array,
  start: number,
  end: number,
  out?: Uint8Array,
  at = 0,
): boolean {
  let octet = 0;
  let digits = 0;
  let octets = 0;
  for (let i = start; i <= end; i++) {
    const c = i < end ? b[i]! : DOT;
    if (c === DOT) {
      if (digits === 0 || octets === 4) return false;
      if (out) out[at + octets] = octet;
      octets++;
      octet = 0;
      digits = 0;
      continue;
    }
    const d = c - ZERO;
    if (d < 0 || d > 9) return false;
    if (digits > 0 && octet === 0) return false; // leading zero
    octet = octet * 10 + d;
    if (octet > 255) return false;
    digits++;
  }
  return octets === 4;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}

/**
 * Parses IPv6 text in `b[start, end)` into `out[at..at+16)` if given: 1-4 hex
 * digits per group, at most one "::", an optional dotted-quad tail, no zone.
 */
export function parseIPv6(
  b: Uint8Array,
  start: number,
  end: number,
  out?: Uint8Array,
  at = 0,
): boolean {
  const groups = GROUPS;
  let count = 0;
  let gap = -1; // group index where "::" stands
  let i = start;
  if (end - start < 2) return false;
  if (b[i] === COLON) {
    if (b[i + 1] !== COLON) return false;
    gap = 0;
    i += 2;
  }
  while (i < end) {
    if (count === 8) return false;
    let value = 0;
    let digits = 0;
    let j = i;
    for (; j < end && digits <= 4; j++) {
      const h = hexValue(b[j]!);
      if (h < 0) break;
      value = value * 16 + h;
      digits++;
    }
    if (j < end && b[j] === DOT) {
      // Dotted-quad tail: the last 32 bits.
      if (count > 6) return false;
      const v4 = QUAD;
      if (!parseIPv4(b, i, end, v4)) return false;
      groups[count++] = (v4[0]! << 8) | v4[1]!;
      groups[count++] = (v4[2]! << 8) | v4[3]!;
      i = end;
      break;
    }
    if (digits === 0 || digits > 4) return false;
    groups[count++] = value;
    i = j;
    if (i === end) break;
    if (b[i] !== COLON) return false;
    i++;
    if (i < end && b[i] === COLON) {
      if (gap >= 0) return false;
      gap = count;
      i++;
    } else if (i === end) {
      return false; // a single trailing colon
    }
  }
  if (gap < 0 ? count !== 8 : count > 7) return false;
  if (out) {
    out.fill(0, at, at + 16);
    const tail = gap < 0 ? 0 : count - gap;
    for (let g = 0; g < count; g++) {
      const slot = gap >= 0 && g >= gap ? 8 - tail + (g - gap) : g;
      out[at + 2 * slot] = groups[g]! >> 8;
      out[at + 2 * slot + 1] = groups[g]! & 0xff;
    }
  }
  return true;
}

const scratch = new Uint8Array(16);
const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);

/** Canonical text of an IPv6 address, or null if `text` is not one. */
export function canonicalIPv6(text: string): string | null {
  return parseIPv6(ascii(text), 0, text.length, scratch) ? formatIPv6(scratch, 0) : null;
}

export function isIPv4Text(text: string): boolean {
  return parseIPv4(ascii(text), 0, text.length);
}

/** The 4 or 16 bytes of an address's text; throws on anything else (for encoders). */
export function addressBytes(text: string): Uint8Array {
  const b = ascii(text);
  const out = new Uint8Array(text.includes(':') ? 16 : 4);
  const ok = out.length === 4 ? parseIPv4(b, 0, b.length, out) : parseIPv6(b, 0, b.length, out);
  if (!ok) throw new RangeError(`not an IP address: ${JSON.stringify(text)}`);
  return out;
}
