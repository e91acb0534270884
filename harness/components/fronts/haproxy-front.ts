import { z } from 'zod';
import type { FrontKind } from '../types.ts';
import { startHaproxy } from '../balancers/haproxy.ts';

const options = z
  .object({
    kind: z.literal('haproxy-front'),
    /** The PROXY header it sends the balancer behind it. */
    proxyProtocol: z.enum(['v1', 'v2']),
  })
  .strict();

/**
 * A second HAProxy before the balancer, on the internet network, sending it a
 * PROXY header: with a balancer that does not accept-proxy, each connection
 * reaches the backend with two stacked headers.
 */
export const haproxyFront: FrontKind<typeof options> = {
  kind: 'haproxy-front',
  options,
  async start(stage, o, balancer) {
    const port = balancer.listener.port;
    const front = await startHaproxy(
      stage,
      'front-balancer',
      {
        listenerPort: port,
        instancePort: port,
        proxyProtocol: o.proxyProtocol,
        instances: [{ name: 'balancer', address: balancer.listener.address }],
      },
      { vpc: false, backends: [] },
    );
    return {
      listener: front.listener,
      address: front.listener.address,
      clientPrefix: null,
      artifacts: () => ({ 'front-haproxy.cfg': front.config() }),
      info: {
        kind: 'haproxy-front',
        image: stage.images.balancer,
        detail: `sends PROXY ${o.proxyProtocol}`,
      },
    };
  },
};
