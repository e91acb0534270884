// What a simulated balancer (a Classic load balancer, an ELBv2 target group)
// drives, as both states reach it. Pure: the drivers themselves do the I/O.
import type { BackendHealth } from './backend-health.ts';

/** What one balancer drives: its changes applied there, its instances as it sees them. */
export interface Driver<Balancer> {
  /** Makes what it drives match the balancer as it now is (an HAProxy reload); replies wait for it. */
  apply(balancer: Balancer): void | Promise<void>;
  /** How it sees each of these registered instances, in their order. */
  health(instanceIds: string[]): BackendHealth[] | Promise<BackendHealth[]>;
}

/** A balancer that exists only in the API: it drives nothing, so no check ever reaches its instances. */
export const apiOnly = <Balancer>(): Driver<Balancer> => ({
  apply: () => undefined,
  health: (ids) => ids.map((): BackendHealth => 'unchecked'),
});
