import type { Evidence } from '../evidence/types.ts';
import type { ScenarioStatus } from '../evidence/scenario-verdict.ts';
import type { StepTiming } from '../lifecycle/steps.ts';
import type { ErrorKind } from '../errors.ts';

export interface ScenarioReport {
  id: string;
  title: string;
  status: ScenarioStatus;
  /** Why it passed, failed, was skipped or errored, in words. */
  reason: string;
  /** When errored: whether the environment or proxyproof itself stood in the way. */
  errorKind?: ErrorKind;
  connections: Evidence[];
  /** Findings that do not change the status but a person must read (e.g. forgery works on a wider trust). */
  warnings: string[];
  /** Files beside report.json, relative to it (pcaps, HAProxy config). */
  artifacts: string[];
  timings: StepTiming[];
  durationMillis: number;
}

export interface RunReport {
  runId: string;
  startedAt: string;
  finishedAt: string;
  /** Where the scenarios' balancers were. */
  target: 'local' | 'aws' | 'local+aws';
  summary: Record<ScenarioStatus, number>;
  scenarios: ScenarioReport[];
}
