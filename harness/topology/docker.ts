import http from 'node:http';
import { getContainerRuntimeClient, type ContainerRuntimeClient } from 'testcontainers';
// Not re-exported by the package; read so that a named engine is never swapped for another.
import { getContainerRuntimeConfig } from 'testcontainers/build/container-runtime/strategies/utils/config.js';
import { SetupError } from '../errors.ts';
import { ownerFromLabels, ownerLabels, type Owner } from './owner.ts';

// Ryuk's image cannot be pulled without a registry; proxyproof removes what it
// starts itself (labels below, swept on every exit path).
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

export const RUN_LABEL = 'proxyproof.run-id';

/** A thrown value's message, whatever was thrown. */
const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The HTTP status of an engine call that failed (dockerode's errors carry it), if any. */
export const engineStatus = (e: unknown): number | undefined =>
  typeof e === 'object' && e !== null && 'statusCode' in e && typeof e.statusCode === 'number'
    ? e.statusCode
    : undefined;

export class DockerUnavailableError extends SetupError {
  constructor(cause: unknown) {
    super(
      'No Docker engine answers. proxyproof needs a running Docker engine ' +
        '(`docker info` must succeed; on Debian: apt-get install docker.io, then start dockerd). ' +
        `Cause: ${messageOf(cause)}`,
    );
  }
}

let client: Promise<ContainerRuntimeClient> | undefined;

/** The runtime, or a DockerUnavailableError that says what to do. */
export function docker(): Promise<ContainerRuntimeClient> {
  client ??= connect().catch((e: unknown) => {
    client = undefined;
    throw e instanceof SetupError ? e : new DockerUnavailableError(e);
  });
  return client;
}

/**
 * testcontainers tries every strategy in turn, so an engine named by
 * DOCKER_HOST (or ~/.testcontainers.properties) that does not answer would
 * silently become the default socket's engine. A named engine is the one used,
 * or none is.
 */
async function connect(): Promise<ContainerRuntimeClient> {
  const named = await namedEngine();
  const found = await getContainerRuntimeClient().catch((e: unknown) => {
    if (named) throw new EngineNotAnswering(named, e);
    throw e;
  });
  if (named && !isEngine(found.container.dockerode.modem as Modem, named.url))
    throw new EngineNotAnswering(named, await pingError(named.url));
  return found;
}

/** The engine the user named, and where they named it. */
async function namedEngine(): Promise<{ url: string; source: string } | null> {
  const config = await getContainerRuntimeConfig();
  if (config.tcHost)
    return { url: config.tcHost, source: 'tc.host in ~/.testcontainers.properties' };
  if (!config.dockerHost) return null;
  return {
    url: config.dockerHost,
    source:
      process.env.DOCKER_HOST !== undefined
        ? 'DOCKER_HOST'
        : 'docker.host in ~/.testcontainers.properties',
  };
}

class EngineNotAnswering extends SetupError {
  constructor(named: { url: string; source: string }, cause: unknown) {
    const why = cause ? ` (${messageOf(cause)})` : '';
    super(
      `${named.source} names the Docker engine ${named.url}, which does not answer${why}. ` +
        'proxyproof never falls back to another engine: start that one, or point the setting at one that runs.',
    );
  }
}

interface Modem {
  socketPath?: string;
  host?: string;
  port?: string | number;
}

/** Whether dockerode's connection is the engine `url` names. */
function isEngine(modem: Modem, url: string): boolean {
  const parsed = new URL(url);
  if (parsed.protocol === 'unix:' || parsed.protocol === 'npipe:')
    return modem.socketPath === parsed.pathname;
  return modem.host === parsed.hostname && String(modem.port ?? '') === parsed.port;
}

/** Why a named engine did not answer, when plain HTTP can ask it; null otherwise. */
function pingError(url: string): Promise<Error | null> {
  const parsed = new URL(url);
  const target =
    parsed.protocol === 'unix:'
      ? { socketPath: parsed.pathname }
      : parsed.protocol === 'tcp:' || parsed.protocol === 'http:'
        ? { host: parsed.hostname, port: Number(parsed.port || 2375) }
        : null;
  if (!target) return Promise.resolve(null);
  return new Promise((resolve) => {
    const request = http.get({ ...target, path: '/_ping', timeout: 5_000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200 ? null : new Error(`HTTP ${response.statusCode}`));
    });
    request.on('timeout', () => request.destroy(new Error('no answer within 5 s')));
    request.on('error', resolve);
  });
}

/** Every resource a run makes carries its run id and its owner (see owner.ts). */
export const runLabels = (runId: string) => ({ [RUN_LABEL]: runId, ...ownerLabels() });

/** Removes a container whatever its state; already gone is fine. */
export async function removeContainer(id: string): Promise<void> {
  const c = await docker();
  await c.container.dockerode
    .getContainer(id)
    .remove({ force: true, v: true })
    .catch((e: unknown) => {
      if (engineStatus(e) !== 404) throw e;
    });
}

/**
 * Removes every container and network a run created, found by its label. The
 * last line of defence: it also catches what was created but not yet
 * registered, and what a killed run left.
 */
export async function sweepRun(runId: string): Promise<{ containers: number; networks: number }> {
  const c = await docker();
  const filters = JSON.stringify({ label: [`${RUN_LABEL}=${runId}`] });
  const containers = await c.container.dockerode.listContainers({ all: true, filters });
  await Promise.all(containers.map((info) => removeContainer(info.Id)));
  const networks = await c.container.dockerode.listNetworks({ filters });
  for (const n of networks) {
    await c.container.dockerode
      .getNetwork(n.Id)
      .remove()
      .catch((e: unknown) => {
        if (engineStatus(e) !== 404) throw e;
      });
  }
  return { containers: containers.length, networks: networks.length };
}

/** A run found on the engine: its id, who owns it, and how much it holds. */
export interface RunOnEngine {
  runId: string;
  owner: Owner | null;
  containers: number;
  networks: number;
}

/** Every proxyproof run that has containers or networks on the engine. */
export async function runsOnEngine(): Promise<RunOnEngine[]> {
  const c = await docker();
  const filters = JSON.stringify({ label: [RUN_LABEL] });
  const runs = new Map<string, RunOnEngine>();
  const add = (labels: Record<string, string> | undefined, kind: 'containers' | 'networks') => {
    const runId = labels?.[RUN_LABEL];
    if (!runId) return;
    const run = runs.get(runId) ?? {
      runId,
      owner: ownerFromLabels(labels),
      containers: 0,
      networks: 0,
    };
    run[kind] += 1;
    runs.set(runId, run);
  };
  for (const info of await c.container.dockerode.listContainers({ all: true, filters }))
    add(info.Labels, 'containers');
  for (const info of await c.container.dockerode.listNetworks({ filters }))
    add(info.Labels, 'networks');
  return [...runs.values()].sort((x, y) => x.runId.localeCompare(y.runId));
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
