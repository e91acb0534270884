import { getContainerRuntimeClient, type ContainerRuntimeClient } from 'testcontainers';
import { SetupError } from '../errors.ts';

// Ryuk's image cannot be pulled without a registry; proxyproof removes what it
// starts itself (labels below, swept on every exit path).
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

export const RUN_LABEL = 'proxyproof.run-id';

export class DockerUnavailableError extends SetupError {
  constructor(cause: unknown) {
    super(
      'No Docker engine answers. proxyproof needs a running Docker engine ' +
        '(`docker info` must succeed; on Debian: apt-get install docker.io, then start dockerd). ' +
        `Cause: ${(cause as Error)?.message ?? String(cause)}`,
    );
  }
}

let client: Promise<ContainerRuntimeClient> | undefined;

/** The container runtime, or a DockerUnavailableError that says what to do. */
export function docker(): Promise<ContainerRuntimeClient> {
  client ??= getContainerRuntimeClient().catch((e: unknown) => {
    client = undefined;
    throw new DockerUnavailableError(e);
  });
  return client;
}

export const runLabels = (runId: string) => ({ [RUN_LABEL]: runId });

/** Removes a container whatever its state; already gone is fine. */
export async function removeContainer(id: string): Promise<void> {
  const c = await docker();
  await c.container.dockerode
    .getContainer(id)
    .remove({ force: true, v: true })
    .catch((e: { statusCode?: number }) => {
      if (e.statusCode !== 404) throw e;
    });
}

/**
 * Removes every container and network a run created, found by its label (all
 * runs' when no id is given). The last line of defence: it also catches what was
 * created but not yet registered, and what a killed run left.
 */
export async function sweepRun(runId?: string): Promise<{ containers: number; networks: number }> {
  const c = await docker();
  const filters = JSON.stringify({ label: [runId ? `${RUN_LABEL}=${runId}` : RUN_LABEL] });
  const containers = await c.container.dockerode.listContainers({ all: true, filters });
  await Promise.all(containers.map((info) => removeContainer(info.Id)));
  const networks = await c.container.dockerode.listNetworks({ filters });
  for (const n of networks) {
    await c.container.dockerode
      .getNetwork(n.Id)
      .remove()
      .catch((e: { statusCode?: number }) => {
        if (e.statusCode !== 404) throw e;
      });
  }
  return { containers: containers.length, networks: networks.length };
}

/**
 * A container's whole output so far, stdout and stderr interleaved, without
 * following (so it always ends, also for a stopped container). Docker frames
 * non-TTY output: 8-byte headers (stream, size) before each chunk.
 */
export async function containerOutput(id: string): Promise<string> {
  const c = await docker();
  const raw = await c.container.dockerode
    .getContainer(id)
    .logs({ stdout: true, stderr: true, follow: false });
  const chunks: Buffer[] = [];
  for (let at = 0; at + 8 <= raw.length;) {
    const size = raw.readUInt32BE(at + 4);
    chunks.push(raw.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return Buffer.concat(chunks).toString('utf8');
}
