// Writes a classic pcap (Ethernet) of N TCP connections to port 3306, each
// opening with a PROXY header: the input of the extraction benchmark.
// Standalone: node --import tsx bench/generate-capture.ts out.pcap [connections]
import { writeFileSync } from 'node:fs';
import { SocketAddress } from 'node:net';
import { pathToFileURL } from 'node:url';
import type { Endpoint } from '../harness/net/endpoint.ts';
import { encodeV1, encodeV2, tlv } from '../harness/proxy-protocol/index.ts';

export const SERVER_PORT = 3306; // where tshark's PROXY heuristic gets a chance

/** The header kinds, in rotation: v1 and v2, v4 and v6, and v2 with TLVs. */
const KINDS = ['v1-tcp4', 'v1-tcp6', 'v2-inet', 'v2-inet6', 'v2-inet-tlvs'] as const;

// A MySQL COM_QUERY "SELECT" sent after the header; not a PROXY signature, so each
// connection carries exactly one header.
const PAYLOAD = Buffer.from([0x07, 0x00, 0x00, 0x00, 0x03, 0x53, 0x45, 0x4c, 0x45, 0x43, 0x54]);
/** Connections open in batches this size, their packets interleaved, as on a busy link. */
const BATCH = 16;
const ETH = 14;
const IP4 = 20;
const IP6 = 40;
const TCP = 20;
const RECORD = 16;
/** Ephemeral ports per balancer address, 1024 to 65535. */
const PORTS = 65536 - 1024;

const FIN = 0x01;
const SYN = 0x02;
const PSH = 0x08;
const ACK = 0x10;

interface Connection {
  v6: boolean;
  client: Buffer;
  server: Buffer;
  sport: number;
  clientIsn: number;
  serverIsn: number;
  data: Buffer;
}

export interface GeneratedCapture {
  file: Buffer;
  /** The source endpoint each connection's PROXY header carries, in connection order. */
  sources: Endpoint[];
  packets: number;
}

function v6(prefix: number, i: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(0x20010db8, 0);
  b.writeUInt16BE(prefix, 4);
  b.writeUInt32BE(i, 12);
  return b;
}

function v6Text(b: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
  return new SocketAddress({ address: groups.join(':'), family: 'ipv6' }).address;
}

function header(i: number): { data: Buffer; source: Endpoint } {
  const kind = KINDS[i % KINDS.length]!;
  const inet6 = kind === 'v1-tcp6' || kind === 'v2-inet6';
  // Client addresses from 100.64.0.0/10 and 2001:db8:c::/48, distinct per connection.
  const source = {
    address: inet6
      ? v6Text(v6(0xc, i + 1))
      : `100.${64 + (i >>> 16)}.${(i >>> 8) & 255}.${i & 255}`,
    port: 1024 + ((i * 7919) % 64511),
  };
  const destination = { address: inet6 ? '2001:db8:ffff::10' : '203.0.113.10', port: 3306 };
  const family = inet6 ? 'INET6' : 'INET';
  const data = kind.startsWith('v1')
    ? encodeV1({ family, source, destination })
    : encodeV2({
        command: 'PROXY',
        family,
        protocol: 'STREAM',
        source,
        destination,
        ...(kind === 'v2-inet-tlvs'
          ? {
              tlvs: [tlv.alpn('mysql'), tlv.awsVpcEndpoint(`vpce-${i.toString(16)}`)],
              crc32c: true,
            }
          : {}),
      });
  return { data: Buffer.concat([data, PAYLOAD]), source };
}

/** Checksum of an IPv4 header (tshark does not verify TCP's, left zero). */
function ipChecksum(b: Buffer, at: number): number {
  let sum = 0;
  for (let i = 0; i < IP4; i += 2) sum += b.readUInt16BE(at + i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** Writes one record into `out` at `at`, returns the offset after it. */
function writeFrame(
  out: Buffer,
  at: number,
  micros: number,
  c: Connection,
  fromClient: boolean,
  flags: number,
  seq: number,
  ack: number,
  payload: Buffer | null,
): number {
  const ip = c.v6 ? IP6 : IP4;
  const len = payload?.length ?? 0;
  const frameLength = ETH + ip + TCP + len;
  out.writeUInt32LE(Math.floor(micros / 1e6), at);
  out.writeUInt32LE(micros % 1e6, at + 4);
  out.writeUInt32LE(frameLength, at + 8);
  out.writeUInt32LE(frameLength, at + 12);
  let p = at + RECORD;
  // Locally administered MACs: 02:..:01 client side, 02:..:02 server side.
  out.fill(0, p, p + 12);
  out[p] = 0x02;
  out[p + 5] = fromClient ? 2 : 1;
  out[p + 6] = 0x02;
  out[p + 11] = fromClient ? 1 : 2;
  out.writeUInt16BE(c.v6 ? 0x86dd : 0x0800, p + 12);
  p += ETH;
  const [src, dst] = fromClient ? [c.client, c.server] : [c.server, c.client];
  if (c.v6) {
    out.writeUInt32BE(0x60000000, p);
    out.writeUInt16BE(TCP + len, p + 4);
    out[p + 6] = 6;
    out[p + 7] = 64;
    src.copy(out, p + 8);
    dst.copy(out, p + 24);
  } else {
    out[p] = 0x45;
    out[p + 1] = 0;
    out.writeUInt16BE(IP4 + TCP + len, p + 2);
    out.writeUInt32BE(0x00004000, p + 4); // id 0, don't fragment
    out[p + 8] = 64;
    out[p + 9] = 6;
    out.writeUInt16BE(0, p + 10);
    src.copy(out, p + 12);
    dst.copy(out, p + 16);
    out.writeUInt16BE(ipChecksum(out, p), p + 10);
  }
  p += ip;
  out.writeUInt16BE(fromClient ? c.sport : SERVER_PORT, p);
  out.writeUInt16BE(fromClient ? SERVER_PORT : c.sport, p + 2);
  out.writeUInt32BE(seq >>> 0, p + 4);
  out.writeUInt32BE(ack >>> 0, p + 8);
  out[p + 12] = 5 << 4;
  out[p + 13] = flags;
  out.writeUInt16BE(65535, p + 14);
  out.writeUInt32BE(0, p + 16); // checksum, urgent pointer
  p += TCP;
  if (payload) payload.copy(out, p);
  return p + len;
}

export function generateCapture(connections: number): GeneratedCapture {
  const conns: Connection[] = [];
  const sources: Endpoint[] = [];
  let size = 24;
  for (let i = 0; i < connections; i++) {
    const { data, source } = header(i);
    // The load balancer's side: four addresses (one IPv6) and distinct ephemeral
    // ports, so every 4-tuple is unique; past the ports of four addresses, four more.
    const lb = i % 4;
    const round = Math.floor(i / (4 * PORTS));
    const outer6 = lb === 3;
    const c: Connection = {
      v6: outer6,
      client: outer6 ? v6(0x1b, 3 + round) : Buffer.from([10, 0, round, lb + 1]),
      server: outer6 ? v6(0xdb, 1) : Buffer.from([10, 0, 1, 10]),
      sport: 1024 + (Math.floor(i / 4) % PORTS),
      clientIsn: (Math.imul(i + 1, 2654435761) >>> 0) & 0x7fffffff,
      serverIsn: (Math.imul(i + 7, 40503) >>> 0) | 0x1000,
      data,
    };
    conns.push(c);
    sources.push(source);
    const frame = RECORD + ETH + (outer6 ? IP6 : IP4) + TCP;
    size += 5 * frame + data.length;
  }

  const out = Buffer.alloc(size);
  out.writeUInt32LE(0xa1b2c3d4, 0);
  out.writeUInt16LE(2, 4);
  out.writeUInt16LE(4, 6);
  out.writeUInt32LE(262144, 16);
  out.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
  let at = 24;
  let micros = 1_700_000_000 * 1e6;
  let packets = 0;
  const emit = (
    c: Connection,
    client: boolean,
    flags: number,
    seq: number,
    ack: number,
    p?: Buffer,
  ) => {
    at = writeFrame(out, at, micros, c, client, flags, seq, ack, p ?? null);
    micros += 7;
    packets++;
  };
  for (let b = 0; b < conns.length; b += BATCH) {
    const batch = conns.slice(b, b + BATCH);
    for (const c of batch) emit(c, true, SYN, c.clientIsn, 0);
    for (const c of batch) emit(c, false, SYN | ACK, c.serverIsn, c.clientIsn + 1);
    for (const c of batch) emit(c, true, ACK, c.clientIsn + 1, c.serverIsn + 1);
    for (const c of batch) emit(c, true, PSH | ACK, c.clientIsn + 1, c.serverIsn + 1, c.data);
    for (const c of batch) {
      emit(c, true, FIN | ACK, c.clientIsn + 1 + c.data.length, c.serverIsn + 1);
    }
  }
  if (at !== size) throw new Error(`wrote ${at} bytes of ${size}`);
  return { file: out, sources, packets };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [path, count = '100000'] = process.argv.slice(2);
  if (!path) throw new Error('usage: generate-capture.ts OUT.pcap [connections]');
  const { file, packets } = generateCapture(Number(count));
  writeFileSync(path, file);
  console.log(`${path}: ${count} connections, ${packets} packets, ${file.length} bytes`);
}
