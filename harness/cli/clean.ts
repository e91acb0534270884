import { parseAge } from '../age.ts';
import { SetupError } from '../errors.ts';
import { EXIT } from '../exit-codes.ts';
import { runsOnEngine, sweepRun, type RunOnEngine } from '../topology/docker.ts';
import { liveness } from '../topology/owner.ts';

/** When a run started: its owner's start, else the time its id begins with (20261201-145751-…). */
function startedAt(run: RunOnEngine): number | null {
  if (run.owner) return Date.parse(run.owner.startedAt);
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-/.exec(run.runId);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : null;
}

/** Whether to remove a run, and why, in words. */
function decide(
  run: RunOnEngine,
  options: { all: boolean; olderThanMs: number | null },
  now: number,
): { remove: boolean; why: string } {
  const owner = run.owner ? `pid ${run.owner.pid} on ${run.owner.host}` : 'an unrecorded owner';
  if (options.all) return { remove: true, why: `--all (owner: ${owner})` };
  const state = liveness(run.owner);
  if (state === 'gone') return { remove: true, why: `its owner (${owner}) is gone` };
  if (state === 'alive') return { remove: false, why: `its owner (${owner}) is still running` };
  const started = startedAt(run);
  const age = started === null ? null : now - started;
  if (options.olderThanMs !== null && age !== null && age >= options.olderThanMs)
    return { remove: true, why: `owned by ${owner}, started ${Math.round(age / 60_000)} min ago` };
  return {
    remove: false,
    why: `owned by ${owner}, which this host cannot check (clean --older-than <age> or --all removes it)`,
  };
}

/**
 * `proxyproof clean`: removes the containers and networks of runs whose owner
 * is gone; a run still going, on this host or possibly on another sharing the
 * engine, is left alone unless --all (or --older-than, for other hosts) says so.
 */
export async function clean(options: { all?: boolean; olderThan?: string }): Promise<number> {
  const olderThanMs = options.olderThan === undefined ? null : parseAge(options.olderThan);
  if (options.olderThan !== undefined && olderThanMs === null)
    throw new SetupError(`--older-than must be like 30m, 6h, 2d or 0, not ${options.olderThan}`);
  const runs = await runsOnEngine();
  const now = Date.now();
  let removed = 0;
  for (const run of runs) {
    const { remove, why } = decide(run, { all: options.all === true, olderThanMs }, now);
    if (remove) {
      const gone = await sweepRun(run.runId);
      removed += 1;
      process.stdout.write(
        `removed run ${run.runId}: ${gone.containers} container(s), ${gone.networks} network(s); ${why}\n`,
      );
    } else process.stdout.write(`left run ${run.runId} alone: ${why}\n`);
  }
  process.stdout.write(
    runs.length === 0
      ? 'nothing to clean: no proxyproof containers or networks on this engine\n'
      : `${removed} of ${runs.length} run(s) removed\n`,
  );
  return EXIT.passed;
}
