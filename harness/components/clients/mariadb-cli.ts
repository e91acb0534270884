import { z } from 'zod';
import { sameAddress } from '../../net/endpoint.ts';
import { runClientContainers } from '../../probes/client-containers.ts';
import { hostAddress } from '../../topology/networks.ts';
import type { ClientKind } from '../types.ts';

const options = z
  .object({
    kind: z.literal('mariadb-cli'),
    /** One-shot containers running the real `mariadb` client, each from its own fixed address. */
    count: z.number().int().min(1).max(50),
  })
  .strict();

/**
 * The real `mariadb` command-line client, one container per origin on the
 * internet network. The tool cannot say its own port, so the origin comes from
 * the balancer's frontend log, matched by the container's unique address: a
 * fourth view, independent of the backend's. That log is the whole
 * balancer's, so the scenario needs its topology to itself.
 */
export const mariadbCli: ClientKind<typeof options> = {
  kind: 'mariadb-cli',
  options,
  localOnly: true,
  exclusive: true,
  count: (o) => o.count,
  info: (o) => ({ kind: 'mariadb-cli', count: o.count, detail: 'mariadb client containers' }),
  async run(ctx, o) {
    const stage = ctx.stage;
    const logged = ctx.balancer.loggedOrigins;
    if (!stage || !logged)
      throw new Error('mariadb-cli clients need local containers and a balancer log');
    const who = ctx.whoAmI;
    if (who.protocol !== 'mysql')
      throw new Error(
        `mariadb-cli clients speak MySQL; these backends answer over ${who.protocol}`,
      );
    const runs = await runClientContainers({
      image: stage.images.backend,
      network: stage.internet.name,
      // Hosts .100 and up: clear of the gateway and Docker's own assignments.
      addresses: Array.from({ length: o.count }, (_, i) =>
        hostAddress(stage.internet.subnet, 100 + i),
      ),
      target: ctx.listener,
      whoAmI: who,
      labels: stage.labels,
      namePrefix: stage.prefix,
      track: (id, what) => stage.track(id, what),
    });
    const origins = await logged();
    const probes = runs.map(({ client, address, result }) => {
      const mine = origins.filter((e) => sameAddress(e.address, address));
      if (mine.length === 1) return { client, origin: mine[0]!, ...result };
      return {
        client,
        origin: null,
        backend: result.backend,
        error:
          result.error ??
          `the balancer logged ${mine.length} sessions from ${address}, expected one`,
      };
    });
    return { probes, warnings: [] };
  },
};
