import { z } from 'zod';
import type { BalancerKind } from '../types.ts';
import { balancerOptions, haproxySpec, startLocalBalancer } from './local-balancer.ts';
import { setNlbProxyProtocolThroughApi } from './simulated-nlb.ts';

const options = z
  .object({
    kind: z.literal('nlb'),
    ...balancerOptions,
    /** TLVs to add to each v2 header (HAProxy proxy-v2-options). */
    v2Tlvs: z.array(z.enum(['crc32c', 'unique-id', 'authority'])).optional(),
    /**
     * The target group's preserve_client_ip.enabled: instances see the client
     * as their TCP peer. Default true, as AWS sets it for instance targets
     * (false would be an IP target group's default). IPv6 clients of IPv4
     * instances cannot keep their address, so it has no effect for them.
     */
    preserveClientIp: z.boolean().optional(),
  })
  .strict();

/**
 * An AWS Network Load Balancer's TCP target group: PROXY v2 (send-proxy-v2)
 * while proxy_protocol_v2.enabled is true, set through the ELBv2 API. Locally
 * HAProxy stands in, driven by proxyproof's simulator.
 */
export const nlb: BalancerKind<typeof options> = {
  kind: 'nlb',
  options,
  aws: 'nlb',
  ports: (o) => ({ listener: o.listenerPort, instance: o.instancePort }),
  proxyProtocol: (o) => o.proxyProtocol,
  ipv6: (o) => o.ipv6Clients === true,
  enabling: 'proxy_protocol_v2 through the ELBv2 API',
  startLocal: (stage, o, backends) =>
    startLocalBalancer(
      stage,
      backends,
      haproxySpec(o, { v2Options: o.v2Tlvs, preserveClientIp: o.preserveClientIp ?? true }),
      { kind: 'nlb', healthCheck: o.healthCheck, transparent: true },
      (haproxy, on) => setNlbProxyProtocolThroughApi(haproxy, o.instancePort, on),
    ),
};
