import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import type { RunReport } from '../../harness/report/types.ts';
import { oneLine, proxyproof } from '../support/cli.ts';
import { leftovers, madeBy } from '../support/docker-leftovers.ts';
import { whileSimulating } from '../support/simulation.ts';

// The exit-code rule where an engine is running: the harness never falls back
// to another engine, never leaves anything behind on bad input, tells an
// environment that broke under it from a product that failed, and never
// touches a run that is still going.
const CONTAINERS = 10 * 60_000;

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'proxyproof-engine-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

test('a DOCKER_HOST that does not answer is exit 2, never the default engine', async () => {
  const child = proxyproof(['run', '--only', 'classic-elb-v1', '--reports', scratch], {
    DOCKER_HOST: 'unix:///nonexistent.sock',
  });
  const r = await child;
  expect(r.exitCode).toBe(2);
  expect(oneLine(r.stderr)).toMatch(
    /^proxyproof: DOCKER_HOST names the Docker engine unix:\/\/\/nonexistent\.sock, which does not answer .*never falls back to another engine/,
  );
  expect(await madeBy(child.pid!)).toEqual({ containers: [], networks: [] });
}, 60_000);

test('simulate --port <taken>: 2 before anything starts, nothing left', async () => {
  const taken: Server = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const port = (taken.address() as { port: number }).port;
  try {
    const child = proxyproof(['simulate', '--port', String(port)]);
    const r = await child;
    expect(r.exitCode).toBe(2);
    expect(oneLine(r.stderr)).toBe(
      `proxyproof: port ${port} on 127.0.0.1 is not free for the ELB API (EADDRINUSE)`,
    );
    expect(await madeBy(child.pid!)).toEqual({ containers: [], networks: [] });
  } finally {
    taken.close();
  }
}, 60_000);

describe('clean removes runs whose owner is gone, and only those', () => {
  /** A network labelled as a run of `owner`, as a killed run would leave it. */
  const fakeRun = async (runId: string, owner: Record<string, string>) => {
    const labels = Object.entries({ 'proxyproof.run-id': runId, ...owner }).flatMap(([k, v]) => [
      '--label',
      `${k}=${v}`,
    ]);
    await execa('docker', ['network', 'create', ...labels, `proxyproof-${runId}-net`]);
  };

  test(
    'a dead owner on this host is removed; another host and a live run are left alone',
    async () => {
      // A process that has exited: its pid names nobody (or, if reused, another start time).
      const dead = execa('true');
      await dead;
      const stamp = `20200101-000000-${process.pid.toString(16).slice(-4).padStart(4, '0')}`;
      const gone = `${stamp}a`;
      const elsewhere = `${stamp}b`;
      await fakeRun(gone, {
        'proxyproof.owner.host': hostname(),
        'proxyproof.owner.pid': String(dead.pid),
        'proxyproof.owner.process': 'not-this-boot/0',
        'proxyproof.owner.started-at': '2020-01-01T00:00:00.000Z',
      });
      await fakeRun(elsewhere, {
        'proxyproof.owner.host': 'another-ci-runner',
        'proxyproof.owner.pid': '1',
        'proxyproof.owner.started-at': new Date().toISOString(),
      });
      try {
        await whileSimulating([], async () => {
          const live = (
            await execa('docker', ['ps', '-q', '--filter', 'label=proxyproof.topology=simulate'])
          ).stdout
            .split('\n')
            .filter(Boolean);
          expect(live.length).toBeGreaterThan(0);
          const r = await proxyproof(['clean']);
          expect(r.exitCode).toBe(0);
          expect(r.stdout).toMatch(
            new RegExp(
              `removed run ${gone}: 0 container\\(s\\), 1 network\\(s\\); its owner \\(pid ${dead.pid} on ${hostname()}\\) is gone`,
            ),
          );
          expect(r.stdout).toMatch(
            new RegExp(
              `left run ${elsewhere} alone: owned by pid 1 on another-ci-runner, which this host cannot check`,
            ),
          );
          expect(r.stdout).toMatch(
            /left run \S+ alone: its owner \(pid \d+ on .*\) is still running/,
          );
          // The live simulation kept every container: whileSimulating then checks it still works and stops cleanly.
          const after = (
            await execa('docker', ['ps', '-q', '--filter', 'label=proxyproof.topology=simulate'])
          ).stdout
            .split('\n')
            .filter(Boolean);
          expect(after.sort()).toEqual(live.sort());
        });
        expect(await leftovers(gone)).toEqual({ containers: [], networks: [] });
        expect((await leftovers(elsewhere)).networks).toHaveLength(1);
        const old = await proxyproof(['clean', '--older-than', '0']);
        expect(old.stdout).toContain(`removed run ${elsewhere}`);
      } finally {
        for (const id of [gone, elsewhere])
          await execa('docker', ['network', 'rm', `proxyproof-${id}-net`], { reject: false });
      }
    },
    CONTAINERS,
  );
});

test(
  'a container removed under a running scenario: errored (exit 2), not failed, and nothing left',
  async () => {
    const dir = await mkdtemp(join(scratch, 'errored-'));
    const reports = join(scratch, 'errored-reports');
    await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
    // Health checks give a window of a few seconds in which the capture runs.
    await writeFile(
      join(dir, 'pulled-away.ts'),
      `export default {
  id: 'pulled-away',
  title: 'Its capture is removed while it runs',
  balancer: { kind: 'classic-elb', listenerPort: 3306, instancePort: 3306, proxyProtocol: true,
    healthCheck: { kind: 'mysql', intervalMs: 1000, runForMs: 8000 } },
  backends: { kind: 'mariadb' },
  clients: [{ kind: 'harness', count: 1 }],
  checks: [{ kind: 'header', version: 'v1' }, { kind: 'backend-sees', who: 'client' }],
};
`,
    );
    const run = proxyproof(['run', '--scenarios', dir, '--reports', reports, '--quiet']);
    // Remove the capture sidecar as soon as it exists: collecting it must then fail.
    for (let i = 0; i < 600; i++) {
      const found = (
        await execa('docker', [
          'ps',
          '-q',
          '--filter',
          `label=proxyproof.owner.pid=${run.pid}`,
          '--filter',
          'name=capture',
        ])
      ).stdout.trim();
      if (found) {
        await execa('docker', ['rm', '-f', ...found.split('\n')]);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const r = await run;
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(
      /ERRORED pulled-away in .*: the harness could not complete the scenario: /,
    );
    expect(r.stderr).toContain('0 passed, 0 failed, 1 errored, 0 skipped');
    const report = JSON.parse(
      await readFile(join(reports, 'latest', 'report.json'), 'utf8'),
    ) as RunReport;
    expect(report.scenarios[0]).toMatchObject({ status: 'errored', errorKind: 'environment' });
    const junit = await readFile(join(reports, 'latest', 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<error type="environment" message="the harness could not complete/);
    expect(junit).not.toContain('<failure');
    expect(await readFile(join(reports, 'latest', 'summary.md'), 'utf8')).toContain('errored');
    expect(await madeBy(run.pid!)).toEqual({ containers: [], networks: [] });
  },
  CONTAINERS,
);
