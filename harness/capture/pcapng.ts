import { u16, u32, type ByteWindow } from './byte-window.ts';
import { CaptureFormatError, type DamageCode } from './damage.ts';
import { checkLinkType } from './packet.ts';
import type { PacketCursor } from './pcap.ts';

// Block types and option codes from draft-ietf-opsawg-pcapng.
const BLOCK_SHB = 0x0a0d0d0a;
const BLOCK_IDB = 1;
const BLOCK_PB = 2;
const BLOCK_SPB = 3;
const BLOCK_EPB = 6;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const OPT_ENDOFOPT = 0;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;
/**
 * Far more than any block a capture tool writes (a packet is at most 256 KiB),
 * so a longer block is a damaged length, and nothing that size is allocated.
 */
const MAX_BLOCK = 16 << 20;

interface Interface {
  linkType: number;
  /** 0 means no limit. */
  snapLen: number;
  /** Timestamp units per second, from if_tsresol. */
  unitsPerSecond: bigint;
  /** Seconds added to every timestamp, from if_tsoffset. */
  offsetSeconds: bigint;
  /** Units per microsecond if that is 1 or 1000 and there is no offset, else 0: see toMicros. */
  unitsPerMicro: number;
}

/**
 * The packets of a pcapng file (what Wireshark and dumpcap write). Each section
 * has its own byte order and its own numbering of interfaces. Blocks other than
 * packets and interface descriptions are skipped.
 */
export function pcapngPackets(window: ByteWindow): PacketCursor {
  return new PcapngPackets(window);
}

class PcapngPackets implements PacketCursor {
  bytes: Buffer;
  start = 0;
  end = 0;
  linkType = 0;
  timestampMicros = 0;
  private readonly window: ByteWindow;
  private little = true;
  private interfaces: Interface[] = [];

  constructor(window: ByteWindow) {
    this.window = window;
    this.bytes = window.bytes;
  }

  next(): boolean {
    const w = this.window;
    for (;;) {
      if (!w.ensure(8)) {
        if (w.limit === w.pos) return false;
        throw truncated(w, `the file ends ${w.limit - w.pos} bytes into its 8-byte header`);
      }
      // The SHB type reads the same in both byte orders, so it is found before the order is known.
      const type = u32(w.bytes, w.pos, this.little);
      if (type === BLOCK_SHB) {
        if (!w.ensure(12)) throw truncated(w, `the file ends ${w.limit - w.pos} bytes into it`);
        const file = w.bytes;
        if (file.readUInt32LE(w.pos + 8) === BYTE_ORDER_MAGIC) this.little = true;
        else if (file.readUInt32BE(w.pos + 8) === BYTE_ORDER_MAGIC) this.little = false;
        else {
          const magic = file.readUInt32BE(w.pos + 8).toString(16);
          throw error(
            w,
            'PCAPNG_BAD_BYTE_ORDER',
            `section header has bad byte-order magic 0x${magic}`,
          );
        }
        this.interfaces = [];
      }
      const little = this.little;
      const length = u32(w.bytes, w.pos + 4, little);
      if (length < 12 || length % 4 !== 0 || length > MAX_BLOCK) {
        throw error(
          w,
          'PCAPNG_BAD_BLOCK_LENGTH',
          `block has total length ${length}: must be a multiple of 4, at least 12 and at most ${MAX_BLOCK}`,
        );
      }
      if (!w.ensure(length)) {
        throw truncated(w, `the file ends ${w.limit - w.pos} bytes into its ${length} bytes`);
      }
      const file = w.bytes;
      const at = w.pos;
      const trailer = u32(file, at + length - 4, little);
      if (trailer !== length) {
        throw error(
          w,
          'PCAPNG_BAD_BLOCK_LENGTH',
          `block has total length ${length} but its trailing copy says ${trailer}`,
        );
      }
      // The block's body, read in place.
      const body = at + 8;
      const bodyLength = length - 12;

      switch (type) {
        case BLOCK_SHB: {
          need(w, bodyLength, 16, 'section header');
          const major = u16(file, body + 4, little);
          if (major !== 1) {
            throw error(
              w,
              'PCAPNG_UNSUPPORTED_VERSION',
              `section has unsupported version ${major}`,
            );
          }
          break;
        }
        case BLOCK_IDB: {
          need(w, bodyLength, 8, 'interface description');
          const described = describeInterface(w, file.subarray(body, body + bodyLength), little);
          checkLinkType(described.linkType, `interface ${this.interfaces.length}`, w.offsetOf(at));
          this.interfaces.push(described);
          break;
        }
        case BLOCK_EPB:
        case BLOCK_PB: {
          // Same layout, except the obsolete PB has a 16-bit interface id then a drop count.
          const what = type === BLOCK_EPB ? 'enhanced packet block' : 'packet block';
          need(w, bodyLength, 20, what);
          const id = type === BLOCK_EPB ? u32(file, body, little) : u16(file, body, little);
          const found = iface(w, this.interfaces, id, what);
          const captured = u32(file, body + 12, little);
          if (20 + captured > bodyLength) {
            throw error(
              w,
              'PCAPNG_BAD_PACKET_LENGTH',
              `${what} claims ${captured} captured bytes, more than the block holds`,
            );
          }
          this.timestampMicros = toMicros(
            found,
            u32(file, body + 4, little),
            u32(file, body + 8, little),
          );
          this.bytes = file;
          this.linkType = found.linkType;
          this.start = body + 20;
          this.end = body + 20 + captured;
          w.pos = at + length;
          return true;
        }
        case BLOCK_SPB: {
          need(w, bodyLength, 4, 'simple packet block');
          const found = iface(w, this.interfaces, 0, 'simple packet block');
          // No captured length is stored: the data is the packet cut to the snaplen, then padded.
          const captured = Math.min(
            u32(file, body, little),
            bodyLength - 4,
            found.snapLen === 0 ? Infinity : found.snapLen,
          );
          this.timestampMicros = 0;
          this.bytes = file;
          this.linkType = found.linkType;
          this.start = body + 4;
          this.end = body + 4 + captured;
          w.pos = at + length;
          return true;
        }
      }
      w.pos = at + length;
    }
  }
}

/** The error for the block at the window's position. */
const error = (w: ByteWindow, code: DamageCode, message: string) =>
  new CaptureFormatError(code, w.offsetOf(w.pos), message);

const truncated = (w: ByteWindow, how: string) =>
  error(w, 'PCAPNG_TRUNCATED_BLOCK', `block cut short: ${how}`);

function need(w: ByteWindow, bodyLength: number, bytes: number, what: string) {
  if (bodyLength < bytes) {
    throw error(w, 'PCAPNG_SHORT_BLOCK', `${what} too short: ${bodyLength + 12} bytes`);
  }
}

function iface(w: ByteWindow, interfaces: Interface[], id: number, what: string): Interface {
  const found = interfaces[id];
  if (!found) {
    throw error(
      w,
      'PCAPNG_UNKNOWN_INTERFACE',
      `${what} refers to interface ${id}, but its section describes ${interfaces.length}`,
    );
  }
  return found;
}

function describeInterface(w: ByteWindow, body: Buffer, little: boolean): Interface {
  const u16 = (at: number) => (little ? body.readUInt16LE(at) : body.readUInt16BE(at));
  const bad = (what: string) => error(w, 'PCAPNG_BAD_OPTION', `interface description: ${what}`);
  const described: Interface = {
    linkType: u16(0),
    snapLen: little ? body.readUInt32LE(4) : body.readUInt32BE(4),
    unitsPerSecond: 1_000_000n,
    offsetSeconds: 0n,
    unitsPerMicro: 0,
  };
  // Options may end without opt_endofopt, so running out of room also ends them.
  for (let at = 8; at + 4 <= body.length;) {
    const code = u16(at);
    const size = u16(at + 2);
    const value = at + 4;
    if (value + size > body.length) throw bad(`option ${code} runs past the end of the block`);
    if (code === OPT_ENDOFOPT) break;
    if (code === IF_TSRESOL) {
      if (size !== 1) throw bad(`if_tsresol is ${size} bytes, not 1`);
      const resolution = body[value]!;
      const exponent = BigInt(resolution & 0x7f);
      described.unitsPerSecond = resolution & 0x80 ? 1n << exponent : 10n ** exponent;
    } else if (code === IF_TSOFFSET) {
      if (size !== 8) throw bad(`if_tsoffset is ${size} bytes, not 8`);
      described.offsetSeconds = little ? body.readBigInt64LE(value) : body.readBigInt64BE(value);
    }
    at = value + Math.ceil(size / 4) * 4;
  }
  if (described.offsetSeconds === 0n) {
    if (described.unitsPerSecond === 1_000_000n) described.unitsPerMicro = 1;
    else if (described.unitsPerSecond === 1_000_000_000n) described.unitsPerMicro = 1000;
  }
  return described;
}

/** 2^32, and the limit below which a double holds every integer. */
const TWO_32 = 0x1_0000_0000;
const HIGH_LIMIT = 2 ** 53 / TWO_32;

/**
 * The common resolutions (micro- and nanoseconds, no offset) in plain numbers,
 * exact while the result is below 2^53 microseconds (the year 2255); BigInt
 * otherwise, because a nanosecond timestamp since the epoch exceeds 2^53.
 */
function toMicros(found: Interface, high: number, low: number): number {
  if (found.unitsPerMicro === 1 && high < HIGH_LIMIT) return high * TWO_32 + low;
  if (found.unitsPerMicro === 1000 && high < HIGH_LIMIT * 1000) {
    // (high * 2^32 + low) / 1000 in two parts, each exact in a double.
    const rest = (high % 1000) * TWO_32 + low;
    return Math.floor(high / 1000) * TWO_32 + Math.floor(rest / 1000);
  }
  const units = (BigInt(high) << 32n) | BigInt(low);
  return Number((units * 1_000_000n) / found.unitsPerSecond + found.offsetSeconds * 1_000_000n);
}
