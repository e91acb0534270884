import type { DecodeResult } from './types.ts';
import { decodeV1, startsLikeV1 } from './v1.ts';
import { decodeV2, startsLikeV2 } from './v2.ts';

/**
 * Decodes the PROXY header (v1 or v2) at the start of `bytes`. Never throws:
 * malformed input is an `invalid` result with a stable code.
 */
export function decodeProxyHeader(bytes: Uint8Array): DecodeResult {
  if (bytes.length === 0) return { kind: 'incomplete' };
  if (startsLikeV2(bytes)) return decodeV2(bytes);
  if (startsLikeV1(bytes)) return decodeV1(bytes);
  return { kind: 'absent' };
}
