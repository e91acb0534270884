import { mkdtempSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { execa } from 'execa';
import { parseCommandLine } from '../../harness/data-plane/command-line.ts';
import { decodeProxyHeader } from '../../harness/proxy-protocol/index.ts';
import { programBundle } from '../../harness/topology/program-bundle.ts';
import { Queue, Sockets } from '../support/sockets.ts';

// The NLB data plane as the harness will run it in a container: the esbuild
// bundle, started by plain node (no TypeScript loader), told where to listen,
// where HAProxy is and where its settings are; one JSON line when ready, one
// per connection.

const dir = mkdtempSync(join(tmpdir(), 'proxyproof-data-plane-program-'));
const program = join(dir, 'proxyproof-nlb-data-plane.cjs');
/** A settings file with a TLV the data plane does not have. */
const BAD_SETTINGS = join(dir, 'bad.json');
const sockets = new Sockets();

beforeAll(async () => {
  await writeFile(program, await programBundle('nlbDataPlane'));
  await writeFile(BAD_SETTINGS, JSON.stringify({ proxyProtocol: true, tlvs: ['ssl'] }));
}, 60_000);

afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(() => sockets.closeAll());

/** A child's environment without any loader a parent might pass on. */
const plainEnv = () => {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return env;
};

const children: { kill(): boolean }[] = [];
afterEach(() => children.splice(0).forEach((child) => child.kill()));

function run(args: string[]) {
  const child = execa(process.execPath, [program, ...args], {
    env: plainEnv(),
    extendEnv: false,
    reject: false,
    timeout: 20_000,
  });
  children.push(child);
  return child;
}

test('it starts with node, says it is ready, relays a connection end to end and logs it', async () => {
  const settings = join(dir, 'settings.json');
  await writeFile(settings, JSON.stringify({ proxyProtocol: true, tlvs: ['crc32c'] }));
  const behind = await sockets.accepting((u) => u.socket.write('greeting'));
  const child = run([
    '--listen',
    '127.0.0.1:0',
    '--upstream',
    `127.0.0.1:${behind.port}`,
    '--settings',
    settings,
  ]);
  const lines = new Queue<string>('a line from the program');
  createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));

  const ready = JSON.parse(await lines.next(10_000)) as Record<string, string>;
  expect(ready).toEqual({
    event: 'ready',
    listen: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
    upstream: `127.0.0.1:${behind.port}`,
    settings,
  });
  const port = Number(ready.listen!.split(':')[1]);

  const client = await sockets.dial(port);
  const from = { address: '127.0.0.1', port: client.socket.localPort };
  await client.until('the greeting', (c) => c.text() === 'greeting');
  client.socket.end('login');
  const upstream = await behind.next();
  await upstream.until("the client's FIN", (u) => u.ended);
  const first = decodeProxyHeader(upstream.received);
  if (first.kind !== 'header') throw new Error('no upstream header');
  const second = decodeProxyHeader(upstream.received.subarray(first.header.length));
  if (second.kind !== 'header') throw new Error('no target header');
  expect(second.header.tlvs.map((t) => t.name)).toEqual(['CRC32C']);
  expect(upstream.received.subarray(first.header.length + second.header.length).toString()).toBe(
    'login',
  );
  upstream.socket.end('bye');
  await client.until("the upstream's FIN", (c) => c.ended);
  expect(client.text()).toBe('greetingbye');

  expect(JSON.parse(await lines.next())).toEqual({
    event: 'connection',
    id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    peer: from,
    listener: { address: '127.0.0.1', port },
    settings: {
      proxyProtocol: true,
      headerPlacement: 'on_first_ack_with_payload',
      tlvs: ['crc32c'],
      acceptProxy: false,
    },
    client: from,
    clientFrom: 'peer',
    targetHeader: 'sent-with-payload',
    bytes: { toUpstream: 5, toClient: 11 },
    ended: 'closed',
    reason: null,
  });

  child.kill('SIGTERM');
  const done = await child;
  expect([done.exitCode, done.stderr]).toEqual([0, '']);
}, 30_000);

test.each([
  [['--listen', '3306'], /--listen, --upstream and --settings are required/],
  [['--listen', '3306', '--upstream', 'haproxy', '--settings', 'x'], /--upstream haproxy/],
  [['--listen', '3306', '--upstream', '127.0.0.1:1', '--settings', '/nonexistent'], /ENOENT/],
  [
    ['--listen', '3306', '--upstream', '127.0.0.1:1', '--settings', BAD_SETTINGS],
    /bad\.json: tlvs/,
  ],
])('bad arguments or settings: exit 2 and why, in one line (%j)', async (args, why) => {
  const done = await run(args);
  expect(done.exitCode).toBe(2);
  expect(done.stdout).toBe('');
  expect(done.stderr).toMatch(why);
  expect(done.stderr.trim().split('\n')).toHaveLength(1);
});

describe('its arguments', () => {
  const rest = ['--upstream', '127.0.0.1:13306', '--settings', 's.json'];

  test('a bare port listens on every address; address:port on that one', () => {
    expect(parseCommandLine(['--listen', '3306', ...rest])).toEqual({
      listen: { port: 3306 },
      upstream: { address: '127.0.0.1', port: 13306 },
      settings: 's.json',
    });
    expect(parseCommandLine(['--listen', '[::1]:3306', ...rest]).listen).toEqual({
      host: '::1',
      port: 3306,
    });
  });

  test.each([['65536'], ['03306'], ['x:1']])('--listen %s is refused', (listen) => {
    expect(() => parseCommandLine(['--listen', listen, ...rest])).toThrow(/usage:/);
  });

  test('an unknown option is refused with the usage', () => {
    expect(() => parseCommandLine(['--listen', '1', ...rest, '--verbose'])).toThrow(
      /Unknown option '--verbose'[\s\S]*usage:/,
    );
  });
});
