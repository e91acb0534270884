import { crc32c } from './crc32c.ts';
import { encodeTlvs, parseTlvs, type RawTlv } from './tlv.ts';
import {
  invalid,
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

function ipv6Text(b: Buffer, at: number): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(at + i).toString(16));
  // The longest run of zero groups (two or more) collapses to "::" (RFC 5952).
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

function unixPath(b: Buffer, at: number): string {
  const end = b.indexOf(0, at);
  return b.toString('utf8', at, end < 0 || end > at + UNIX_PATH ? at + UNIX_PATH : end);
}

function addresses(family: AddressFamily, b: Buffer): [ProxyAddress, ProxyAddress] | null {
  const at = FIXED;
  switch (family) {
    case 'INET':
      return [
        {
          address: `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`,
          port: b.readUInt16BE(at + 8),
        },
        {
          address: `${b[at + 4]}.${b[at + 5]}.${b[at + 6]}.${b[at + 7]}`,
          port: b.readUInt16BE(at + 10),
        },
      ];
    case 'INET6':
      return [
        { address: ipv6Text(b, at), port: b.readUInt16BE(at + 32) },
        { address: ipv6Text(b, at + 16), port: b.readUInt16BE(at + 34) },
      ];
    case 'UNIX':
      return [{ path: unixPath(b, at) }, { path: unixPath(b, at + UNIX_PATH) }];
    case 'UNSPEC':
      return null;
  }
}

/** Decodes a v2 header at the start of `bytes`, strictly as the spec says. */
export function decodeV2(bytes: Uint8Array): DecodeResult {
  if (!startsLikeV2(bytes)) return { kind: 'absent' };
  if (bytes.length < FIXED) return { kind: 'incomplete' };
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

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
  const declared = b.readUInt16BE(14);
  const length = FIXED + declared;
  if (b.length < length) return { kind: 'incomplete' };
  const header = b.subarray(0, length);
  const addressBlock = ADDRESS_BLOCK[family];

  let tlvStart: number;
  if (command === 'PROXY') {
    if (declared < addressBlock) {
      return invalid(
        'V2_SHORT_ADDRESS',
        `length ${declared} is shorter than the ${addressBlock}-byte ${family} address block`,
      );
    }
    tlvStart = FIXED + addressBlock;
  } else {
    // LOCAL: addresses are ignored (spec 2.2). AWS NLB health checks declare
    // INET yet carry TLVs straight after the fixed part, so that reading wins
    // when it fills the declared length exactly; otherwise skip the block.
    tlvStart =
      parseTlvs(header.subarray(FIXED)).ok || declared < addressBlock
        ? FIXED
        : FIXED + addressBlock;
  }
  const parsed = parseTlvs(header.subarray(tlvStart));
  if (!parsed.ok) return { kind: 'invalid', error: parsed.error };

  if (parsed.crcOffset !== null) {
    const at = tlvStart + parsed.crcOffset;
    const expected = header.readUInt32BE(at);
    const zeroed = Buffer.from(header);
    zeroed.writeUInt32BE(0, at);
    const actual = crc32c(zeroed);
    if (actual !== expected) {
      return invalid(
        'V2_CRC_MISMATCH',
        `CRC32C is 0x${expected.toString(16).padStart(8, '0')}, the header computes to 0x${actual.toString(16).padStart(8, '0')}`,
      );
    }
  }

  const [source, destination] =
    command === 'PROXY' ? (addresses(family, header) ?? [null, null]) : [null, null];
  const result: ProxyHeader = {
    version: 2,
    command,
    family,
    protocol,
    source,
    destination,
    tlvs: parsed.tlvs,
    length,
    hex: header.toString('hex'),
  };
  return { kind: 'header', header: result };
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail] = address.split('::');
  const part = (x: string) => (x ? x.split(':') : []);
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
  return b;
}

function addressBytes(
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
    if (family === 'INET') {
      Buffer.from(source.address.split('.').map(Number)).copy(b, 0);
      Buffer.from(destination.address.split('.').map(Number)).copy(b, 4);
      b.writeUInt16BE(source.port, 8);
      b.writeUInt16BE(destination.port, 10);
    } else {
      ipv6Bytes(source.address).copy(b, 0);
      ipv6Bytes(destination.address).copy(b, 16);
      b.writeUInt16BE(source.port, 32);
      b.writeUInt16BE(destination.port, 34);
    }
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
    : addressBytes(h.family, h.source ?? null, h.destination ?? null);
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
