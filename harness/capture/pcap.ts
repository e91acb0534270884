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
 * Reads a classic libpcap file (what `tcpdump -w` writes). Either byte order,
 * micro- or nanosecond timestamps. A record cut short at the end of the file (a
 * capture stopped mid-write) is dropped rather than treated as an error.
 */
export function readPcap(file: Buffer): PcapRecord[] {
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
  const u32 = (offset: number) => (little ? file.readUInt32LE(offset) : file.readUInt32BE(offset));
  const linkType = u32(20) & 0x0fffffff;

  const records: PcapRecord[] = [];
  let offset = 24;
  while (offset + 16 <= file.length) {
    const seconds = u32(offset);
    const fraction = u32(offset + 4);
    const captured = u32(offset + 8);
    const start = offset + 16;
    if (start + captured > file.length) break;
    records.push({
      timestampMicros: seconds * 1e6 + (nanos ? Math.floor(fraction / 1000) : fraction),
      linkType,
      data: file.subarray(start, start + captured),
    });
    offset = start + captured;
  }
  return records;
}
