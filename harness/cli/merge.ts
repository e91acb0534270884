// `proxyproof merge <report folders...>`: the shards of one selection, run on
// several CI runners, as one report (report.json, junit.xml, summary.md,
// index.html, the captures) and the gate's decision over the whole.
import { cp, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SetupError } from '../errors.ts';
import { ensureFolder, ensureWritableFolder } from '../folders.ts';
import { gateConsoleLines, gateMarkdown, gateVerdict } from '../report/gate.ts';
import { mergeReports } from '../report/merge.ts';
import { renderSummaryMarkdown, writeStepSummary } from '../report/summary-md.ts';
import type { RunReport } from '../report/types.ts';
import { writeReport } from '../report/write.ts';
import { newRunId } from '../run/run-all.ts';

/**
 * The run folder a given folder means: itself; else the run its `latest`
 * points at (a --reports folder); else its one run folder (an artifact
 * download, where `latest` may not survive the upload).
 */
async function runFolder(folder: string): Promise<string> {
  await ensureFolder(folder, 'merge');
  const hasReport = async (dir: string) =>
    (await stat(join(dir, 'report.json')).catch(() => null))?.isFile() === true;
  for (const candidate of [folder, join(folder, 'latest')])
    if (await hasReport(candidate)) return candidate;
  const entries = await readdir(folder, { withFileTypes: true });
  const runs = [];
  for (const e of entries)
    if (e.isDirectory() && (await hasReport(join(folder, e.name)))) runs.push(join(folder, e.name));
  if (runs.length === 1) return runs[0]!;
  throw new SetupError(
    runs.length === 0
      ? `${folder} holds no report.json (nor a latest run with one)`
      : `${folder} holds ${runs.length} runs and no latest: name the one to merge`,
  );
}

async function readRun(folder: string): Promise<RunReport> {
  const text = await readFile(join(folder, 'report.json'), 'utf8');
  try {
    return JSON.parse(text) as RunReport;
  } catch (e) {
    throw new SetupError(`${folder}/report.json is not JSON: ${(e as Error).message}`);
  }
}

export async function merge(
  folders: string[],
  options: { reports: string; require?: string },
): Promise<number> {
  if (folders.length === 0) throw new SetupError('give the report folders to merge');
  if (options.require !== undefined && options.require !== 'aws')
    throw new SetupError(`--require must be aws, not ${options.require}`);
  await ensureWritableFolder(options.reports, '--reports');
  const runs = await Promise.all(
    folders.map(async (f) => {
      const folder = await runFolder(f);
      return { folder, run: await readRun(folder) };
    }),
  );
  const merged = mergeReports(
    runs.map((r) => r.run),
    `${newRunId()}-merged`,
  );
  const dir = join(options.reports, merged.runId);
  // The captures and configs, where the merged report's relative links expect them.
  for (const { folder, run } of runs)
    for (const s of run.scenarios)
      for (const artifact of s.artifacts)
        await cp(join(folder, artifact), join(dir, artifact), { force: true }).catch(
          (e: unknown) => {
            throw new SetupError(`${join(folder, artifact)} is missing: ${(e as Error).message}`);
          },
        );
  await writeReport(options.reports, merged);
  const { passed, failed, skipped, errored } = merged.summary;
  process.stderr.write(
    `merged ${runs.length} run(s): ${passed} passed, ${failed} failed, ${errored} errored, ${skipped} skipped\nreport: ${dir}/report.json\n`,
  );
  const verdict = gateVerdict(merged, { requireAws: options.require === 'aws' });
  for (const line of gateConsoleLines(verdict, process.env.GITHUB_ACTIONS === 'true'))
    process.stderr.write(`${line}\n`);
  await writeStepSummary(renderSummaryMarkdown(merged) + gateMarkdown(verdict)).catch(
    (e: unknown) =>
      process.stderr.write(
        `proxyproof: warning: cannot append to $GITHUB_STEP_SUMMARY: ${(e as Error).message}\n`,
      ),
  );
  return verdict.exitCode;
}
