import { ByteWindow } from './byte-window.ts';
import { CaptureFormatError, damageOf, type CaptureDamage } from './damage.ts';
import { pcapPackets, type PacketCursor, type PcapRecord } from './pcap.ts';
import { pcapngPackets } from './pcapng.ts';

const PCAPNG_SECTION_HEADER = 0x0a0d0d0a;

/**
 * The packets of a capture in either format, told apart by the first four
 * bytes: tcpdump writes classic pcap, Wireshark and dumpcap write pcapng. The
 * pcapng section header type is a palindrome, so one check covers both byte orders.
 */
export function capturePackets(window: ByteWindow): PacketCursor {
  if (!window.ensure(4)) {
    const size = window.limit - window.pos;
    throw size === 0
      ? new CaptureFormatError('EMPTY_FILE', 0, 'the file is empty')
      : new CaptureFormatError('NOT_A_CAPTURE', 0, `the file is ${size} bytes: not a capture`);
  }
  return window.bytes.readUInt32BE(window.pos) === PCAPNG_SECTION_HEADER
    ? pcapngPackets(window)
    : pcapPackets(window);
}

/**
 * Every whole packet of a capture in memory, as records viewing `file`, and
 * where reading stopped short (null when it did not).
 */
export function readRecords(file: Buffer): { records: PcapRecord[]; damage: CaptureDamage | null } {
  const records: PcapRecord[] = [];
  const damage = damageOf(() => {
    const packets = capturePackets(ByteWindow.whole(file));
    while (packets.next()) {
      records.push({
        timestampMicros: packets.timestampMicros,
        linkType: packets.linkType,
        data: packets.bytes.subarray(packets.start, packets.end),
      });
    }
  });
  return { records, damage };
}
