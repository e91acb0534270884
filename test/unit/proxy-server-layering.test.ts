import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';

// harness/server is shipped alone (dist/proxyproof-server.js), so lint keeps it
// to the pure codec and node:net/stream: the rule in .dependency-cruiser.js, run
// by the dependency-cruiser CLI on a small tree that keeps and breaks it.
const ROOT = new URL('../..', import.meta.url).pathname;
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

const FIXTURE: Record<string, string> = {
  'harness/net/endpoint.ts': 'export interface Endpoint { address: string; port: number }\n',
  'harness/proxy-protocol/decode.ts': 'export const decode = (b: Uint8Array) => b.length;\n',
  'harness/errors.ts': 'export class SetupError extends Error {}\n',
  'harness/topology/docker.ts': 'export const engine = 1;\n',
  'harness/server/trust.ts': 'export const trust = 1;\n',
  'harness/server/server.ts': [
    // Allowed: its own folder, the codec, node:net and node:stream.
    "import { trust } from './trust.ts';",
    "import { decode } from '../proxy-protocol/decode.ts';",
    "import type { Endpoint } from '../net/endpoint.ts';",
    "import { createServer } from 'node:net';",
    "import { Duplex } from 'node:stream';",
    // Not allowed: anything else of harness (even the domain), any other module.
    "import { SetupError } from '../errors.ts';",
    "import { engine } from '../topology/docker.ts';",
    "import { request } from 'node:http';",
    "import { readFile } from 'node:fs';",
    'export const all: unknown[] = [trust, decode, createServer, Duplex, SetupError, engine, request, readFile];',
    'export const none: Endpoint[] = [];',
    '',
  ].join('\n'),
};

let fixture: string;

beforeAll(async () => {
  fixture = await mkdtemp(join(tmpdir(), 'proxyproof-server-layering-'));
  await copyFile(join(ROOT, 'tsconfig.json'), join(fixture, 'tsconfig.json'));
  for (const [path, text] of Object.entries(FIXTURE)) {
    await mkdir(dirname(join(fixture, path)), { recursive: true });
    await writeFile(join(fixture, path), text);
  }
});

afterAll(async () => {
  await rm(fixture, { recursive: true, force: true });
});

test('harness/server imports only the codec and node:net/stream', async () => {
  const { stdout, stderr } = await execa(
    process.execPath,
    [
      DEPCRUISE,
      '--config',
      join(ROOT, '.dependency-cruiser.js'),
      '--output-type',
      'json',
      'harness',
    ],
    { cwd: fixture, reject: false },
  );
  if (!stdout) throw new Error(`dependency-cruiser said nothing:\n${stderr}`);
  const { violations } = (
    JSON.parse(stdout) as {
      summary: { violations: { rule: { name: string }; from: string; to: string }[] };
    }
  ).summary;
  expect(violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort()).toEqual(
    [
      'server-only-codec-and-node-net: harness/server/server.ts → harness/errors.ts',
      'server-only-codec-and-node-net: harness/server/server.ts → harness/topology/docker.ts',
      'server-only-codec-and-node-net: harness/server/server.ts → http',
      'server-only-codec-and-node-net: harness/server/server.ts → fs',
    ].sort(),
  );
}, 30_000);
