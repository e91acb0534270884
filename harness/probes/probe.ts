import type { ProbeResult } from '../evidence/probe-result.ts';
import type { Endpoint } from '../net/endpoint.ts';
import { openAppProbe } from './app-probe.ts';
import { openMysqlProbe } from './mysql-probe.ts';
import type { WhoAmI } from './session.ts';

/**
 * Opens `count` connections through the balancer at once, each asking the
 * backend who it is talking to the backend's way, and keeps them all open
 * until every one has its answer, so no two share a client port.
 */
export async function probeThroughBalancer(
  target: Endpoint,
  whoAmI: WhoAmI,
  count: number,
  /** Bytes to send first, e.g. a PROXY header from a front proxy (or a forger's own). */
  prefix?: (origin: Endpoint) => Uint8Array,
  /** Ctrl-C: every probe ends at once rather than at its deadline. */
  signal?: AbortSignal,
): Promise<ProbeResult[]> {
  const connections = Array.from({ length: count }, (_, i) => {
    const client = `harness#${i + 1}`;
    return whoAmI.protocol === 'mysql'
      ? openMysqlProbe(client, target, whoAmI, prefix, signal)
      : openAppProbe(client, target, whoAmI, prefix, signal);
  });
  const results = await Promise.all(connections.map((c) => c.result));
  await Promise.all(connections.map((c) => c.close()));
  return results;
}
