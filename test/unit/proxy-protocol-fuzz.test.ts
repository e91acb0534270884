// Fuzzing the codec: random bytes and mutated valid headers through the one-shot
// decoder and the streaming reader. Seeds are fixed so a failure replays;
// fast-check prints the seed and the path of the failing case.
import { SocketAddress } from 'node:net';
import crc32cModule from 'crc-32/crc32c.js';
import fc from 'fast-check';
import {
  decodeProxyHeader,
  encodeV1,
  encodeV2,
  encodeTlvs,
  ProxyHeaderReader,
  tlv,
  TLV,
  type AddressFamily,
  type DecodeResult,
  type ProxyAddress,
  type ProxyHeader,
  type RawTlv,
  type V2Input,
} from '../../harness/proxy-protocol/index.ts';

const SEED = 20240611;
// A few seconds alone; the margin is for a machine busy with the other suites.
const FUZZ_TIMEOUT_MS = 30_000;

const KNOWN_CODES = new Set([
  'V1_TOO_LONG',
  'V1_BAD_TERMINATOR',
  'V1_BAD_PROTOCOL',
  'V1_BAD_FIELDS',
  'V1_BAD_ADDRESS',
  'V1_BAD_PORT',
  'V2_BAD_VERSION',
  'V2_BAD_COMMAND',
  'V2_BAD_FAMILY',
  'V2_SHORT_ADDRESS',
  'V2_TLV_OVERRUN',
  'V2_BAD_CRC32C',
  'V2_CRC_MISMATCH',
  'V2_UNIQUE_ID_TOO_LONG',
]);

// ---- valid headers to mutate ----

const port = fc.integer({ min: 0, max: 65535 });
const endpoint4 = fc.record({ address: fc.ipV4(), port });
const endpoint6 = fc.record({
  address: fc.ipV6().map((a) => new SocketAddress({ address: a, family: 'ipv6' }).address),
  port,
});
const unixAddress = fc.stringMatching(/^\/[a-z0-9/._-]{0,60}$/).map((path) => ({ path }));
const word = fc.stringMatching(/^[A-Za-z0-9._-]{0,24}$/);

const sslSub: fc.Arbitrary<RawTlv> = fc.oneof(
  fc
    .tuple(fc.constantFrom(TLV.SSL_VERSION, TLV.SSL_CN, TLV.SSL_CIPHER, TLV.SSL_GROUP), word)
    .map(([type, value]) => tlv.sslSub(type, value)),
  fc.uint8Array({ maxLength: 40 }).map((der) => tlv.raw(TLV.SSL_CLIENT_CERT, der)),
);
const anyTlv: fc.Arbitrary<RawTlv> = fc.oneof(
  word.map(tlv.alpn),
  word.map(tlv.authority),
  fc.integer({ min: 0, max: 40 }).map(tlv.noop),
  fc.uint8Array({ maxLength: 128 }).map(tlv.uniqueId),
  word.map(tlv.netns),
  fc
    .record({
      client: fc.integer({ min: 0, max: 7 }),
      verify: fc.nat(),
      subTlvs: fc.array(sslSub, { maxLength: 4 }),
    })
    .map(tlv.ssl),
  word.map(tlv.awsVpcEndpoint),
  fc.nat().map(tlv.azureLinkId),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(tlv.gcpPscConnection),
  fc
    .tuple(
      fc.integer({ min: 0, max: 255 }).filter((t) => t !== TLV.CRC32C), // CRC32C is crc32c: true
      fc.uint8Array({ maxLength: 24 }),
    )
    .map(([type, value]) => tlv.raw(type, value)),
);
const tlvPart = { tlvs: fc.array(anyTlv, { maxLength: 5 }), crc32c: fc.boolean() };

const proxyOver = (family: AddressFamily, address: fc.Arbitrary<ProxyAddress>) =>
  fc.record({
    command: fc.constant('PROXY' as const),
    family: fc.constant(family),
    protocol: fc.constantFrom('STREAM' as const, 'DGRAM' as const),
    source: address,
    destination: address,
    ...tlvPart,
  });
const ipFamilies = [
  { family: 'INET' as const, endpoint: endpoint4 },
  { family: 'INET6' as const, endpoint: endpoint6 },
];
const v2Input: fc.Arbitrary<V2Input> = fc.oneof(
  ...ipFamilies.map(({ family, endpoint }) => proxyOver(family, endpoint)),
  proxyOver('UNIX', unixAddress),
  fc.record({
    command: fc.constantFrom('PROXY' as const, 'LOCAL' as const),
    family: fc.constant('UNSPEC' as const),
    protocol: fc.constant('UNSPEC' as const),
    ...tlvPart,
  }),
  // LOCAL over INET with a zeroed address block, or without one (AWS NLB).
  fc.record({
    command: fc.constant('LOCAL' as const),
    family: fc.constant('INET' as const),
    protocol: fc.constant('STREAM' as const),
    omitAddresses: fc.boolean(),
    ...tlvPart,
  }),
);
const v1Input = fc.oneof(
  ...ipFamilies.map(({ family, endpoint }) =>
    fc.record({ family: fc.constant(family), source: endpoint, destination: endpoint }),
  ),
  fc.constant({ family: 'UNSPEC' as const }),
);
const validHeader = fc.oneof(v1Input.map(encodeV1), v2Input.map(encodeV2));

// ---- an independent reading of v2 framing, for length edits and checksums ----

const V2_SIGNATURE = Buffer.from('0d0a0d0a000d0a515549540a', 'hex');
const BLOCK = [0, 12, 36, 216];

const isV2 = (b: Buffer) => b.length >= 16 && b.subarray(0, 12).equals(V2_SIGNATURE);
/** Both places a LOCAL header's TLVs may start: after the address block, and right after byte 16. */
const tlvStarts = (b: Buffer) => [16 + (BLOCK[b[13]! >> 4] ?? 0), 16];

/** Offsets of every 16-bit length field: the header's, then each TLV's and SSL sub-TLV's. */
function lengthFields(b: Buffer): number[] {
  if (!isV2(b)) return [];
  const end = Math.min(b.length, 16 + b.readUInt16BE(14));
  const fields = [14];
  const walk = (from: number, to: number, nested: boolean) => {
    for (let at = from; at + 3 <= to; at += 3 + b.readUInt16BE(at + 1)) {
      fields.push(at + 1);
      const valueEnd = Math.min(to, at + 3 + b.readUInt16BE(at + 1));
      if (!nested && b[at] === TLV.SSL) walk(at + 8, valueEnd, true);
    }
  };
  for (const start of tlvStarts(b)) walk(start, end, false);
  return fields;
}

/** Where the CRC32C value of the TLVs starting at `from` sits, if one does. */
function crcValueAt(b: Buffer, from: number, end: number): number | null {
  for (let at = from; at + 3 <= end; at += 3 + b.readUInt16BE(at + 1)) {
    if (b[at] === TLV.CRC32C && b.readUInt16BE(at + 1) === 4 && at + 7 <= end) return at + 3;
  }
  return null;
}

/** CRC32C of the header with the four bytes at `at` zeroed, by crc-32 (not the codec). */
function checksum(header: Buffer, at: number): number {
  const zeroed = Buffer.from(header);
  zeroed.writeUInt32BE(0, at);
  return crc32cModule.buf(zeroed) >>> 0;
}

// ---- mutations ----

type Mutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; count: number }
  | { op: 'length'; field: number; delta: number }
  | { op: 'reseal' };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    arbitrary: fc.record({
      op: fc.constant('flip' as const),
      at: fc.nat(),
      bit: fc.integer({ min: 0, max: 7 }),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }), weight: 1 },
  {
    arbitrary: fc.record({
      op: fc.constant('insert' as const),
      at: fc.nat(),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      op: fc.constant('delete' as const),
      at: fc.nat(),
      count: fc.integer({ min: 1, max: 8 }),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      op: fc.constant('length' as const),
      field: fc.nat(),
      delta: fc.oneof(fc.integer({ min: -8, max: 8 }), fc.integer({ min: -0xffff, max: 0xffff })),
    }),
    weight: 3,
  },
  // Makes a mutated header's checksum right again, so mutations get past the CRC32C.
  { arbitrary: fc.constant({ op: 'reseal' as const }), weight: 2 },
);

function mutate(input: Buffer, m: Mutation): Buffer {
  const b = Buffer.from(input);
  const at = (n: number) => (b.length === 0 ? 0 : n % b.length);
  switch (m.op) {
    case 'flip':
      if (b.length > 0) b[at(m.at)]! ^= 1 << m.bit;
      return b;
    case 'truncate':
      return b.subarray(0, m.at % (b.length + 1));
    case 'insert':
      return Buffer.concat([b.subarray(0, at(m.at)), m.bytes, b.subarray(at(m.at))]);
    case 'delete':
      return Buffer.concat([b.subarray(0, at(m.at)), b.subarray(at(m.at) + m.count)]);
    case 'length': {
      const fields = lengthFields(b);
      const field = fields[m.field % Math.max(1, fields.length)];
      if (field !== undefined) b.writeUInt16BE((b.readUInt16BE(field) + m.delta) & 0xffff, field);
      return b;
    }
    case 'reseal': {
      const end = isV2(b) ? 16 + b.readUInt16BE(14) : Infinity;
      if (end > b.length) return b;
      const crcAt = tlvStarts(b)
        .map((start) => crcValueAt(b, start, end))
        .find((x) => x !== null);
      if (crcAt != null) b.writeUInt32BE(checksum(b.subarray(0, end), crcAt), crcAt);
      return b;
    }
  }
}

const mutated = fc
  .tuple(validHeader, fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([header, ms]) => ms.reduce(mutate, header));

/** A v2 fixed part with its length filled in, then `body`. */
function v2Frame(verCmd: number, fam: number, body: Uint8Array): Buffer {
  const fixed = Buffer.alloc(4);
  fixed[0] = verCmd;
  fixed[1] = fam;
  fixed.writeUInt16BE(body.length, 2);
  return Buffer.concat([V2_SIGNATURE, fixed, body]);
}
const verCmd = fc.constantFrom(0x20, 0x21);
const fam = fc.constantFrom(0x00, 0x10, 0x11, 0x21, 0x31);
/** Noise where the TLV parser reads it: raw, or well-framed TLVs of any type with any value. */
const v2Noise = fc.oneof(
  fc.tuple(verCmd, fam, fc.uint8Array({ maxLength: 600 })).map((a) => v2Frame(...a)),
  fc
    .tuple(
      verCmd,
      fam,
      fc.array(
        fc
          .tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 40 }))
          .map(([type, value]) => tlv.raw(type, value)),
        { maxLength: 6 },
      ),
    )
    .map(([v, f, tlvs]) =>
      v2Frame(v, f, Buffer.concat([Buffer.alloc(BLOCK[f >> 4]!), encodeTlvs(tlvs)])),
    ),
);
const v1Noise = fc
  .stringMatching(/^PROXY (TCP4|TCP6|UNKNOWN|UDP4)?[ 0-9a-fA-F.:+-]{0,110}(\r\n|\r|\n)?$/)
  .map((s) => Buffer.from(s, 'latin1'));

const anyInput = fc.oneof(
  { arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)), weight: 1 },
  { arbitrary: v2Noise, weight: 3 },
  { arbitrary: v1Noise, weight: 1 },
  { arbitrary: mutated, weight: 4 },
  { arbitrary: mutated.map((b) => Buffer.concat([b, Buffer.from('payload')])), weight: 1 },
);

// ---- what must hold for every input ----

function checkResult(input: Buffer, r: DecodeResult): void {
  switch (r.kind) {
    case 'incomplete':
    case 'absent':
      return;
    case 'invalid':
      expect(KNOWN_CODES).toContain(r.error.code);
      expect(r.error.message.length).toBeGreaterThan(0);
      return;
    case 'header':
      expect(r.header.length).toBeGreaterThan(0);
      expect(r.header.length).toBeLessThanOrEqual(input.length);
      checkTlvs(input.subarray(0, r.header.length), r.header);
      return;
    default:
      throw new Error(`unexpected result ${JSON.stringify(r)}`);
  }
}

/** The TLVs end the header exactly; a CRC32C among them verifies; none hides in SSL. */
function checkTlvs(header: Buffer, h: ProxyHeader): void {
  let at = header.length - h.tlvs.reduce((n, t) => n + 3 + t.hex.length / 2, 0);
  for (const t of h.tlvs) {
    const value = header.subarray(at + 3, at + 3 + t.hex.length / 2);
    expect([header[at], value.toString('hex')]).toEqual([t.type, t.hex]);
    if (t.type === TLV.CRC32C) expect(value.readUInt32BE(0)).toBe(checksum(header, at + 3));
    if (typeof t.value === 'object' && 'subTlvs' in t.value)
      expect(t.value.subTlvs.map((s) => s.name)).not.toContain('CRC32C');
    at += 3 + value.length;
  }
}

/** Pushes `input` in chunks of the given sizes (cycled) until the reader decides or it runs out. */
function readInChunks(input: Buffer, sizes: number[]) {
  const reader = new ProxyHeaderReader();
  let pushed = 0;
  let step = reader.push(input.subarray(0, 0));
  for (let i = 0; pushed < input.length && step.kind === 'need-more'; i++) {
    const size = sizes[i % sizes.length]!;
    step = reader.push(input.subarray(pushed, pushed + size));
    pushed += size;
  }
  return { step, pushed: Math.min(pushed, input.length) };
}

describe('codec fuzzing (fixed seeds; a failure prints its seed and path)', () => {
  test(
    'decodeProxyHeader: random and mutated bytes give typed results, never an exception',
    () => {
      fc.assert(
        fc.property(anyInput, (input) => checkResult(input, decodeProxyHeader(input))),
        { seed: SEED, numRuns: 4000 },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  test(
    'ProxyHeaderReader fed in random chunk sizes decides what the one-shot decoder decides',
    () => {
      const sizes = fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 8 });
      fc.assert(
        fc.property(anyInput, sizes, (input, chunks) => {
          // Chunk sizes that are all 0 would never get the input in.
          const { step, pushed } = readInChunks(input, chunks.some((n) => n > 0) ? chunks : [1]);
          const whole = decodeProxyHeader(input);
          checkResult(input, whole);
          switch (whole.kind) {
            case 'header':
              expect(step).toMatchObject({ kind: 'header', header: whole.header });
              if (step.kind === 'header')
                expect(step.rest.equals(input.subarray(whole.header.length, pushed))).toBe(true);
              break;
            case 'invalid':
              expect(step).toMatchObject({ kind: 'invalid', error: { code: whole.error.code } });
              break;
            case 'absent':
              expect(step.kind).toBe('absent');
              break;
            case 'incomplete':
              expect(step.kind).toBe('need-more');
              break;
          }
        }),
        { seed: SEED + 1, numRuns: 2000 },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  test(
    'LOCAL: a CRC32C that does not verify is refused, whatever the ignored address block holds',
    () => {
      // The block may itself read as the head of a TLV that swallows the rest,
      // CRC32C included, when TLVs are read straight after the fixed part.
      const block = fc.oneof(
        fc.uint8Array({ minLength: 12, maxLength: 12 }).map((bytes) => ({ bytes, swallow: false })),
        fc
          .tuple(
            fc.constantFrom(TLV.NOOP, TLV.ALPN, 0xf0),
            fc.uint8Array({ minLength: 9, maxLength: 9 }),
          )
          .map(([type, rest]) => ({
            bytes: Buffer.concat([Buffer.from([type, 0, 0]), rest]),
            swallow: true,
          })),
      );
      const corruption = fc.integer({ min: 1, max: 0xffffffff });
      fc.assert(
        fc.property(
          fc.array(anyTlv, { maxLength: 4 }),
          block,
          corruption,
          (tlvs, addresses, xor) => {
            const input = encodeV2({
              command: 'LOCAL',
              family: 'INET',
              protocol: 'STREAM',
              tlvs,
              crc32c: true,
            });
            const crcAt = input.length - 4;
            input.set(addresses.bytes, 16);
            // The swallowing TLV's value runs from its own head (bytes 16-18) to the header's end.
            if (addresses.swallow) input.writeUInt16BE(input.length - 19, 17);
            input.writeUInt32BE(checksum(input, crcAt), crcAt);
            const sound = decodeProxyHeader(input);
            expect(sound.kind).toBe('header');
            checkResult(input, sound);
            input.writeUInt32BE((input.readUInt32BE(crcAt) ^ xor) >>> 0, crcAt);
            expect(decodeProxyHeader(input)).toMatchObject({
              kind: 'invalid',
              error: { code: 'V2_CRC_MISMATCH' },
            });
          },
        ),
        { seed: SEED + 2, numRuns: 1000 },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  test(
    'valid headers with a CRC32C decode with a checksum crc-32 agrees with',
    () => {
      const sealed = v2Input.map((h) => encodeV2({ ...h, crc32c: true }));
      fc.assert(
        fc.property(sealed, (input) => {
          const r = decodeProxyHeader(input);
          expect(r.kind).toBe('header');
          checkResult(input, r);
        }),
        { seed: SEED + 3, numRuns: 500 },
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
