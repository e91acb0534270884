// The HAProxy standing in for a balancer locally, as an interface: what the ELB
// API simulators and `proxyproof simulate` drive on it. haproxy.ts starts one;
// components/types.ts names it without depending on how it is started.
import type { Endpoint } from '../../net/endpoint.ts';
import type { BalancerSpec } from '../../topology/haproxy-config.ts';

/** What may change on a running balancer; whatever is left out stays as it is. */
export interface BalancerChange {
  proxyProtocol?: BalancerSpec['proxyProtocol'];
  /** The backends it sends to, by name (an ELB's registered instances); none is allowed. */
  instances?: string[];
  healthCheck?: BalancerSpec['healthCheck'];
  /**
   * An NLB target group's preserve_client_ip.enabled: whether the backends
   * see the client's address as the connection's source (TPROXY, haproxy.ts).
   */
  preserveClientIp?: boolean;
}

/** A backend as the balancer sees it. */
export interface BackendState {
  name: string;
  /** Whether its container is running. */
  running: boolean;
  /** HAProxy's status for it ("UP", "DOWN 1/2", "no check", ...), or null when it is no server now. */
  haproxy: string | null;
}

/** A running HAProxy and what the ELB API simulators drive on it. */
export interface Haproxy {
  containerId: string;
  /** Its address on the internet network (IPv6 when it listens dual-stack), where clients dial. */
  listener: Endpoint;
  /** The listener published on the engine host's loopback, when asked for; null otherwise. */
  published: Endpoint | null;
  /** Its address on vpc, when it has a leg there. */
  vpcAddress: string | null;
  /** The backends it may send to, by name. */
  backends: { name: string; address: string; containerId: string }[];
  config(): string;
  /**
   * Re-renders the config with `change` and reloads HAProxy in place
   * (master-worker: established connections stay on the old worker). Nothing
   * to change, no reload. Changes apply one at a time, in the order asked.
   */
  reconfigure(change: BalancerChange): Promise<void>;
  /** Every backend: its container running or not, and HAProxy's view of it. */
  backendStates(): Promise<BackendState[]>;
  /** Session origins as its frontend logged them (each at its session's end). */
  loggedOrigins(): Promise<Endpoint[]>;
}
