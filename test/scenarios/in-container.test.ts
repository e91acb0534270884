import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import type { RunReport } from '../../harness/report/types.ts';

// proxyproof itself inside a container that has only the Docker socket, as a
// CI job in a container, a devcontainer or Docker Desktop's VM sees it: the
// scenario networks cannot be reached from there, so every client runs in a
// container of its own and everything comes back through the engine's API.
const REPO = new URL('../../', import.meta.url).pathname;
const CONTAINERS = 15 * 60_000;
const SCENARIOS = 'classic-elb-v1,nlb-v2-tlv,ipv6';

let reports: string;
beforeAll(async () => {
  // Under the repository, which the container sees at the same path.
  reports = await mkdtemp(join(REPO, 'reports', 'in-container-'));
});
afterAll(() => rm(reports, { recursive: true, force: true }));

test(
  `${SCENARIOS} pass with proxyproof in a container that has only /var/run/docker.sock`,
  async () => {
    const r = await execa(
      'docker',
      [
        'run',
        '--rm',
        '--label',
        'proxyproof.test=in-container',
        // The host's Node (same glibc as the Debian base), the repository, the socket: nothing else.
        '-v',
        `${process.execPath}:/usr/local/bin/node:ro`,
        '-v',
        `${REPO}:${REPO}`,
        '-w',
        REPO,
        '-v',
        '/var/run/docker.sock:/var/run/docker.sock',
        'debian:bookworm-slim',
        'node',
        'bin/proxyproof.js',
        'run',
        '--only',
        SCENARIOS,
        '--reports',
        reports,
        '--quiet',
      ],
      { reject: false },
    );
    const report = JSON.parse(
      await readFile(join(reports, 'latest', 'report.json'), 'utf8'),
    ) as RunReport;
    expect(report.scenarios.map((s) => `${s.id}: ${s.status}: ${s.reason}`)).toEqual(
      report.scenarios.map((s) => `${s.id}: passed: ${s.reason}`),
    );
    expect(report.scenarios.map((s) => s.id).sort()).toEqual(SCENARIOS.split(',').sort());
    expect(r.exitCode).toBe(0);
  },
  CONTAINERS,
);
