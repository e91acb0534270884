/** One captured frame from a pcap file. */
export interface PcapRecord {
  /** Capture time, microseconds since the epoch. */
  timestampMicros: number;
  linkType: number;
  data: Buffer;
}

export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_LINUX_SLL2 = 276;

export class PcapFormatError extends Error {
  readonly code = 'PCAP_FORMAT';
}

/**
 * A capture's packets read in place, one at a time: the fields describe the
 * current packet, whose bytes are `bytes[start, end)`. Walking a capture this
 * way makes no record and no view per packet.
 */
export interface PacketCursor {
  bytes: Buffer;
  start: number;
  end: number;
  linkType: number;
  /** Capture time, microseconds since the epoch. */
  timestampMicros: number;
  /** Moves to the next packet; false after the last one. */
  next(): boolean;
}

/** Every packet a cursor has left, as records. */
export function collectRecords(packets: PacketCursor): PcapRecord[] {
  const records: PcapRecord[] = [];
  while (packets.next()) {
    records.push({
      timestampMicros: packets.timestampMicros,
      linkType: packets.linkType,
      data: packets.bytes.subarray(packets.start, packets.end),
    });
  }
  return records;
}

/**
 * Reads a classic libpcap file (what `tcpdump -w` writes). Either byte order,
 * micro- or nanosecond timestamps. A record cut short at the end of the file (a
 * capture stopped mid-write) is dropped rather than treated as an error.
 */
export function readPcap(file: Buffer): PcapRecord[] {
  return collectRecords(pcapPackets(file));
}

/** The packets of a classic libpcap file, as readPcap reads them. */
export function pcapPackets(file: Buffer): PacketCursor {
  if (file.length < 24)
    throw new PcapFormatError(`file is ${file.length} bytes, shorter than a pcap header`);
  const magicLE = file.readUInt32LE(0);
  let little: boolean;
  let nanos: boolean;
  if (magicLE === 0xa1b2c3d4 || magicLE === 0xa1b23c4d) {
    little = true;
    nanos = magicLE === 0xa1b23c4d;
  } else {
    const magicBE = file.readUInt32BE(0);
    if (magicBE !== 0xa1b2c3d4 && magicBE !== 0xa1b23c4d) {
      throw new PcapFormatError(`unknown magic 0x${magicBE.toString(16)}: not a pcap file`);
    }
    little = false;
    nanos = magicBE === 0xa1b23c4d;
  }
  return new PcapPackets(file, little, nanos);
}

class PcapPackets implements PacketCursor {
  readonly bytes: Buffer;
  readonly linkType: number;
  start = 0;
  /** The first record follows the 24-byte file header. */
  end = 24;
  timestampMicros = 0;
  private readonly little: boolean;
  private readonly nanos: boolean;

  constructor(file: Buffer, little: boolean, nanos: boolean) {
    this.bytes = file;
    this.little = little;
    this.nanos = nanos;
    this.linkType = this.u32(20) & 0x0fffffff;
  }

  private u32(offset: number): number {
    return this.little ? this.bytes.readUInt32LE(offset) : this.bytes.readUInt32BE(offset);
  }

  next(): boolean {
    const offset = this.end;
    if (offset + 16 > this.bytes.length) return false;
    const seconds = this.u32(offset);
    const fraction = this.u32(offset + 4);
    const captured = this.u32(offset + 8);
    const start = offset + 16;
    if (start + captured > this.bytes.length) return false;
    this.timestampMicros = seconds * 1e6 + (this.nanos ? Math.floor(fraction / 1000) : fraction);
    this.start = start;
    this.end = start + captured;
    return true;
  }
}
