// `proxyproof run` and `proxyproof gate`: load, select, run with progress and
// Ctrl-C handling, write the report and the CI step summary, choose the exit code.
import { Interrupted } from '../lifecycle/steps.ts';
import { runAll } from '../run/run-all.ts';
import { loadScenarios, selectScenarios } from '../scenario/load.ts';
import { errorLine, SetupError } from '../errors.ts';
import { docker, sweepRun } from '../topology/docker.ts';
import { onInterrupt } from '../lifecycle/signals.ts';
import { consoleEvents } from './progress.ts';
import { gateConsoleLines, gateMarkdown, gateVerdict } from '../report/gate.ts';
import { renderSummaryMarkdown, writeStepSummary } from '../report/summary-md.ts';
import type { RunReport } from '../report/types.ts';
import { onAws } from '../scenario/schema.ts';
import { readAwsSettings } from '../aws/settings.ts';
import { EXIT } from '../exit-codes.ts';
import { runOutcome } from '../report/outcome.ts';
import { ensureWritableFolder } from '../folders.ts';
import { parseShard, shardOf } from '../run/shard.ts';

export interface RunOptions {
  reports: string;
  jobs: string;
  quiet?: boolean;
  /** "i/n": this runner's deterministic share of the selection. */
  shard?: string;
}

/** Which scenarios: a folder and an id pattern, each with the option that gave it (for errors). */
interface Selection {
  dir: string;
  dirOption: string;
  pattern: string | undefined;
  patternOption: string;
}

/**
 * Everything that can be known before anything starts: bad input (options,
 * scenario files, AWS settings, the reports folder) or no engine is exit 2
 * with nothing created.
 */
async function prepare(selection: Selection, options: RunOptions) {
  const jobs = Number(options.jobs);
  if (!Number.isInteger(jobs) || jobs < 1)
    throw new SetupError(`--jobs must be a whole number >= 1, not ${options.jobs}`);
  const shard = options.shard === undefined ? null : parseShard(options.shard);
  const { dir, dirOption, pattern, patternOption } = selection;
  const selected = selectScenarios(await loadScenarios(dir, dirOption), pattern, patternOption);
  const scenarios = shard ? shardOf(selected, shard) : selected;
  await ensureWritableFolder(options.reports, '--reports');
  const malformed = [...new Set(scenarios.filter(onAws).map((s) => s.balancer.kind))].flatMap(
    (kind) => readAwsSettings(kind).malformed,
  );
  if (malformed.length > 0)
    throw new SetupError(`malformed AWS settings: ${[...new Set(malformed)].join('; ')}`);
  // Fail before anything starts if local scenarios need an engine that is not there.
  if (!scenarios.every(onAws)) await docker();
  return { scenarios, jobs };
}

/**
 * Loads, selects and runs the scenarios with progress on stderr, Ctrl-C
 * handling, the report and the CI step summary. Null when interrupted
 * (everything started is removed).
 */
async function execute(
  selection: Selection,
  options: RunOptions,
): Promise<{ report: RunReport } | null> {
  const { scenarios, jobs } = await prepare(selection, options);
  const controller = new AbortController();
  onInterrupt(
    (signal) => {
      process.stderr.write(
        `\n${signal}: stopping after the current step and removing everything this run started (again to force)\n`,
      );
      controller.abort();
    },
    () => {
      process.stderr.write(
        'forced exit: containers may remain (npx proxyproof clean) and AWS balancers may be left changed (npx proxyproof aws sweep --records-only --older-than 0, with the same --reports)\n',
      );
      process.exit(130);
    },
  );

  // If the run ever stalls on a promise nothing will settle, Node exits on an
  // empty event loop (the CLI then says so, exit 70); its containers still go.
  let runId: string | undefined;
  let finished = false;
  process.once('beforeExit', () => {
    if (finished || !runId) return;
    const id = runId;
    // Not awaited: nothing is left to await it, and its own I/O keeps the
    // process alive until it is done. Its failure is said, not thrown: an
    // unhandled rejection would exit 1 (a failed check) instead of 70.
    sweepRun(id).catch((e: unknown) =>
      process.stderr.write(
        `proxyproof: could not remove run ${id}'s containers (${errorLine(e)}): npx proxyproof clean\n`,
      ),
    );
  });

  const events = consoleEvents(process.stderr, { quiet: options.quiet });
  try {
    const { report, dir } = await runAll({
      scenarios,
      reportsDir: options.reports,
      signal: controller.signal,
      jobs,
      events: {
        ...events,
        runStarted: (id, list) => {
          runId = id;
          events.runStarted(id, list);
        },
      },
    });
    finished = true;
    const { passed, failed, skipped, errored } = report.summary;
    process.stderr.write(
      `\n${passed} passed, ${failed} failed, ${errored} errored, ${skipped} skipped\nreport: ${dir}/report.json\n`,
    );
    await stepSummary(renderSummaryMarkdown(report));
    return { report };
  } catch (e) {
    finished = true;
    if (e instanceof Interrupted) {
      process.stderr.write('interrupted: everything this run started has been removed\n');
      return null;
    }
    throw e;
  }
}

/** A summary CI cannot write is worth a warning, not a different verdict. */
async function stepSummary(markdown: string): Promise<void> {
  await writeStepSummary(markdown).catch((e: unknown) =>
    process.stderr.write(
      `proxyproof: warning: cannot append to $GITHUB_STEP_SUMMARY: ${(e as Error).message}\n`,
    ),
  );
}

/**
 * Exit codes: 0 something was checked and all passed, 1 a scenario failed, 2
 * bad input or environment (also: a scenario errored for it, or nothing was
 * checked), 70 a defect of proxyproof, 130 interrupted.
 */
export async function run(
  options: RunOptions & { scenarios: string; only?: string },
): Promise<number> {
  const done = await execute(
    {
      dir: options.scenarios,
      dirOption: '--scenarios',
      pattern: options.only,
      patternOption: '--only',
    },
    options,
  );
  if (!done) return EXIT.interrupted;
  const outcome = runOutcome(done.report);
  // Each scenario's verdict was printed as it finished; this says why the exit code is not 0.
  if (outcome.exitCode !== EXIT.passed) process.stderr.write(`${outcome.headline}\n`);
  return outcome.exitCode;
}

/** As run, but with --require aws a skipped or unselected AWS scenario is a failure too. */
export async function gate(
  options: RunOptions & { dir: string; scenarios?: string; require?: string },
): Promise<number> {
  if (options.require !== undefined && options.require !== 'aws')
    throw new SetupError(`--require must be aws, not ${options.require}`);
  const done = await execute(
    {
      dir: options.dir,
      dirOption: '--dir',
      pattern: options.scenarios,
      patternOption: '--scenarios',
    },
    options,
  );
  if (!done) return EXIT.interrupted;
  const verdict = gateVerdict(done.report, { requireAws: options.require === 'aws' });
  const inActions = process.env.GITHUB_ACTIONS === 'true';
  for (const line of gateConsoleLines(verdict, inActions)) process.stderr.write(`${line}\n`);
  await stepSummary(gateMarkdown(verdict));
  return verdict.exitCode;
}
