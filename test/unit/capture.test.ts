import { readFileSync } from 'node:fs';
import { extractProxyHeaders } from '../../harness/capture/extract.ts';
import { droppedByKernel } from '../../harness/capture/sidecar.ts';
import type { Endpoint } from '../../harness/net/endpoint.ts';
import { isEndpoint, type ProxyAddress } from '../../harness/proxy-protocol/types.ts';
import { pcapFile, type Link, type Segment } from '../support/pcap-writer.ts';

const endpoint = (a: ProxyAddress | null | undefined) =>
  isEndpoint(a ?? null) ? (a as Endpoint) : null;
/** The connections of a capture that must read whole. */
function decode(file: Buffer) {
  const found = extractProxyHeaders(file);
  expect(found.damage).toBeNull();
  return found;
}

describe('a real capture: tcpdump -i any behind HAProxy send-proxy', () => {
  // Expected values read from the same file with tcpdump -A, not with this code.
  const connections = decode(
    readFileSync(new URL('../fixtures/haproxy-send-proxy-v1.pcap', import.meta.url)),
  );

  test('lists each balancer-to-backend connection with the header it began with', () => {
    expect(
      connections.map((c) => [c.connection.sport, endpoint(c.headers[0]?.source)?.port]),
    ).toEqual([
      [48040, 50232],
      [48054, 50254],
      [48062, 50238],
    ]);
    for (const c of connections) {
      expect(c.connection).toMatchObject({ src: '172.21.0.4', dst: '172.21.0.3', dport: 3306 });
      expect(c.headers).toHaveLength(1);
      expect(c.headers[0]).toMatchObject({
        family: 'INET',
        source: { address: '172.20.0.1' },
        destination: { address: '172.20.0.2', port: 3306 },
      });
      expect(c.error).toBeNull();
    }
  });
});

const client = { src: '10.0.0.5', dst: '10.0.1.9', sport: 40000, dport: 3306 };
const server = { src: client.dst, dst: client.src, sport: client.dport, dport: client.sport };
const HEADER = 'PROXY TCP4 198.51.100.22 203.0.113.7 35646 3306\r\n';
const ISN = 0xfffffff0; // close to wrap-around on purpose

function handshake(c = client, s = server): Segment[] {
  return [
    { ...c, seq: ISN, flags: 'S' },
    { ...s, seq: 7, flags: 'SA' },
  ];
}

describe('TCP reassembly of what the client sent', () => {
  test.each<Link>(['ethernet', 'sll', 'sll2', 'raw'])('reads %s frames', (link) => {
    const [c] = decode(
      pcapFile(link, [...handshake(), { ...client, seq: ISN + 1, flags: 'PA', payload: HEADER }]),
    );
    expect(c?.headers[0]?.source).toEqual({ address: '198.51.100.22', port: 35646 });
  });

  test('orders out-of-order segments and drops retransmitted bytes, across sequence wrap-around', () => {
    const split = 20;
    const segments: Segment[] = [
      ...handshake(),
      { ...client, seq: (ISN + 1 + split) >>> 0, flags: 'PA', payload: HEADER.slice(split) },
      { ...client, seq: ISN + 1, flags: 'PA', payload: HEADER.slice(0, split + 5) },
      { ...client, seq: ISN + 1, flags: 'PA', payload: HEADER.slice(0, split) }, // retransmission
    ];
    const [c] = decode(pcapFile('ethernet', segments));
    expect(c?.headers).toHaveLength(1);
    expect(c?.headers[0]?.length).toBe(HEADER.length);
  });

  test('a hole in the sequence space is reported, not papered over', () => {
    const segments: Segment[] = [
      ...handshake(),
      { ...client, seq: (ISN + 11) >>> 0, flags: 'PA', payload: HEADER.slice(10) },
    ];
    const [c] = decode(pcapFile('ethernet', segments));
    expect(c?.headers).toEqual([]);
    expect(c?.error?.code).toBe('CAPTURE_GAP');
  });

  test('two stacked headers are both extracted, in order', () => {
    const second = 'PROXY TCP4 192.0.2.1 192.0.2.2 1111 2222\r\n';
    const [c] = decode(
      pcapFile('ethernet', [
        ...handshake(),
        { ...client, seq: ISN + 1, flags: 'PA', payload: HEADER + second + 'mysql' },
      ]),
    );
    expect(c?.headers.map((h) => endpoint(h.source)?.address)).toEqual([
      '198.51.100.22',
      '192.0.2.1',
    ]);
  });

  test('an invalid header is reported with its code', () => {
    const [c] = decode(
      pcapFile('ethernet', [
        ...handshake(),
        { ...client, seq: ISN + 1, flags: 'PA', payload: 'PROXY TCP4 1.2.3.4 5.6.7.8 99999 1\r\n' },
      ]),
    );
    expect(c?.error?.code).toBe('V1_BAD_PORT');
  });

  test('connections are kept apart, IPv6 included, and server bytes are not mixed in', () => {
    const v6 = { src: 'fd00::5', dst: 'fd00::9', sport: 40001, dport: 3306 };
    const v6server = { src: v6.dst, dst: v6.src, sport: v6.dport, dport: v6.sport };
    const segments: Segment[] = [
      ...handshake(),
      ...handshake(v6, v6server),
      { ...server, seq: 8, flags: 'PA', payload: 'server greeting' },
      { ...v6, seq: ISN + 1, flags: 'PA', payload: 'PROXY TCP6 fd00::1 fd00::2 5000 3306\r\n' },
      { ...client, seq: ISN + 1, flags: 'PA', payload: HEADER },
    ];
    const found = decode(pcapFile('sll2', segments));
    expect(found.map((c) => [c.connection.src, endpoint(c.headers[0]?.source)?.address])).toEqual([
      ['10.0.0.5', '198.51.100.22'],
      ['fd00::5', 'fd00::1'],
    ]);
  });

  test('a new SYN on a reused 4-tuple starts a new connection', () => {
    const segments: Segment[] = [
      ...handshake(),
      { ...client, seq: ISN + 1, flags: 'PA', payload: HEADER },
      { ...client, seq: 5000, flags: 'S' },
      { ...client, seq: 5001, flags: 'PA', payload: 'no header' },
    ];
    expect(decode(pcapFile('ethernet', segments)).map((c) => c.headers.length)).toEqual([1, 0]);
  });

  test('a header sent alone waits for what follows it: a stacked header in a later segment', () => {
    const second = 'PROXY TCP4 192.0.2.1 192.0.2.2 1111 2222\r\n';
    const [c] = decode(
      pcapFile('ethernet', [
        ...handshake(),
        { ...client, seq: ISN + 1, flags: 'PA', payload: HEADER },
        { ...client, seq: (ISN + 1 + HEADER.length) >>> 0, flags: 'PA', payload: second },
        {
          ...client,
          seq: (ISN + 1 + HEADER.length + second.length) >>> 0,
          flags: 'PA',
          payload: 'x',
        },
      ]),
    );
    expect(c?.headers.map((h) => endpoint(h.source)?.port)).toEqual([35646, 1111]);
    expect(c?.error).toBeNull();
  });

  test('a FIN ends a connection once the bytes before it are in, even when they come after it', () => {
    const split = 20;
    const fin = { ...client, seq: (ISN + 1 + HEADER.length) >>> 0, flags: 'F' as const };
    const [c] = decode(
      pcapFile('ethernet', [
        ...handshake(),
        { ...client, seq: (ISN + 1 + split) >>> 0, flags: 'PA', payload: HEADER.slice(split) },
        fin,
        { ...client, seq: ISN + 1, flags: 'PA', payload: HEADER.slice(0, split) },
        // Past the FIN: were it read, it would be a malformed stacked header.
        { ...client, seq: fin.seq, flags: 'PA', payload: 'PROXY nonsense\r\n' },
      ]),
    );
    expect(c?.headers).toHaveLength(1);
    expect(c?.error).toBeNull();
  });

  test("a server's RST ends the connection: a header cut short there is TRUNCATED", () => {
    const [c] = decode(
      pcapFile('ethernet', [
        ...handshake(),
        { ...client, seq: ISN + 1, flags: 'PA', payload: HEADER.slice(0, 10) },
        { ...server, seq: 8, flags: 'R' },
        // Past the end: not part of this connection.
        { ...client, seq: (ISN + 11) >>> 0, flags: 'PA', payload: HEADER.slice(10) },
      ]),
    );
    expect(c?.error?.code).toBe('TRUNCATED');
  });

  test('connections come out in the order they started, whichever settles first', () => {
    const other = { ...client, sport: 40002 };
    const found = decode(
      pcapFile('ethernet', [
        ...handshake(),
        ...handshake(other, { ...server, dport: other.sport }),
        // The first is still undecided (a stacked header may follow); the second is settled.
        { ...client, seq: ISN + 1, flags: 'PA', payload: HEADER },
        { ...other, seq: ISN + 1, flags: 'PA', payload: 'PROXY UNKNOWN\r\nmysql' },
      ]),
    );
    expect(found.map((c) => [c.connection.sport, c.headers.length])).toEqual([
      [40000, 1],
      [40002, 1],
    ]);
  });

  test('a connection whose SYN was not captured starts where its SYN-ACK says', () => {
    const [c] = decode(
      pcapFile('ethernet', [
        { ...server, seq: 7, flags: 'SA', ack: (ISN + 1) >>> 0 },
        { ...client, seq: (ISN + 11) >>> 0, flags: 'PA', payload: HEADER.slice(10) },
      ]),
    );
    expect(c?.connection).toMatchObject({ src: client.src, sport: client.sport });
    expect(c?.error?.code).toBe('CAPTURE_GAP');
  });
});

describe("tcpdump's closing statistics", () => {
  test('the kernel drop count is read from what tcpdump printed', () => {
    const out =
      'tcpdump: data link type LINUX_SLL2\n50 packets captured\n57 packets received by filter\n2 packets dropped by kernel\n';
    expect(droppedByKernel(out)).toBe(2);
  });
  test('missing statistics are an error, not zero drops', () => {
    expect(() => droppedByKernel('tcpdump: killed')).toThrow(/did not report its statistics/);
  });
});

describe('connections without data', () => {
  test('a connection that sent nothing has no header and no error', () => {
    const [c] = decode(pcapFile('ethernet', handshake()));
    expect(c).toMatchObject({ headers: [], error: null });
  });
});

describe('a pcap read only in part says what was not read, and from where', () => {
  const opened = pcapFile('ethernet', [
    ...handshake(),
    { ...client, seq: ISN + 1, flags: 'PA', payload: HEADER },
  ]);
  const next = pcapFile('ethernet', [{ ...client, seq: ISN + 1, flags: 'PA', payload: 'more' }]);
  /** The record after `opened`, its 16-byte header then its frame. */
  const record = next.subarray(24);

  test.each([
    ['its 16-byte header', 7],
    ['its captured bytes', 16 + 30],
  ])('cut inside %s: what came before is read, the cut record is damage', (_where, keep) => {
    const found = extractProxyHeaders(Buffer.concat([opened, record.subarray(0, keep)]));
    expect(found.map((c) => c.headers.length)).toEqual([1]);
    expect(found.damage).toMatchObject({ offset: opened.length, code: 'PCAP_TRUNCATED_RECORD' });
    expect(found.damage?.message).toMatch(/cut short/);
  });

  test('an absurd captured length is said to be one, and nothing that size is read', () => {
    const absurd = Buffer.from(record);
    absurd.writeUInt32LE(0xfffffff0, 8);
    const found = extractProxyHeaders(Buffer.concat([opened, absurd]));
    expect(found).toHaveLength(1);
    expect(found.damage).toMatchObject({ offset: opened.length, code: 'PCAP_RECORD_TOO_LONG' });
    expect(found.damage?.message).toContain('4294967280 captured bytes');
  });

  test('a plausible captured length past the end of the file is a cut record', () => {
    const long = Buffer.from(record);
    long.writeUInt32LE(60_000, 8);
    expect(extractProxyHeaders(Buffer.concat([opened, long])).damage).toMatchObject({
      offset: opened.length,
      code: 'PCAP_TRUNCATED_RECORD',
    });
  });

  test('a link type that cannot be read is said at the file header, not skipped packet by packet', () => {
    const file = Buffer.from(opened);
    file.writeUInt32LE(147, 20);
    const found = extractProxyHeaders(file);
    expect(found).toHaveLength(0);
    expect(found.damage).toMatchObject({ offset: 0, code: 'UNSUPPORTED_LINK_TYPE' });
    expect(found.damage?.message).toContain('link type 147 is not supported');
  });

  test.each([
    ['an empty file', Buffer.alloc(0), 'EMPTY_FILE'],
    ['3 bytes', Buffer.from('abc'), 'NOT_A_CAPTURE'],
    ['a pcap header cut short', opened.subarray(0, 10), 'PCAP_TRUNCATED_HEADER'],
    ['text', Buffer.from('this is not a capture file at all'), 'NOT_A_CAPTURE'],
  ])('%s is damage at offset 0', (_name, file, code) => {
    const found = extractProxyHeaders(file);
    expect(found).toHaveLength(0);
    expect(found.damage).toMatchObject({ offset: 0, code });
  });
});
