import { z } from 'zod';
import type { BalancerKind } from '../types.ts';
import {
  balancerOptions,
  haproxySpec,
  healthCheckOption,
  startLocalBalancer,
} from './local-balancer.ts';
import { setNlbProxyProtocolThroughApi } from './simulated-nlb.ts';
import { HEADER_PLACEMENTS } from '../../data-plane/session/settings.ts';

/** AWS's default for instance targets, unless the scenario says. */
const preservesClientIp = (o: { preserveClientIp?: boolean | undefined }) =>
  o.preserveClientIp ?? true;

/** HAProxy's loopback frontend behind the data plane (beside its runtime API on 9101). */
const DATA_PLANE_UPSTREAM_PORT = 9102;

const options = z
  .object({
    kind: z.literal('nlb'),
    ...balancerOptions,
    healthCheck: healthCheckOption(['tcp']),
    /** TLVs to add to each v2 header (HAProxy proxy-v2-options). */
    v2Tlvs: z.array(z.enum(['crc32c', 'unique-id', 'authority'])).optional(),
    /**
     * The target group's preserve_client_ip.enabled: instances see the client
     * as their TCP peer. Default true, as AWS sets it for instance targets
     * (false would be an IP target group's default). IPv6 clients of IPv4
     * instances cannot keep their address, so it has no effect for them.
     */
    preserveClientIp: z.boolean().optional(),
    /**
     * proxy_protocol_v2.client_to_server.header_placement: when the v2 header
     * goes to the target. AWS's default (reported; only AWS support changes
     * it) holds it until the client's first payload, so a server that waits
     * for the header before it speaks first hangs; `on_first_ack` sends it at
     * connect.
     */
    headerPlacement: z.enum(HEADER_PLACEMENTS).optional(),
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
      haproxySpec(o, {
        v2Options: o.v2Tlvs,
        preserveClientIp: preservesClientIp(o),
        // The data plane writes the header when an NLB would (harness/data-plane/).
        dataPlane: {
          upstreamPort: DATA_PLANE_UPSTREAM_PORT,
          headerPlacement: o.headerPlacement ?? 'on_first_ack_with_payload',
        },
      }),
      { kind: 'nlb', healthCheck: o.healthCheck, transparent: true },
      (haproxy, on) =>
        setNlbProxyProtocolThroughApi(haproxy, o.instancePort, on, preservesClientIp(o)),
    ),
};
