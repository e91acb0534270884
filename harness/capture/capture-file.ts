import { pcapPackets, readPcap, type PacketCursor, type PcapRecord } from './pcap.ts';
import { pcapngPackets, readPcapng } from './pcapng.ts';

const PCAPNG_SECTION_HEADER = 0x0a0d0d0a;
const isPcapng = (file: Buffer) =>
  file.length >= 4 && file.readUInt32BE(0) === PCAPNG_SECTION_HEADER;

/**
 * Reads a capture in either format, told apart by the first four bytes: tcpdump
 * writes classic pcap, Wireshark and dumpcap write pcapng. The pcapng section
 * header type is a palindrome, so one check covers both byte orders.
 */
export function readCapture(file: Buffer): PcapRecord[] {
  return isPcapng(file) ? readPcapng(file) : readPcap(file);
}

/** The packets of a capture in either format, read in place as readCapture reads them. */
export function capturePackets(file: Buffer): PacketCursor {
  return isPcapng(file) ? pcapngPackets(file) : pcapPackets(file);
}
