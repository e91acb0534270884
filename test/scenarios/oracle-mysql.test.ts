import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { RunReport } from '../../harness/report/types.ts';
import { proxyproof } from '../support/cli.ts';
import { madeBy } from '../support/docker-leftovers.ts';

// Oracle MySQL really runs where its image can be had (GitHub's runners pull
// mysql:8.0). Here no registry answers, so the path is proven with the image
// override and a stand-in with the official image's contract: the backend kind
// starts it, the clients log in as its MYSQL_USER, the verdict is computed.
const CONTAINERS = 15 * 60_000;
const STANDIN = 'proxyproof-test/mysql-standin:1';
const FIXTURE = new URL('../fixtures/mysql-standin/', import.meta.url).pathname;
const SCENARIOS = new URL('../../scenarios/', import.meta.url).pathname;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'proxyproof-oracle-'));
  await execa('docker', ['build', '-q', '-t', STANDIN, FIXTURE]);
}, CONTAINERS);
afterAll(() => rm(dir, { recursive: true, force: true }));

const report = async (reports: string) =>
  JSON.parse(await readFile(join(reports, 'latest', 'report.json'), 'utf8')) as RunReport;

test(
  'the oracle-mysql kind starts the image PROXYPROOF_MYSQL_IMAGE names, and its refusal is judged',
  async () => {
    const scenarios = join(dir, 'own');
    await execa('mkdir', ['-p', scenarios]);
    await writeFile(join(scenarios, 'package.json'), '{ "type": "module" }\n');
    await writeFile(
      join(scenarios, 'mysql-refuses.ts'),
      `export default {
  id: 'mysql-refuses',
  title: 'PROXY to a MySQL-contract server without PROXY support',
  balancer: { kind: 'classic-elb', listenerPort: 3306, instancePort: 3306, proxyProtocol: true },
  backends: { kind: 'oracle-mysql' },
  clients: [{ kind: 'harness', count: 2 }],
  checks: [{ kind: 'header', version: 'v1' }, { kind: 'refused', with: 'ER_HOST_NOT_PRIVILEGED' }],
};
`,
    );
    const reports = join(dir, 'reports-own');
    const child = proxyproof(['run', '--scenarios', scenarios, '--reports', reports, '--quiet'], {
      PROXYPROOF_MYSQL_IMAGE: STANDIN,
    });
    const r = await child;
    expect(r.stderr).toMatch(/PASSED mysql-refuses/);
    expect(r.exitCode).toBe(0);
    const [s] = (await report(reports)).scenarios;
    expect(s?.components.backends).toMatchObject({ kind: 'oracle-mysql', image: STANDIN });
    // The diagnosis is the kind's: no PROXY support at all, not a trust setting to widen.
    expect(s?.reason).toContain('does not speak the PROXY protocol at all');
    expect(s?.connections.every((c) => c.wire?.version === 1)).toBe(true);
    expect(await madeBy(child.pid!)).toEqual({ containers: [], networks: [] });
  },
  CONTAINERS,
);

test(
  'the shipped Oracle MySQL scenario runs (is not skipped) when its image can be had',
  async () => {
    const reports = join(dir, 'reports-shipped');
    const r = await proxyproof(
      [
        'run',
        '--scenarios',
        SCENARIOS,
        '--only',
        'oracle-mysql-without-proxy-support',
        '--reports',
        reports,
      ],
      { PROXYPROOF_MYSQL_IMAGE: STANDIN },
    );
    const [s] = (await report(reports)).scenarios;
    // The stand-in is MariaDB underneath: it refuses with MariaDB's error, which
    // the shipped scenario (written for MySQL 8's) names as unexpected.
    expect(s?.status).toBe('failed');
    expect(s?.reason).toMatch(/failed otherwise: ER_HOST_NOT_PRIVILEGED/);
    expect(r.exitCode).toBe(1);
  },
  CONTAINERS,
);
