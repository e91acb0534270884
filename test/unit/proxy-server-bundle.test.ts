import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { encodeV2, tlv } from '../../harness/proxy-protocol/index.ts';

// proxyproof/server as users get it: dist/proxyproof-server.js, built by
// `npm run build:server` (run by `prepare`), imported by plain `node` with no
// TypeScript loader, and a single file that needs nothing but Node's own modules
// (so it can be copied alone into an image).
const ROOT = new URL('../..', import.meta.url).pathname;
const BUNDLE = join(ROOT, 'dist/proxyproof-server.js');

/** A user's application: one proxied connection, then it prints the client it saw and stops. */
const APP = `
import { createProxyServer } from ${JSON.stringify(pathToFileURL(BUNDLE).href)};
const server = createProxyServer({ trusted: ['127.0.0.1/32'], headerTimeoutMs: 5000 }, (socket, proxied) => {
  socket.once('data', (payload) => {
    console.log('client ' + proxied.source.address + ' ' + proxied.source.port +
      ' via ' + proxied.peer.address + ' sent ' + payload + ' tlvs ' + proxied.header.tlvs.map((t) => t.name).join(','));
    socket.end('bye');
    server.close();
  });
});
server.on('proxyError', (error) => console.log('refused ' + error.reason));
server.listen(0, '127.0.0.1', () => console.log('listening ' + server.address().port));
`;

/** A child's environment without any loader a parent might pass on. */
const plainEnv = () => {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return env;
};

let dir: string;

beforeAll(async () => {
  await execa('npm', ['run', '--silent', 'build:server'], { cwd: ROOT });
  dir = await mkdtemp(join(tmpdir(), 'proxyproof-server-bundle-'));
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('dist/proxyproof-server.js', () => {
  test('plain node imports it and serves a proxied connection with the client from the header', async () => {
    const script = join(dir, 'app.mjs');
    await writeFile(script, APP);
    const child = execa(process.execPath, [script], {
      env: plainEnv(),
      extendEnv: false,
      timeout: 20_000,
    });
    const lines: string[] = [];
    const waiting: ((line: string) => void)[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => {
      const w = waiting.shift();
      if (w) w(line);
      else lines.push(line);
    });
    const next = () => {
      const line = lines.shift();
      return line === undefined
        ? new Promise<string>((r) => waiting.push(r))
        : Promise.resolve(line);
    };
    const listening = /^listening (\d+)$/.exec(await next());
    expect(listening).not.toBeNull();

    const header = encodeV2({
      command: 'PROXY',
      family: 'INET',
      protocol: 'STREAM',
      source: { address: '203.0.113.9', port: 51515 },
      destination: { address: '198.51.100.10', port: 3306 },
      tlvs: [tlv.authority('db.example.internal')],
      crc32c: true, // the bundled codec checks it
    });
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(listening![1]), '127.0.0.1', () => {
        socket.end(Buffer.concat([header, Buffer.from('hello')]));
      });
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(reply).toBe('bye');
    expect(await next()).toBe(
      'client 203.0.113.9 51515 via 127.0.0.1 sent hello tlvs AUTHORITY,CRC32C',
    );
    const done = await child;
    expect(done.exitCode).toBe(0);
    expect(done.stderr).toBe('');
  }, 30_000);

  test('it imports nothing but node: built-ins, so the file alone is the library', async () => {
    const code = await readFile(BUNDLE, 'utf8');
    const imports = [...code.matchAll(/^import\b[^'"]*["']([^'"]+)["']/gm)].map((m) => m[1]);
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((s) => !s?.startsWith('node:'))).toEqual([]);
    expect(code).not.toMatch(/\brequire\(["'](?!node:)/);
  });

  test('the package exports it as proxyproof/server', async () => {
    const run = await execa(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const m = await import('proxyproof/server'); console.log(import.meta.resolve('proxyproof/server'), typeof m.createProxyServer, typeof m.ProxyRefusal);",
      ],
      { cwd: ROOT, env: plainEnv(), extendEnv: false },
    );
    expect(run.stdout).toBe(`${pathToFileURL(BUNDLE).href} function function`);
  });
});
