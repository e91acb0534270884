import { z } from 'zod';
import type { BalancerKind } from '../types.ts';
import { balancerOptions, haproxySpec, startLocalBalancer } from './local-balancer.ts';
import { setPolicyThroughElbApi } from './simulated-classic-elb.ts';

const options = z.object({ kind: z.literal('classic-elb'), ...balancerOptions }).strict();

/**
 * An AWS Classic ELB with a TCP listener: PROXY v1 (send-proxy) while a
 * ProxyProtocolPolicyType policy applies to the instance port, set through
 * the ELB API. Locally HAProxy stands in, driven by proxyproof's simulator.
 */
export const classicElb: BalancerKind<typeof options> = {
  kind: 'classic-elb',
  options,
  aws: 'classic-elb',
  ports: (o) => ({ listener: o.listenerPort, instance: o.instancePort }),
  proxyProtocol: (o) => o.proxyProtocol,
  ipv6: (o) => o.ipv6Clients === true,
  enabling: 'the policy through the ELB API',
  startLocal: (stage, o, backends) =>
    startLocalBalancer(
      stage,
      backends,
      // An ELB node's header names its own private address as the destination.
      haproxySpec(o, { headerDestination: 'vpc-address' }),
      { kind: 'classic-elb', healthCheck: o.healthCheck },
      (haproxy, on) =>
        setPolicyThroughElbApi(haproxy, { port: o.listenerPort, instancePort: o.instancePort }, on),
    ),
};
