/** A step of a teardown that failed, in words; critical when it leaves something changed that is not ours. */
export interface TeardownFailure {
  message: string;
  critical: boolean;
}

/**
 * Cleanup registered before creation (Terratest's rule): each resource's removal
 * is deferred the moment it exists, and run() undoes everything in reverse,
 * carrying on past individual failures.
 */
export class Teardown {
  private readonly steps: { label: string; undo: () => Promise<unknown>; critical: boolean }[] = [];

  /**
   * `critical`: its failure leaves something changed beyond what the run's
   * sweep can remove (a balancer on AWS), so it decides the scenario's outcome.
   */
  defer(label: string, undo: () => Promise<unknown>, opts: { critical?: boolean } = {}): void {
    this.steps.push({ label, undo, critical: opts.critical === true });
  }

  /** Runs every deferred step, newest first; returns the failures. */
  async run(): Promise<TeardownFailure[]> {
    const failures: TeardownFailure[] = [];
    while (this.steps.length > 0) {
      const { label, undo, critical } = this.steps.pop()!;
      try {
        await undo();
      } catch (e) {
        failures.push({ message: `${label}: ${(e as Error).message}`, critical });
      }
    }
    return failures;
  }
}
