// Where a scenario runs: local containers, or a balancer on AWS. A target
// realises the scenario's components and says what it can observe; the
// pipeline (run/run-scenario.ts) is the same for every target.
import type { BackendCapture } from '../evidence/correlate.ts';
import type { Observation } from '../evidence/types.ts';
import type { Steps } from '../lifecycle/steps.ts';
import type { Teardown } from '../lifecycle/teardown.ts';
import type { ProbeResult } from '../evidence/probe-result.ts';
import type { RunContext } from '../run/context.ts';
import type { Scenario } from '../scenario/schema.ts';
import type {
  Backends,
  LocalStage,
  Prober,
  StartedBalancer,
  StartedFront,
} from '../components/types.ts';

/** A scenario's components, running (or found), on one target. */
export interface Stage {
  backends: Backends;
  balancer: StartedBalancer;
  /** Outermost first; the clients dial the first one's listener. */
  fronts: StartedFront[];
  /** What starting found that a person must read (a setting already on that a lost run may have left). */
  warnings: string[];
  /** The local containers' stage; null where nothing of the scenario's runs here (AWS). */
  local: LocalStage | null;
  /** Where this target's clients run, and how. */
  probe: Prober;
  /** After the clients: what the target can see at the backends. */
  collect(dir: string): Promise<{ captures: BackendCapture[]; files: string[] }>;
  /** One client connection's views, as far as this target can observe them. */
  observe(probe: ProbeResult, captures: BackendCapture[]): Observation;
}

export interface Target {
  readonly name: Scenario['target'];
  /** Why the scenario cannot run on this target here (no settings, no image), or null. */
  skipReason(scenario: Scenario, ctx: RunContext): Promise<string | null>;
  /** Starts (or finds) the scenario's components; whatever it starts or changes is undone by `teardown`. */
  start(
    scenario: Scenario,
    ctx: RunContext,
    teardown: Teardown,
    steps: Steps,
    /** Every scenario that will run on the stage (scenario first), when they share it. */
    group?: readonly Scenario[],
  ): Promise<Stage>;
}
