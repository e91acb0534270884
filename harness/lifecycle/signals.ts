/** A second signal within this window is the same Ctrl-C delivered twice. */
const DUPLICATE_WINDOW_MS = 1_000;

/**
 * Calls `stop` on the first SIGINT/SIGTERM and `force` on a later one. The same
 * Ctrl-C often arrives twice (npx forwards it to the child that already got it
 * from the terminal; `timeout` signals the child and its group), so a repeat
 * within a second is ignored rather than taken as "force".
 */
export function onInterrupt(stop: (signal: NodeJS.Signals) => void, force: () => void): void {
  let first = 0;
  const handler = (signal: NodeJS.Signals) => {
    const now = Date.now();
    if (first === 0) {
      first = now;
      stop(signal);
    } else if (now - first > DUPLICATE_WINDOW_MS) {
      force();
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
