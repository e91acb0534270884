import type { RunEvents } from '../run/run-all.ts';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** Human progress on stderr: one line per finished step, a verdict per scenario. */
export function consoleEvents(out: NodeJS.WriteStream = process.stderr): RunEvents {
  const colour = out.isTTY === true;
  const paint = (code: number, text: string) => (colour ? `\x1b[${code}m${text}\x1b[0m` : text);
  let total = 0;
  return {
    runStarted(runId, scenarios) {
      total = scenarios.length;
      out.write(`proxyproof run ${runId}: ${scenarios.length} scenario(s)\n`);
    },
    building(tag) {
      out.write(`building image ${tag} (first run only; it is reused until containers/ changes)\n`);
    },
    scenarioStarted(scenario, index) {
      out.write(`\n[${index + 1}/${total}] ${scenario.id}: ${scenario.title}\n`);
    },
    step(scenario, step, millis) {
      // Scenarios may run side by side: every line names its scenario.
      if (millis !== undefined)
        out.write(`      ${scenario}: ${step} ${paint(2, seconds(millis))}\n`);
    },
    warn(scenario, message) {
      out.write(`  ${paint(33, '!')} ${scenario}: ${message}\n`);
    },
    scenarioFinished(report) {
      const mark =
        report.status === 'passed'
          ? paint(32, 'PASSED')
          : report.status === 'failed'
            ? paint(31, 'FAILED')
            : paint(33, 'SKIPPED');
      out.write(`  ${mark} ${report.id} in ${seconds(report.durationMillis)}: ${report.reason}\n`);
      for (const w of report.warnings) out.write(`    ${paint(33, 'warning:')} ${w}\n`);
      for (const c of report.connections.filter((e) => !e.verdict.ok)) {
        out.write(`    ✗ ${c.client}: ${c.verdict.reasons.join('; ')}\n`);
      }
    },
  };
}
