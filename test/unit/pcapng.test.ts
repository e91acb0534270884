import { readFileSync } from 'node:fs';
import { readRecords } from '../../harness/capture/capture-file.ts';
import { extractProxyHeaders } from '../../harness/capture/extract.ts';
import { frame, pcapFile, type Segment } from '../support/pcap-writer.ts';
import {
  block,
  epb,
  idb,
  pb,
  pcapngFile,
  shb,
  spb,
  type ByteOrder,
} from '../support/pcapng-writer.ts';

/** The packets of a capture that must read whole. */
function readPcapng(file: Buffer) {
  const { records, damage } = readRecords(file);
  expect(damage).toBeNull();
  return records;
}
/** Where reading stopped, and the packets before it. */
const readPartly = (file: Buffer) => readRecords(file);

const client = { src: '10.0.0.5', dst: '10.0.1.9', sport: 40000, dport: 3306 };
const server = { src: client.dst, dst: client.src, sport: client.dport, dport: client.sport };
const HEADER = 'PROXY TCP4 198.51.100.22 203.0.113.7 35646 3306\r\n';
const connection: Segment[] = [
  { ...client, seq: 100, flags: 'S' },
  { ...server, seq: 7, flags: 'SA' },
  { ...client, seq: 101, flags: 'PA', payload: HEADER },
];
const packet = frame('ethernet', connection[2]!);
const T = 1_700_000_000_123_456n; // microseconds since the epoch

describe('pcapng sections', () => {
  test.each<ByteOrder>(['little', 'big'])('reads a %s-endian section', (order) => {
    const records = readPcapng(
      Buffer.concat([shb(order), idb(order, 'ethernet'), epb(order, 0, T, packet)]),
    );
    expect(records).toEqual([{ timestampMicros: Number(T), linkType: 1, data: packet }]);
  });

  test('each section has its own byte order and its own interface numbering', () => {
    const raw = frame('raw', connection[0]!);
    const sll2 = frame('sll2', connection[1]!);
    const records = readPcapng(
      Buffer.concat([
        shb('little'),
        idb('little', 'ethernet'),
        idb('little', 'raw'),
        epb('little', 1, T, raw),
        shb('big'),
        idb('big', 'sll2'),
        epb('big', 0, T + 1n, sll2),
      ]),
    );
    expect(records.map((r) => [r.linkType, r.data])).toEqual([
      [101, raw],
      [276, sll2],
    ]);
  });

  test('a section does not inherit the interfaces of the one before', () => {
    const file = Buffer.concat([
      shb('little'),
      idb('little', 'ethernet'),
      idb('little', 'raw'),
      shb('big'),
      idb('big', 'ethernet'),
      epb('big', 1, T, packet),
    ]);
    expect(readPartly(file).damage).toMatchObject({ code: 'PCAPNG_UNKNOWN_INTERFACE' });
  });

  test('two interfaces with different link types in one section', () => {
    const sll2 = frame('sll2', connection[2]!);
    const records = readPcapng(
      Buffer.concat([
        shb('little'),
        idb('little', 'ethernet'),
        idb('little', 276),
        epb('little', 1, T, sll2),
        epb('little', 0, T, packet),
      ]),
    );
    expect(records.map((r) => [r.linkType, r.data])).toEqual([
      [276, sll2],
      [1, packet],
    ]);
  });
});

describe('pcapng timestamps', () => {
  const at = (tsresol: number | undefined, units: bigint) =>
    readPcapng(
      Buffer.concat([
        shb('big'),
        idb('big', 'ethernet', { tsresol }),
        epb('big', 0, units, packet),
      ]),
    )[0]?.timestampMicros;

  test('default resolution is microseconds', () => {
    expect(at(undefined, T)).toBe(Number(T));
  });
  test('if_tsresol 10^-9 is converted to microseconds without losing precision', () => {
    // 1.7e18 ns is past 2^53: a float division would be off in the last digits.
    expect(at(9, 1_700_000_000_123_456_789n)).toBe(1_700_000_000_123_456);
  });
  test('if_tsresol 10^-3', () => {
    expect(at(3, 1_700_000_000_123n)).toBe(1_700_000_000_123_000);
  });
  test('if_tsresol 2^-20 (high bit set)', () => {
    const half = 1n << 19n;
    expect(at(0x80 | 20, (1_700_000_000n << 20n) + half)).toBe(1_700_000_000_500_000);
  });
});

describe('pcapng packet blocks', () => {
  test('a simple packet block uses interface 0, has no timestamp, and drops its padding', () => {
    const odd = packet.subarray(0, 101); // not a multiple of 4, so the block pads it
    const records = readPcapng(
      Buffer.concat([shb('little'), idb('little', 'sll2'), spb('little', odd)]),
    );
    expect(records).toEqual([{ timestampMicros: 0, linkType: 276, data: odd }]);
  });

  test('a simple packet block is cut to the snaplen', () => {
    const records = readPcapng(
      Buffer.concat([
        shb('big'),
        idb('big', 'ethernet', { snapLen: 40 }),
        spb('big', packet.subarray(0, 40), packet.length),
      ]),
    );
    expect(records[0]?.data).toEqual(packet.subarray(0, 40));
  });

  test('the obsolete packet block is read like an enhanced one', () => {
    const records = readPcapng(
      Buffer.concat([
        shb('big'),
        idb('big', 'raw'),
        idb('big', 'ethernet'),
        pb('big', 1, T, packet),
      ]),
    );
    expect(records).toEqual([{ timestampMicros: Number(T), linkType: 1, data: packet }]);
  });

  test('unknown block types are skipped', () => {
    const records = readPcapng(
      Buffer.concat([
        shb('little'),
        block('little', 0x0bad, Buffer.from('custom')),
        idb('little', 'ethernet'),
        block('little', 5, Buffer.alloc(20)), // interface statistics
        epb('little', 0, T, packet),
        block('little', 0x80000bad, Buffer.alloc(0)),
      ]),
    );
    expect(records.map((r) => r.data)).toEqual([packet]);
  });

  test('a final block cut short is damage, after the packets before it', () => {
    const whole = Buffer.concat([
      shb('little'),
      idb('little', 'ethernet'),
      epb('little', 0, T, packet),
    ]);
    const cut = epb('little', 0, T, packet);
    for (const keep of [3, 8, 30, cut.length - 1]) {
      const { records, damage } = readPartly(Buffer.concat([whole, cut.subarray(0, keep)]));
      expect(records.map((r) => r.data)).toEqual([packet]);
      expect(damage).toMatchObject({ offset: whole.length, code: 'PCAPNG_TRUNCATED_BLOCK' });
    }
  });
});

describe('malformed pcapng is damage where it starts', () => {
  const head = Buffer.concat([shb('little'), idb('little', 'ethernet')]);
  const withLength = (length: number, trailer = length) => {
    const b = Buffer.alloc(Math.max(Math.min(length, 64), 16));
    b.writeUInt32LE(0x0bad, 0);
    b.writeUInt32LE(length, 4);
    b.writeUInt32LE(trailer, b.length - 4);
    return Buffer.concat([head, b]);
  };

  test.each([
    ['shorter than 12', withLength(8)],
    ['not a multiple of 4', withLength(13)],
    ['trailing copy differs', withLength(16, 20)],
    ['absurd: 4 GiB', withLength(0xfffffffc)],
  ])('a bad block length: %s', (_name, file) => {
    expect(readPartly(file).damage).toMatchObject({
      offset: head.length,
      code: 'PCAPNG_BAD_BLOCK_LENGTH',
    });
  });

  test('a packet on an interface never described', () => {
    const { damage } = readPartly(Buffer.concat([head, epb('little', 2, T, packet)]));
    expect(damage).toMatchObject({ offset: head.length, code: 'PCAPNG_UNKNOWN_INTERFACE' });
    expect(damage?.message).toMatch(/refers to interface 2, but its section describes 1/);
  });

  test('a simple packet block with no interface', () => {
    const file = Buffer.concat([shb('little'), spb('little', packet)]);
    expect(readPartly(file).damage).toMatchObject({ code: 'PCAPNG_UNKNOWN_INTERFACE' });
  });

  test('a bad byte-order magic', () => {
    const file = Buffer.from(head);
    file.writeUInt32LE(0xdeadbeef, 8);
    expect(readPartly(file).damage).toMatchObject({ offset: 0, code: 'PCAPNG_BAD_BYTE_ORDER' });
  });

  test('an interface description too short for its fields', () => {
    const file = Buffer.concat([shb('big'), block('big', 1, Buffer.alloc(4))]);
    expect(readPartly(file).damage).toMatchObject({ code: 'PCAPNG_SHORT_BLOCK' });
  });

  test('an interface option that runs past its block, and a wrongly sized if_tsresol', () => {
    const shbLength = shb('big').length;
    const overrun = idb('big', 'ethernet', { tsresol: 6 });
    overrun.writeUInt16BE(200, 8 + 8 + 2); // the first option's length
    const wrongSize = idb('big', 'ethernet', { tsresol: 6 });
    wrongSize.writeUInt16BE(2, 8 + 8 + 2);
    for (const bad of [overrun, wrongSize]) {
      expect(readPartly(Buffer.concat([shb('big'), bad])).damage).toMatchObject({
        offset: shbLength,
        code: 'PCAPNG_BAD_OPTION',
      });
    }
  });

  test('a packet block claiming more captured bytes than it holds', () => {
    const liar = epb('little', 0, T, packet);
    liar.writeUInt32LE(packet.length + 100, 8 + 12);
    expect(readPartly(Buffer.concat([head, liar])).damage).toMatchObject({
      offset: head.length,
      code: 'PCAPNG_BAD_PACKET_LENGTH',
    });
  });

  test('an interface of a link type that cannot be read, at its description', () => {
    const shbLength = shb('little').length;
    const { records, damage } = readPartly(
      Buffer.concat([shb('little'), idb('little', 147), epb('little', 0, T, packet)]),
    );
    expect(records).toEqual([]);
    expect(damage).toMatchObject({ offset: shbLength, code: 'UNSUPPORTED_LINK_TYPE' });
    expect(damage?.message).toBe(
      'interface 0: link type 147 is not supported (Ethernet 1, raw IP 101, Linux SLL 113 and SLL2 276 are)',
    );
  });

  test('an unsupported section version', () => {
    const file = shb('little');
    file.writeUInt16LE(2, 12);
    expect(readPartly(file).damage).toMatchObject({ code: 'PCAPNG_UNSUPPORTED_VERSION' });
  });

  test('a section header cut short', () => {
    expect(readPartly(shb('big').subarray(0, 10)).damage).toMatchObject({
      offset: 0,
      code: 'PCAPNG_TRUNCATED_BLOCK',
    });
  });
});

describe('pcapng into the rest of the capture pipeline', () => {
  test('packets feed TCP reassembly and yield the PROXY header sent', () => {
    const [c] = extractProxyHeaders(pcapngFile('big', 'ethernet', connection));
    expect(c?.connection).toMatchObject(client);
    // Family is left out: its spelling is shared with PROXY v2 decoding and may change.
    expect(c?.headers[0]).toMatchObject({
      source: { address: '198.51.100.22', port: 35646 },
      destination: { address: '203.0.113.7', port: 3306 },
    });
  });

  test('both formats read to the same connections', () => {
    const decode = (file: Buffer) => [...extractProxyHeaders(file)];
    const expected = decode(pcapFile('sll2', connection));
    expect(expected[0]?.headers[0]?.source).toMatchObject({ port: 35646 });
    expect(decode(pcapngFile('little', 'sll2', connection))).toEqual(expected);
    expect(decode(pcapngFile('big', 'sll2', connection))).toEqual(expected);
  });
});

describe('a real pcapng: the send-proxy capture converted by Wireshark 4.0', () => {
  test('holds the same headers as the tcpdump original', () => {
    const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
    const summary = (file: Buffer) =>
      extractProxyHeaders(file).map((c) => [c.connection.sport, c.headers.map((h) => h.hex)]);
    const fromPcapng = summary(fixture('haproxy-send-proxy-v1.pcapng'));
    expect(fromPcapng).toHaveLength(3);
    expect(fromPcapng).toEqual(summary(fixture('haproxy-send-proxy-v1.pcap')));
  });
});
