import { Interrupted, Steps } from '../../harness/lifecycle/steps.ts';

describe('Steps', () => {
  test("each step's start is kept in ms since the origin given, beside how long it took", async () => {
    const steps = new Steps(
      new AbortController().signal,
      () => undefined,
      performance.now() - 5_000,
    );
    await steps.run('first', () => new Promise((resolve) => setTimeout(resolve, 20)));
    const [t] = steps.timings;
    expect(t!.step).toBe('first');
    expect(t!.startMillis).toBeGreaterThanOrEqual(5_000);
    expect(t!.startMillis).toBeLessThan(6_000);
    expect(t!.millis).toBeGreaterThanOrEqual(19);
  });

  test('no new step once aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const steps = new Steps(controller.signal, () => undefined);
    await expect(steps.run('late', async () => 1)).rejects.toBeInstanceOf(Interrupted);
  });
});
