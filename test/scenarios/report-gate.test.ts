import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { formatSeen } from '../../harness/net/endpoint.ts';
import type { RunReport } from '../../harness/report/types.ts';

// The acceptance, through the real command: a deliberately broken
// scenario shows its failing connection, the disagreeing view and the
// diagnosis in index.html, summary.md and junit.xml, and `proxyproof gate`
// exits 1 on it and 0 once it is fixed.
const BIN = new URL('../../bin/proxyproof.js', import.meta.url).pathname;
const CONTAINERS = 15 * 60_000;

/** The blog's scenario, with the policy on (fixed) or forgotten (broken). */
const blogScenario = (policyOn: boolean) => `export default {
  id: 'blog-elb',
  title: 'The blog\\'s Classic ELB: every backend sees its client',
  balancer: { kind: 'classic-elb', listenerPort: 3306, instancePort: 3306, proxyProtocol: ${policyOn} },
  backends: { kind: 'mariadb' },
  clients: [{ kind: 'harness', count: 2 }],
  checks: [{ kind: 'header', version: 'v1' }, { kind: 'backend-sees', who: 'client' }],
};
`;

// Passes whether or not the other is broken; a refusal through the real CLI
// is also what once drained its event loop (a probe waited on nothing).
const refusal = `export default {
  id: 'refused',
  title: 'An untrusted balancer is refused',
  balancer: { kind: 'classic-elb', listenerPort: 3306, instancePort: 3306, proxyProtocol: true },
  backends: { kind: 'mariadb', trust: 'another-network' },
  clients: [{ kind: 'harness', count: 1 }],
  checks: [{ kind: 'header', version: 'v1' }, { kind: 'refused', with: 'ER_HOST_NOT_PRIVILEGED' }],
};
`;

let dir: string;
let reports: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'proxyproof-gate-scenarios-'));
  reports = await mkdtemp(join(tmpdir(), 'proxyproof-gate-reports-'));
  // Scenario files are ES modules, as in the project's own package.
  await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
  await writeFile(join(dir, 'refused.ts'), refusal);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(reports, { recursive: true, force: true });
});

const gate = () =>
  execa('node', [BIN, 'gate', '--dir', dir, '--reports', reports, '--quiet'], {
    reject: false,
    env: { GITHUB_STEP_SUMMARY: '', GITHUB_ACTIONS: '' },
  });
const latest = (name: string) => readFile(join(reports, 'latest', name), 'utf8');

test(
  'a broken scenario: gate exits 1, and all three reports show the failing row, the disagreeing view and the diagnosis; fixed: gate exits 0',
  async () => {
    await writeFile(join(dir, 'blog-elb.ts'), blogScenario(false));
    const broken = await gate();
    expect(broken.stderr).not.toMatch(/internal error/);
    expect(broken.exitCode).toBe(1);

    const report = JSON.parse(await latest('report.json')) as RunReport;
    const blog = report.scenarios.find((s) => s.id === 'blog-elb')!;
    expect(blog.status).toBe('failed');
    const failing = blog.connections.filter((c) => !c.verdict.ok);
    expect(failing.length).toBeGreaterThan(0);
    // What the backend said, in the judge's words: it saw the balancer.
    const diagnosis = failing[0]!.verdict.reasons.find((r) => /saw the balancer/.test(r));
    expect(diagnosis).toBeDefined();
    const seenByBackend = formatSeen(failing[0]!.backend!);

    const [html, md, xml] = await Promise.all([
      latest('index.html'),
      latest('summary.md'),
      latest('junit.xml'),
    ]);
    // summary.md escapes Markdown, so compare it with its own escaping undone.
    const mdText = md.replace(/\\(.)/g, '$1');
    for (const [name, text] of [
      ['index.html', html],
      ['summary.md', mdText],
      ['junit.xml', xml],
    ] as const) {
      expect([name, text.includes(failing[0]!.client)]).toEqual([name, true]);
      expect([name, text.includes(seenByBackend)]).toEqual([name, true]);
      expect([name, text.includes(diagnosis!)]).toEqual([name, true]);
    }
    expect(html).toMatch(/✗/);

    await writeFile(join(dir, 'blog-elb.ts'), blogScenario(true));
    const fixed = await gate();
    expect(fixed.stderr).not.toMatch(/internal error/);
    expect(fixed.exitCode).toBe(0);
  },
  CONTAINERS,
);
