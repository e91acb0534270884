import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { decode } from '../../harness/cli/decode.ts';
import { SetupError } from '../../harness/errors.ts';
import { pcapFile, type Segment } from '../support/pcap-writer.ts';
import { epb, idb, pcapngFile, shb } from '../support/pcapng-writer.ts';

const BIN = new URL('../../bin/proxyproof.js', import.meta.url).pathname;
const client = { src: '10.0.0.5', dst: '10.0.1.9', sport: 40000, dport: 3306 };
const server = { src: client.dst, dst: client.src, sport: client.dport, dport: client.sport };
const HEADER = 'PROXY TCP4 198.51.100.22 203.0.113.7 35646 3306\r\n';

function connection(sport: number, payload: string): Segment[] {
  const c = { ...client, sport };
  return [
    { ...c, seq: 100, flags: 'S' },
    { ...server, dport: sport, seq: 7, flags: 'SA' },
    { ...c, seq: 101, flags: 'PA', payload },
    { ...c, seq: 101 + payload.length, flags: 'F' },
  ];
}
const good = pcapFile('ethernet', [
  ...connection(40000, `${HEADER}mysql`),
  ...connection(40001, `${HEADER}mysql`),
]);
const malformed = pcapFile('ethernet', [
  ...connection(40000, `${HEADER}mysql`),
  ...connection(40001, 'PROXY TCP4 1.2.3.4 5.6.7.8 99999 1\r\n'),
]);
const noHeaders = pcapFile('ethernet', [
  ...connection(40000, 'SELECT 1'),
  ...connection(40001, 'SELECT 2'),
]);
/** A record after `file`'s: its 16-byte header, then its frame. */
const record = pcapFile('ethernet', connection(40002, HEADER).slice(2, 3)).subarray(24);
const withLinkType = (file: Buffer, linkType: number) => {
  const copy = Buffer.from(file);
  copy.writeUInt32LE(linkType, 20);
  return copy;
};
const absurd = Buffer.from(record);
absurd.writeUInt32LE(0xffffffff, 8);
const ngHead = Buffer.concat([shb('little'), idb('little', 'ethernet')]);
const ngPacket = pcapngFile('little', 'ethernet', connection(40000, HEADER)).subarray(
  ngHead.length,
);
const badOption = idb('little', 'ethernet', { tsresol: 6 });
badOption.writeUInt16LE(200, 8 + 8 + 2);

interface Decoded {
  code: number;
  stdout: string[];
  stderr: string[];
}

let dir: string;
beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'proxyproof-decode-'))));
afterAll(() => rm(dir, { recursive: true, force: true }));

/** decode() on `bytes` written to a file, with what it printed. */
async function decoded(bytes: Buffer, format = 'json'): Promise<Decoded & { file: string }> {
  const file = join(dir, `capture-${Math.random().toString(36).slice(2)}`);
  await writeFile(file, bytes);
  const out = { stdout: '', stderr: '' };
  const { stdout, stderr } = process;
  // Put back afterwards: the streams' own write, bound as a method is.
  const writeOut = stdout.write.bind(stdout);
  const writeErr = stderr.write.bind(stderr);
  stdout.write = (chunk: string | Uint8Array) => ((out.stdout += String(chunk)), true);
  stderr.write = (chunk: string | Uint8Array) => ((out.stderr += String(chunk)), true);
  try {
    const code = await decode(file, { format });
    const lines = (text: string) => text.split('\n').filter(Boolean);
    return { code, stdout: lines(out.stdout), stderr: lines(out.stderr), file };
  } finally {
    stdout.write = writeOut;
    stderr.write = writeErr;
  }
}

const parsed = (line: string | undefined) => JSON.parse(line ?? 'null') as Record<string, unknown>;

describe('proxyproof decode: what it prints and its exit code', () => {
  test('a whole capture whose headers all decode: 0, one line each, nothing on stderr', async () => {
    const r = await decoded(good);
    expect(r.code).toBe(0);
    expect(r.stdout.map((l) => parsed(l).connection)).toMatchObject([
      { sport: 40000 },
      { sport: 40001 },
    ]);
    expect(r.stderr).toEqual([]);
  });

  test('a malformed header: 1, the connection printed with its error', async () => {
    const r = await decoded(malformed);
    expect(r.code).toBe(1);
    expect(parsed(r.stdout[1]).error).toMatchObject({ code: 'V1_BAD_PORT' });
    expect(r.stderr).toEqual([]);
  });

  test('no connection begins with a PROXY header: 1, said on stderr with the count read', async () => {
    const r = await decoded(noHeaders);
    expect(r.code).toBe(1);
    expect(r.stdout).toEqual([]);
    expect(r.stderr).toEqual([
      `proxyproof: no connection in ${r.file} begins with a PROXY header (2 TCP connections read)`,
    ]);
  });

  test.each<[string, Buffer, string, number]>([
    [
      'cut mid-record header',
      Buffer.concat([good, record.subarray(0, 9)]),
      'PCAP_TRUNCATED_RECORD',
      good.length,
    ],
    [
      'cut mid-record data',
      Buffer.concat([good, record.subarray(0, 40)]),
      'PCAP_TRUNCATED_RECORD',
      good.length,
    ],
    [
      'an absurd captured length',
      Buffer.concat([good, absurd]),
      'PCAP_RECORD_TOO_LONG',
      good.length,
    ],
    [
      'a truncated pcapng block',
      Buffer.concat([ngHead, ngPacket, ngPacket.subarray(0, 30)]),
      'PCAPNG_TRUNCATED_BLOCK',
      ngHead.length + ngPacket.length,
    ],
    [
      'a packet on an unknown pcapng interface',
      Buffer.concat([ngHead, ngPacket, epb('little', 3, 0n, Buffer.alloc(60))]),
      'PCAPNG_UNKNOWN_INTERFACE',
      ngHead.length + ngPacket.length,
    ],
  ])(
    '%s: 2, what was whole printed, then what was not read',
    async (_name, bytes, code, offset) => {
      const r = await decoded(bytes);
      expect(r.code).toBe(2);
      const unread = r.stdout.pop();
      expect(r.stdout.length).toBeGreaterThan(0);
      expect(r.stdout.every((l) => (parsed(l).headers as unknown[]).length === 1)).toBe(true);
      expect(parsed(unread)).toEqual({ unread: { offset, code, message: expect.any(String) } });
      expect(r.stderr).toHaveLength(1);
      expect(r.stderr[0]).toMatch(
        new RegExp(`^proxyproof: .*: unread from byte ${offset}: .*\\(${code}\\)$`),
      );
    },
  );

  test.each<[string, Buffer, string, number]>([
    ['an empty file', Buffer.alloc(0), 'EMPTY_FILE', 0],
    ['a file shorter than a pcap header', good.subarray(0, 20), 'PCAP_TRUNCATED_HEADER', 0],
    ['a pcap of an unsupported link type', withLinkType(good, 147), 'UNSUPPORTED_LINK_TYPE', 0],
    [
      'a pcapng interface of an unsupported link type',
      Buffer.concat([shb('big'), idb('big', 0)]),
      'UNSUPPORTED_LINK_TYPE',
      shb('big').length,
    ],
    [
      'a pcapng interface with a bad option',
      Buffer.concat([shb('little'), badOption]),
      'PCAPNG_BAD_OPTION',
      shb('little').length,
    ],
  ])('%s: 2, one line on stdout and one on stderr', async (_name, bytes, code, offset) => {
    const r = await decoded(bytes);
    expect(r.code).toBe(2);
    expect(r.stdout.map(parsed)).toEqual([
      { unread: { offset, code, message: expect.any(String) } },
    ]);
    expect(r.stderr).toHaveLength(1);
  });

  test('damage wins over a malformed header: 2', async () => {
    expect((await decoded(Buffer.concat([malformed, record.subarray(0, 5)]))).code).toBe(2);
  });

  test('the table says what was not read under the rows', async () => {
    const r = await decoded(Buffer.concat([good, record.subarray(0, 9)]), 'table');
    expect(r.code).toBe(2);
    expect(r.stdout).toHaveLength(4);
    expect(r.stdout[3]).toMatch(
      /^unread from byte \d+: record cut short: .* \(PCAP_TRUNCATED_RECORD\)$/,
    );
  });

  test('a file that cannot be opened is a SetupError', async () => {
    await expect(decode(join(dir, 'missing.pcap'), { format: 'json' })).rejects.toThrow(SetupError);
  });

  test('through the CLI: exit 2 and one stderr line, no stack', async () => {
    const file = join(dir, 'cut.pcap');
    await writeFile(file, Buffer.concat([good, record.subarray(0, 9)]));
    const r = await execa('node', [BIN, 'decode', file], { reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.split('\n')).toEqual([
      `proxyproof: ${file}: unread from byte ${good.length}: record cut short: the file ends 9 bytes into its 16-byte header (PCAP_TRUNCATED_RECORD)`,
    ]);
    expect(r.stdout.split('\n')).toHaveLength(3);
  }, 60_000);
});
