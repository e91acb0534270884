import type { Evidence } from '../evidence/types.ts';
import type { ConnectionTally } from './connection-tally.ts';
import type { StepTiming } from '../step-timing.ts';
import type { ErrorKind } from '../errors.ts';

/** What a report says a component was: its kind and, for containers, the image or build. */
export interface ComponentInfo {
  kind: string;
  /** e.g. "proxyproof/backend:ab12…" or "mysql:8.0"; absent where nothing was started. */
  image?: string;
  /** How many instances, for backends and clients. */
  count?: number;
  /** Anything else worth a line in the report. */
  detail?: string;
}

/** The components of a scenario as its report lists them. */
export interface ScenarioComponents {
  balancer: ComponentInfo;
  backends: ComponentInfo;
  fronts: ComponentInfo[];
  clients: ComponentInfo[];
  /** Each check by name. */
  checks: string[];
}

/**
 * passed and failed are verdicts on the evidence; skipped: not run here, with
 * the reason; errored: the harness could not finish it, so there is no verdict.
 */
export type ScenarioStatus = 'passed' | 'failed' | 'skipped' | 'errored';

export interface ScenarioReport {
  id: string;
  title: string;
  /** Where it ran: local containers, or a balancer on AWS. */
  target: 'local' | 'aws';
  /** What it was made of: balancer, backends (image or build), fronts, clients, checks. */
  components: ScenarioComponents;
  status: ScenarioStatus;
  /** Why it passed, failed, was skipped or errored, in words. */
  reason: string;
  /** When errored: whether the environment or proxyproof itself stood in the way. */
  errorKind?: ErrorKind;
  /** Every connection; or, with `tally`, every failure and a sample of passes. */
  connections: Evidence[];
  /** Counts, rates and latencies, when there were too many connections to list. */
  tally?: ConnectionTally;
  /** Findings that do not change the status but a person must read (e.g. forgery works on a wider trust). */
  warnings: string[];
  /** Files beside report.json, relative to it (pcaps, HAProxy config). */
  artifacts: string[];
  timings: StepTiming[];
  durationMillis: number;
  /** Where the run's scheduler put it; absent in reports written before it was kept. */
  schedule?: ScenarioSchedule;
}

/** Which of the run's workers ran a scenario's group, and when (bench/profile.ts's critical path). */
export interface ScenarioSchedule {
  /** The worker (0, 1, ...): a worker runs its groups one after another. */
  lane: number;
  /** The group's place in the run's groups; scenarios sharing a topology share it. */
  group: number;
  /** When the worker took the group, in ms since the run started. */
  startMillis: number;
  /** How long the worker spent on it, an engine-wide turn (IPv6) included. */
  millis: number;
}

export interface RunReport {
  runId: string;
  startedAt: string;
  finishedAt: string;
  /** Where the scenarios' balancers were. */
  target: 'local' | 'aws' | 'local+aws';
  summary: Record<ScenarioStatus, number>;
  scenarios: ScenarioReport[];
  /** The runs (shards) this one was merged from, when it was. */
  mergedFrom?: string[];
  /** The run's own steps, outside any scenario: images, the closing sweep. */
  timings?: StepTiming[];
  /** CPU the harness process spent over the run (what it did itself, not waiting on the engine). */
  cpuMillis?: { user: number; system: number };
}
