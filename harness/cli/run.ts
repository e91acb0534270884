// `proxyproof run` and `proxyproof gate`: load, select, run with progress and
// Ctrl-C handling, write the report and the CI step summary, choose the exit code.
import { Interrupted } from '../lifecycle/steps.ts';
import { runAll } from '../run/run-all.ts';
import { loadScenarios, selectScenarios } from '../scenario/load.ts';
import { SetupError } from '../errors.ts';
import { docker, sweepRun } from '../topology/docker.ts';
import { onInterrupt } from '../lifecycle/signals.ts';
import { consoleEvents } from './progress.ts';
import { gateConsoleLines, gateMarkdown, gateVerdict } from '../report/gate.ts';
import { renderSummaryMarkdown, writeStepSummary } from '../report/summary-md.ts';
import type { RunReport } from '../report/types.ts';
import { onAws, type Scenario } from '../scenario/schema.ts';

export interface RunOptions {
  reports: string;
  jobs: string;
  quiet?: boolean;
}

/** Which scenarios: a folder, an id pattern, and the option that gave it (for its error). */
interface Selection {
  dir: string;
  pattern: string | undefined;
  option: string;
}

/** Loads and selects before anything starts: bad input, or no engine, is exit 2 with nothing created. */
async function prepare({ dir, pattern, option }: Selection, jobsText: string) {
  const jobs = Number(jobsText);
  if (!Number.isInteger(jobs) || jobs < 1)
    throw new SetupError(`--jobs must be a whole number >= 1, not ${jobsText}`);
  const scenarios = selectScenarios(await loadScenarios(dir), pattern, option);
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
): Promise<{ report: RunReport; scenarios: Scenario[] } | null> {
  const { scenarios, jobs } = await prepare(selection, options.jobs);
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
  // empty event loop; that must read as a failure and still clean up.
  let runId: string | undefined;
  let finished = false;
  process.exitCode = 70;
  process.once('beforeExit', () => {
    if (finished) return;
    process.stderr.write(
      'proxyproof: internal error: the run stopped with work unfinished; removing its containers\n',
    );
    if (runId) void sweepRun(runId);
  });

  const events = consoleEvents(process.stderr, { quiet: options.quiet });
  try {
    const { report, dir } = await runAll({
      scenarios,
      reportsDir: options.reports,
      signal: controller.signal,
      jobs,
      events: { ...events, runStarted: (id, list) => ((runId = id), events.runStarted(id, list)) },
    });
    finished = true;
    const { passed, failed, skipped } = report.summary;
    process.stderr.write(
      `\n${passed} passed, ${failed} failed, ${skipped} skipped\nreport: ${dir}/report.json\n`,
    );
    await stepSummary(renderSummaryMarkdown(report));
    return { report, scenarios };
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

/** Exit codes: 0 all passed, 1 a scenario failed, 2 bad input or environment, 130 interrupted. */
export async function run(
  options: RunOptions & { scenarios: string; only?: string },
): Promise<number> {
  const done = await execute(
    { dir: options.scenarios, pattern: options.only, option: '--only' },
    options,
  );
  if (!done) return 130;
  return done.report.summary.failed > 0 ? 1 : 0;
}

/** As run, but with --require aws a skipped or unselected AWS scenario is a failure too. */
export async function gate(
  options: RunOptions & { dir: string; scenarios?: string; require?: string },
): Promise<number> {
  if (options.require !== undefined && options.require !== 'aws')
    throw new SetupError(`--require must be aws, not ${options.require}`);
  const done = await execute(
    { dir: options.dir, pattern: options.scenarios, option: '--scenarios' },
    options,
  );
  if (!done) return 130;
  const { report, scenarios } = done;
  const verdict = gateVerdict(report, {
    requireAws: options.require === 'aws',
    awsIds: scenarios.filter(onAws).map((s) => s.id),
  });
  const inActions = process.env.GITHUB_ACTIONS === 'true';
  for (const line of gateConsoleLines(verdict, inActions)) process.stderr.write(`${line}\n`);
  await stepSummary(gateMarkdown(verdict));
  return verdict.exitCode;
}
