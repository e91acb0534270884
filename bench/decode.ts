// Decode throughput of proxyproof vs proxy-protocol-js on the same v1 and v2
// inputs. Run alone with `node --import tsx bench/decode.ts`, or via bench/run.ts.
import { SocketAddress } from 'node:net';
import { pathToFileURL } from 'node:url';
import {
  INETProtocol,
  IPv4ProxyAddress,
  IPv6ProxyAddress,
  V1BinaryProxyProtocol,
  V1ProxyProtocol,
  V2ProxyProtocol,
} from 'proxy-protocol-js';
import { sameAddress, type Endpoint } from '../harness/net/endpoint.ts';
import { formatIPv4, formatIPv6 } from '../harness/net/ip.ts';
import {
  decodeProxyHeader,
  encodeV1,
  encodeV2,
  tlv,
  type RawTlv,
} from '../harness/proxy-protocol/index.ts';

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

interface Sample {
  bytes: Buffer;
  /** The same bytes as latin1 text, for the peer's string parser. */
  text: string;
  v6: boolean;
  source: Endpoint;
}

function makeInputs(seed: number, build: (s: Omit<Sample, 'bytes' | 'text'>) => Buffer): Sample[] {
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
    const source = { address: addressText(sourceBytes), port: port() };
    const bytes = build({ v6, source });
    samples.push({ bytes, text: bytes.toString('latin1'), v6, source });
  }
  return samples;
}

function addressText(b: Buffer): string {
  if (b.length === 4) return [...b].join('.');
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
  return new SocketAddress({ address: groups.join(':'), family: 'ipv6' }).address;
}

const destination = (v6: boolean): Endpoint => ({
  address: v6 ? '2001:db8:ffff::10' : '203.0.113.10',
  port: 3306,
});

const v1Inputs = () =>
  makeInputs(1, ({ v6, source }) =>
    encodeV1({ family: v6 ? 'INET6' : 'INET', source, destination: destination(v6) }),
  );

const v2Inputs = (tlvs: (i: number) => RawTlv[], crc32c: boolean, seed: number) => {
  let i = 0;
  return makeInputs(seed, ({ v6, source }) =>
    encodeV2({
      command: 'PROXY',
      family: v6 ? 'INET6' : 'INET',
      protocol: 'STREAM',
      source,
      destination: destination(v6),
      tlvs: tlvs(i++),
      crc32c,
    }),
  );
};

// What an AWS NLB or HAProxy with TLS offload sends; proxyproof only, since the
// peer keeps TLVs as opaque bytes and checks no CRC.
const cloudTlvs = (i: number): RawTlv[] => [
  tlv.alpn(i % 3 === 0 ? 'h2' : 'mysql'),
  tlv.authority(`db-${i}.example.internal`),
  tlv.uniqueId(`conn-${i.toString(16).padStart(12, '0')}`),
  tlv.ssl({
    client: 0x07,
    verify: 0,
    subTlvs: [tlv.sslSub(0x21, 'TLSv1.3'), tlv.sslSub(0x22, `client-${i}`)],
  }),
  tlv.awsVpcEndpoint(`vpce-${(0x1000000 + i).toString(16)}`),
];

// One loop per contender, so no call site is shared between libraries. Each
// returns a checksum of what it decoded, which the caller compares against the
// expected value: every timed call must have succeeded, not thrown or bailed.
function loopProxyproof(inputs: Buffer[], passes: number): number {
  let sum = 0;
  for (let p = 0; p < passes; p++) {
    for (let i = 0; i < inputs.length; i++) {
      const r = decodeProxyHeader(inputs[i]!);
      if (r.kind === 'header') sum += (r.header.source as Endpoint).port;
    }
  }
  return sum;
}

function loopPeerV1Bytes(inputs: Buffer[], passes: number): number {
  let sum = 0;
  for (let p = 0; p < passes; p++) {
    for (let i = 0; i < inputs.length; i++)
      sum += V1BinaryProxyProtocol.parse(inputs[i]!).source.port;
  }
  return sum;
}

function loopPeerV1Wire(inputs: Buffer[], passes: number): number {
  let sum = 0;
  for (let p = 0; p < passes; p++) {
    for (let i = 0; i < inputs.length; i++) {
      sum += V1ProxyProtocol.parse(inputs[i]!.toString('latin1')).source.port;
    }
  }
  return sum;
}

function loopPeerV1Text(inputs: string[], passes: number): number {
  let sum = 0;
  for (let p = 0; p < passes; p++) {
    for (let i = 0; i < inputs.length; i++) sum += V1ProxyProtocol.parse(inputs[i]!).source.port;
  }
  return sum;
}

function loopPeerV2(inputs: Buffer[], passes: number): number {
  let sum = 0;
  for (let p = 0; p < passes; p++) {
    for (let i = 0; i < inputs.length; i++) {
      const a = V2ProxyProtocol.parse(inputs[i]!).proxyAddress;
      sum += (a as IPv4ProxyAddress).sourcePort;
    }
  }
  return sum;
}

// The floor under any decoder that hands out addresses as text: only making the
// two address strings, with the field offsets found before timing. For v1 the
// cheapest way to get text from bytes (a latin1 slice); for v2 the table-driven
// printer proxyproof uses.
// Buffer's undocumented latin1Slice skips toString's argument handling: ~25% faster.
type Latin1 = Buffer & { latin1Slice(start: number, end: number): string };

function loopV1AddressText(fields: [Latin1, number, number, number, number][], passes: number) {
  let sum = 0;
  for (let p = 0; p < passes; p++) {
    for (let i = 0; i < fields.length; i++) {
      const [b, s0, s1, d0, d1] = fields[i]!;
      sum += b.latin1Slice(s0, s1).length + b.latin1Slice(d0, d1).length;
    }
  }
  return sum;
}

function loopV2AddressText(inputs: Buffer[], passes: number): number {
  let sum = 0;
  for (let p = 0; p < passes; p++) {
    for (let i = 0; i < inputs.length; i++) {
      const b = inputs[i]!;
      sum +=
        b[13] === 0x11
          ? formatIPv4(b, 16).length + formatIPv4(b, 20).length
          : formatIPv6(b, 16).length + formatIPv6(b, 32).length;
    }
  }
  return sum;
}

/** Offsets of the source and destination address text in a v1 line. */
function v1AddressFields(b: Buffer): [Latin1, number, number, number, number] {
  const s0 = 11;
  const s1 = b.indexOf(0x20, s0);
  const d1 = b.indexOf(0x20, s1 + 1);
  return [b as Latin1, s0, s1, s1 + 1, d1];
}

const textLength = (h: { source: unknown; destination: unknown }) =>
  (h.source as Endpoint).address.length + (h.destination as Endpoint).address.length;
const expectedTextLength = (xs: Buffer[]) =>
  xs.reduce((n, b) => {
    const r = decodeProxyHeader(b);
    if (r.kind !== 'header') throw new Error('not a header');
    return n + textLength(r.header);
  }, 0);

interface Contender {
  name: string;
  run: (passes: number) => number;
  /** The checksum of one pass. */
  expected: number;
}

/** Fails loudly unless `name` decodes every sample to the source it was built with. */
function check(name: string, samples: Sample[], decoded: (s: Sample) => Endpoint): void {
  for (const [i, s] of samples.entries()) {
    let got: Endpoint;
    try {
      got = decoded(s);
    } catch (e) {
      throw new Error(`${name} failed on input ${i} (${s.bytes.toString('hex')}): ${String(e)}`);
    }
    if (got.port !== s.source.port || !sameAddress(got.address, s.source.address)) {
      throw new Error(
        `${name} decoded input ${i} to ${JSON.stringify(got)}, expected ${JSON.stringify(s.source)}`,
      );
    }
  }
}

function checkProxyproof(samples: Sample[]): void {
  check('proxyproof', samples, (s) => {
    const r = decodeProxyHeader(s.bytes);
    if (r.kind !== 'header') throw new Error(JSON.stringify(r));
    if (r.header.length !== s.bytes.length) throw new Error(`length ${r.header.length}`);
    return r.header.source as Endpoint;
  });
}

function peerV2Source(s: Sample): Endpoint {
  const p = V2ProxyProtocol.parse(s.bytes);
  const a = p.proxyAddress;
  const want = s.v6 ? IPv6ProxyAddress : IPv4ProxyAddress;
  if (!(a instanceof want)) throw new Error(`address block ${a.constructor.name}`);
  if (p.data?.length !== 0) throw new Error(`${p.data?.length} unparsed byte(s)`);
  return { address: addressText(Buffer.from(a.sourceAddress.address)), port: a.sourcePort };
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
function race(contenders: Contender[], count: number): Map<string, number> {
  const passes = new Map<string, number>();
  for (const c of contenders) {
    // Warm up (and let the JIT settle) for about one round, then size a round.
    const warmEnd = Date.now() + ROUND_MS;
    while (Date.now() < warmEnd) rate(c, 1, count);
    const perPass = count / rate(c, 10, count); // seconds per pass over the inputs
    passes.set(c.name, Math.max(1, Math.round(ROUND_MS / 1000 / perPass)));
  }
  const rates = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? contenders : [...contenders].reverse();
    for (const c of order) rates.get(c.name)!.push(rate(c, passes.get(c.name)!, count));
  }
  return new Map([...rates].map(([name, xs]) => [name, median(xs)]));
}

/** headers/s of each side; `peer` is the peer's fastest path from wire bytes. */
export interface Comparison {
  proxyproof: number;
  peer: number;
  ratio: number;
  /** headers/s of making the two address strings alone: the ceiling for any text-returning decoder. */
  addressTextOnly: number;
}

export interface DecodeResults {
  v1: Comparison;
  v2: Comparison;
  /** proxyproof alone on v2 headers with TLVs. */
  v2Tlvs: number;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(12);
const line = (name: string, hps: number, vs?: number) =>
  console.log(
    `  ${name.padEnd(38)}${fmt(hps)} headers/s${vs === undefined ? '' : `   proxyproof/peer ${vs.toFixed(2)}x`}`,
  );

export function runDecodeBench(): DecodeResults {
  const v1 = v1Inputs();
  const v2 = v2Inputs(() => [], false, 2);
  const v2Tlvs = v2Inputs(cloudTlvs, true, 3);

  checkProxyproof(v1);
  checkProxyproof(v2);
  checkProxyproof(v2Tlvs);
  check('proxy-protocol-js V1BinaryProxyProtocol', v1, (s) => {
    const p = V1BinaryProxyProtocol.parse(s.bytes);
    if (p.inetProtocol !== (s.v6 ? INETProtocol.TCP6 : INETProtocol.TCP4))
      throw new Error(p.inetProtocol);
    return { address: p.source.ipAddress, port: p.source.port };
  });
  check('proxy-protocol-js V1ProxyProtocol', v1, (s) => {
    const p = V1ProxyProtocol.parse(s.text);
    if (p.inetProtocol !== (s.v6 ? INETProtocol.TCP6 : INETProtocol.TCP4))
      throw new Error(p.inetProtocol);
    return { address: p.source.ipAddress, port: p.source.port };
  });
  check('proxy-protocol-js V2ProxyProtocol', v2, peerV2Source);

  const portSum = (xs: Sample[]) => xs.reduce((n, s) => n + s.source.port, 0);
  const bytes = (xs: Sample[]) => xs.map((s) => s.bytes);

  const v1Bytes = bytes(v1);
  const v1Text = v1.map((s) => s.text);
  const v1Fields = v1Bytes.map(v1AddressFields);
  console.log(`\nv1: ${INPUTS} distinct TCP4/TCP6 headers, both libraries (median of ${ROUNDS})`);
  const r1 = race(
    [
      { name: 'pp', run: (n) => loopProxyproof(v1Bytes, n), expected: portSum(v1) },
      { name: 'bytes', run: (n) => loopPeerV1Bytes(v1Bytes, n), expected: portSum(v1) },
      { name: 'wire', run: (n) => loopPeerV1Wire(v1Bytes, n), expected: portSum(v1) },
      { name: 'text', run: (n) => loopPeerV1Text(v1Text, n), expected: portSum(v1) },
      {
        name: 'floor',
        run: (n) => loopV1AddressText(v1Fields, n),
        expected: expectedTextLength(v1Bytes),
      },
    ],
    INPUTS,
  );
  const pp1 = r1.get('pp')!;
  line('proxyproof decodeProxyHeader', pp1);
  line('proxy-protocol-js V1BinaryProxyProtocol', r1.get('bytes')!, pp1 / r1.get('bytes')!);
  line('proxy-protocol-js V1ProxyProtocol', r1.get('wire')!, pp1 / r1.get('wire')!);
  // Not achievable on a socket (which yields bytes), so informational only.
  line('  same, string decoded before timing', r1.get('text')!, pp1 / r1.get('text')!);
  line('  address strings alone (no parsing)', r1.get('floor')!);
  const peer1 = Math.max(r1.get('bytes')!, r1.get('wire')!);
  const v1Result = {
    proxyproof: pp1,
    peer: peer1,
    ratio: pp1 / peer1,
    addressTextOnly: r1.get('floor')!,
  };

  const v2Bytes = bytes(v2);
  console.log(
    `\nv2: ${INPUTS} distinct PROXY INET/INET6 STREAM headers, no TLVs, both libraries (median of ${ROUNDS})`,
  );
  const r2 = race(
    [
      { name: 'pp', run: (n) => loopProxyproof(v2Bytes, n), expected: portSum(v2) },
      { name: 'peer', run: (n) => loopPeerV2(v2Bytes, n), expected: portSum(v2) },
      {
        name: 'floor',
        run: (n) => loopV2AddressText(v2Bytes, n),
        expected: expectedTextLength(v2Bytes),
      },
    ],
    INPUTS,
  );
  const [pp2, peer2] = [r2.get('pp')!, r2.get('peer')!];
  line('proxyproof decodeProxyHeader', pp2);
  line('proxy-protocol-js V2ProxyProtocol', peer2, pp2 / peer2);
  line('  address strings alone (no parsing)', r2.get('floor')!);
  const v2Result = {
    proxyproof: pp2,
    peer: peer2,
    ratio: pp2 / peer2,
    addressTextOnly: r2.get('floor')!,
  };

  const v2TlvBytes = bytes(v2Tlvs);
  const avg = v2TlvBytes.reduce((n, b) => n + b.length, 0) / INPUTS;
  console.log(
    `\nv2 + TLVs: ${INPUTS} headers with ALPN, AUTHORITY, UNIQUE_ID, SSL, AWS, CRC32C (avg ${avg.toFixed(0)} bytes), proxyproof only`,
  );
  const r3 = race(
    [{ name: 'pp', run: (n) => loopProxyproof(v2TlvBytes, n), expected: portSum(v2Tlvs) }],
    INPUTS,
  );
  line('proxyproof decodeProxyHeader', r3.get('pp')!);

  return { v1: v1Result, v2: v2Result, v2Tlvs: r3.get('pp')! };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) runDecodeBench();
