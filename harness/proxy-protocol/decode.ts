import type { DecodeResult } from './types.ts';
import { decodeV1 } from './v1.ts';
import { decodeV2 } from './v2.ts';

const INCOMPLETE: DecodeResult = { kind: 'incomplete' };
const ABSENT: DecodeResult = { kind: 'absent' };

/**
 * Decodes the PROXY header (v1 or v2) at the start of `bytes`. Never throws:
 * malformed input is an `invalid` result with a stable code.
 */
export function decodeProxyHeader(bytes: Uint8Array): DecodeResult {
  if (bytes.length === 0) return INCOMPLETE;
  // The first byte tells the versions apart; each decoder checks its full signature.
  if (bytes[0] === 0x0d) return decodeV2(bytes);
  if (bytes[0] === 0x50) return decodeV1(bytes);
  return ABSENT;
}
