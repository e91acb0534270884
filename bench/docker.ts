// The figures that need a Docker engine, each beside issue #16's target: the
// main job's wall time (and where it went), verified connections per second
// under the shipped load scenario, and, when asked, the test suite's time.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { runProfileText } from '../harness/report/profile.ts';
import type { RunReport } from '../harness/report/types.ts';
import { row, type BenchRow } from './rows.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/proxyproof.js');

/** One `proxyproof run` as a user runs it: its wall time, and its report. */
async function timedRun(
  args: string[],
  reports: string,
): Promise<{ seconds: number; report: RunReport }> {
  const began = performance.now();
  const run = await execa('node', [BIN, 'run', '--reports', reports, '--quiet', ...args], {
    reject: false,
    cwd: ROOT,
  });
  const seconds = (performance.now() - began) / 1000;
  if (run.exitCode !== 0)
    throw new Error(`proxyproof run ${args.join(' ')} exited ${run.exitCode}:\n${run.stderr}`);
  const report = JSON.parse(
    await readFile(join(reports, 'latest', 'report.json'), 'utf8'),
  ) as RunReport;
  return { seconds, report };
}

export async function dockerRows(options: { suite: boolean }): Promise<BenchRow[]> {
  const reports = await mkdtemp(join(tmpdir(), 'proxyproof-bench-'));
  try {
    console.log('\nthe main job: npx proxyproof run (all local scenarios)');
    const main = await timedRun([], join(reports, 'main'));
    console.log(runProfileText(main.report));
    const { passed, skipped } = main.report.summary;

    console.log('\nload: npx proxyproof run --scenarios scenarios/load');
    const load = await timedRun(
      ['--scenarios', join(ROOT, 'scenarios/load')],
      join(reports, 'load'),
    );
    const rows: BenchRow[] = [
      row(
        'npx proxyproof run',
        main.seconds,
        's',
        20,
        `${passed} passed, ${skipped} skipped`,
        'lower',
      ),
    ];
    for (const s of load.report.scenarios) {
      const t = s.tally;
      if (!t) throw new Error(`the load scenario ${s.id} reported no tally`);
      console.log(`  ${s.id}: ${s.status}, ${t.passed} of ${t.total} verified`);
      rows.push(
        row(
          `${s.id}: verified connections/s`,
          t.verifiedPerSecond,
          'conns/s',
          1_000,
          `${t.passed.toLocaleString('en-US')} of ${t.total.toLocaleString('en-US')} attributed, answer p99 ${t.latencyMs.answer?.p99 ?? '?'} ms`,
        ),
      );
    }
    if (options.suite) {
      console.log('\nthe test suite: npm test');
      const began = performance.now();
      const test = await execa('npm', ['test'], { reject: false, cwd: ROOT });
      const seconds = (performance.now() - began) / 1000;
      // A suite that failed has no time worth a target.
      rows.push(
        test.exitCode === 0
          ? row('npm test', seconds, 's', 90, undefined, 'lower')
          : row(
              'npm test',
              null,
              's',
              90,
              `failed (exit ${test.exitCode}) after ${seconds.toFixed(0)} s`,
              'lower',
            ),
      );
    } else {
      rows.push(
        row(
          'npm test',
          null,
          's',
          90,
          'not timed: npm run bench -- --suite (about 20 min)',
          'lower',
        ),
      );
    }
    return rows;
  } finally {
    await rm(reports, { recursive: true, force: true });
  }
}
