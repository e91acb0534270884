import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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
    expect(r.stderr).toMatch(/- expect: /);
  }, 30_000);
});

test('proxyproof simulate refuses an unknown --kind before starting anything', async () => {
  const r = await execa('node', [BIN, 'simulate', '--kind', 'alb'], { reject: false });
  expect(r.exitCode).toBe(2);
  expect(r.stderr).toContain('--kind must be classic-elb or nlb, not alb');
}, 30_000);
