import { z } from 'zod';
import { sameAddress } from '../net/endpoint.ts';
import { fine, wrong, type CheckKind } from './check.ts';

const options = z
  .object({
    kind: z.literal('user-host'),
    /** Whose address the host part of the session's USER() must be. */
    who: z.enum(['client', 'balancer']),
  })
  .strict();

/**
 * The blog's own test: `SELECT USER()` through the balancer. Its host part is
 * what the server authenticated the session as (and what grants match), which
 * can differ from PROCESSLIST.HOST where a server resolves or rewrites it.
 */
export const userHost: CheckKind<typeof options> = {
  kind: 'user-host',
  options,
  create: ({ who }) => ({
    name: `USER() names the ${who}`,
    connection(o) {
      if (!o.origin || !o.backend) return fine();
      if (o.backend.user === null)
        return wrong(
          "the backend's answer carries no USER(): this check is for MySQL-family backends",
        );
      const host = o.backend.user.slice(o.backend.user.lastIndexOf('@') + 1);
      const expected = who === 'client' ? o.origin.address : o.balancer.address;
      if (expected === null) return fine();
      return sameAddress(host, expected)
        ? fine()
        : wrong(
            `USER() is ${o.backend.user}: the server authenticated ${host}, not the ${who} ${expected}`,
          );
    },
    passed: () => `USER() named the ${who} in every session, as the blog's SELECT USER() should`,
  }),
};
