import { z } from 'zod';
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
    clientPrefix: { kind: 'proxy-v2', authority: o.authority, destination: balancer.listener },
    artifacts: () => ({}),
    info: { kind: 'tls-front', detail: `AUTHORITY ${o.authority}` },
  }),
};
