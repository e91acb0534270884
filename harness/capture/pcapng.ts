import { PcapFormatError, type PcapRecord } from './pcap.ts';

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

interface Interface {
  linkType: number;
  /** 0 means no limit. */
  snapLen: number;
  /** Timestamp units per second, from if_tsresol. */
  unitsPerSecond: bigint;
  /** Seconds added to every timestamp, from if_tsoffset. */
  offsetSeconds: bigint;
}

/**
 * Reads a pcapng file (what Wireshark and dumpcap write). Each section has its
 * own byte order and its own numbering of interfaces. Blocks other than packets
 * and interface descriptions are skipped. A block cut short at the end of the
 * file (a capture stopped mid-write) ends reading rather than being an error.
 */
export function readPcapng(file: Buffer): PcapRecord[] {
  if (file.length < 12 || file.readUInt32BE(0) !== BLOCK_SHB) {
    throw new PcapFormatError('no section header block at the start: not a pcapng file');
  }
  let little = true;
  let interfaces: Interface[] = [];
  const u16 = (b: Buffer, at: number) => (little ? b.readUInt16LE(at) : b.readUInt16BE(at));
  const u32 = (b: Buffer, at: number) => (little ? b.readUInt32LE(at) : b.readUInt32BE(at));

  const records: PcapRecord[] = [];
  let offset = 0;
  while (offset + 8 <= file.length) {
    // The SHB type reads the same in both byte orders, so it is found before the order is known.
    const type = u32(file, offset);
    if (type === BLOCK_SHB) {
      if (offset + 12 > file.length) break;
      if (file.readUInt32LE(offset + 8) === BYTE_ORDER_MAGIC) little = true;
      else if (file.readUInt32BE(offset + 8) === BYTE_ORDER_MAGIC) little = false;
      else {
        const magic = file.readUInt32BE(offset + 8).toString(16);
        throw new PcapFormatError(
          `section header at offset ${offset} has bad byte-order magic 0x${magic}`,
        );
      }
      interfaces = [];
    }
    const length = u32(file, offset + 4);
    if (length < 12 || length % 4 !== 0) {
      throw new PcapFormatError(
        `block at offset ${offset} has total length ${length}: must be a multiple of 4, at least 12`,
      );
    }
    if (offset + length > file.length) break;
    const trailer = u32(file, offset + length - 4);
    if (trailer !== length) {
      throw new PcapFormatError(
        `block at offset ${offset} has total length ${length} but its trailing copy says ${trailer}`,
      );
    }
    const body = file.subarray(offset + 8, offset + length - 4);
    const need = (bytes: number, what: string) => {
      if (body.length < bytes)
        throw new PcapFormatError(`${what} at offset ${offset} is too short: ${length} bytes`);
    };
    const iface = (id: number, what: string) => {
      const found = interfaces[id];
      if (!found) {
        throw new PcapFormatError(
          `${what} at offset ${offset} refers to interface ${id}, but its section describes ${interfaces.length}`,
        );
      }
      return found;
    };

    switch (type) {
      case BLOCK_SHB: {
        need(16, 'section header');
        const major = u16(body, 4);
        if (major !== 1)
          throw new PcapFormatError(`section at offset ${offset} has unsupported version ${major}`);
        break;
      }
      case BLOCK_IDB:
        need(8, 'interface description');
        interfaces.push(describeInterface(body, little, offset));
        break;
      case BLOCK_EPB:
      case BLOCK_PB: {
        // Same layout, except the obsolete PB has a 16-bit interface id then a drop count.
        const what = type === BLOCK_EPB ? 'enhanced packet block' : 'packet block';
        need(20, what);
        const found = iface(type === BLOCK_EPB ? u32(body, 0) : u16(body, 0), what);
        const captured = u32(body, 12);
        if (20 + captured > body.length) {
          throw new PcapFormatError(
            `${what} at offset ${offset} claims ${captured} captured bytes, more than the block holds`,
          );
        }
        records.push({
          timestampMicros: toMicros(found, u32(body, 4), u32(body, 8)),
          linkType: found.linkType,
          data: body.subarray(20, 20 + captured),
        });
        break;
      }
      case BLOCK_SPB: {
        need(4, 'simple packet block');
        const found = iface(0, 'simple packet block');
        // No captured length is stored: the data is the packet cut to the snaplen, then padded.
        const captured = Math.min(
          u32(body, 0),
          body.length - 4,
          found.snapLen === 0 ? Infinity : found.snapLen,
        );
        records.push({
          timestampMicros: 0,
          linkType: found.linkType,
          data: body.subarray(4, 4 + captured),
        });
        break;
      }
    }
    offset += length;
  }
  return records;
}

function describeInterface(body: Buffer, little: boolean, offset: number): Interface {
  const u16 = (at: number) => (little ? body.readUInt16LE(at) : body.readUInt16BE(at));
  const described: Interface = {
    linkType: u16(0),
    snapLen: little ? body.readUInt32LE(4) : body.readUInt32BE(4),
    unitsPerSecond: 1_000_000n,
    offsetSeconds: 0n,
  };
  // Options may end without opt_endofopt, so running out of room also ends them.
  for (let at = 8; at + 4 <= body.length;) {
    const code = u16(at);
    const size = u16(at + 2);
    const value = at + 4;
    if (value + size > body.length) {
      throw new PcapFormatError(
        `interface description at offset ${offset}: option ${code} runs past the end of the block`,
      );
    }
    if (code === OPT_ENDOFOPT) break;
    if (code === IF_TSRESOL) {
      if (size !== 1)
        throw new PcapFormatError(
          `interface description at offset ${offset}: if_tsresol is ${size} bytes, not 1`,
        );
      const resolution = body[value]!;
      const exponent = BigInt(resolution & 0x7f);
      described.unitsPerSecond = resolution & 0x80 ? 1n << exponent : 10n ** exponent;
    } else if (code === IF_TSOFFSET) {
      if (size !== 8)
        throw new PcapFormatError(
          `interface description at offset ${offset}: if_tsoffset is ${size} bytes, not 8`,
        );
      described.offsetSeconds = little ? body.readBigInt64LE(value) : body.readBigInt64BE(value);
    }
    at = value + Math.ceil(size / 4) * 4;
  }
  return described;
}

/** BigInt because a nanosecond timestamp since the epoch exceeds 2^53. */
function toMicros(found: Interface, high: number, low: number): number {
  const units = (BigInt(high) << 32n) | BigInt(low);
  return Number((units * 1_000_000n) / found.unitsPerSecond + found.offsetSeconds * 1_000_000n);
}
