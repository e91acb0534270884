import { z } from 'zod';
import { probeThroughBalancer } from '../../probes/mysql-probe.ts';
import type { ClientKind } from '../types.ts';

const options = z
  .object({
    kind: z.literal('mysql'),
    /** mysql2 sessions opened from the harness, held open together (no two share a port). */
    count: z.number().int().min(1).max(200),
  })
  .strict();

/**
 * mysql2 sessions from the harness's own process: each knows its socket (the
 * origin) and asks the backend who it is talking to.
 */
export const mysqlClients: ClientKind<typeof options> = {
  kind: 'mysql',
  options,
  localOnly: false,
  exclusive: false,
  count: (o) => o.count,
  info: (o) => ({ kind: 'mysql', count: o.count, detail: 'mysql2 sessions from the harness' }),
  async run(ctx, o) {
    const probes = await probeThroughBalancer(
      ctx.listener,
      ctx.credentials,
      ctx.whoAmI,
      o.count,
      ctx.prefix ?? undefined,
      ctx.signal,
    );
    return { probes, warnings: [] };
  },
};
