// crc-32 ships types for its CRC-32 entry point only; this is its CRC-32C one.
// It is CommonJS without detectable named exports, so it is a default import.
declare module 'crc-32/crc32c.js' {
  const crc32c: {
    /** CRC-32C (Castagnoli) of `data`, as a signed 32-bit integer. */
    buf(data: Uint8Array, seed?: number): number;
  };
  export default crc32c;
}
