// `node --import tsx bench/profile.ts [report.json]`: where a finished run's
// time went (harness/report/profile.ts), so a speed change is judged by its effect.
import { readFile } from 'node:fs/promises';
import { runProfileText } from '../harness/report/profile.ts';
import type { RunReport } from '../harness/report/types.ts';

const path = process.argv[2] ?? 'reports/latest/report.json';
const report = JSON.parse(await readFile(path, 'utf8')) as RunReport;
console.log(`profile of run ${report.runId} (${path})`);
console.log(runProfileText(report));
