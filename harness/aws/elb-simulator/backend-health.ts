// How the balancer standing in sees one of its backends, in neither API's
// words: Classic instance states (health.ts) and ELBv2 target health
// (v2-target-health.ts) are both worded from it. Pure.

/**
 * - `serving`: it passes its checks, or none run and connections go to it
 * - `failing-checks`: it failed enough checks in a row to be taken out
 * - `not-yet-healthy`: taken out, and not yet passed enough checks in a row to come back
 * - `unchecked`: registered, but no check has reached it yet (nothing runs
 *   checks for the balancer, or the reload that adds it has not happened)
 * - `stopped`: its instance is not running
 * - `unknown`: the balancer could not say
 */
export type BackendHealth =
  'serving' | 'failing-checks' | 'not-yet-healthy' | 'unchecked' | 'stopped' | 'unknown';
