// The shape every check has: a pure judgement over what was observed. A check
// never acts; what a scenario does is its components' job.
import type { z } from 'zod';
import type { BalancerConnection, Evidence, Observation } from '../evidence/types.ts';

/** What a check found: problems fail it; notes explain a pass (a diagnosis worth reading). */
export interface Finding {
  problems: string[];
  notes: string[];
}

export const fine = (...notes: string[]): Finding => ({ problems: [], notes });
export const wrong = (...problems: string[]): Finding => ({ problems, notes: [] });

/** What the scenario's components reported beside the connections. */
export interface ScenarioFacts {
  /** Every backend instance, by name. */
  instances: string[];
  /** Server counters read after the clients (e.g. Aborted_connects), per instance, where the kind has them. */
  counters: { instance: string; values: Record<string, number> }[];
  /** The balancer's health checks in words ("tcp checks every 100 ms for 2 s"), if it ran any. */
  healthChecks: string | null;
  /** The backends' max_connect_errors (or the kind's equivalent), if it has one. */
  maxConnectErrors: number | null;
  /** The balancer's own connections in the captures (its health checks); null where nothing is captured. */
  balancerConnections: BalancerConnection[] | null;
  /** The balancer's address on the backends' network; null where the target does not say. */
  balancerAddress: string | null;
}

export interface Check {
  readonly name: string;
  /** True when the check expects sessions to be refused: a failed session is then its to judge. */
  readonly expectsRefusal?: boolean;
  /** Judges one connection. */
  connection?(o: Observation): Finding;
  /** Judges the scenario as a whole, after its connections. */
  scenario?(evidence: Evidence[], facts: ScenarioFacts): Finding;
  /** One clause for a passing scenario's reason ("the backend saw each client"), or null. */
  passed?(evidence: Evidence[], facts: ScenarioFacts): string | null;
}

/** A kind of check: its options as scenario files write them, and the check they make. */
export interface CheckKind<S extends z.ZodType = z.ZodType> {
  readonly kind: string;
  readonly options: S;
  /** It reads server-wide state (counters), so its scenario needs a topology of its own. */
  readonly exclusive?: boolean;
  create(options: z.infer<S>): Check;
}
