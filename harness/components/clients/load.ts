import { z } from 'zod';
import { formatEndpoint } from '../../net/endpoint.ts';
import type { ClientKind } from '../types.ts';

const PER_ORIGIN = 10_000;

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
  .strict()
  // Each connection from an origin dials from a port of its own (probeAtPace),
  // so an origin's connections are told apart by port: this many per origin.
  .refine((o) => o.count <= PER_ORIGIN * o.origins, {
    message: `at most ${PER_ORIGIN.toLocaleString('en-US')} connections per origin: raise origins`,
    path: ['origins'],
  });

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
    // Never more origins than connections, concurrency or starts per second allow.
    const origins = Math.min(o.origins, o.count, o.concurrency, o.perSecond ?? o.origins);
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
            concurrency: share(Math.min(o.concurrency, o.count), origins, i),
            perSecond: o.perSecond ? share(o.perSecond, origins, i) : null,
          },
        }),
      ),
    );
    const probes = batches.flat();
    // Connections are told apart by their origin: a repeat would make two one.
    const seen = new Set<string>();
    for (const p of probes) {
      if (!p.origin) continue;
      const key = formatEndpoint(p.origin);
      if (seen.has(key))
        throw new Error(
          `two load connections had the same origin ${key}, so their evidence cannot be told apart: raise origins`,
        );
      seen.add(key);
    }
    return { probes, warnings: [] };
  },
};
