import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import type { Endpoint } from '../../harness/net/endpoint.ts';
import { encodeV1, encodeV2, tlv } from '../../harness/proxy-protocol/index.ts';
import { V2_SIGNATURE } from '../../harness/proxy-protocol/v2.ts';
import {
  createProxyServer,
  proxiedOf,
  type ProxiedConnection,
  type ProxyRefusal,
  type ProxyServer,
  type ProxyServerOptions,
} from '../../harness/server/index.ts';
import { TrustList } from '../../harness/server/trust.ts';
import { within } from '../support/within.ts';

// proxyproof/server on real sockets (127.0.0.1 and ::1): which connections are
// served and with which client, which are refused and why, and that the bytes
// after the header reach the application untouched, however they were split.

type Outcome =
  | { kind: 'served'; proxied: ProxiedConnection; received: Buffer }
  | { kind: 'refused'; error: ProxyRefusal; peer: Endpoint };

interface Started {
  server: ProxyServer;
  host: string;
  port: number;
  /** The next connection's outcome, in order: served (with what the application read until the client's end) or refused. */
  next(): Promise<Outcome>;
}

const ROOT = new URL('../..', import.meta.url).pathname;
const servers: ProxyServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map(closeServer));
});

function closeServer(server: ProxyServer): Promise<void> {
  return new Promise((resolve) => {
    if (server.listening) server.close(() => resolve());
    else resolve();
  });
}

/** The default application: reads everything until the client's end, then closes. */
const readAll: (socket: Socket) => Promise<Buffer> = (socket) =>
  new Promise((resolve) => {
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => {
      socket.end();
      resolve(Buffer.concat(chunks));
    });
  });

async function start(
  options: ProxyServerOptions,
  host = '127.0.0.1',
  app: (socket: Socket, proxied: ProxiedConnection) => Promise<Buffer> = readAll,
): Promise<Started> {
  const ready: Outcome[] = [];
  const waiting: ((o: Outcome) => void)[] = [];
  const push = (o: Outcome) => {
    const w = waiting.shift();
    if (w) w(o);
    else ready.push(o);
  };
  const server = createProxyServer(options, (socket, proxied) => {
    void app(socket, proxied).then((received) => push({ kind: 'served', proxied, received }));
  });
  server.on('proxyError', (error, peer) => push({ kind: 'refused', error, peer }));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const next = () => {
    const o = ready.shift();
    return within(
      5000,
      'the next outcome',
      o ? Promise.resolve(o) : new Promise(waiting.push.bind(waiting)),
    );
  };
  return { server, host, port, next };
}

/** A connected client; `closed` resolves with everything the server sent. */
async function open(
  s: Started,
  from?: string,
): Promise<{ socket: Socket; closed: Promise<Buffer> }> {
  const socket = connect({ port: s.port, host: s.host, ...(from ? { localAddress: from } : {}) });
  socket.setNoDelay(true);
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.on('error', () => {}); // a refused connection may be reset
  const closed = new Promise<Buffer>((resolve) =>
    socket.on('close', () => resolve(Buffer.concat(chunks))),
  );
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  return { socket, closed };
}

/** Writes `chunks` one by one (`gapMs` apart, so each is its own segment), then ends. */
async function send(s: Started, chunks: (Buffer | string)[], gapMs = 0): Promise<Buffer> {
  const { socket, closed } = await open(s);
  for (const [i, chunk] of chunks.entries()) {
    if (i > 0 && gapMs > 0) await sleep(gapMs);
    socket.write(chunk);
  }
  socket.end();
  return closed;
}

const bytewise = (...parts: (Buffer | string)[]) =>
  [...Buffer.concat(parts.map((p) => Buffer.from(p)))].map((b) => Buffer.of(b));

const served = (o: Outcome) => {
  if (o.kind !== 'served') throw new Error(`expected served, got refused: ${o.error.message}`);
  return o;
};
const refused = (o: Outcome) => {
  if (o.kind !== 'refused') {
    throw new Error(`expected refused, got served: ${JSON.stringify(o.proxied.source)}`);
  }
  return o.error;
};

const TRUST_LOOPBACK: ProxyServerOptions = { trusted: ['127.0.0.1/32'] };
const TRUST_OTHERS: ProxyServerOptions = { trusted: ['10.0.0.0/8', '::1/128'] };
const client4 = { address: '203.0.113.7', port: 40001 };
const listener4 = { address: '198.51.100.10', port: 3306 };
const client6 = { address: '2001:db8::7', port: 40002 };
const listener6 = { address: '2001:db8:ffff::10', port: 3306 };
const v1tcp4 = encodeV1({ family: 'INET', source: client4, destination: listener4 });
const v1tcp6 = encodeV1({ family: 'INET6', source: client6, destination: listener6 });
const PAYLOAD = 'SELECT 1;\r\n\0\xff after the header';

describe('a trusted peer must begin with a valid PROXY header', () => {
  test('v1 TCP4 and payload in one write: the client per the header, the payload untouched', async () => {
    const s = await start(TRUST_LOOPBACK);
    await send(s, [Buffer.concat([v1tcp4, Buffer.from(PAYLOAD, 'latin1')])]);
    const { proxied, received } = served(await s.next());
    expect(proxied.source).toEqual(client4);
    expect(proxied.destination).toEqual(listener4);
    expect(proxied.sourceFrom).toBe('header');
    expect(proxied.header).toMatchObject({ version: 1, command: 'PROXY', family: 'INET' });
    expect(proxied.peer.address).toBe('127.0.0.1');
    expect(received.toString('latin1')).toBe(PAYLOAD);
  });

  test('the same connection without a header is refused as missing, decided on its first byte', async () => {
    const s = await start({ ...TRUST_LOOPBACK, headerTimeoutMs: 10_000 });
    const { socket, closed } = await open(s);
    socket.write('G'); // and nothing more: the first byte already says "not a header"
    const error = refused(await within(2000, 'a refusal on one byte', s.next()));
    expect(error.reason).toBe('missing');
    expect(error.trusted).toBe(true);
    expect(error.bytesReceived).toBe(1);
    expect(error.message).toMatch(/did not begin with a PROXY header \(first bytes 47 "G"\)/);
    await within(2000, 'the refused socket closing', closed);
  });

  test('v1 TCP6 split byte by byte, payload included: one client, the payload in order', async () => {
    const s = await start(TRUST_LOOPBACK);
    await send(s, bytewise(v1tcp6, PAYLOAD), 1);
    const { proxied, received } = served(await s.next());
    expect(proxied.source).toEqual(client6);
    expect(proxied.destination).toEqual(listener6);
    expect(proxied.header?.family).toBe('INET6');
    expect(received.toString()).toBe(Buffer.from(PAYLOAD).toString());
  });

  test('v1 UNKNOWN: accepted, and the client is the TCP peer (the spec: ignore its addresses)', async () => {
    const s = await start(TRUST_LOOPBACK);
    await send(s, ['PROXY UNKNOWN ffff::1 ffff::2 1 2\r\nhello']);
    const { proxied, received } = served(await s.next());
    expect(proxied.header).toMatchObject({ version: 1, family: 'UNSPEC', source: null });
    expect(proxied.sourceFrom).toBe('peer');
    expect(proxied.source).toEqual(proxied.peer);
    expect(proxied.source.address).toBe('127.0.0.1');
    expect(proxied.destination).toEqual({ address: '127.0.0.1', port: s.port });
    expect(received.toString()).toBe('hello');
  });

  test.each([
    ['a bad port', 'PROXY TCP4 203.0.113.7 198.51.100.10 99999 3306\r\n', 'V1_BAD_PORT'],
    ['LF without CR', 'PROXY TCP4 203.0.113.7 198.51.100.10 1 2\n', 'V1_BAD_TERMINATOR'],
    ['no CRLF within 107 bytes', `PROXY TCP4 ${'1'.repeat(120)}`, 'V1_TOO_LONG'],
  ])('v1 with %s: refused as invalid with the decoder code', async (_, header, code) => {
    const s = await start(TRUST_LOOPBACK);
    await send(s, [header + 'payload']);
    const error = refused(await s.next());
    expect(error.reason).toBe('invalid');
    expect(error.code).toBe(code);
    expect(error.message).toContain(`[${code}]`);
  });

  test('v2 PROXY INET with TLVs and a CRC32C, in one write with the payload', async () => {
    const s = await start(TRUST_LOOPBACK);
    const header = encodeV2({
      command: 'PROXY',
      family: 'INET',
      protocol: 'STREAM',
      source: client4,
      destination: listener4,
      tlvs: [
        tlv.alpn('mysql'),
        tlv.authority('db.example.internal'),
        tlv.awsVpcEndpoint('vpce-0abc'),
      ],
      crc32c: true,
    });
    await send(s, [Buffer.concat([header, Buffer.from(PAYLOAD, 'latin1')])]);
    const { proxied, received } = served(await s.next());
    expect(proxied.source).toEqual(client4);
    expect(proxied.header).toMatchObject({
      version: 2,
      command: 'PROXY',
      family: 'INET',
      length: header.length,
    });
    const tlvs = Object.fromEntries((proxied.header?.tlvs ?? []).map((t) => [t.name, t.value]));
    expect(tlvs).toMatchObject({
      ALPN: 'mysql',
      AUTHORITY: 'db.example.internal',
      AWS: { subtype: 1, vpcEndpointId: 'vpce-0abc' },
      CRC32C: { verified: true },
    });
    expect(received.toString('latin1')).toBe(PAYLOAD);
  });

  test('the same v2 header with one byte changed under its CRC32C: refused as invalid', async () => {
    const s = await start(TRUST_LOOPBACK);
    const header = encodeV2({
      command: 'PROXY',
      family: 'INET',
      protocol: 'STREAM',
      source: client4,
      destination: listener4,
      tlvs: [tlv.authority('db.example.internal')],
      crc32c: true,
    });
    const at = header.indexOf('db.example') + 1;
    header[at] = header[at]! ^ 0x20; // "dB.example": still valid text
    await send(s, [header, PAYLOAD]);
    const error = refused(await s.next());
    expect(error.reason).toBe('invalid');
    expect(error.code).toBe('V2_CRC_MISMATCH');
  });

  test('v2 PROXY INET6 split byte by byte', async () => {
    const s = await start(TRUST_LOOPBACK);
    const header = encodeV2({
      command: 'PROXY',
      family: 'INET6',
      protocol: 'STREAM',
      source: client6,
      destination: listener6,
      tlvs: [tlv.uniqueId('conn-1')],
    });
    await send(s, bytewise(header, 'ping'), 1);
    const { proxied, received } = served(await s.next());
    expect(proxied.source).toEqual(client6);
    expect(proxied.destination).toEqual(listener6);
    expect(received.toString()).toBe('ping');
  });

  test('v2 with a bad version nibble: refused as invalid once the fixed part is in', async () => {
    const s = await start(TRUST_LOOPBACK);
    const header = encodeV2({
      command: 'PROXY',
      family: 'INET',
      protocol: 'STREAM',
      source: client4,
      destination: listener4,
    });
    header[12] = 0x31;
    await send(s, [header]);
    const error = refused(await s.next());
    expect([error.reason, error.code]).toEqual(['invalid', 'V2_BAD_VERSION']);
  });

  test('v2 LOCAL (a health check): served, the client is the peer, the command says LOCAL', async () => {
    const s = await start(TRUST_LOOPBACK);
    await send(s, [encodeV2({ command: 'LOCAL', family: 'UNSPEC', protocol: 'UNSPEC' }), 'HEALTH']);
    const { proxied, received } = served(await s.next());
    expect(proxied.header?.command).toBe('LOCAL');
    expect(proxied.sourceFrom).toBe('peer');
    expect(proxied.source).toEqual(proxied.peer);
    expect(received.toString()).toBe('HEALTH');
  });

  test('payload in many tiny writes after a whole header: all of it, in order', async () => {
    const s = await start(TRUST_LOOPBACK);
    const payload = Array.from({ length: 40 }, (_, i) => `<${i}>`);
    await send(s, [v1tcp4, ...payload], 1);
    const { proxied, received } = served(await s.next());
    expect(proxied.source).toEqual(client4);
    expect(received.toString()).toBe(payload.join(''));
  });

  test('stacked headers: only the first is read; the second reaches the application as bytes', async () => {
    const s = await start(TRUST_LOOPBACK);
    const inner = encodeV1({
      family: 'INET',
      source: { address: '192.0.2.66', port: 1 },
      destination: listener4,
    });
    await send(s, [Buffer.concat([v1tcp4, inner, Buffer.from('x')])]);
    const { proxied, received } = served(await s.next());
    expect(proxied.source).toEqual(client4);
    expect(received).toEqual(Buffer.concat([inner, Buffer.from('x')]));
  });
});

describe('server speaks first: the application gets the socket as soon as the header is in', () => {
  const greet = async (socket: Socket) => {
    socket.write('GREETING\n');
    return readAll(socket);
  };

  test.each([
    ['in one write', [v1tcp4]],
    ['byte by byte', bytewise(v1tcp4)],
  ])('a header %s and nothing after it: greeted, then the reply', async (_, chunks) => {
    const s = await start(TRUST_LOOPBACK, '127.0.0.1', greet);
    const { socket, closed } = await open(s);
    const greeting = new Promise<string>((resolve) =>
      socket.once('data', (d: Buffer) => resolve(d.toString())),
    );
    for (const c of chunks) {
      socket.write(c);
      await sleep(1);
    }
    expect(await within(2000, 'the greeting', greeting)).toBe('GREETING\n');
    socket.end('REPLY');
    const { proxied, received } = served(await s.next());
    expect(proxied.source).toEqual(client4);
    expect(received.toString()).toBe('REPLY');
    await closed;
  });

  test('a header cut short gets no greeting: nothing is handed over before it is complete', async () => {
    const s = await start({ ...TRUST_LOOPBACK, headerTimeoutMs: 400 }, '127.0.0.1', greet);
    const { socket, closed } = await open(s);
    socket.write(v1tcp4.subarray(0, v1tcp4.length - 1)); // all but the LF
    const error = refused(await s.next());
    expect(error.reason).toBe('timeout');
    expect((await closed).toString()).toBe('');
  });
});

describe('untrusted peers: a PROXY signature is refused, anything else is served direct', () => {
  test('a forged v1 header from an untrusted peer is refused, the application never sees it', async () => {
    const s = await start(TRUST_OTHERS);
    let handed = 0;
    s.server.on('proxiedConnection', () => handed++);
    await send(s, [Buffer.concat([v1tcp4, Buffer.from('payload')])]);
    const error = refused(await s.next());
    expect(error.reason).toBe('untrusted');
    expect(error.trusted).toBe(false);
    expect(error.message).toMatch(/began with a PROXY v1 signature but is not in `trusted`/);
    expect(handed).toBe(0);
  });

  test('the same bytes from a trusted peer are served (the only difference is the trust list)', async () => {
    const s = await start({ trusted: ['10.0.0.0/8', '127.0.0.0/8'] });
    await send(s, [Buffer.concat([v1tcp4, Buffer.from('payload')])]);
    expect(served(await s.next()).proxied.source).toEqual(client4);
  });

  test('refused on the 6-byte v1 signature alone, without waiting for the rest', async () => {
    const s = await start({ ...TRUST_OTHERS, headerTimeoutMs: 10_000 });
    const { socket } = await open(s);
    socket.write('PROXY');
    await sleep(150);
    socket.write(' ');
    const error = refused(await within(2000, 'a refusal at the signature', s.next()));
    expect([error.reason, error.bytesReceived]).toEqual(['untrusted', 6]);
  });

  test('refused on the 12-byte v2 signature alone', async () => {
    const s = await start({ ...TRUST_OTHERS, headerTimeoutMs: 10_000 });
    const { socket } = await open(s);
    socket.write(V2_SIGNATURE.subarray(0, 11));
    await sleep(150);
    socket.write(V2_SIGNATURE.subarray(11));
    const error = refused(await within(2000, 'a refusal at the signature', s.next()));
    expect(error.message).toMatch(/PROXY v2 signature/);
    expect(error.bytesReceived).toBe(12);
  });

  test('a prefix of a signature that turns into something else is served, every byte kept', async () => {
    const s = await start(TRUST_OTHERS);
    const chunks = ['PRO', 'XY', 'Z and more'];
    await send(s, chunks, 50);
    const { proxied, received } = served(await s.next());
    expect(proxied.header).toBeNull();
    expect(received.toString()).toBe('PROXYZ and more');
    // HTTP/2's preface also starts with "PR", and must pass too.
    await send(s, ['PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n']);
    expect(served(await s.next()).received.toString()).toBe('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    // And v2's first byte (CR) followed by anything but its signature.
    await send(s, ['\r\nhello']);
    expect(served(await s.next()).received.toString()).toBe('\r\nhello');
  });

  test('a direct client: served with header null and the client as the peer', async () => {
    const s = await start(TRUST_OTHERS);
    await send(s, ['GET / HTTP/1.0\r\n\r\n']);
    const { proxied, received } = served(await s.next());
    expect(proxied).toEqual({
      source: { address: '127.0.0.1', port: expect.any(Number) },
      destination: { address: '127.0.0.1', port: s.port },
      sourceFrom: 'peer',
      header: null,
      peer: proxied.source,
    });
    expect(received.toString()).toBe('GET / HTTP/1.0\r\n\r\n');
  });

  test('a silent untrusted peer cannot be told from a header in flight: refused at the timeout', async () => {
    const s = await start({ ...TRUST_OTHERS, headerTimeoutMs: 200 });
    const started = Date.now();
    const { closed } = await open(s);
    const error = refused(await s.next());
    expect(error.reason).toBe('timeout');
    expect(error.message).toMatch(/too few bytes within 200 ms/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    await closed;
  });
});

describe('timeout: a deadline from accept, cleared once decided', () => {
  test('a header that stops half way is refused at the deadline', async () => {
    const s = await start({ ...TRUST_LOOPBACK, headerTimeoutMs: 250 });
    const started = Date.now();
    const { socket, closed } = await open(s);
    socket.write('PROXY TCP4 ');
    const error = refused(await s.next());
    expect([error.reason, error.bytesReceived]).toEqual(['timeout', 11]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    await within(1000, 'the socket closing', closed);
  });

  test('a header dripped a byte at a time is refused at the deadline, not kept alive by each byte', async () => {
    const s = await start({ ...TRUST_LOOPBACK, headerTimeoutMs: 300 });
    const { socket } = await open(s);
    const drip = (async () => {
      for (const b of v1tcp4) {
        if (socket.destroyed) return;
        socket.write(Buffer.of(b));
        await sleep(60);
      }
    })();
    const error = refused(await s.next());
    socket.destroy();
    await drip;
    expect(error.reason).toBe('timeout');
    expect(error.bytesReceived).toBeLessThan(v1tcp4.length);
  });

  test('a header completed within the deadline stays served long past it', async () => {
    const s = await start({ ...TRUST_LOOPBACK, headerTimeoutMs: 300 });
    const { socket, closed } = await open(s);
    for (const b of bytewise(v1tcp4)) {
      socket.write(b);
      await sleep(3);
    }
    await sleep(600); // twice the timeout, idle
    socket.end('late payload');
    const { proxied, received } = served(await s.next());
    expect(proxied.source).toEqual(client4);
    expect(received.toString()).toBe('late payload');
    await closed;
  });

  test('a peer that closes before the header is complete: refused as closed', async () => {
    const s = await start(TRUST_LOOPBACK);
    await send(s, ['PROXY TCP4 203.0.113.7']);
    const error = refused(await s.next());
    expect([error.reason, error.bytesReceived]).toEqual(['closed', 22]);
    await send(s, []);
    expect(refused(await s.next())).toMatchObject({ reason: 'closed', bytesReceived: 0 });
  });
});

describe('IPv6 and IPv4-mapped peers', () => {
  test('an IPv4 client on a dual-stack listener (::ffff:127.0.0.1) matches 127.0.0.1/32', async () => {
    const s = await start(TRUST_LOOPBACK, '::');
    s.host = '127.0.0.1';
    const remote = new Promise<string | undefined>((resolve) =>
      s.server.once('connection', (socket) => resolve(socket.remoteAddress)),
    );
    await send(s, [v1tcp4, 'x']);
    expect(await remote).toBe('::ffff:127.0.0.1');
    const { proxied } = served(await s.next());
    expect(proxied.source).toEqual(client4);
    expect(proxied.peer.address).toBe('127.0.0.1');
  });

  test('the same mapped peer with only IPv6 trusted (::1/128, ::/0) is untrusted', async () => {
    const s = await start({ trusted: ['::1/128', '::/0'] }, '::');
    s.host = '127.0.0.1';
    await send(s, [v1tcp4, 'x']);
    expect(refused(await s.next()).reason).toBe('untrusted');
  });

  test('a range written as IPv4-mapped IPv6 (::ffff:127.0.0.0/104) trusts the mapped peer', async () => {
    const s = await start({ trusted: ['::ffff:127.0.0.0/104'] }, '::');
    s.host = '127.0.0.1';
    await send(s, [v1tcp4, 'x']);
    expect(served(await s.next()).proxied.source).toEqual(client4);
  });

  test('an IPv6 peer (::1) trusted by ::1/128 sends v2 INET6; not trusted by 127.0.0.0/8', async () => {
    const header = encodeV2({
      command: 'PROXY',
      family: 'INET6',
      protocol: 'STREAM',
      source: client6,
      destination: listener6,
    });
    const yes = await start({ trusted: ['::1/128'] }, '::1');
    await send(yes, [header, 'x']);
    const { proxied } = served(await yes.next());
    expect(proxied.source).toEqual(client6);
    expect(proxied.peer.address).toBe('::1');
    const no = await start({ trusted: ['127.0.0.0/8'] }, '::1');
    await send(no, [header, 'x']);
    expect(refused(await no.next()).reason).toBe('untrusted');
  });
});

describe('the application gets a plain net.Socket however it reads it', () => {
  const header = Buffer.concat([v1tcp4, Buffer.from('abc')]);

  test.each<[string, (socket: Socket) => Promise<Buffer>]>([
    [
      'a data listener added a tick later',
      (socket) => new Promise((resolve) => setImmediate(() => resolve(readAll(socket)))),
    ],
    [
      'async iteration',
      async (socket) => {
        const chunks: Buffer[] = [];
        for await (const c of socket) chunks.push(c as Buffer);
        socket.end();
        return Buffer.concat(chunks);
      },
    ],
    [
      'readable events',
      (socket) =>
        new Promise((resolve) => {
          const chunks: Buffer[] = [];
          socket.on('readable', () => {
            let c: Buffer | null;
            while ((c = socket.read() as Buffer | null) !== null) chunks.push(c);
          });
          socket.on('end', () => {
            socket.end();
            resolve(Buffer.concat(chunks));
          });
        }),
    ],
  ])('%s: the payload first, then the rest', async (_, app) => {
    const s = await start(TRUST_LOOPBACK, '127.0.0.1', app);
    await send(s, [header, 'def'], 20);
    expect(served(await s.next()).received.toString()).toBe('abcdef');
  });

  test('piped back (an echo server): the client gets its payload, not the header', async () => {
    const s = await start(TRUST_LOOPBACK, '127.0.0.1', async (socket) => {
      socket.pipe(socket);
      return Buffer.alloc(0);
    });
    const echoed = await send(s, bytewise(header, 'def'), 1);
    expect(echoed.toString()).toBe('abcdef');
  });

  test('an http.Server fed with the sockets; proxiedOf(req.socket) names the client', async () => {
    const http = createHttpServer((req, res) => {
      res.setHeader('connection', 'close');
      res.end(JSON.stringify({ url: req.url, source: proxiedOf(req.socket)?.source }));
    });
    const server = createProxyServer(TRUST_LOOPBACK, (socket) => http.emit('connection', socket));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const s: Started = {
      server,
      host: '127.0.0.1',
      port: (server.address() as AddressInfo).port,
      next: () => Promise.reject(new Error('unused')),
    };
    const requestBytes = 'GET /who HTTP/1.1\r\nHost: t\r\n\r\n';
    for (const chunks of [[v1tcp4.toString() + requestBytes], bytewise(v1tcp4, requestBytes)]) {
      const response = (await send(s, chunks, 1)).toString();
      expect(response).toMatch(/^HTTP\/1\.1 200 OK/);
      expect(response.slice(response.indexOf('\r\n\r\n') + 4)).toBe(
        JSON.stringify({ url: '/who', source: client4 }),
      );
    }
  });
});

// In a process of its own, so that nothing another test file left running is
// counted: every kind of outcome, then close, then the process must end by
// itself (a header timer of 60 s left behind would hold it).
const LEAK_SCRIPT = `
import { connect } from 'node:net';
const { createProxyServer } = await import(process.argv[2]);
const outcomes = [];
const make = (options) => {
  const server = createProxyServer(options, (socket, proxied) => {
    outcomes.push('served ' + proxied.source.address);
    socket.on('data', () => {});
    socket.on('end', () => socket.end());
  });
  server.on('proxyError', (error) => outcomes.push('refused ' + error.reason));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
};
const talk = (server, bytes, end = true) =>
  new Promise((resolve) => {
    const c = connect(server.address().port, '127.0.0.1', () => (end ? c.end(bytes) : c.write(bytes)));
    c.on('data', () => {});
    c.on('error', () => {});
    c.on('close', resolve);
  });
const trusting = await make({ trusted: ['127.0.0.1/32'], headerTimeoutMs: 60000 });
const untrusting = await make({ trusted: [], headerTimeoutMs: 60000 });
const hasty = await make({ trusted: ['127.0.0.1/32'], headerTimeoutMs: 100 });
await talk(trusting, 'PROXY TCP4 203.0.113.7 198.51.100.10 1 2\\r\\nhello');
await talk(trusting, 'not a header');
await talk(trusting, 'PROXY TCP4 1.2.3.4');
await talk(untrusting, 'direct');
await talk(untrusting, 'PROXY TCP4 203.0.113.7 198.51.100.10 1 2\\r\\n');
await talk(hasty, 'PROXY', false);
await Promise.all([trusting, untrusting, hasty].map((s) => new Promise((r) => s.close(r))));
await new Promise((r) => setTimeout(r, 50)); // for the closed handles to be released
console.log(JSON.stringify({ outcomes, resources: process.getActiveResourcesInfo() }));
`;

describe('nothing leaks', () => {
  test('served, refused, closed and timed-out connections leave no timer or socket, and the process ends', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'proxyproof-server-leak-'));
    try {
      const script = join(dir, 'leak.mjs');
      await writeFile(script, LEAK_SCRIPT);
      const index = pathToFileURL(join(ROOT, 'harness/server/index.ts')).href;
      const started = Date.now();
      const run = await execa(process.execPath, ['--import', 'tsx', script, index], {
        cwd: ROOT,
        reject: false,
        timeout: 30_000,
      });
      expect(run.stderr).toBe('');
      expect(run.timedOut).toBe(false);
      expect(run.exitCode).toBe(0);
      const { outcomes, resources } = JSON.parse(run.stdout) as {
        outcomes: string[];
        resources: string[];
      };
      expect(outcomes).toEqual([
        'served 203.0.113.7',
        'refused missing',
        'refused closed',
        'served 127.0.0.1',
        'refused untrusted',
        'refused timeout',
      ]);
      expect(resources.filter((r) => /Timeout|TCP/.test(r))).toEqual([]);
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 40_000);
});

describe('options', () => {
  test.each([
    ['10.0.0.7/24', /host bits set: did you mean 10\.0\.0\.0\/24\?/],
    ['10.0.0.0/33', /prefix length is over 32/],
    ['10.0.0.0/08', /prefix length is not a number/],
    ['fd00::1/64', /did you mean fd00::\/64\?/],
    ['010.0.0.0/8', /does not parse/],
    ['999.0.0.1', /does not parse/],
    ['fe80::1%eth0', /expected a\.b\.c\.d\/n/],
    ['１0.0.0.0/8', /expected a\.b\.c\.d\/n/],
    ['', /expected a\.b\.c\.d\/n/],
    ['localhost', /expected a\.b\.c\.d\/n/],
  ])('trusted %j is refused at creation', (entry, why) => {
    expect(() => createProxyServer({ trusted: [entry] })).toThrow(why);
  });

  test('trusted must be an array; the timeout a positive number of milliseconds', () => {
    expect(() => createProxyServer({} as ProxyServerOptions)).toThrow(/trusted: an array/);
    for (const headerTimeoutMs of [0, -1, Number.NaN, Infinity, 2 ** 31]) {
      expect(() => createProxyServer({ trusted: [], headerTimeoutMs })).toThrow(/headerTimeoutMs/);
    }
    expect(() => createProxyServer({ trusted: [], headerTimeoutMs: 1 })).not.toThrow();
  });

  test('trust ranges: prefixes, bare addresses, mapped peers, zones', () => {
    const t = new TrustList([
      '10.0.0.0/24',
      '10.0.1.7',
      '172.16.0.0/12',
      'fd00:213::/32',
      '::ffff:192.0.2.0/120',
    ]);
    expect(t.size).toBe(5);
    const yes = [
      '10.0.0.0',
      '10.0.0.255',
      '10.0.1.7',
      '::ffff:10.0.0.9',
      '172.31.255.255',
      'fd00:213:ffff::1',
      '192.0.2.9',
      '::ffff:192.0.2.200',
    ];
    const no = [
      '10.0.1.8',
      '10.0.2.1',
      '172.32.0.0',
      '172.15.255.255',
      'fd00:214::1',
      '::10.0.0.9',
      'not an address',
      '',
    ];
    expect(yes.filter((a) => !t.has(a))).toEqual([]);
    expect(no.filter((a) => t.has(a))).toEqual([]);
    const link = new TrustList(['fe80::/10']);
    expect(link.has('fe80::1%eth0')).toBe(true);
    expect(new TrustList(['::/0']).has('127.0.0.1')).toBe(false);
    expect(new TrustList(['0.0.0.0/0']).has('::ffff:203.0.113.1')).toBe(true);
    expect(new TrustList([]).has('127.0.0.1')).toBe(false);
  });
});
