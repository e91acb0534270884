import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

const BIN = new URL('../../bin/proxyproof.js', import.meta.url).pathname;

describe('proxyproof run refuses bad input before starting anything', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'proxyproof-cli-'));
    await writeFile(join(dir, 'package.json'), '{"type":"module"}');
    await writeFile(join(dir, 'typo.ts'), 'export default { id: "typo", title: "t" };\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  test('a malformed scenario: exit 2, the file and each missing field named', async () => {
    const r = await execa('node', [BIN, 'run', '--scenarios', dir, '--reports', dir], {
      reject: false,
    });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'typo.ts')}:`);
    expect(r.stderr).toMatch(/- balancer: /);
    expect(r.stderr).toMatch(/- checks: /);
  }, 30_000);

  test('a scenario folder that is not an ES module package: exit 2, saying what to add', async () => {
    const plain = await mkdtemp(join(tmpdir(), 'proxyproof-cli-cjs-'));
    try {
      await writeFile(join(plain, 'x.ts'), 'export default { id: "x" };\n');
      const r = await execa('node', [BIN, 'run', '--scenarios', plain, '--reports', plain], {
        reject: false,
      });
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain('the folder needs a package.json with "type": "module"');
    } finally {
      await rm(plain, { recursive: true, force: true });
    }
  }, 30_000);
});

test('proxyproof simulate refuses an unknown --kind before starting anything', async () => {
  const r = await execa('node', [BIN, 'simulate', '--kind', 'alb'], { reject: false });
  expect(r.exitCode).toBe(2);
  expect(r.stderr).toContain('--kind must be classic-elb or nlb, not alb');
}, 30_000);

describe('proxyproof gate', () => {
  let reports: string;
  beforeEach(async () => (reports = await mkdtemp(join(tmpdir(), 'proxyproof-gate-'))));
  afterEach(() => rm(reports, { recursive: true, force: true }));

  /** A gate process that sees no AWS settings and no Docker engine. */
  const gate = (args: string[], env: Record<string, string> = {}) =>
    execa('node', [BIN, 'gate', '--reports', reports, ...args], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        DOCKER_HOST: 'unix:///nonexistent.sock',
        ...env,
      },
      extendEnv: false,
      reject: false,
    });

  test('a pattern matching no scenario: exit 2 before anything starts', async () => {
    const r = await gate(['--scenarios', 'nomatch']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--scenarios "nomatch" matches none of: ');
    expect(r.stderr).not.toContain('proxyproof run');
    expect(await readdir(reports)).toEqual([]);
  }, 30_000);

  test('--require anything but aws: exit 2', async () => {
    const r = await gate(['--require', 'gcp', '--scenarios', 'aws-*']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--require must be aws, not gcp');
  }, 30_000);

  test('--dir with a malformed scenario: exit 2, the file named', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'proxyproof-cli-'));
    await writeFile(join(dir, 'typo.ts'), 'export default { id: "typo", title: "t" };\n');
    const r = await gate(['--dir', dir]);
    await rm(dir, { recursive: true, force: true });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'typo.ts')}:`);
  }, 30_000);

  test('--require aws: AWS scenarios skipped for want of settings fail it, and say why', async () => {
    const summary = join(reports, 'step-summary.md');
    const env = { GITHUB_STEP_SUMMARY: summary, GITHUB_ACTIONS: 'true' };
    // Without --require aws a run that checked nothing is still not green: 2, saying so.
    const lenient = await gate(['--scenarios', 'aws-*', '--quiet']);
    expect(lenient.exitCode).toBe(2);
    expect(lenient.stderr).toContain(
      'nothing was checked: all 2 selected scenario(s) were skipped',
    );
    const strict = await gate(['--require', 'aws', '--scenarios', 'aws-*', '--quiet'], env);
    expect(strict.exitCode).toBe(1);
    expect(strict.stderr).toMatch(
      /::error::--require aws: aws-classic-elb-v1 was skipped, and a skip is not a pass: needs AWS settings/,
    );
    expect(strict.stderr).toContain('0 passed, 0 failed, 0 errored, 2 skipped');
    // Quiet: verdict lines, no run header and no steps.
    expect(strict.stderr).not.toContain('proxyproof run');
    expect(strict.stderr).toMatch(/^ {2}SKIPPED aws-nlb-v2 in /m);
    const md = await readFile(summary, 'utf8');
    expect(md).toMatch(/^## ⏭️ proxyproof: none of 2 scenario\(s\) ran/);
    expect(md).toContain('### ⏭️ Skipped');
    expect(md).toContain('### ❌ Gate failed');
  }, 60_000);
});
