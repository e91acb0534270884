import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { proxyproof } from '../support/cli.ts';
import { madeBy } from '../support/docker-leftovers.ts';

// Two `proxyproof run` at once on one engine (two terminals, two CI jobs on a
// shared host) must both pass, every time: IPv4 and IPv6, shared and exclusive
// topologies, a policy turned on through the ELB API while the other run does
// the same. Five rounds, as the issue asks; PROXYPROOF_CONCURRENT_ROUNDS for more.
// One scenario of each sort is enough for that (a second of a sort only adds
// time): two sharing an IPv4 topology, one taking the engine-wide IPv6 turn,
// one on a topology of its own.
const ROUNDS = Number(process.env.PROXYPROOF_CONCURRENT_ROUNDS ?? 5);
const SELECTION = 'classic-elb-v1,two-backends,ipv6,untrusted-balancer';

let reports: string;
beforeAll(async () => {
  reports = await mkdtemp(join(tmpdir(), 'proxyproof-concurrent-'));
});
afterAll(() => rm(reports, { recursive: true, force: true }));

test(
  `two runs at once pass ${ROUNDS} times out of ${ROUNDS}, and leave nothing`,
  async () => {
    const failures: string[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const children = [1, 2].map((n) =>
        proxyproof([
          'run',
          '--only',
          SELECTION,
          '--reports',
          join(reports, `r${round}-${n}`),
          '--quiet',
        ]),
      );
      const results = await Promise.all(children);
      for (const [i, r] of results.entries()) {
        if (r.exitCode !== 0)
          failures.push(`round ${round}, run ${i + 1}: exit ${r.exitCode}\n${r.stderr}`);
        expect(await madeBy(children[i]!.pid!)).toEqual({ containers: [], networks: [] });
      }
    }
    expect(failures).toEqual([]);
  },
  ROUNDS * 5 * 60_000,
);
