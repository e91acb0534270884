import { containerOutput, docker, removeContainer } from './docker.ts';

/**
 * Runs `cmd` in a throwaway container of `image` that shares `containerId`'s
 * network namespace: its 127.0.0.1 is the other container's, so a port or a
 * query can be tried there whatever tools that container's own image lacks.
 */
export async function runBeside(
  containerId: string,
  opts: {
    image: string;
    cmd: string[];
    labels: Record<string, string>;
    /** Capabilities the command needs in that namespace (NET_ADMIN to change its routes). */
    capAdd?: string[];
  },
): Promise<{ exitCode: number; output: string }> {
  const c = await docker();
  const created = await c.container.dockerode.createContainer({
    Image: opts.image,
    Cmd: opts.cmd,
    Labels: opts.labels,
    HostConfig: { NetworkMode: `container:${containerId}`, CapAdd: opts.capAdd ?? [] },
  });
  try {
    await created.start();
    const { StatusCode } = (await created.wait()) as { StatusCode: number };
    return { exitCode: StatusCode, output: await containerOutput(created.id) };
  } finally {
    await removeContainer(created.id);
  }
}
