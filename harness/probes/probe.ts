import { setTimeout as sleep } from 'node:timers/promises';
import type { ProbeResult } from '../evidence/probe-result.ts';
import type { Endpoint } from '../net/endpoint.ts';
import { openAppProbe } from './app-probe.ts';
import { openMysqlProbe } from './mysql-probe.ts';
import type { OpenProbe } from './open-probe.ts';
import { prefixBytes, type Pace, type ProbeRequest } from './request.ts';
import type { WhoAmI } from './session.ts';

type Prefix = ((origin: Endpoint) => Uint8Array) | undefined;

function open(
  client: string,
  target: Endpoint,
  whoAmI: WhoAmI,
  prefix: Prefix,
  signal: AbortSignal | undefined,
  load?: { localPort: number },
): OpenProbe {
  return whoAmI.protocol === 'mysql'
    ? openMysqlProbe(client, target, whoAmI, prefix, signal, load ? 0 : undefined, load?.localPort)
    : openAppProbe(client, target, whoAmI, prefix, signal, load?.localPort);
}

/**
 * Under load each connection dials from a port of its own, counted up from
 * here (below Linux's ephemeral range): the kernel would hand a closed
 * connection's port to a later one, and two connections from one origin
 * address and port could not be told apart in the evidence.
 */
export const LOAD_FIRST_PORT = 20_000;
/** So at most this many connections per origin (and process). */
export const LOAD_PORTS = 12_000;

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
  prefix?: Prefix,
  /** Ctrl-C: every probe ends at once rather than at its deadline. */
  signal?: AbortSignal,
  /** Names the clients `<label>#<n>`. */
  label = 'harness',
): Promise<ProbeResult[]> {
  const connections = Array.from({ length: count }, (_, i) =>
    open(`${label}#${i + 1}`, target, whoAmI, prefix, signal),
  );
  const results = await Promise.all(connections.map((c) => c.result));
  await Promise.all(connections.map((c) => c.close()));
  return results;
}

/**
 * Load: `count` connections, at most `pace.concurrency` open at once and at
 * most `pace.perSecond` begun per second, each closed as soon as it has its
 * answer and handed to `onResult` then, so nothing here grows with `count`.
 * Answers are not delayed (see openMysqlProbe): a refusal under load may read
 * as a reset instead of the server's own words. Each dials from its own port.
 */
export async function probeAtPace(
  target: Endpoint,
  whoAmI: WhoAmI,
  count: number,
  pace: Pace,
  onResult: (result: ProbeResult) => void,
  options: { prefix?: Prefix; signal?: AbortSignal; label?: string } = {},
): Promise<void> {
  if (count > LOAD_PORTS)
    throw new Error(`at most ${LOAD_PORTS} connections from one origin, each from its own port`);
  const started = performance.now();
  const label = options.label ?? 'load';
  let next = 0;
  const lane = async () => {
    while (next < count && !options.signal?.aborted) {
      const i = next++;
      if (pace.perSecond !== null) {
        const wait = started + (i * 1000) / pace.perSecond - performance.now();
        // Ctrl-C ends a lane's wait for its slot at once.
        if (wait > 0)
          await sleep(wait, undefined, { signal: options.signal }).catch(() => undefined);
        if (options.signal?.aborted) return;
      }
      const probe = open(`${label}#${i + 1}`, target, whoAmI, options.prefix, options.signal, {
        localPort: LOAD_FIRST_PORT + i,
      });
      const result = await probe.result;
      await probe.close();
      onResult(result);
    }
  };
  await Promise.all(Array.from({ length: Math.min(pace.concurrency, count) }, lane));
}

/** A ProbeRequest run here, wherever "here" is: each result to `onResult` (under load, as it comes). */
export async function runProbeRequest(
  request: ProbeRequest,
  onResult: (result: ProbeResult) => void,
  signal?: AbortSignal,
): Promise<void> {
  const prefix = request.prefix ? prefixBytes(request.prefix) : undefined;
  const { target, whoAmI, count, label } = request;
  if (request.pace) {
    await probeAtPace(target, whoAmI, count, request.pace, onResult, { prefix, signal, label });
    return;
  }
  for (const r of await probeThroughBalancer(target, whoAmI, count, prefix, signal, label))
    onResult(r);
}
