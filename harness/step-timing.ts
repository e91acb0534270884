// A scenario's stages as the report keeps them; lifecycle/steps.ts records them.

/** One timed stage of a scenario: "starting backends", "connecting", ... */
export interface StepTiming {
  step: string;
  millis: number;
  /** When it started, in ms since the run did; absent in reports written before it was kept. */
  startMillis?: number;
}
