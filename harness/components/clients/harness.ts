import { z } from 'zod';
import { probeThroughBalancer } from '../../probes/probe.ts';
import type { ClientKind } from '../types.ts';

const options = z
  .object({
    kind: z.literal('harness'),
    /** Connections opened from the harness, held open together (no two share a port). */
    count: z.number().int().min(1).max(200),
  })
  .strict();

/**
 * Connections from the harness's own process: each knows its socket (the
 * origin) and asks the backend who it is talking to, the backend's way (a
 * MySQL session with mysql2, an HTTP GET, or reading the line it writes).
 */
export const harnessClients: ClientKind<typeof options> = {
  kind: 'harness',
  options,
  localOnly: false,
  exclusive: false,
  count: (o) => o.count,
  info: (o) => ({
    kind: 'harness',
    count: o.count,
    detail: "connections from the harness's process",
  }),
  async run(ctx, o) {
    const probes = await probeThroughBalancer(
      ctx.listener,
      ctx.whoAmI,
      o.count,
      ctx.prefix ?? undefined,
      ctx.signal,
    );
    return { probes, warnings: [] };
  },
};
