import { z } from 'zod';
import type { ClientKind } from '../types.ts';

const options = z
  .object({
    kind: z.literal('harness'),
    /** Connections opened from the harness, held open together (no two share a port). */
    count: z.number().int().min(1).max(200),
  })
  .strict();

/**
 * proxyproof's own clients: each knows its socket (the origin) and asks the
 * backend who it is talking to, the backend's way (a MySQL session, an HTTP
 * GET, or the line it writes). Locally they run in a client container on the
 * scenario's internet network; on AWS, from this process.
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
    detail: "proxyproof's own clients",
  }),
  async run(ctx, o) {
    const probes = await ctx.probe({
      from: 'internet',
      target: ctx.listener,
      whoAmI: ctx.whoAmI,
      count: o.count,
      prefix: ctx.prefix,
    });
    return { probes, warnings: [] };
  },
};
