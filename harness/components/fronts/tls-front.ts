import { z } from 'zod';
import { encodeV2, tlv } from '../../proxy-protocol/index.ts';
import type { FrontKind } from '../types.ts';

const options = z
  .object({
    kind: z.literal('tls-front'),
    /** The TLS server name the front saw, passed on as the AUTHORITY TLV. */
    authority: z.string().min(1),
  })
  .strict();

/**
 * A TLS-terminating front (as in front of an NLB) that speaks PROXY v2 to the
 * balancer, naming the client and the SNI: each client sends that header
 * itself, so its origin stays its own socket. The balancer must accept it.
 */
export const tlsFront: FrontKind<typeof options> = {
  kind: 'tls-front',
  options,
  start: async (_, o, balancer) => ({
    listener: balancer.listener,
    address: null,
    clientPrefix: (origin) =>
      encodeV2({
        command: 'PROXY',
        family: origin.address.includes(':') ? 'INET6' : 'INET',
        protocol: 'STREAM',
        source: origin,
        destination: balancer.listener,
        tlvs: [tlv.authority(o.authority)],
      }),
    artifacts: () => ({}),
    info: { kind: 'tls-front', detail: `AUTHORITY ${o.authority}` },
  }),
};
