import { z } from 'zod';
import { formatEndpoint, sameAddress } from '../net/endpoint.ts';
import { fine, wrong, type CheckKind } from './check.ts';

const options = z
  .object({
    kind: z.literal('tcp-peer'),
    /**
     * Who the backend's TCP peer must be in the capture: the balancer (its own
     * address on vpc), or the client (an NLB preserving client IP addresses).
     */
    who: z.enum(['client', 'balancer']),
  })
  .strict();

/**
 * The connection's TCP source as captured at the backend, against the
 * client's own socket and the balancer's address from Docker: what
 * preserve_client_ip changes, seen on the wire rather than told.
 */
export const tcpPeer: CheckKind<typeof options> = {
  kind: 'tcp-peer',
  options,
  create: ({ who }) => ({
    name: `TCP peer is the ${who}`,
    connection(o) {
      if (!o.origin || o.unobservable?.wire) return fine();
      const peer = o.captured?.connection;
      if (!peer)
        return wrong('the connection is not in the backend captures, so its TCP peer is unseen');
      const from = formatEndpoint({ address: peer.src, port: peer.sport });
      if (who === 'client')
        // Preservation keeps the client's port too: the peer is the client's very socket.
        return sameAddress(peer.src, o.origin.address) && peer.sport === o.origin.port
          ? fine()
          : wrong(`the backend's TCP peer was ${from}, not the client ${formatEndpoint(o.origin)}`);
      const own = o.balancer.address;
      if (own === null) return wrong("the balancer's own address is unknown here");
      return sameAddress(peer.src, own)
        ? fine()
        : wrong(`the backend's TCP peer was ${from}, not the balancer (${own})`);
    },
    passed(evidence) {
      const limits = evidence[0]?.unobservable?.wire;
      if (limits) return `not checked here: ${limits}`;
      const first = evidence[0]?.captured?.connection;
      const example = first
        ? ` (e.g. ${formatEndpoint({ address: first.src, port: first.sport })})`
        : '';
      return who === 'client'
        ? `each backend's TCP peer was the client itself${example}: the balancer preserved client IP addresses`
        : `each backend's TCP peer was the balancer${example}`;
    },
  }),
};
