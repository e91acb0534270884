import crc32cModule from 'crc-32/crc32c.js';

/** CRC-32C (Castagnoli), unsigned: the checksum of the PP2_TYPE_CRC32C TLV. */
export function crc32c(data: Uint8Array): number {
  return crc32cModule.buf(data) >>> 0;
}
