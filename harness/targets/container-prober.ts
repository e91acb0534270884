import type { LocalStage, Prober } from '../components/types.ts';
import type { ProbeResult } from '../evidence/probe-result.ts';
import { programBundle } from '../topology/program-bundle.ts';
import { runToExit } from '../topology/run-to-exit.ts';

const IN_CONTAINER = '/proxyproof-probe.cjs';
const RESULTS = '/proxyproof-results.jsonl';

/**
 * The local target's clients: each batch is a client container on the
 * scenario's internet (or vpc) network running proxyproof's probe, so the
 * origin is that container's own socket and the harness never needs a route
 * to a container network (Docker Desktop, CI jobs in containers, remote
 * engines). What it learned comes back as a file copied out of the container.
 */
export function containerProber(stage: LocalStage): Prober {
  let batches = 0;
  return async ({ from, ...request }) => {
    const network = from === 'vpc' ? stage.vpc : stage.internet;
    const name = `clients-${++batches}`;
    const { exitCode, output, file } = await runToExit(
      {
        name: `${stage.prefix}-${name}`,
        Image: stage.images.client,
        Labels: stage.labels,
        Cmd: ['node', IN_CONTAINER, JSON.stringify(request), RESULTS],
        HostConfig: { NetworkMode: network.name },
      },
      {
        files: [{ content: await programBundle('probe'), target: IN_CONTAINER }],
        onCreated: (id) => stage.track(id, name),
        read: RESULTS,
        signal: stage.signal,
      },
    );
    const results = (file?.toString('utf8') ?? '')
      .split('\n')
      .filter((line) => line.startsWith('{"client"'))
      .map((line) => JSON.parse(line) as ProbeResult);
    if (exitCode !== 0 || results.length !== request.count)
      throw new Error(
        `the client container ${name} exited ${exitCode} with ${results.length} of ${request.count} results: ${output.trim().slice(-400)}`,
      );
    return results;
  };
}
