import { z } from 'zod';
import { formatEndpoint, formatSeen, sameAddress } from '../net/endpoint.ts';
import { fine, wrong, type CheckKind } from './check.ts';

const options = z
  .object({
    kind: z.literal('backend-sees'),
    /** Whose address the backend must report for each session. */
    who: z.enum(['client', 'balancer']),
  })
  .strict();

/**
 * What the backend itself reported for each session: the client (address, and
 * port where the target keeps it), or only the balancer (its origin lost).
 */
export const backendSees: CheckKind<typeof options> = {
  kind: 'backend-sees',
  options,
  create: ({ who }) => ({
    name: `backend sees the ${who}`,
    connection(o) {
      if (!o.origin) return fine();
      if (!o.backend)
        return o.error === null
          ? wrong('the backend reported no session for this connection')
          : fine();
      const seen = formatSeen(o.backend);
      const origin = formatEndpoint(o.origin);
      const instance = o.backend.instance ?? '(instance unknown)';
      const balancer = o.balancer.address;
      const sawBalancer = balancer !== null && sameAddress(o.backend.address, balancer);
      if (who === 'balancer') {
        if (balancer === null)
          return wrong(
            `the balancer's own address is unknown here, so ${instance}'s view ${seen} cannot be told from a client's`,
          );
        return sawBalancer
          ? fine()
          : wrong(
              `backend ${instance} saw ${seen}, expected the balancer's vpc address ${balancer}`,
            );
      }
      if (!sameAddress(o.backend.address, o.origin.address))
        return wrong(
          sawBalancer
            ? `backend ${instance} saw the balancer (${seen}), not the client ${origin}`
            : `backend ${instance} saw ${seen}, not the client ${origin}`,
        );
      // A backend that reports only the address (an application's one-line answer) is judged on it.
      return o.backend.port === null ||
        o.backend.port === o.origin.port ||
        o.unobservable?.originPort
        ? fine()
        : wrong(
            `backend ${instance} saw port ${o.backend.port}, the client's was ${o.origin.port}`,
          );
    },
    passed(evidence) {
      if (who === 'client') {
        const limits = evidence[0]?.unobservable?.originPort;
        return `each backend reported its session's client${limits ? ` (the address; not the port: ${limits})` : ''}`;
      }
      return `the backend saw only the balancer's vpc address ${evidence[0]?.balancer.address ?? ''}: the client's origin is lost, as expected for this setup`;
    },
  }),
};
