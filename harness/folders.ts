import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SetupError } from './errors.ts';

/** A folder a command reads: it must exist and be a folder, said in one line naming the option. */
export async function ensureFolder(dir: string, option: string): Promise<void> {
  const found = await stat(dir).catch((e: unknown) => {
    throw new SetupError(
      codeOf(e) === 'ENOENT'
        ? `${option} ${dir}: no such folder`
        : `${option} ${dir}: cannot be read (${codeOf(e) ?? messageOf(e)})`,
    );
  });
  if (!found.isDirectory()) throw new SetupError(`${option} ${dir}: not a folder`);
}

/**
 * A folder a command writes into: made if missing, and proven writable by
 * writing into it, before anything starts (permissions alone do not tell, e.g. for root).
 */
export async function ensureWritableFolder(dir: string, option: string): Promise<void> {
  const probe = join(dir, `.proxyproof-write-test-${process.pid}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (e) {
    throw new SetupError(`${option} ${dir}: cannot write there (${codeOf(e) ?? messageOf(e)})`);
  }
}

/** A system error's code (ENOENT, EACCES), if it is one. */
const codeOf = (e: unknown): string | undefined =>
  e instanceof Error ? (e as NodeJS.ErrnoException).code : undefined;

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
