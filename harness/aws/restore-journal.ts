// Restore records on disk, written before a run changes a balancer and removed
// once it is restored: what a kill -9 leaves here, `proxyproof aws sweep` replays.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AwsPlace } from './clients.ts';
import type { RestoreRecord } from './remote-balancer.ts';

export interface PendingRestore extends AwsPlace {
  runId: string;
  scenario: string;
  savedAt: string;
  record: RestoreRecord;
}

const folder = (reportsDir: string) => join(reportsDir, 'aws-pending');

/** Saves the record and returns its file. */
export async function savePending(reportsDir: string, pending: PendingRestore): Promise<string> {
  await mkdir(folder(reportsDir), { recursive: true });
  const file = join(folder(reportsDir), `${pending.runId}-${pending.scenario}.json`);
  await writeFile(file, `${JSON.stringify(pending, null, 2)}\n`);
  return file;
}

export async function listPending(
  reportsDir: string,
): Promise<{ file: string; pending: PendingRestore }[]> {
  const names = await readdir(folder(reportsDir)).catch(() => [] as string[]);
  return Promise.all(
    names
      .filter((n) => n.endsWith('.json'))
      .sort()
      .map(async (n) => {
        const file = join(folder(reportsDir), n);
        return { file, pending: JSON.parse(await readFile(file, 'utf8')) as PendingRestore };
      }),
  );
}

export const clearPending = (file: string) => rm(file, { force: true });
