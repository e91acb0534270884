import { crc32c } from './crc32c.ts';
import { encodeTlvs, parseTlvs, type RawTlv } from './tlv.ts';
import { addressBytes, formatIPv4, formatIPv6 } from '../net/ip.ts';
import {
  invalid,
  NO_TLVS,
  type Tlv,
  type AddressFamily,
  type Command,
  type DecodeResult,
  type ProxyAddress,
  type ProxyHeader,
  type TransportProtocol,
} from './types.ts';
import { TLV } from './tlv.ts';

// haproxy doc/proxy-protocol.txt, section 2.2: 12-byte signature, ver_cmd,
// fam, 16-bit length of what follows, then addresses and TLVs.
export const V2_SIGNATURE = Buffer.from([
  0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
]);
const FIXED = 16;
const INCOMPLETE: DecodeResult = { kind: 'incomplete' };
const ABSENT: DecodeResult = { kind: 'absent' };
const UNIX_PATH = 108;

const FAMILIES: Record<number, [AddressFamily, TransportProtocol]> = {
  0x00: ['UNSPEC', 'UNSPEC'],
  0x11: ['INET', 'STREAM'],
  0x12: ['INET', 'DGRAM'],
  0x21: ['INET6', 'STREAM'],
  0x22: ['INET6', 'DGRAM'],
  0x31: ['UNIX', 'STREAM'],
  0x32: ['UNIX', 'DGRAM'],
};
const ADDRESS_BLOCK: Record<AddressFamily, number> = { UNSPEC: 0, INET: 12, INET6: 36, UNIX: 216 };

/** True when `bytes` could still become, or already is, a v2 header. */
export function startsLikeV2(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, V2_SIGNATURE.length);
  for (let i = 0; i < n; i++) if (bytes[i] !== V2_SIGNATURE[i]) return false;
  return true;
}

function unixPath(b: Uint8Array, at: number): string {
  let end = at;
  while (end < at + UNIX_PATH && b[end] !== 0) end++;
  return Buffer.from(b.buffer, b.byteOffset + at, end - at).toString('utf8');
}

function addresses(
  family: AddressFamily,
  b: Uint8Array,
): [ProxyAddress, ProxyAddress] | [null, null] {
  const at = FIXED;
  switch (family) {
    case 'INET':
      return [
        { address: formatIPv4(b, at), port: (b[at + 8]! << 8) | b[at + 9]! },
        { address: formatIPv4(b, at + 4), port: (b[at + 10]! << 8) | b[at + 11]! },
      ];
    case 'INET6':
      return [
        { address: formatIPv6(b, at), port: (b[at + 32]! << 8) | b[at + 33]! },
        { address: formatIPv6(b, at + 16), port: (b[at + 34]! << 8) | b[at + 35]! },
      ];
    case 'UNIX':
      return [{ path: unixPath(b, at) }, { path: unixPath(b, at + UNIX_PATH) }];
    case 'UNSPEC':
      return [null, null];
  }
}

/** Decodes a v2 header at the start of `bytes`, strictly as the spec says. */
export function decodeV2(b: Uint8Array): DecodeResult {
  if (!startsLikeV2(b)) return ABSENT;
  if (b.length < FIXED) return INCOMPLETE;

  const verCmd = b[12]!;
  if (verCmd >> 4 !== 2)
    return invalid('V2_BAD_VERSION', `version nibble is ${verCmd >> 4}, must be 2`);
  const cmd = verCmd & 0x0f;
  if (cmd > 1)
    return invalid('V2_BAD_COMMAND', `command nibble is ${cmd}, must be 0 (LOCAL) or 1 (PROXY)`);
  const command: Command = cmd === 0 ? 'LOCAL' : 'PROXY';
  const famByte = b[13]!;
  const fam = FAMILIES[famByte];
  if (!fam)
    return invalid(
      'V2_BAD_FAMILY',
      `family/protocol byte 0x${famByte.toString(16).padStart(2, '0')} is not defined`,
    );
  const [family, protocol] = fam;
  const declared = (b[14]! << 8) | b[15]!;
  const length = FIXED + declared;
  if (b.length < length) return INCOMPLETE;
  const addressBlock = ADDRESS_BLOCK[family];

  let tlvs: readonly Tlv[] = NO_TLVS;
  let tlvStart = FIXED + addressBlock;
  if (command === 'PROXY' && declared < addressBlock) {
    return invalid(
      'V2_SHORT_ADDRESS',
      `length ${declared} is shorter than the ${addressBlock}-byte ${family} address block`,
    );
  }
  if (command === 'LOCAL') {
    // LOCAL: addresses are ignored (spec 2.2). AWS NLB health checks declare
    // INET yet carry TLVs straight after the fixed part, so that reading wins
    // when it fills the declared length exactly; otherwise skip the block.
    tlvStart =
      declared < addressBlock || parseTlvs(view(b, FIXED, length)).ok
        ? FIXED
        : FIXED + addressBlock;
  }
  if (tlvStart < length) {
    const header = view(b, 0, length);
    const parsed = parseTlvs(header.subarray(tlvStart));
    if (!parsed.ok) return { kind: 'invalid', error: parsed.error };
    if (parsed.crcOffset !== null) {
      const mismatch = crcMismatch(header, tlvStart + parsed.crcOffset);
      if (mismatch) return mismatch;
    }
    tlvs = parsed.tlvs;
  }
  const [source, destination] = command === 'PROXY' ? addresses(family, b) : [null, null];
  const result: ProxyHeader = {
    version: 2,
    command,
    family,
    protocol,
    source,
    destination,
    tlvs,
    length,
  };
  return { kind: 'header', header: result };
}

const view = (b: Uint8Array, start: number, end: number) =>
  Buffer.from(b.buffer, b.byteOffset + start, end - start);

/** The checksum is over the whole header with its own four bytes zeroed. */
function crcMismatch(header: Buffer, at: number): DecodeResult | null {
  const expected = header.readUInt32BE(at);
  const zeroed = Buffer.from(header);
  zeroed.writeUInt32BE(0, at);
  const actual = crc32c(zeroed);
  if (actual === expected) return null;
  const hex8 = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
  return invalid(
    'V2_CRC_MISMATCH',
    `CRC32C is ${hex8(expected)}, the header computes to ${hex8(actual)}`,
  );
}

function addressBlockBytes(
  family: AddressFamily,
  source: ProxyAddress | null,
  destination: ProxyAddress | null,
): Buffer {
  const b = Buffer.alloc(ADDRESS_BLOCK[family]);
  if (!source || !destination) return b;
  if ('path' in source && 'path' in destination) {
    b.write(source.path, 0, UNIX_PATH, 'utf8');
    b.write(destination.path, UNIX_PATH, UNIX_PATH, 'utf8');
  } else if ('address' in source && 'address' in destination) {
    const size = family === 'INET' ? 4 : 16;
    b.set(addressBytes(source.address), 0);
    b.set(addressBytes(destination.address), size);
    b.writeUInt16BE(source.port, 2 * size);
    b.writeUInt16BE(destination.port, 2 * size + 2);
  }
  return b;
}

export interface V2Input {
  command: Command;
  family: AddressFamily;
  protocol: TransportProtocol;
  source?: ProxyAddress | null;
  destination?: ProxyAddress | null;
  tlvs?: RawTlv[];
  /** Append a CRC32C TLV computed over the finished header. */
  crc32c?: boolean;
  /** Leave out the address block (as AWS NLB does for LOCAL health checks). */
  omitAddresses?: boolean;
}

/** Encodes a v2 header; decodeV2 reads back what this writes. */
export function encodeV2(h: V2Input): Buffer {
  const famByte = Number(
    Object.entries(FAMILIES).find(([, [f, p]]) => f === h.family && p === h.protocol)?.[0],
  );
  if (Number.isNaN(famByte))
    throw new RangeError(`no v2 family byte for ${h.family}/${h.protocol}`);
  const addrs = h.omitAddresses
    ? Buffer.alloc(0)
    : addressBlockBytes(h.family, h.source ?? null, h.destination ?? null);
  const crc: RawTlv[] = h.crc32c ? [{ type: TLV.CRC32C, value: Buffer.alloc(4) }] : [];
  const tlvs = encodeTlvs([...(h.tlvs ?? []), ...crc]);
  const fixed = Buffer.alloc(4);
  fixed[0] = 0x20 | (h.command === 'PROXY' ? 1 : 0);
  fixed[1] = famByte;
  fixed.writeUInt16BE(addrs.length + tlvs.length, 2);
  const out = Buffer.concat([V2_SIGNATURE, fixed, addrs, tlvs]);
  if (h.crc32c) out.writeUInt32BE(crc32c(out), out.length - 4);
  return out;
}
