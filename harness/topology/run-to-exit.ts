import type { ContainerCreateOptions } from 'dockerode';
import { buffer } from 'node:stream/consumers';
import tar from 'tar-stream';
import { containerOutput, docker, removeContainer } from './docker.ts';

/** A file put into the container before it starts. */
export interface ContainerFile {
  content: string;
  target: string;
}

/** Docker takes files as a tar archive, extracted at the container's root. */
function archiveOf(files: readonly ContainerFile[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const f of files) pack.entry({ name: f.target.replace(/^\//, ''), mode: 0o644 }, f.content);
  pack.finalize();
  return buffer(pack);
}

/**
 * Runs a one-shot container to its end and removes it: `onCreated` hears of it
 * the moment it exists (cleanup before creation), and the engine's wait says
 * when it exited, so no one polls its state.
 */
export async function runToExit(
  spec: ContainerCreateOptions,
  opts: { files?: readonly ContainerFile[]; onCreated?: (id: string) => void } = {},
): Promise<{ exitCode: number; output: string }> {
  const c = await docker();
  const created = await c.container.dockerode.createContainer(spec);
  opts.onCreated?.(created.id);
  try {
    if (opts.files?.length) await created.putArchive(await archiveOf(opts.files), { path: '/' });
    await created.start();
    const { StatusCode } = (await created.wait()) as { StatusCode: number };
    return { exitCode: StatusCode, output: await containerOutput(created.id) };
  } finally {
    await removeContainer(created.id);
  }
}
