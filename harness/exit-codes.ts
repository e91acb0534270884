/**
 * One rule for every command, so CI can trust the code it gets: 0 only when
 * something was checked and every check passed.
 */
export const EXIT = {
  /** At least one thing was checked, and every check passed. */
  passed: 0,
  /** A check failed: the product is broken (or the evidence says so). */
  failed: 1,
  /** Bad input or environment: nothing (or not everything) could be checked. */
  setup: 2,
  /** A defect of proxyproof itself. */
  internal: 70,
  /** Interrupted (SIGINT/SIGTERM); everything started was removed. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
