import type { RunEvents } from '../../harness/run/run-all.ts';

/** Events that print nothing, for runs inside tests. */
export const quietEvents: RunEvents = {
  warn() {},
  runStarted() {},
  building() {},
  scenarioStarted() {},
  step() {},
  scenarioFinished() {},
};
