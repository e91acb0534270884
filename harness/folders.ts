import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SetupError } from './errors.ts';

/** A folder a command reads: it must exist and be a folder, said in one line naming the option. */
export async function ensureFolder(dir: string, option: string): Promise<void> {
  const found = await stat(dir).catch((e: NodeJS.ErrnoException) => {
    throw new SetupError(
      e.code === 'ENOENT'
        ? `${option} ${dir}: no such folder`
        : `${option} ${dir}: cannot be read (${e.code ?? e.message})`,
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
    const err = e as NodeJS.ErrnoException;
    throw new SetupError(`${option} ${dir}: cannot write there (${err.code ?? err.message})`);
  }
}
