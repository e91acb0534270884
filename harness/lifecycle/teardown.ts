/**
 * Cleanup registered before creation (Terratest's rule): each resource's removal
 * is deferred the moment it exists, and run() undoes everything in reverse,
 * carrying on past individual failures.
 */
export class Teardown {
  private readonly steps: { label: string; undo: () => Promise<unknown> }[] = [];

  defer(label: string, undo: () => Promise<unknown>): void {
    this.steps.push({ label, undo });
  }

  /** Runs every deferred step, newest first; returns the failures in words. */
  async run(): Promise<string[]> {
    const failures: string[] = [];
    while (this.steps.length > 0) {
      const { label, undo } = this.steps.pop()!;
      try {
        await undo();
      } catch (e) {
        failures.push(`${label}: ${(e as Error).message}`);
      }
    }
    return failures;
  }
}
