// Decode throughput of proxyproof vs proxy-protocol-js on equal work: a Buffer
// in, address strings (as Node prints them) and port numbers out. Where the peer
// does less, its timed step is given the rest, and the output says what; the
// validation it lacks is said too. Every input is decoded by both sides first,
// and any disagreement fails the run. Run alone with
// `node --import tsx bench/decode.ts`, or via bench/run.ts.
import { SocketAddress } from 'node:net';
import { pathToFileURL } from 'node:url';
import {
  IPv4ProxyAddress,
  IPv6ProxyAddress,
  V1ProxyProtocol,
  V2ProxyProtocol,
} from 'proxy-protocol-js';
import type { Endpoint } from '../harness/net/endpoint.ts';
import { formatIPv4, formatIPv6 } from '../harness/net/ip.ts';
import {
  decodeProxyHeader,
  encodeV1,
  encodeV2,
  tlv,
  type RawTlv,
  type Tlv,
} from '../harness/proxy-protocol/index.ts';
import { isEndpoint } from '../harness/proxy-protocol/types.ts';

const INPUTS = 1000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 400);

/** Deterministic, so every run times the same inputs. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What both sides must produce from a header's bytes. */
interface Decoded {
  source: string;
  sport: number;
  destination: string;
  dport: number;
}

interface Sample {
  bytes: Buffer;
  expected: Decoded;
  /** For headers with TLVs: each TLV's name and the values it must decode to. */
  tlvs?: string;
}

/** Node's own text of an address's bytes: the independent expectation. */
function nodeText(b: Buffer): string {
  if (b.length === 4) return [...b].join('.');
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
  return new SocketAddress({ address: groups.join(':'), family: 'ipv6' }).address;
}

const destination = (v6: boolean): Endpoint => ({
  address: v6 ? '2001:db8:ffff::10' : '203.0.113.10',
  port: 3306,
});

function makeInputs(
  seed: number,
  build: (v6: boolean, source: Endpoint, i: number) => Buffer,
  tlvs?: (i: number) => string,
): Sample[] {
  const rand = prng(seed);
  const byte = () => Math.floor(rand() * 256);
  const port = () => 1 + Math.floor(rand() * 65535);
  const samples: Sample[] = [];
  for (let i = 0; i < INPUTS; i++) {
    const v6 = i % 2 === 1;
    let sourceBytes: Buffer;
    if (v6) {
      // 2001:db8::/32 with some zero groups, so "::" compression varies.
      sourceBytes = Buffer.from([0x20, 0x01, 0x0d, 0xb8, ...Array.from({ length: 12 }, byte)]);
      for (let g = 2; g < 8; g++) if (rand() < 0.3) sourceBytes.writeUInt16BE(0, g * 2);
    } else {
      sourceBytes = Buffer.from([1 + Math.floor(rand() * 223), byte(), byte(), byte()]);
    }
    const source = { address: nodeText(sourceBytes), port: port() };
    const dst = destination(v6);
    samples.push({
      bytes: build(v6, source, i),
      expected: {
        source: source.address,
        sport: source.port,
        destination: dst.address,
        dport: dst.port,
      },
      ...(tlvs ? { tlvs: tlvs(i) } : {}),
    });
  }
  return samples;
}

const v1Inputs = () =>
  makeInputs(1, (v6, source) =>
    encodeV1({ family: v6 ? 'INET6' : 'INET', source, destination: destination(v6) }),
  );

const v2Inputs = (
  seed: number,
  tlvs: (i: number) => RawTlv[],
  crc32c: boolean,
  expected?: (i: number) => string,
) =>
  makeInputs(
    seed,
    (v6, source, i) =>
      encodeV2({
        command: 'PROXY',
        family: v6 ? 'INET6' : 'INET',
        protocol: 'STREAM',
        source,
        destination: destination(v6),
        tlvs: tlvs(i),
        crc32c,
      }),
    expected,
  );

// What an AWS NLB or HAProxy with TLS offload sends, with what each must decode to.
const alpn = (i: number) => (i % 3 === 0 ? 'h2' : 'mysql');
const authority = (i: number) => `db-${i}.example.internal`;
const uniqueId = (i: number) => `conn-${i.toString(16).padStart(12, '0')}`;
const cn = (i: number) => `client-${i}`;
const vpce = (i: number) => `vpce-${(0x1000000 + i).toString(16)}`;
const cloudTlvs = (i: number): RawTlv[] => [
  tlv.alpn(alpn(i)),
  tlv.authority(authority(i)),
  tlv.uniqueId(uniqueId(i)),
  tlv.ssl({
    client: 0x07,
    verify: 0,
    subTlvs: [tlv.sslSub(0x21, 'TLSv1.3'), tlv.sslSub(0x22, cn(i))],
  }),
  tlv.awsVpcEndpoint(vpce(i)),
];
const cloudTlvsExpected = (i: number) =>
  JSON.stringify([
    ['ALPN', alpn(i)],
    ['AUTHORITY', authority(i)],
    ['UNIQUE_ID', uniqueId(i)],
    [
      'SSL',
      7,
      0,
      true,
      true,
      true,
      [
        ['SSL_VERSION', 'TLSv1.3'],
        ['SSL_CN', cn(i)],
      ],
    ],
    ['AWS', 1, vpce(i)],
    ['CRC32C', true],
  ]);

/** The decoded TLVs in the shape of cloudTlvsExpected, from the public types only. */
function tlvSummary(tlvs: readonly Tlv[]): string {
  const pair = (t: Tlv) => [t.name, t.value];
  return JSON.stringify(
    tlvs.map((t) => {
      const v = t.value;
      if (typeof v === 'string') return pair(t);
      if ('subTlvs' in v)
        return [
          t.name,
          v.client,
          v.verify,
          v.clientSsl,
          v.clientCertConn,
          v.clientCertSess,
          v.subTlvs.map(pair),
        ];
      if ('vpcEndpointId' in v) return [t.name, v.subtype, v.vpcEndpointId];
      if ('verified' in v) return [t.name, v.verified];
      return pair(t);
    }),
  );
}

// The contenders' decode steps, each filling `out` (reused: no allocation of the
// bench's own in the timed loops). The same steps are cross-checked and timed.

function proxyproof(b: Buffer, out: Decoded): void {
  const r = decodeProxyHeader(b);
  if (r.kind !== 'header') throw new Error(`proxyproof: ${JSON.stringify(r)}`);
  const { source, destination } = r.header;
  if (!isEndpoint(source) || !isEndpoint(destination)) throw new Error('proxyproof: no endpoints');
  out.source = source.address;
  out.sport = source.port;
  out.destination = destination.address;
  out.dport = destination.port;
}

/** The peer parses v1 from a string only: the step added is bytes to latin1 text. */
function peerV1(b: Buffer, out: Decoded): void {
  const p = V1ProxyProtocol.parse(b.toString('latin1'));
  out.source = p.source.ipAddress;
  out.sport = p.source.port;
  out.destination = p.destination.ipAddress;
  out.dport = p.destination.port;
}

const ADDRESS = new Uint8Array(16);
/** Node's text of the peer's address bytes (a number array), by the printer proxyproof uses. */
function text4(a: readonly number[]): string {
  ADDRESS.set(a);
  return formatIPv4(ADDRESS, 0);
}
function text6(a: readonly number[]): string {
  ADDRESS.set(a);
  return formatIPv6(ADDRESS, 0);
}

/** The peer gives v2 addresses as byte arrays: the step added is printing them as Node does. */
function peerV2(b: Buffer, out: Decoded): void {
  const a = V2ProxyProtocol.parse(b).proxyAddress;
  if (a instanceof IPv4ProxyAddress) {
    out.source = text4(a.sourceAddress.address);
    out.destination = text4(a.destinationAddress.address);
  } else if (a instanceof IPv6ProxyAddress) {
    out.source = text6(a.sourceAddress.address);
    out.destination = text6(a.destinationAddress.address);
  } else {
    throw new Error(`proxy-protocol-js: address block ${a.constructor.name}`);
  }
  out.sport = a.sourcePort;
  out.dport = a.destinationPort;
}

// One loop per contender, so no call site is shared between libraries. Each
// returns a checksum of what it decoded, which rate() compares with the
// expected one: every timed call must have succeeded.
const weigh = (d: Decoded) => d.sport + d.dport + d.source.length + d.destination.length;

function loopProxyproof(inputs: Buffer[], passes: number): number {
  const out = blank();
  let sum = 0;
  for (let p = 0; p < passes; p++) {
    for (let i = 0; i < inputs.length; i++) {
      proxyproof(inputs[i]!, out);
      sum += weigh(out);
    }
  }
  return sum;
}

function loopPeerV1(inputs: Buffer[], passes: number): number {
  const out = blank();
  let sum = 0;
  for (let p = 0; p < passes; p++) {
    for (let i = 0; i < inputs.length; i++) {
      peerV1(inputs[i]!, out);
      sum += weigh(out);
    }
  }
  return sum;
}

function loopPeerV2(inputs: Buffer[], passes: number): number {
  const out = blank();
  let sum = 0;
  for (let p = 0; p < passes; p++) {
    for (let i = 0; i < inputs.length; i++) {
      peerV2(inputs[i]!, out);
      sum += weigh(out);
    }
  }
  return sum;
}

const blank = (): Decoded => ({ source: '', sport: 0, destination: '', dport: 0 });

/** Fails loudly unless `decode` gives every sample exactly its expected strings and ports. */
function check(name: string, samples: Sample[], decode: (b: Buffer, out: Decoded) => void): void {
  const out = blank();
  for (const [i, s] of samples.entries()) {
    try {
      decode(s.bytes, out);
    } catch (e) {
      throw new Error(`${name} failed on input ${i} (${s.bytes.toString('hex')}): ${String(e)}`);
    }
    if (JSON.stringify(out) !== JSON.stringify(s.expected)) {
      throw new Error(
        `DISAGREEMENT: ${name} decoded input ${i} to ${JSON.stringify(out)}, expected ${JSON.stringify(s.expected)}`,
      );
    }
  }
}

/** proxyproof's whole result: the header's length, and its TLVs where the sample has them. */
function checkProxyproof(samples: Sample[]): void {
  check('proxyproof', samples, proxyproof);
  for (const [i, s] of samples.entries()) {
    const r = decodeProxyHeader(s.bytes);
    if (r.kind !== 'header' || r.header.length !== s.bytes.length)
      throw new Error(`proxyproof: input ${i} is not one whole header`);
    const tlvs = tlvSummary(r.header.tlvs);
    if (s.tlvs !== undefined && tlvs !== s.tlvs)
      throw new Error(`proxyproof: input ${i} has TLVs ${tlvs}, expected ${s.tlvs}`);
  }
}

interface Contender {
  name: string;
  run: (passes: number) => number;
  /** The checksum of one pass. */
  expected: number;
}

function rate(c: Contender, passes: number, count: number): number {
  const start = process.hrtime.bigint();
  const sum = c.run(passes);
  const ns = Number(process.hrtime.bigint() - start);
  if (sum !== c.expected * passes) throw new Error(`${c.name}: checksum ${sum}, bad decode`);
  return (passes * count) / (ns / 1e9);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

/** Warms each contender up, then alternates them for ROUNDS rounds; median headers/s. */
function race(contenders: Contender[], count: number): number[] {
  const passes = contenders.map((c) => {
    // Warm up (and let the JIT settle) for about one round, then size a round.
    const warmEnd = Date.now() + ROUND_MS;
    while (Date.now() < warmEnd) rate(c, 1, count);
    const perPass = count / rate(c, 10, count); // seconds per pass over the inputs
    return Math.max(1, Math.round(ROUND_MS / 1000 / perPass));
  });
  const rates = contenders.map((): number[] => []);
  for (let round = 0; round < ROUNDS; round++) {
    const order = contenders.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) rates[i]!.push(rate(contenders[i]!, passes[i]!, count));
  }
  return rates.map(median);
}

/** headers/s of each side on equal work, and their ratio. */
export interface Comparison {
  proxyproof: number;
  peer: number;
  ratio: number;
}

export interface DecodeResults {
  v1: Comparison;
  v2: Comparison;
  /** proxyproof alone (the peer reads no TLVs) on v2 headers with TLVs and a CRC32C. */
  v2Tlvs: number;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(12);
const line = (name: string, hps: number, vs?: number) =>
  console.log(
    `  ${name.padEnd(36)}${fmt(hps)} headers/s${vs === undefined ? '' : `   proxyproof/peer ${vs.toFixed(2)}x`}`,
  );

const expectedSum = (xs: Sample[]) => xs.reduce((n, s) => n + weigh(s.expected), 0);

function compare(
  title: string,
  samples: Sample[],
  peerName: string,
  peerLoop: (inputs: Buffer[], passes: number) => number,
  notes: string[],
): Comparison {
  const inputs = samples.map((s) => s.bytes);
  const expected = expectedSum(samples);
  console.log(`\n${title} (median of ${ROUNDS})`);
  const [pp, peer] = race(
    [
      { name: 'proxyproof', run: (n) => loopProxyproof(inputs, n), expected },
      { name: peerName, run: (n) => peerLoop(inputs, n), expected },
    ],
    INPUTS,
  ) as [number, number];
  line('proxyproof decodeProxyHeader', pp);
  line(peerName, peer, pp / peer);
  for (const note of notes) console.log(`    ${note}`);
  return { proxyproof: pp, peer, ratio: pp / peer };
}

const LISTENER =
  "proxyproof reuses the text of a destination whose bytes match the last header's (a proxy's" +
  '\n      listener); here, as from one proxy, the destination is the same per family';

export function runDecodeBench(): DecodeResults {
  const v1 = v1Inputs();
  const v2 = v2Inputs(2, () => [], false);
  const v2Tlvs = v2Inputs(3, cloudTlvs, true, cloudTlvsExpected);

  checkProxyproof(v1);
  checkProxyproof(v2);
  checkProxyproof(v2Tlvs);
  check('proxy-protocol-js V1ProxyProtocol', v1, peerV1);
  check('proxy-protocol-js V2ProxyProtocol', v2, peerV2);

  const bytesOut = 'both: a Buffer in, address strings (as Node prints them) and ports out';
  const v1Result = compare(
    `v1: ${INPUTS} distinct TCP4/TCP6 headers; ${bytesOut}`,
    v1,
    'proxy-protocol-js V1ProxyProtocol',
    loopPeerV1,
    [
      "added to the peer's timed step: Buffer to latin1 string (it parses strings only; its",
      '  V1BinaryProxyProtocol takes bytes but is slower still)',
      'the peer does not check: address syntax, ports 0-65535 without leading zeros, the',
      '  107-byte limit, the address family against TCP4/TCP6; it keeps IPv6 as sent, where',
      '  proxyproof prints it canonically (the inputs here are canonical, so both agree)',
      LISTENER,
    ],
  );
  const v2Result = compare(
    `v2: ${INPUTS} distinct PROXY INET/INET6 STREAM headers, no TLVs; ${bytesOut}`,
    v2,
    'proxy-protocol-js V2ProxyProtocol',
    loopPeerV2,
    [
      "added to the peer's timed step: its address byte arrays printed as Node does",
      "  (harness/net/ip.ts's formatIPv4/formatIPv6, the printer proxyproof uses)",
      'the peer does not check: that the input holds the declared length (it finds no',
      "  header end), the family/protocol byte's defined pairs, the TLVs (left as bytes)",
      LISTENER,
    ],
  );

  const v2TlvBytes = v2Tlvs.map((s) => s.bytes);
  const avg = v2TlvBytes.reduce((n, b) => n + b.length, 0) / INPUTS;
  console.log(
    `\nv2 + TLVs: ${INPUTS} headers with ALPN, AUTHORITY, UNIQUE_ID, SSL (2 sub-TLVs), AWS VPCE, CRC32C` +
      ` (avg ${avg.toFixed(0)} bytes), every TLV decoded, CRC32C verified; proxyproof only (median of ${ROUNDS})`,
  );
  const [tlvRate] = race(
    [
      {
        name: 'proxyproof',
        run: (n) => loopProxyproof(v2TlvBytes, n),
        expected: expectedSum(v2Tlvs),
      },
    ],
    INPUTS,
  ) as [number];
  line('proxyproof decodeProxyHeader', tlvRate);

  return { v1: v1Result, v2: v2Result, v2Tlvs: tlvRate };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) runDecodeBench();
