import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { readRecords } from '../../harness/capture/capture-file.ts';
import type { CaptureDamage } from '../../harness/capture/damage.ts';
import { extractProxyHeaders, streamProxyHeaders } from '../../harness/capture/extract.ts';
import type { CapturedConnection } from '../../harness/capture/proxy-headers.ts';
import { encodeV1, encodeV2, tlv } from '../../harness/proxy-protocol/index.ts';
import { pcapFile, seeded, tangledSegments } from '../support/pcap-writer.ts';
import { idb, pcapngFile, shb } from '../support/pcapng-writer.ts';

// Bounded by fixed seeds and counts; the timeout is for a loaded machine.
const SLOW = 60_000;

/** `file` streamed `chunkBytes` at a time, each read cut short at random. */
function streamed(
  file: Buffer,
  chunkBytes: number,
  random: () => number,
): { connections: CapturedConnection[]; damage: CaptureDamage | null } {
  const connections: CapturedConnection[] = [];
  let at = 0;
  const damage = streamProxyHeaders(
    (into, offset, length) => {
      const n = Math.min(length, file.length - at, 1 + Math.floor(random() * length));
      file.copy(into, offset, at, at + n);
      at += n;
      return n;
    },
    (c) => connections.push(c),
    { chunkBytes },
  );
  return { connections, damage };
}

/** The buffer entry point's result in the shape streamed() gives. */
function whole(file: Buffer) {
  const found = extractProxyHeaders(file);
  return { connections: [...found], damage: found.damage };
}

/** What client i sends: v1 or v2 (with TLVs, CRC32C), stacked, none, a broken one, or nothing. */
function clientBytes(i: number): string {
  const v1 = encodeV1({
    family: 'INET',
    source: { address: `198.51.100.${i % 250}`, port: 1024 + i },
    destination: { address: '203.0.113.7', port: 3306 },
  });
  const v2 = encodeV2({
    command: 'PROXY',
    family: 'INET6',
    protocol: 'STREAM',
    source: { address: '2001:db8::1', port: i },
    destination: { address: '2001:db8::2', port: 3306 },
    tlvs: [tlv.authority('db.example.test'), tlv.uniqueId('u'.repeat(1 + (i % 90)))],
    crc32c: true,
  });
  const text = (b: Buffer) => b.toString('latin1');
  return [
    `${text(v1)}\x07\x00\x00\x00\x03SELECT`,
    `${text(v2)}query`,
    `${text(v2)}${text(v1)}q`,
    'SELECT 1',
    'PROXY TCP4 bogus\r\n',
    '',
  ][i % 6]!;
}

/** A capture of `count` tangled connections in one of the formats and link types. */
function tangledCapture(seed: number, count: number): Buffer {
  const segments = tangledSegments(seeded(seed), count, clientBytes);
  const links = ['ethernet', 'sll', 'sll2', 'raw'] as const;
  const link = links[seed % links.length]!;
  if (seed % 3 === 0) return pcapFile(link, segments);
  return pcapngFile(seed % 3 === 1 ? 'little' : 'big', link, segments);
}

describe('streaming reads what the buffer entry point reads, at any chunk size', () => {
  test(
    'tangled connections: split, reordered, retransmitted, lost, stacked',
    () => {
      for (let seed = 1; seed <= 8; seed++) {
        const file = tangledCapture(seed, 40);
        const expected = whole(file);
        expect(expected.damage).toBeNull();
        expect(expected.connections).toHaveLength(40);
        const random = seeded(seed);
        for (const chunkBytes of [1, 13, 333, 1 << 20]) {
          expect({ seed, chunkBytes, ...streamed(file, chunkBytes, random) }).toEqual({
            seed,
            chunkBytes,
            ...expected,
          });
        }
      }
    },
    SLOW,
  );

  test('the tangled captures reach every outcome: stacked, gaps, malformed, none', () => {
    const all = [1, 2, 3, 4, 5, 6].flatMap((seed) => whole(tangledCapture(seed, 40)).connections);
    const count = (p: (c: CapturedConnection) => boolean) => all.filter(p).length;
    expect(count((c) => c.headers.length === 2)).toBeGreaterThan(0);
    expect(count((c) => c.headers.length === 1 && c.error === null)).toBeGreaterThan(0);
    expect(count((c) => c.error?.code === 'CAPTURE_GAP')).toBeGreaterThan(0);
    expect(count((c) => c.error !== null && c.error.code.startsWith('V1_'))).toBeGreaterThan(0);
    expect(count((c) => c.headers.length === 0 && c.error === null)).toBeGreaterThan(0);
  });

  test('the real captures, pcap and pcapng', () => {
    for (const name of ['haproxy-send-proxy-v1.pcap', 'haproxy-send-proxy-v1.pcapng']) {
      const file = readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
      const expected = whole(file);
      expect(expected.connections).toHaveLength(3);
      for (const chunkBytes of [1, 100, 1 << 16]) {
        expect(streamed(file, chunkBytes, seeded(chunkBytes))).toEqual(expected);
      }
    }
  });

  test('a damaged capture: the same connections and the same damage', () => {
    const file = tangledCapture(3, 20);
    const cut = file.subarray(0, Math.floor(file.length * 0.6));
    const expected = whole(cut);
    expect(expected.damage?.code).toBe('PCAP_TRUNCATED_RECORD');
    for (const chunkBytes of [1, 50, 1 << 16]) {
      expect(streamed(cut, chunkBytes, seeded(chunkBytes))).toEqual(expected);
    }
  });
});

describe('fuzz: both capture readers, on random and mutated captures', () => {
  const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
  const valid = [
    tangledCapture(3, 6),
    tangledCapture(4, 6),
    tangledCapture(5, 6),
    tangledCapture(6, 6),
    fixture('haproxy-send-proxy-v1.pcap'),
    fixture('haproxy-send-proxy-v1.pcapng'),
  ];
  // Where the length fields are: a record's or EPB's captured length (8 bytes before its
  // data, in both formats) and an EPB's total length (24 before).
  const lengthFields = valid.map((file) =>
    readRecords(file).records.flatMap((r) => {
      const data = r.data.byteOffset - file.byteOffset;
      return file.readUInt32BE(0) === 0x0a0d0d0a ? [data - 8, data - 24] : [data - 8];
    }),
  );
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({
      kind: fc.constant('length' as const),
      field: fc.nat(),
      value: fc.oneof(
        fc.constantFrom(0, 1, 4, 11, 12, 13, 16, 0xffff, 262144, 262145, 0x7fffffff, 0xffffffff),
        fc.nat(),
      ),
      little: fc.boolean(),
    }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
    }),
  );
  type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

  function mutate(which: number, edits: Mutation[]): Buffer {
    let file = Buffer.from(valid[which]!);
    const fields = lengthFields[which]!;
    for (const m of edits) {
      if (file.length === 0) break;
      if (m.kind === 'flip') file[m.at % file.length]! ^= 1 << m.bit;
      else if (m.kind === 'truncate') file = file.subarray(0, m.at % file.length);
      else if (m.kind === 'insert') {
        const at = m.at % file.length;
        file = Buffer.concat([file.subarray(0, at), m.bytes, file.subarray(at)]);
      } else if (fields.length > 0) {
        const at = fields[m.field % fields.length]!;
        if (at + 4 <= file.length) {
          if (m.little) file.writeUInt32LE(m.value >>> 0, at);
          else file.writeUInt32BE(m.value >>> 0, at);
        }
      }
    }
    return file;
  }

  /** Never throws, and streams to what the buffer entry point reads, at any chunk size. */
  function readsAlike(file: Buffer, chunkSeed: number): void {
    const expected = whole(file);
    const chunkBytes = 1 + (chunkSeed % 512);
    expect(streamed(file, chunkBytes, seeded(chunkSeed))).toEqual(expected);
  }

  // Fixed seeds: fast-check prints the seed and the failing case.
  const runs = { seed: 0x5eed, numRuns: 300 };

  test(
    'the valid captures read whole, at any chunk size',
    () => {
      fc.assert(
        fc.property(fc.nat(valid.length - 1), fc.nat(), (which, chunkSeed) => {
          expect(whole(valid[which]!).damage).toBeNull();
          readsAlike(valid[which]!, chunkSeed);
        }),
        { ...runs, numRuns: 60 },
      );
    },
    SLOW,
  );

  test(
    'mutated captures: bit flips, truncations, length fields, insertions',
    () => {
      fc.assert(
        fc.property(
          fc.nat(valid.length - 1),
          fc.array(mutation, { minLength: 1, maxLength: 4 }),
          fc.nat(),
          (which, edits, chunkSeed) => readsAlike(mutate(which, edits), chunkSeed),
        ),
        { ...runs, numRuns: 600 },
      );
    },
    SLOW,
  );

  test(
    'random bytes: alone, behind a pcap header, behind a pcapng section and interface',
    () => {
      const pcapHeader = pcapFile('ethernet', []);
      const pcapngHead = Buffer.concat([shb('little'), idb('little', 'ethernet')]);
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 400 }), fc.nat(), (bytes, chunkSeed) => {
          for (const head of [Buffer.alloc(0), pcapHeader, pcapngHead]) {
            readsAlike(Buffer.concat([head, bytes]), chunkSeed);
          }
        }),
        runs,
      );
    },
    SLOW,
  );
});
