import type { Socket } from 'node:net';
import type { ProbeResult } from '../evidence/probe-result.ts';

/** Every probe ends within this, whatever the server does. */
export const PROBE_TIMEOUT_MS = 15_000;

/** One client connection in flight: what it learned, once it knows, and how to let go. */
export interface OpenProbe {
  result: Promise<ProbeResult>;
  /** Closes the connection; held open until every probe of a batch has its answer. */
  close(): Promise<void>;
}

/**
 * Times a probe from dialling: to its TCP handshake with the balancer, and to
 * its answer. The returned function stamps an answered result with both.
 */
export function probeClock(socket: Socket): (result: ProbeResult) => ProbeResult {
  const dialled = performance.now();
  let connectMs: number | null = null;
  const since = () => Math.round((performance.now() - dialled) * 100) / 100;
  socket.once('connect', () => (connectMs = since()));
  // Only an answer is timed: a refusal's or a timeout's time says nothing of the path.
  return (result) =>
    connectMs === null || result.error !== null
      ? result
      : { ...result, timing: { connectMs, answerMs: since() } };
}
