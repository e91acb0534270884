import { u32, type ByteWindow } from './byte-window.ts';
import { CaptureFormatError } from './damage.ts';
import { checkLinkType } from './packet.ts';

/** One captured frame. */
export interface PcapRecord {
  /** Capture time, microseconds since the epoch. */
  timestampMicros: number;
  linkType: number;
  data: Buffer;
}

/**
 * libpcap refuses a record longer than this for every link type read here
 * (MAXIMUM_SNAPLEN), so a longer one is a damaged length, never a packet.
 */
const MAX_CAPTURED = 262144;
const FILE_HEADER = 24;
const RECORD_HEADER = 16;

/**
 * A capture's packets read in place, one at a time: the fields describe the
 * current packet, whose bytes are `bytes[start, end)` until the next call.
 * Walking a capture this way makes no record and no view per packet.
 */
export interface PacketCursor {
  bytes: Buffer;
  start: number;
  end: number;
  linkType: number;
  /** Capture time, microseconds since the epoch. */
  timestampMicros: number;
  /** Moves to the next packet; false at the end. Throws CaptureFormatError where the file cannot be read on. */
  next(): boolean;
}

/**
 * The packets of a classic libpcap file (what `tcpdump -w` writes). Either byte
 * order, micro- or nanosecond timestamps.
 */
export function pcapPackets(window: ByteWindow): PacketCursor {
  if (!window.ensure(FILE_HEADER)) {
    const size = window.limit - window.pos;
    throw new CaptureFormatError(
      'PCAP_TRUNCATED_HEADER',
      0,
      `the file is ${size} bytes, shorter than the ${FILE_HEADER}-byte pcap header`,
    );
  }
  const file = window.bytes;
  const at = window.pos;
  const magicLE = file.readUInt32LE(at);
  let little: boolean;
  let nanos: boolean;
  if (magicLE === 0xa1b2c3d4 || magicLE === 0xa1b23c4d) {
    little = true;
    nanos = magicLE === 0xa1b23c4d;
  } else {
    const magicBE = file.readUInt32BE(at);
    if (magicBE !== 0xa1b2c3d4 && magicBE !== 0xa1b23c4d) {
      throw new CaptureFormatError(
        'NOT_A_CAPTURE',
        0,
        `unknown magic 0x${magicBE.toString(16)}: not a pcap or pcapng file`,
      );
    }
    little = false;
    nanos = magicBE === 0xa1b23c4d;
  }
  const linkType = (little ? file.readUInt32LE(at + 20) : file.readUInt32BE(at + 20)) & 0x0fffffff;
  checkLinkType(linkType, 'the pcap header', 0);
  window.pos += FILE_HEADER;
  return new PcapPackets(window, linkType, little, nanos);
}

class PcapPackets implements PacketCursor {
  bytes: Buffer;
  start = 0;
  end = 0;
  timestampMicros = 0;
  readonly linkType: number;
  private readonly window: ByteWindow;
  private readonly little: boolean;
  private readonly nanos: boolean;

  constructor(window: ByteWindow, linkType: number, little: boolean, nanos: boolean) {
    this.window = window;
    this.bytes = window.bytes;
    this.linkType = linkType;
    this.little = little;
    this.nanos = nanos;
  }

  next(): boolean {
    const w = this.window;
    if (!w.ensure(RECORD_HEADER)) {
      if (w.limit === w.pos) return false;
      throw this.truncated(
        `the file ends ${w.limit - w.pos} bytes into its ${RECORD_HEADER}-byte header`,
      );
    }
    this.bytes = w.bytes;
    const captured = u32(this.bytes, w.pos + 8, this.little);
    if (captured > MAX_CAPTURED) {
      throw new CaptureFormatError(
        'PCAP_RECORD_TOO_LONG',
        w.offsetOf(w.pos),
        `record claims ${captured} captured bytes, more than any capture of link type ${this.linkType} holds (${MAX_CAPTURED})`,
      );
    }
    if (!w.ensure(RECORD_HEADER + captured)) {
      const got = w.limit - w.pos - RECORD_HEADER;
      throw this.truncated(`the file ends ${got} bytes into its ${captured} captured bytes`);
    }
    // ensure() may have moved the bytes.
    this.bytes = w.bytes;
    const at = w.pos;
    const seconds = u32(this.bytes, at, this.little);
    const fraction = u32(this.bytes, at + 4, this.little);
    this.timestampMicros = seconds * 1e6 + (this.nanos ? Math.floor(fraction / 1000) : fraction);
    this.start = at + RECORD_HEADER;
    this.end = this.start + captured;
    w.pos = this.end;
    return true;
  }

  private truncated(how: string): CaptureFormatError {
    const offset = this.window.offsetOf(this.window.pos);
    return new CaptureFormatError('PCAP_TRUNCATED_RECORD', offset, `record cut short: ${how}`);
  }
}
