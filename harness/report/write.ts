import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderHtml } from './html.ts';
import { renderJunit } from './junit.ts';
import { renderSummaryMarkdown } from './summary-md.ts';
import type { RunReport } from './types.ts';

/**
 * Writes report.json, junit.xml, summary.md and index.html into the run's
 * folder and points reports/latest at it.
 */
export async function writeReport(reportsDir: string, report: RunReport): Promise<string> {
  const dir = join(reportsDir, report.runId);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(dir, 'junit.xml'), renderJunit(report));
  await writeFile(join(dir, 'summary.md'), renderSummaryMarkdown(report));
  await writeFile(join(dir, 'index.html'), renderHtml(report));
  const latest = join(reportsDir, 'latest');
  await rm(latest, { force: true, recursive: false });
  await symlink(report.runId, latest);
  return dir;
}
