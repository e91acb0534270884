// Connections per second through proxyproof/server vs findhit-proxywrap (and a
// plain net.Server without any header, for scale) on the same loopback
// workload: each connection sends a v1 header with its own client address and a
// 4-byte payload; the server replies with the client address it was given and
// closes. Every reply is checked. The clients run in a worker thread, so the
// server under test has the main thread to itself. Run alone with
// `node --import tsx bench/proxy-server.ts`, or via bench/run.ts.
import * as net from 'node:net';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { createProxyServer } from '../harness/server/index.ts';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
// Many short rounds, alternating: loopback TCP is noisy, and a round's order matters.
const ROUNDS = Number(process.env.BENCH_SERVER_ROUNDS ?? 11);

/** findhit-proxywrap's surface, as much as is used here (it ships no types). */
interface Proxywrap {
  proxy(
    iface: typeof net,
    options: { strict: boolean },
  ): { createServer(listener: (socket: net.Socket) => void): net.Server };
}

/** The same application on every server: reply with the client address, once the payload is in. */
function reply(socket: net.Socket, client: () => string | undefined): void {
  socket.once('data', () => socket.end(`${client() ?? '?'}\n`));
  socket.on('error', () => socket.destroy());
}

interface Contender {
  name: string;
  /** Whether clients send a PROXY header (all but the baseline). */
  header: boolean;
  server: net.Server;
}

function contenders(): Contender[] {
  const proxywrap = createRequire(import.meta.url)('findhit-proxywrap') as Proxywrap;
  const findhit = proxywrap
    .proxy(net, { strict: true })
    .createServer((socket) => reply(socket, () => socket.remoteAddress));
  const proxyproof = createProxyServer({ trusted: ['127.0.0.1/32'] }, (socket, proxied) =>
    reply(socket, () => proxied.source.address),
  );
  proxyproof.on('proxyError', (error) => {
    throw error;
  });
  const plain = net.createServer((socket) =>
    reply(socket, () => socket.remoteAddress?.replace(/^::ffff:/, '')),
  );
  return [
    { name: 'plain net.Server (no header, for scale)', header: false, server: plain },
    { name: 'findhit-proxywrap 0.3.13 (strict)', header: true, server: findhit },
    { name: 'proxyproof createProxyServer', header: true, server: proxyproof },
  ];
}

// The load generator, plain JavaScript for the worker thread: `count`
// connections, `concurrency` at a time; connection i claims client
// 10.(i>>16).(i>>8).(i&255) and must be told exactly that back.
const CLIENT = `
const { parentPort } = require('node:worker_threads');
const { connect } = require('node:net');
function one(port, i, header) {
  const client = '10.' + ((i >> 16) & 255) + '.' + ((i >> 8) & 255) + '.' + (i & 255);
  const first = header ? 'PROXY TCP4 ' + client + ' 127.0.0.1 ' + (1024 + (i % 60000)) + ' ' + port + '\\r\\nping' : 'ping';
  const expected = (header ? client : '127.0.0.1') + '\\n';
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(first));
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (d) => (text += d));
    socket.on('error', reject);
    socket.on('close', () =>
      text === expected ? resolve() : reject(new Error('connection ' + i + ': expected ' + JSON.stringify(expected) + ', got ' + JSON.stringify(text))),
    );
  });
}
parentPort.on('message', async ({ port, count, concurrency, header }) => {
  try {
    let next = 0;
    const start = process.hrtime.bigint();
    const lane = async () => { while (next < count) await one(port, next++, header); };
    await Promise.all(Array.from({ length: concurrency }, lane));
    parentPort.postMessage({ ns: Number(process.hrtime.bigint() - start) });
  } catch (e) {
    parentPort.postMessage({ error: String(e && e.stack || e) });
  }
});
`;

interface Round {
  /** connections/s, as the clients saw them */
  rate: number;
  /** microseconds the server's event loop was busy per connection (JS, and the syscalls it makes) */
  busyUs: number;
}

function drive(worker: Worker, port: number, count: number, header: boolean): Promise<Round> {
  const before = performance.eventLoopUtilization();
  return new Promise((resolve, reject) => {
    worker.once('message', (m: { ns?: number; error?: string }) => {
      const { active } = performance.eventLoopUtilization(before);
      if (m.error !== undefined) reject(new Error(m.error));
      else resolve({ rate: count / (m.ns! / 1e9), busyUs: (active * 1000) / count });
    });
    worker.postMessage({ port, count, concurrency: CONCURRENCY, header });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export interface ProxyServerResults {
  /** connections/s */
  plain: number;
  findhit: number;
  proxyproof: number;
  /** proxyproof / findhit-proxywrap, connections/s */
  ratio: number;
  /** The server's event loop busy per connection, microseconds. */
  busyUs: { plain: number; findhit: number; proxyproof: number };
}

export async function runProxyServerBench(): Promise<ProxyServerResults> {
  const all = contenders();
  const ports = new Map<Contender, number>();
  for (const c of all) {
    await new Promise<void>((resolve) => c.server.listen(0, '127.0.0.1', resolve));
    ports.set(c, (c.server.address() as net.AddressInfo).port);
  }
  const worker = new Worker(CLIENT, { eval: true });
  try {
    console.log(
      `\nproxy server: ${CONNECTIONS} connections per round over loopback, ${CONCURRENCY} at a time,` +
        ` v1 header + payload, reply checked (median of ${ROUNDS})`,
    );
    // Warm up each server (and the JIT) with a fifth of a round.
    for (const c of all) await drive(worker, ports.get(c)!, Math.ceil(CONNECTIONS / 5), c.header);
    const rounds = new Map<Contender, Round[]>(all.map((c) => [c, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? all : [...all].reverse();
      for (const c of order) {
        rounds.get(c)!.push(await drive(worker, ports.get(c)!, CONNECTIONS, c.header));
      }
    }
    const [plain, findhit, proxyproof] = all.map((c) => ({
      rate: median(rounds.get(c)!.map((r) => r.rate)),
      busyUs: median(rounds.get(c)!.map((r) => r.busyUs)),
    })) as [Round, Round, Round];
    const fmt = (r: Round) =>
      `${Math.round(r.rate).toLocaleString('en-US').padStart(10)} connections/s` +
      `   server busy ${r.busyUs.toFixed(1).padStart(5)} us/connection`;
    console.log(`  ${all[0]!.name.padEnd(42)}${fmt(plain)}`);
    console.log(`  ${all[1]!.name.padEnd(42)}${fmt(findhit)}`);
    console.log(
      `  ${all[2]!.name.padEnd(42)}${fmt(proxyproof)}   proxyproof/findhit ${(proxyproof.rate / findhit.rate).toFixed(2)}x`,
    );
    return {
      plain: plain.rate,
      findhit: findhit.rate,
      proxyproof: proxyproof.rate,
      ratio: proxyproof.rate / findhit.rate,
      busyUs: { plain: plain.busyUs, findhit: findhit.busyUs, proxyproof: proxyproof.busyUs },
    };
  } finally {
    await worker.terminate();
    await Promise.all(all.map((c) => new Promise((resolve) => c.server.close(resolve))));
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runProxyServerBench();
}
