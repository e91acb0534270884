import { z } from 'zod';
import type { ClientKind } from '../types.ts';

const options = z
  .object({
    kind: z.literal('load'),
    /** Connections in all, each opened, asked who-am-I and closed. */
    count: z.number().int().min(1).max(100_000),
    /** Open at once, in all origins together (backends and balancer are sized for it). */
    concurrency: z.number().int().min(1).max(1_000).default(100),
    /** At most this many begun per second, in all; absent: as fast as answers come. */
    perSecond: z.number().int().min(1).optional(),
    /** Client containers, each its own origin address, sharing the connections evenly. */
    origins: z.number().int().min(1).max(8).default(2),
  })
  .strict();

type Options = z.infer<typeof options>;

/** `total` dealt as evenly as it goes into `parts`; the first ones take the remainder. */
const share = (total: number, parts: number, i: number) =>
  Math.floor(total / parts) + (i < total % parts ? 1 : 0);

/**
 * Thousands of connections through the balancer: each client container keeps
 * its share of `concurrency` open, opening the next as one is answered. Every
 * connection is still judged on its three views; the report counts them.
 */
export const loadClients: ClientKind<typeof options> = {
  kind: 'load',
  options,
  localOnly: false,
  // Its rates and latencies are its own only on a topology nobody else uses.
  exclusive: true,
  count: (o) => o.count,
  atOnce: (o) => Math.min(o.concurrency, o.count),
  info: (o: Options) => ({
    kind: 'load',
    count: o.count,
    detail: `${o.count} connections, ${o.concurrency} at once${o.perSecond ? `, at most ${o.perSecond}/s` : ''}, from ${o.origins} origin(s)`,
  }),
  async run(ctx, o) {
    const origins = Math.min(o.origins, o.count);
    const batches = await Promise.all(
      Array.from({ length: origins }, (_, i) =>
        ctx.probe({
          from: 'internet',
          target: ctx.listener,
          whoAmI: ctx.whoAmI,
          count: share(o.count, origins, i),
          prefix: ctx.prefix,
          label: `load-${i + 1}`,
          pace: {
            concurrency: Math.max(1, share(Math.min(o.concurrency, o.count), origins, i)),
            perSecond: o.perSecond ? Math.max(1, share(o.perSecond, origins, i)) : null,
          },
        }),
      ),
    );
    return { probes: batches.flat(), warnings: [] };
  },
};
