import type { ProbeResult } from '../evidence/probe-result.ts';

/** Every probe ends within this, whatever the server does. */
export const PROBE_TIMEOUT_MS = 15_000;

/** One client connection in flight: what it learned, once it knows, and how to let go. */
export interface OpenProbe {
  result: Promise<ProbeResult>;
  /** Closes the connection; held open until every probe of a batch has its answer. */
  close(): Promise<void>;
}
