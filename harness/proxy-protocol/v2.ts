import { crc32c, crc32cZeroed } from './crc32c.ts';
import { ListenerAddress } from './listener-address.ts';
import { encodeTlvs, parseTlvs, TLV, type RawTlv } from './tlv.ts';
import { addressBytes, formatIPv4, formatIPv6 } from '../net/ip.ts';
import {
  invalid,
  NO_TLVS,
  type Tlv,
  type AddressFamily,
  type Command,
  type DecodeError,
  type DecodeResult,
  type ProxyAddress,
  type ProxyHeader,
  type TransportProtocol,
} from './types.ts';

// haproxy doc/proxy-protocol.txt, section 2.2: 12-byte signature, ver_cmd,
// fam, 16-bit length of what follows, then addresses and TLVs (rules in tlv.ts).
//   rule                                  spec                                  here
//   version nibble not 2                  "receiver must only accept this"      V2_BAD_VERSION
//   command not LOCAL/PROXY               "must drop connections"               V2_BAD_COMMAND
//   family > 3 or protocol > 2            "must be rejected as invalid"         V2_BAD_FAMILY
//   PROXY, fam not one of the seven       UNSPEC: "free to ... reject"          V2_BAD_FAMILY
//   LOCAL, fam not one of the seven       "the family ... is ignored"           accepted
//   PROXY, length < address block         "must reject ... partial headers"     V2_SHORT_ADDRESS
//   fewer bytes than the length           header not complete yet               incomplete
// HAProxy takes any fam byte with LOCAL and reads LOCAL TLVs right after byte 16.
export const V2_SIGNATURE = Buffer.from([
  0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
]);
const FIXED = 16;
const INCOMPLETE: DecodeResult = { kind: 'incomplete' };
const ABSENT: DecodeResult = { kind: 'absent' };
const UNIX_PATH = 108;

/** The fam byte's high nibble and low nibble, by value. */
const FAMILIES: readonly AddressFamily[] = ['UNSPEC', 'INET', 'INET6', 'UNIX'];
const PROTOCOLS: readonly TransportProtocol[] = ['UNSPEC', 'STREAM', 'DGRAM'];
/** The fam bytes the spec lists, each with a defined address block (a table: Set.has costs more). */
const DEFINED_FAM = new Uint8Array(256);
for (const fam of [0x00, 0x11, 0x12, 0x21, 0x22, 0x31, 0x32]) DEFINED_FAM[fam] = 1;
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

const port = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!;
const listenerV4 = new ListenerAddress();
const listenerV6 = new ListenerAddress();

function addresses(
  family: AddressFamily,
  b: Uint8Array,
): [ProxyAddress, ProxyAddress] | [null, null] {
  const at = FIXED;
  switch (family) {
    case 'INET': {
      const d = at + 4;
      const destination = listenerV4.matches(b, d, d + 4)
        ? listenerV4.text
        : listenerV4.keep(b, d, d + 4, formatIPv4(b, d));
      return [
        { address: formatIPv4(b, at), port: port(b, at + 8) },
        { address: destination, port: port(b, at + 10) },
      ];
    }
    case 'INET6': {
      const d = at + 16;
      const destination = listenerV6.matches(b, d, d + 16)
        ? listenerV6.text
        : listenerV6.keep(b, d, d + 16, formatIPv6(b, d));
      return [
        { address: formatIPv6(b, at), port: port(b, at + 32) },
        { address: destination, port: port(b, at + 34) },
      ];
    }
    case 'UNIX':
      return [{ path: unixPath(b, at) }, { path: unixPath(b, at + UNIX_PATH) }];
    case 'UNSPEC':
      return [null, null];
  }
}

const badFamily = (fam: number, why: string) =>
  invalid('V2_BAD_FAMILY', `family/protocol byte 0x${fam.toString(16).padStart(2, '0')} ${why}`);

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
  const fam = b[13]!;
  const family = FAMILIES[fam >> 4];
  const protocol = PROTOCOLS[fam & 0x0f];
  if (!family || !protocol) return badFamily(fam, 'is not defined');
  if (command === 'PROXY' && DEFINED_FAM[fam] === 0) return badFamily(fam, 'has no address layout');
  const declared = (b[14]! << 8) | b[15]!;
  const length = FIXED + declared;
  if (b.length < length) return INCOMPLETE;
  const addressBlock = ADDRESS_BLOCK[family];
  if (command === 'PROXY' && declared < addressBlock) {
    return invalid(
      'V2_SHORT_ADDRESS',
      `length ${declared} is shorter than the ${addressBlock}-byte ${family} address block`,
    );
  }

  // LOCAL ignores the address block (spec 2.2) and AWS NLB health checks
  // declare INET but leave it out, so a LOCAL header's TLVs are read both after
  // the block (when the length holds it) and straight after the fixed part.
  const afterBlock = FIXED + addressBlock;
  const readings =
    command === 'PROXY' || addressBlock === 0
      ? [readTlvs(b, afterBlock, length)]
      : declared >= addressBlock
        ? [readTlvs(b, afterBlock, length), readTlvs(b, FIXED, length)]
        : [readTlvs(b, FIXED, length)];
  const tlvs = chooseReading(readings);
  if ('code' in tlvs) return { kind: 'invalid', error: tlvs };

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

/** The TLVs read from one start offset, or why they cannot be. */
type Reading =
  | { ok: true; tlvs: readonly Tlv[]; crc: 'absent' | 'verified' | DecodeError }
  | { ok: false; error: DecodeError };

const NOTHING_TO_READ: Reading = { ok: true, tlvs: NO_TLVS, crc: 'absent' };

function readTlvs(b: Uint8Array, start: number, length: number): Reading {
  if (start === length) return NOTHING_TO_READ;
  const parsed = parseTlvs(b, start, length);
  if (!parsed.ok) return parsed;
  const crc = parsed.crcOffset === null ? 'absent' : crcCheck(b, length, parsed.crcOffset);
  return { ok: true, tlvs: parsed.tlvs, crc };
}

/**
 * One answer from the readings, in their order: the first whose CRC32C
 * verifies; else refused if one's CRC32C does not; else the first that
 * parses; else the first parse error.
 */
function chooseReading(readings: Reading[]): readonly Tlv[] | DecodeError {
  let parsed: readonly Tlv[] | null = null;
  let mismatch: DecodeError | null = null;
  let error: DecodeError | null = null;
  for (const r of readings) {
    if (!r.ok) error ??= r.error;
    else if (r.crc === 'verified') return r.tlvs;
    else {
      if (r.crc !== 'absent') mismatch ??= r.crc;
      parsed ??= r.tlvs;
    }
  }
  return mismatch ?? parsed ?? error!;
}

/** The checksum is over the whole header (`b[0, length)`) with its own four bytes zeroed. */
function crcCheck(b: Uint8Array, length: number, at: number): 'verified' | DecodeError {
  const expected = ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
  const actual = crc32cZeroed(b, length, at);
  if (actual === expected) return 'verified';
  const hex8 = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
  return {
    code: 'V2_CRC_MISMATCH',
    message: `CRC32C is ${hex8(expected)}, the header computes to ${hex8(actual)}`,
  };
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
  const famByte = (FAMILIES.indexOf(h.family) << 4) | PROTOCOLS.indexOf(h.protocol);
  if (DEFINED_FAM[famByte] !== 1)
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
