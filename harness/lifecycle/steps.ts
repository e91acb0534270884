import type { StepTiming } from '../step-timing.ts';

export class Interrupted extends Error {
  constructor() {
    super('interrupted');
    this.name = 'Interrupted';
  }
}

/**
 * Runs named stages in order, timing each, announcing each, and refusing to
 * start a new stage once the run is aborted (Ctrl-C), so cleanup follows promptly.
 */
export class Steps {
  readonly timings: StepTiming[] = [];

  /** `origin`: the performance.now() the steps' start offsets are measured from (the run's start). */
  constructor(
    private readonly signal: AbortSignal,
    private readonly announce: (step: string, millis?: number) => void,
    private readonly origin = performance.now(),
  ) {}

  async run<T>(step: string, work: () => Promise<T>): Promise<T> {
    if (this.signal.aborted) throw new Interrupted();
    return this.always(step, work);
  }

  /** A stage that runs even once the run is aborted (cleaning up), timed and announced all the same. */
  async always<T>(step: string, work: () => Promise<T>): Promise<T> {
    this.announce(step);
    const start = performance.now();
    try {
      return await work();
    } finally {
      const millis = Math.round(performance.now() - start);
      this.timings.push({ step, millis, startMillis: Math.round(start - this.origin) });
      this.announce(step, millis);
    }
  }
}
