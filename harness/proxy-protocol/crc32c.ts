// CRC-32C (Castagnoli, reflected polynomial 0x82f63b78), sliced by 8: eight
// table lookups per eight bytes. TABLE[k * 256 + n] is byte n's remainder
// followed by k zero bytes, built once.
const TABLE = new Int32Array(8 * 256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  TABLE[n] = c;
}
for (let n = 0; n < 256; n++) {
  for (let k = 1; k < 8; k++) {
    const c = TABLE[(k - 1) * 256 + n]!;
    TABLE[k * 256 + n] = TABLE[c & 0xff]! ^ (c >>> 8);
  }
}

/** The register after feeding it `b[start, end)`. */
function update(crc: number, b: Uint8Array, start: number, end: number): number {
  const t = TABLE;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const low = crc ^ (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24));
    crc =
      t[1792 + (low & 0xff)]! ^
      t[1536 + ((low >>> 8) & 0xff)]! ^
      t[1280 + ((low >>> 16) & 0xff)]! ^
      t[1024 + (low >>> 24)]! ^
      t[768 + b[i + 4]!]! ^
      t[512 + b[i + 5]!]! ^
      t[256 + b[i + 6]!]! ^
      t[b[i + 7]!]!;
  }
  for (; i < end; i++) crc = t[(crc ^ b[i]!) & 0xff]! ^ (crc >>> 8);
  return crc;
}

/** CRC-32C (Castagnoli), unsigned: the checksum of the PP2_TYPE_CRC32C TLV. */
export function crc32c(data: Uint8Array): number {
  return ~update(-1, data, 0, data.length) >>> 0;
}

/**
 * crc32c of `b[0, end)` as if the four bytes at `zeroAt` were zero: a v2
 * header's checksum over itself, without copying it to zero its own field.
 */
export function crc32cZeroed(b: Uint8Array, end: number, zeroAt: number): number {
  let crc = update(-1, b, 0, zeroAt);
  for (let k = 0; k < 4; k++) crc = TABLE[crc & 0xff]! ^ (crc >>> 8);
  return ~update(crc, b, zeroAt + 4, end) >>> 0;
}
