import type { Images } from '../topology/images.ts';

/** What every scenario of a run shares. */
export interface RunContext {
  runId: string;
  /** The container images; null when the run has only AWS scenarios. */
  images: Images | null;
  /** reports/<run-id>: artifacts go in a sub-folder per scenario. */
  runDir: string;
  /** reports/: what outlives one run (AWS restore records) goes here. */
  reportsDir: string;
  signal: AbortSignal;
  /** performance.now() when the run started: step start offsets are measured from it. */
  origin: number;
  announce: (scenario: string, step: string, millis?: number) => void;
  /** Something went wrong that does not change the verdict (the run's sweep retries cleanup). */
  warn: (scenario: string, message: string) => void;
  /** Publish each local balancer's listener on the engine host's loopback (`simulate`, for a person's client). */
  publishListener?: boolean;
}
