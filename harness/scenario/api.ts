// What a scenario file imports, as `import { defineScenario } from 'proxyproof'`:
// the scenario's type and a typed identity. Types only at load time: a
// scenario file pulls in none of the harness.
import type { ScenarioInput } from './schema.ts';

export type { ScenarioInput as Scenario } from './schema.ts';

/** Typed identity for scenario files: the editor checks the shape as you write; the loader validates it. */
export function defineScenario(scenario: ScenarioInput): ScenarioInput {
  return scenario;
}
