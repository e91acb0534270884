import type { ContainerCreateOptions } from 'dockerode';
import { buffer } from 'node:stream/consumers';
import { Interrupted } from '../lifecycle/steps.ts';
import { archiveOf, consumeSingleFile, type ContainerFile } from './container-archive.ts';
import { containerOutput, docker, removeContainer } from './docker.ts';

/**
 * Runs a one-shot container to its end and removes it: `onCreated` hears of it
 * the moment it exists (cleanup before creation), and the engine's wait says
 * when it exited, so no one polls its state.
 */
export async function runToExit(
  spec: ContainerCreateOptions,
  opts: {
    files?: readonly ContainerFile[];
    onCreated?: (id: string) => void;
    /** A file the program writes, read once it exited (when it wrote one). */
    read?: string;
    /** Ctrl-C: the container is removed at once, rather than waited for. */
    signal?: AbortSignal;
  } = {},
): Promise<{ exitCode: number; output: string; file: Buffer | null }> {
  const c = await docker();
  const created = await c.container.dockerode.createContainer(spec);
  opts.onCreated?.(created.id);
  try {
    if (opts.files?.length) await created.putArchive(await archiveOf(opts.files), { path: '/' });
    await created.start();
    const stop = () => void removeContainer(created.id).catch(() => undefined);
    // A Ctrl-C that came while the container was being made stops it as well.
    if (opts.signal?.aborted) stop();
    else opts.signal?.addEventListener('abort', stop, { once: true });
    const { StatusCode } = (await created
      .wait()
      .finally(() => opts.signal?.removeEventListener('abort', stop))) as { StatusCode: number };
    if (opts.signal?.aborted) throw new Interrupted();
    const output = await containerOutput(created.id);
    let file: Buffer | null = null;
    if (opts.read) {
      const path = opts.read;
      // A program that failed early may have written nothing: its output says why.
      const archive = await created.getArchive({ path }).catch(() => null);
      if (archive)
        await consumeSingleFile(
          archive,
          async (content) => void (file = await buffer(content)),
          path,
        );
    }
    return { exitCode: StatusCode, output, file };
  } finally {
    await removeContainer(created.id);
  }
}
