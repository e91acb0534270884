import { runToExit } from './run-to-exit.ts';

/**
 * Runs `cmd` in a throwaway container of `image` that shares `containerId`'s
 * network namespace: its 127.0.0.1 is the other container's, so a port or a
 * query can be tried there whatever tools that container's own image lacks.
 */
export function runBeside(
  containerId: string,
  opts: {
    image: string;
    cmd: string[];
    labels: Record<string, string>;
    /** Capabilities the command needs in that namespace (NET_ADMIN to change its routes). */
    capAdd?: string[];
  },
): Promise<{ exitCode: number; output: string }> {
  return runToExit({
    Image: opts.image,
    Cmd: opts.cmd,
    Labels: opts.labels,
    HostConfig: { NetworkMode: `container:${containerId}`, CapAdd: opts.capAdd ?? [] },
  });
}
