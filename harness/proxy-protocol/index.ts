// The PROXY protocol codec: pure, no I/O, usable on its own.
export { decodeProxyHeader } from './decode.ts';
export { ProxyHeaderReader, type StreamOptions, type StreamStep } from './stream.ts';
export { decodeV1, encodeV1 } from './v1.ts';
export { decodeV2, encodeV2, type V2Input } from './v2.ts';
export { encodeTlvs, tlv, TLV, type RawTlv } from './tlv.ts';
export { crc32c } from './crc32c.ts';
export type * from './types.ts';
