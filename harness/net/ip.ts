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
 * For each set of zero groups (bit i: group i is 0), where "::" stands in
 * Node's text: the first longest run of two or more, as start << 4 | length;
 * NO_RUN when there is none. Printing and checking a spelling both look it up.
 */
const NO_RUN = 0xff;
const ZERO_RUN = Uint8Array.from({ length: 256 }, (_, zeros) => {
  let best = NO_RUN;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && (zeros >> j) & 1) j++;
    if (j - i > bestLength) {
      best = (i << 4) | (j - i);
      bestLength = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  return best;
});

/** The bits of ZERO_RUN's index for eight groups. */
function zeroGroups(g: Uint16Array): number {
  let zeros = 0;
  for (let i = 0; i < 8; i++) if (g[i] === 0) zeros |= 1 << i;
  return zeros;
}

/** Whether Node prints these groups with a dotted quad: IPv4-compatible or -mapped. */
const dotted = (run: number, g5: number) => run === 0x06 || (run === 0x05 && g5 === 0xffff);

/**
 * Text of the 16 bytes at `at`, exactly as Node (libuv's inet_ntop) prints
 * socket addresses, so views from Node and from the wire compare as text: lower
 * case, no leading zeros, the first longest run of two or more zero groups as
 * "::", and IPv4-mapped/-compatible addresses with a dotted quad.
 */
export function formatIPv6(b: Uint8Array, at: number): string {
  const g = GROUPS;
  for (let i = 0; i < 8; i++) g[i] = (b[at + 2 * i]! << 8) | b[at + 2 * i + 1]!;
  const run = ZERO_RUN[zeroGroups(g)]!;
  if (run === NO_RUN) {
    return (
      GROUP_COLON[g[0]!]! +
      GROUP_COLON[g[1]!]! +
      GROUP_COLON[g[2]!]! +
      GROUP_COLON[g[3]!]! +
      GROUP_COLON[g[4]!]! +
      GROUP_COLON[g[5]!]! +
      GROUP_COLON[g[6]!]! +
      GROUP[g[7]!]!
    );
  }
  if (dotted(run, g[5]!)) return `::${run === 0x05 ? 'ffff:' : ''}${formatIPv4(b, at + 12)}`;
  const start = run >> 4;
  const end = start + (run & 0x0f);
  // Each group before the run brings its colon; the run adds the second one.
  let text = start === 0 ? '::' : '';
  for (let i = 0; i < start; i++) text += GROUP_COLON[g[i]!]!;
  if (start > 0) text += ':';
  for (let i = end; i < 8; i++) text += i === 7 ? GROUP[g[i]!]! : GROUP_COLON[g[i]!]!;
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

/** Per byte: its hex digit's value, 16 more for an upper-case one, or -1. */
const HEX_DIGIT = Int8Array.from({ length: 256 }, (_, c) => {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 26;
  return -1;
});

/** What scanIPv6 finds: not an address, one, or one spelt as formatIPv6 prints it. */
export const NOT_IPV6 = 0;
export const IPV6 = 1;
export const CANONICAL_IPV6 = 2;

/** Where the last scanIPv6 stopped: the index of the first byte after the address. */
export const scanned = { end: 0 };

/**
 * Reads IPv6 text from `b[start]` on, as far as it goes (to `limit` at the
 * latest), into `out[at..at+16)` if given: 1-4 hex digits per group, at most
 * one "::", an optional dotted-quad tail, no zone. Returns NOT_IPV6, or IPV6
 * with `scanned.end` set, or CANONICAL_IPV6 when the text is spelt as
 * formatIPv6 prints it, so that a decoder can keep the sender's text.
 */
export function scanIPv6(
  b: Uint8Array,
  start: number,
  limit: number,
  out?: Uint8Array,
  at = 0,
): number {
  const groups = GROUPS;
  let count = 0;
  let gap = -1; // group index where "::" stands
  let plain = true; // lower case, no leading zeros
  let quad = false;
  let zeroBits = 0; // bit k: the k-th group written is 0
  let i = start;
  // Right after "::" the text may end without another group.
  let mayEnd = false;
  if (i + 1 < limit && b[i] === COLON && b[i + 1] === COLON) {
    gap = 0;
    i += 2;
    mayEnd = true;
  }
  for (;;) {
    let value = 0;
    let j = i;
    // Up to five digits: a fifth makes the group too long.
    const stop = limit - i > 5 ? i + 5 : limit;
    for (; j < stop; j++) {
      let h = HEX_DIGIT[b[j]!]!;
      if (h < 0) break;
      if (h > 15) {
        plain = false;
        h -= 16;
      }
      value = (value << 4) | h;
    }
    const digits = j - i;
    if (j < limit && b[j] === DOT) {
      // Dotted-quad tail: the last 32 bits, and the end of the text.
      let e = j;
      while (e < limit && (b[e] === DOT || (b[e]! >= ZERO && b[e]! <= ZERO + 9))) e++;
      if (count > 6 || !parseIPv4(b, i, e, QUAD)) return NOT_IPV6;
      groups[count] = (QUAD[0]! << 8) | QUAD[1]!;
      groups[count + 1] = (QUAD[2]! << 8) | QUAD[3]!;
      if (groups[count] === 0) zeroBits |= 1 << count;
      if (groups[count + 1] === 0) zeroBits |= 2 << count;
      count += 2;
      quad = true;
      i = e;
      break;
    }
    if (digits === 0) {
      if (!mayEnd) return NOT_IPV6;
      break;
    }
    if (digits > 4 || count === 8) return NOT_IPV6;
    if (digits > 1 && b[i] === ZERO) plain = false;
    if (value === 0) zeroBits |= 1 << count;
    groups[count++] = value;
    i = j;
    mayEnd = false;
    if (i >= limit || b[i] !== COLON) break;
    i++;
    if (i < limit && b[i] === COLON) {
      if (gap >= 0) return NOT_IPV6;
      gap = count;
      i++;
      mayEnd = true;
    }
  }
  if (gap < 0 ? count !== 8 : count > 7) return NOT_IPV6;
  scanned.end = i;
  // The k-th group written stands at k, or k + missing past the "::".
  const missing = gap < 0 ? 0 : 8 - count;
  const split = gap < 0 ? 8 : gap;
  if (out) {
    for (let g = 0; g < 8; g++) {
      const value = g < split ? groups[g]! : g < split + missing ? 0 : groups[g - missing]!;
      out[at + 2 * g] = value >> 8;
      out[at + 2 * g + 1] = value & 0xff;
    }
  }
  if (!plain) return IPV6;
  // Canonical: "::" exactly over the first longest zero run, a quad exactly where Node prints one.
  const zeros =
    (zeroBits & ((1 << split) - 1)) |
    (((1 << missing) - 1) << split) |
    ((zeroBits >> split) << (split + missing));
  const run = ZERO_RUN[zeros & 0xff]!;
  const written = gap < 0 ? NO_RUN : (gap << 4) | missing;
  const g5 = 5 < split ? groups[5]! : 5 < split + missing ? 0 : groups[5 - missing]!;
  return run === written && quad === (run !== NO_RUN && dotted(run, g5)) ? CANONICAL_IPV6 : IPV6;
}

/** scanIPv6 of exactly `b[start, end)`. */
export function parseIPv6Spelling(
  b: Uint8Array,
  start: number,
  end: number,
  out?: Uint8Array,
  at = 0,
): number {
  const spelling = scanIPv6(b, start, end, out, at);
  return scanned.end === end ? spelling : NOT_IPV6;
}

/** parseIPv6Spelling, as a yes or no. */
export function parseIPv6(
  b: Uint8Array,
  start: number,
  end: number,
  out?: Uint8Array,
  at = 0,
): boolean {
  return parseIPv6Spelling(b, start, end, out, at) !== NOT_IPV6;
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
