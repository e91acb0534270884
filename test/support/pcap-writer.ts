// Builds small pcap files by hand for reader tests: each field is laid out as
// the formats specify, independent of the reader under test.

export interface Segment {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  seq: number;
  /** 0 unless given. */
  ack?: number;
  flags: 'S' | 'SA' | 'A' | 'PA' | 'F' | 'R';
  payload?: string;
}

const FLAG_BITS = { S: 0x02, SA: 0x12, A: 0x10, PA: 0x18, F: 0x11, R: 0x04 } as const;

function tcp(s: Segment): Buffer {
  const payload = Buffer.from(s.payload ?? '', 'latin1');
  const h = Buffer.alloc(20);
  h.writeUInt16BE(s.sport, 0);
  h.writeUInt16BE(s.dport, 2);
  h.writeUInt32BE(s.seq >>> 0, 4);
  h.writeUInt32BE((s.ack ?? 0) >>> 0, 8);
  h[12] = 5 << 4;
  h[13] = FLAG_BITS[s.flags];
  h.writeUInt16BE(65535, 14);
  return Buffer.concat([h, payload]);
}

function ipv4(s: Segment): Buffer {
  const body = tcp(s);
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h.writeUInt16BE(20 + body.length, 2);
  h[8] = 64;
  h[9] = 6;
  Buffer.from(s.src.split('.').map(Number)).copy(h, 12);
  Buffer.from(s.dst.split('.').map(Number)).copy(h, 16);
  return Buffer.concat([h, body]);
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail = ''] = address.split('::');
  const parts = (x: string) => (x ? x.split(':') : []);
  const groups = [
    ...parts(head),
    ...Array<string>(8 - parts(head).length - parts(tail).length).fill('0'),
    ...parts(tail),
  ];
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
  return b;
}

function ipv6(s: Segment): Buffer {
  const body = tcp(s);
  const h = Buffer.alloc(40);
  h[0] = 0x60;
  h.writeUInt16BE(body.length, 4);
  h[6] = 6;
  h[7] = 64;
  ipv6Bytes(s.src).copy(h, 8);
  ipv6Bytes(s.dst).copy(h, 24);
  return Buffer.concat([h, body]);
}

export type Link = 'ethernet' | 'sll' | 'sll2' | 'raw';
const LINK_TYPES: Record<Link, number> = { ethernet: 1, raw: 101, sll: 113, sll2: 276 };

export function frame(link: Link, s: Segment): Buffer {
  const v6 = s.src.includes(':');
  const ip = v6 ? ipv6(s) : ipv4(s);
  const etherType = v6 ? 0x86dd : 0x0800;
  switch (link) {
    case 'raw':
      return ip;
    case 'ethernet': {
      const h = Buffer.alloc(14);
      h.writeUInt16BE(etherType, 12);
      return Buffer.concat([h, ip]);
    }
    case 'sll': {
      const h = Buffer.alloc(16);
      h.writeUInt16BE(etherType, 14);
      return Buffer.concat([h, ip]);
    }
    case 'sll2': {
      const h = Buffer.alloc(20);
      h.writeUInt16BE(etherType, 0);
      return Buffer.concat([h, ip]);
    }
  }
}

/** A little-endian, microsecond pcap file holding the segments in the order given. */
export function pcapFile(link: Link, segments: Segment[]): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262144, 16);
  header.writeUInt32LE(LINK_TYPES[link], 20);
  const records = segments.map((s, i) => {
    const data = frame(link, s);
    const r = Buffer.alloc(16);
    r.writeUInt32LE(1_700_000_000, 0);
    r.writeUInt32LE(i, 4);
    r.writeUInt32LE(data.length, 8);
    r.writeUInt32LE(data.length, 12);
    return Buffer.concat([r, data]);
  });
  return Buffer.concat([header, ...records]);
}

/** Numbers in [0, 1), the same ones for the same seed (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * The segments of `count` connections as a busy, lossy link delivers them:
 * each client sends what `payload(i)` gives, cut at random points, its
 * segments interleaved with the other connections', some out of order, some
 * twice, a few lost; most end with a FIN, some with nothing.
 */
export function tangledSegments(
  random: () => number,
  count: number,
  payload: (i: number) => string,
): Segment[] {
  const below = (n: number) => Math.floor(random() * n);
  const lanes: Segment[][] = [];
  for (let i = 0; i < count; i++) {
    const c = {
      src: i % 3 === 2 ? `fd00::${(i % 7) + 1}` : `10.0.${i % 5}.${(i % 7) + 1}`,
      dst: i % 3 === 2 ? 'fd00::99' : '10.0.9.9',
      sport: 30000 + i,
      dport: 3306,
    };
    const s = { src: c.dst, dst: c.src, sport: c.dport, dport: c.sport };
    // Some sequence numbers wrap around inside the stream.
    const isn = random() < 0.2 ? 0xffffffff - below(40) : below(0xfffffff0);
    const bytes = payload(i);
    const data: Segment[] = [];
    for (let at = 0; at < bytes.length;) {
      const size = 1 + below(Math.min(bytes.length - at, 60));
      data.push({
        ...c,
        seq: (isn + 1 + at) >>> 0,
        flags: 'PA',
        payload: bytes.slice(at, at + size),
      });
      at += size;
    }
    for (let k = 0; k + 1 < data.length; k++) {
      if (random() < 0.15) [data[k], data[k + 1]] = [data[k + 1]!, data[k]!];
    }
    const sent = data.flatMap((d) => (random() < 0.1 ? [d, d] : random() < 0.02 ? [] : [d]));
    const end =
      random() < 0.8 ? [{ ...c, seq: (isn + 1 + bytes.length) >>> 0, flags: 'F' as const }] : [];
    lanes.push([
      { ...c, seq: isn, flags: 'S' },
      { ...s, seq: 7, ack: (isn + 1) >>> 0, flags: 'SA' },
      ...sent,
      ...end,
    ]);
  }
  const out: Segment[] = [];
  const open: Segment[][] = [];
  while (lanes.length > 0 || open.length > 0) {
    if (lanes.length > 0 && (open.length === 0 || random() < 0.3)) open.push(lanes.shift()!);
    const lane = below(open.length);
    out.push(open[lane]!.shift()!);
    if (open[lane]!.length === 0) open.splice(lane, 1);
  }
  return out;
}
