import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';

// The layering rule as `npm run lint` runs it (.dependency-cruiser.js): the
// dependency-cruiser CLI with the project's config, on a small tree that
// breaks every rule once, and on the real tree, which must break none.
const ROOT = new URL('../..', import.meta.url).pathname;
const CONFIG = join(ROOT, '.dependency-cruiser.js');
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
  cycle?: { name: string }[];
}

/** The violations dependency-cruiser finds in `cwd`'s harness/ and scenarios/, as data. */
async function violations(cwd: string): Promise<Violation[]> {
  const { stdout, stderr } = await depcruise(cwd, 'json');
  if (!stdout) throw new Error(`dependency-cruiser said nothing:\n${stderr}`);
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

/** Runs dependency-cruiser on `cwd` the way `npm run lint` does (but for the output's form). */
function depcruise(cwd: string, output: 'json' | 'err') {
  return execa(
    process.execPath,
    [DEPCRUISE, '--config', CONFIG, '--output-type', output, 'harness', 'scenarios'],
    { cwd, reject: false },
  );
}

/** Paths (relative to the fixture) and their contents. */
const FIXTURE: Record<string, string> = {
  // Allowed: each layer importing its own or a lower one.
  'harness/net/endpoint.ts': 'export interface Endpoint { address: string; port: number }\n',
  'harness/topology/docker.ts':
    "import type { Endpoint } from '../net/endpoint.ts';\nexport const at: Endpoint | null = null;\n",
  'harness/components/kinds.ts':
    "import { at } from '../topology/docker.ts';\nexport const kinds = [at];\n",
  'harness/scenario/schema.ts':
    "import { kinds } from '../components/kinds.ts';\nexport const schema = (s: unknown) => [s, kinds];\n",
  'harness/scenario/api.ts': 'export const defineScenario = (s: unknown) => s;\n',
  'harness/cli/main.ts':
    "import { schema } from '../scenario/schema.ts';\nexport const main = schema;\n",
  'scenarios/fine.ts':
    "import { defineScenario } from '../harness/scenario/api.ts';\nexport default defineScenario({});\n",

  // An upward import, type-only: the domain naming an infrastructure type.
  'harness/probes/probe-result.ts': 'export interface ProbeResult { client: string }\n',
  'harness/evidence/correlate.ts':
    "import type { ProbeResult } from '../probes/probe-result.ts';\nexport const none: ProbeResult[] = [];\n",
  // Upward by a value: the domain calling the CLI; infrastructure naming a component type.
  'harness/report/html.ts': "import { main } from '../cli/main.ts';\nexport const render = main;\n",
  'harness/probes/mysql-probe.ts':
    "import type { LocalStage } from '../components/types.ts';\nexport const stages: LocalStage[] = [];\n",

  // A cycle of type-only imports (components/types.ts ↔ a balancer), and one of values.
  'harness/components/types.ts':
    "import type { Haproxy } from './balancers/haproxy.ts';\nexport interface LocalStage { standIn: Haproxy | null }\n",
  'harness/components/balancers/haproxy.ts':
    "import type { LocalStage } from '../types.ts';\nexport interface Haproxy { stage: LocalStage }\n",
  'harness/capture/a.ts': "import { b } from './b.ts';\nexport const a = () => b;\n",
  'harness/capture/b.ts': "import { a } from './a.ts';\nexport const b = () => a;\n",

  // The domain reaching for a database driver and the network.
  'harness/checks/judge.ts':
    "import mysql from 'mysql2';\nimport { request } from 'node:http';\nexport const used = [mysql, request];\n",
  'node_modules/mysql2/package.json': '{ "name": "mysql2", "main": "index.js" }\n',
  'node_modules/mysql2/index.js': 'module.exports = {};\n',

  // The harness importing its tests; a module in no layer; a scenario past the scenario API.
  'test/support/fixture.ts': 'export const fixture = 1;\n',
  'harness/run/run-all.ts':
    "import { fixture } from '../../test/support/fixture.ts';\nexport const runAll = fixture;\n",
  'harness/gadgets/thing.ts':
    "import type { Endpoint } from '../net/endpoint.ts';\nexport const thing: Endpoint[] = [];\n",
  'scenarios/sneaky.ts':
    "import { kinds } from '../harness/components/kinds.ts';\nexport default kinds;\n",
};

let fixture: string;

beforeAll(async () => {
  fixture = await mkdtemp(join(tmpdir(), 'proxyproof-layering-'));
  await copyFile(join(ROOT, 'tsconfig.json'), join(fixture, 'tsconfig.json'));
  for (const [path, text] of Object.entries(FIXTURE)) {
    await mkdir(dirname(join(fixture, path)), { recursive: true });
    await writeFile(join(fixture, path), text);
  }
});

afterAll(async () => {
  await rm(fixture, { recursive: true, force: true });
});

describe('layering (npm run lint: dependency-cruiser)', () => {
  test('reports every upward import, cycle and forbidden dependency, and nothing else', async () => {
    const [found, lint] = await Promise.all([violations(fixture), depcruise(fixture, 'err')]);
    // Lint fails: the exit code counts the errors.
    expect(lint.exitCode).toBe(found.length);
    const said = found.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
    const cycles = found.filter((v) => v.rule.name === 'no-circular');
    const others = said.filter((s) => !s.startsWith('no-circular:')).sort();

    expect(others).toEqual(
      [
        'no-upward-import-from-domain: harness/evidence/correlate.ts → harness/probes/probe-result.ts',
        'no-upward-import-from-domain: harness/report/html.ts → harness/cli/main.ts',
        'no-upward-import-from-infrastructure: harness/probes/mysql-probe.ts → harness/components/types.ts',
        'domain-is-pure: harness/checks/judge.ts → node_modules/mysql2/index.js',
        'domain-is-pure: harness/checks/judge.ts → http',
        'harness-not-to-test-or-bench: harness/run/run-all.ts → test/support/fixture.ts',
        'harness-module-in-a-layer: harness/gadgets/thing.ts → harness/net/endpoint.ts',
        'scenarios-only-scenario-api: scenarios/sneaky.ts → harness/components/kinds.ts',
      ].sort(),
    );

    // Both cycles, the type-only one included, each named by its members.
    const members = (v: Violation) =>
      [...new Set([v.from, ...(v.cycle ?? []).map((c) => c.name)])].sort().join(' ');
    expect(cycles.map(members).sort()).toEqual([
      'harness/capture/a.ts harness/capture/b.ts',
      'harness/components/balancers/haproxy.ts harness/components/types.ts',
    ]);
  }, 30_000);

  test('the real tree keeps every rule', async () => {
    const lint = await depcruise(ROOT, 'err');
    expect(lint.stdout).toMatch(/no dependency violations found/);
    expect(lint.exitCode).toBe(0);
  }, 30_000);
});
