import { GenericContainer, Wait } from 'testcontainers';
import type { LocalStage, Prober } from '../components/types.ts';
import type { ProbeResult } from '../evidence/probe-result.ts';
import { containerOutput, docker } from '../topology/docker.ts';
import { programBundle } from '../topology/program-bundle.ts';

const IN_CONTAINER = '/proxyproof-probe.cjs';

/**
 * The local target's clients: each batch is a client container on the
 * scenario's internet (or vpc) network running proxyproof's probe, so the
 * origin is that container's own socket and the harness never needs a route
 * to a container network (Docker Desktop, CI jobs in containers, remote
 * engines). What it learned comes back through the container's output.
 */
export function containerProber(stage: LocalStage): Prober {
  let batches = 0;
  return async ({ from, ...request }) => {
    const network = from === 'vpc' ? stage.vpc : stage.internet;
    const name = `clients-${++batches}`;
    const started = await new GenericContainer(stage.images.client)
      .withName(`${stage.prefix}-${name}`)
      .withLabels(stage.labels)
      .withNetworkMode(network.name)
      .withCopyContentToContainer([{ content: await programBundle('probe'), target: IN_CONTAINER }])
      .withCommand(['node', IN_CONTAINER, JSON.stringify(request)])
      .withWaitStrategy(Wait.forOneShotStartup())
      .withStartupTimeout(120_000)
      .start();
    stage.track(started.getId(), name);
    const c = await docker();
    const state = (await c.container.inspect(c.container.getById(started.getId()))).State;
    const output = await containerOutput(started.getId());
    const results = output
      .split('\n')
      .filter((line) => line.startsWith('{"client"'))
      .map((line) => JSON.parse(line) as ProbeResult);
    if (state.ExitCode !== 0 || results.length !== request.count)
      throw new Error(
        `the client container ${name} exited ${state.ExitCode} with ${results.length} of ${request.count} results: ${output.trim().slice(-400)}`,
      );
    return results;
  };
}
