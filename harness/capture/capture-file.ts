import { readPcap, type PcapRecord } from './pcap.ts';
import { readPcapng } from './pcapng.ts';

const PCAPNG_SECTION_HEADER = 0x0a0d0d0a;

/**
 * Reads a capture in either format, told apart by the first four bytes: tcpdump
 * writes classic pcap, Wireshark and dumpcap write pcapng. The pcapng section
 * header type is a palindrome, so one check covers both byte orders.
 */
export function readCapture(file: Buffer): PcapRecord[] {
  if (file.length >= 4 && file.readUInt32BE(0) === PCAPNG_SECTION_HEADER) return readPcapng(file);
  return readPcap(file);
}
