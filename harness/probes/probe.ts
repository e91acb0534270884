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
  answerDelayMs?: number,
): OpenProbe {
  return whoAmI.protocol === 'mysql'
    ? openMysqlProbe(client, target, whoAmI, prefix, signal, answerDelayMs)
    : openAppProbe(client, target, whoAmI, prefix, signal);
}

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
 * as a reset instead of the server's own words.
 */
export async function probeAtPace(
  target: Endpoint,
  whoAmI: WhoAmI,
  count: number,
  pace: Pace,
  onResult: (result: ProbeResult) => void,
  options: { prefix?: Prefix; signal?: AbortSignal; label?: string } = {},
): Promise<void> {
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < count && !options.signal?.aborted) {
      const i = next++;
      if (pace.perSecond !== null) {
        const wait = started + (i * 1000) / pace.perSecond - performance.now();
        if (wait > 0) await sleep(wait);
      }
      const label = options.label ?? 'load';
      const probe = open(`${label}#${i + 1}`, target, whoAmI, options.prefix, options.signal, 0);
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
