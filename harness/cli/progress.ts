import { tallyLines } from '../report/connection-tally.ts';
import type { RunEvents } from '../run/run-all.ts';

/** Failing connections named on the console; report.json has them all. */
const FAILURES_SHOWN = 20;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/**
 * Where progress goes: stderr. `isTTY` is optional because Node leaves it
 * undefined on a stream that is not a terminal, whatever its type says.
 */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface ConsoleOptions {
  /** CI: only each scenario's verdict, its failing connections and cleanup problems. */
  quiet?: boolean;
  /** For NO_COLOR (no-color.org: present and not empty turns colour off). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Human progress on stderr: each step as it finishes, with its time (and as it
 * starts, on a terminal, where a slow step should not look like a hang), then
 * a verdict per scenario.
 */
export function consoleEvents(
  out: ProgressStream = process.stderr,
  { quiet = false, env = process.env }: ConsoleOptions = {},
): RunEvents {
  const tty = out.isTTY === true;
  const colour = tty && !env.NO_COLOR;
  const paint = (code: number, text: string) => (colour ? `\x1b[${code}m${text}\x1b[0m` : text);
  const say = (line: string) => {
    if (!quiet) out.write(line);
  };
  let total = 0;
  return {
    runStarted(runId, scenarios) {
      total = scenarios.length;
      say(`proxyproof run ${runId}: ${scenarios.length} scenario(s)\n`);
    },
    building(tags, millis) {
      say(
        millis === undefined
          ? `building image ${tags} (first run only; it is reused until containers/ changes)\n`
          : `built ${tags} ${paint(2, seconds(millis))}\n`,
      );
    },
    scenarioStarted(scenario, index) {
      say(`\n[${index + 1}/${total}] ${scenario.id}: ${scenario.title}\n`);
    },
    step(scenario, step, millis) {
      // Scenarios may run side by side: every line names its scenario.
      if (millis !== undefined) say(`      ${scenario}: ${step} ${paint(2, seconds(millis))}\n`);
      else if (tty) say(`    ${paint(2, '→')} ${scenario}: ${step}…\n`);
    },
    warn(scenario, message) {
      // Kept when quiet: cleanup problems can leave containers or AWS settings behind.
      out.write(`  ${paint(33, '!')} ${scenario}: ${message}\n`);
    },
    scenarioFinished(report) {
      const mark = {
        passed: paint(32, 'PASSED'),
        failed: paint(31, 'FAILED'),
        skipped: paint(33, 'SKIPPED'),
        errored: paint(35, 'ERRORED'),
      }[report.status];
      out.write(`  ${mark} ${report.id} in ${seconds(report.durationMillis)}: ${report.reason}\n`);
      // Kept when quiet: under load the tally is the verdict's evidence.
      for (const line of report.tally ? tallyLines(report.tally) : []) out.write(`    ${line}\n`);
      for (const w of report.warnings) say(`    ${paint(33, 'warning:')} ${w}\n`);
      const failing = report.connections.filter((e) => !e.verdict.ok);
      for (const c of failing.slice(0, FAILURES_SHOWN)) {
        out.write(`    ✗ ${c.client}: ${c.verdict.reasons.join('; ')}\n`);
      }
      if (failing.length > FAILURES_SHOWN)
        out.write(
          `    …and ${failing.length - FAILURES_SHOWN} more failing connection(s) in report.json\n`,
        );
    },
  };
}
