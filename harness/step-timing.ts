// A scenario's stages as the report keeps them; lifecycle/steps.ts records them.

/** One timed stage of a scenario: "starting backends", "connecting", ... */
export interface StepTiming {
  step: string;
  millis: number;
}
