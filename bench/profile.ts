// `node --import tsx bench/profile.ts [report.json]`: where a finished run's
// time went (harness/report/profile.ts), so a speed change is judged by its effect.
import { readFile } from 'node:fs/promises';
import { runProfileText } from '../harness/report/profile.ts';
import type { RunReport } from '../harness/report/types.ts';

const path = process.argv[2] ?? 'reports/latest/report.json';
const refuse = (why: string): never => {
  process.stderr.write(`bench/profile: cannot read ${path}: ${why}\n`);
  process.exit(2);
};
const text = await readFile(path, 'utf8').catch((e: unknown) =>
  refuse((e as NodeJS.ErrnoException).code ?? String(e)),
);
let report: RunReport;
try {
  report = JSON.parse(text) as RunReport;
} catch {
  report = refuse('not a report (invalid JSON)');
}
console.log(`profile of run ${report.runId} (${path})`);
console.log(runProfileText(report));
