import type { Endpoint } from '../net/endpoint.ts';

/**
 * What a run is about to change on a balancer it does not own, recorded before
 * the change so that it can be put back: at the end, on failure, on Ctrl-C,
 * or by `proxyproof aws sweep` after a harder kill.
 */
export type RestoreRecord =
  | {
      kind: 'classic-elb';
      loadBalancerName: string;
      instancePort: number;
      /** The instance port's backend policies before the run, in order. */
      policyNames: string[];
      /** The policy this run creates, to delete afterwards; null if it already existed. */
      createdPolicy: string | null;
    }
  | {
      kind: 'nlb';
      targetGroupArn: string;
      /** proxy_protocol_v2.enabled before the run. */
      proxyProtocolV2: boolean;
    };

/** A real (or simulated) AWS balancer whose PROXY protocol setting a run flips. */
export interface RemoteBalancer {
  /** For people: "Classic ELB my-elb, instance port 3306". */
  readonly label: string;
  /** Reads the current setting and where clients connect; changes nothing. */
  prepare(): Promise<{ restore: RestoreRecord; listener: Endpoint; warnings: string[] }>;
  /** Turns the PROXY protocol on or off and verifies through the API that it took. */
  setProxyProtocol(on: boolean): Promise<void>;
}
