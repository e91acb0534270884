import { z } from 'zod';
import { trustedNetworks, TRUST_POLICIES } from './trust.ts';
import { instanceOptions, PROCESSLIST_WHO_AM_I, startInstances } from './mysql-family.ts';
import type { BackendKind } from '../types.ts';

const options = z
  .object({
    kind: z.literal('mariadb'),
    ...instanceOptions,
    /** Whose PROXY headers they accept (proxy_protocol_networks); default the vpc subnet. */
    trust: z.enum(TRUST_POLICIES).default('vpc-subnet'),
    /** max_connect_errors (MariaDB's default is 100). */
    maxConnectErrors: z.number().int().min(1).optional(),
  })
  .strict();

const SETTING = 'proxy_protocol_networks';

/**
 * MariaDB's default (151) is below what one scenario may hold open: room for
 * the stage's clients at once, the balancer's checks and our own queries.
 */
const maxConnections = (atOnce: number) => Math.max(151, atOnce + 50);

/**
 * Debian's MariaDB 10.11, built here (containers/backend): PROXY headers are
 * accepted from the networks in proxy_protocol_networks only.
 */
export const mariadb: BackendKind<typeof options> = {
  kind: 'mariadb',
  options,
  whoAmI: () => PROCESSLIST_WHO_AM_I,
  unavailable: async () => null,
  async start(stage, o) {
    const trusted = trustedNetworks(o.trust, stage.vpc.subnet, stage.balancerVpcAddress);
    const instances = await startInstances(stage, o.count, {
      image: stage.images.backend,
      env: { PROXY_PROTOCOL_NETWORKS: trusted },
      command: [
        'start-backend',
        `--port=${o.port}`,
        `--max-connections=${maxConnections(stage.connectionsAtOnce)}`,
        ...(o.maxConnectErrors ? [`--max-connect-errors=${o.maxConnectErrors}`] : []),
      ],
      ready: /ready for connections/,
      startupMs: 90_000,
      client: ['mariadb'],
      trust: async (query) => ({ setting: SETTING, value: await query(`SELECT @@${SETTING}`) }),
      setTrust: async (query, networks) => {
        await query(`SET GLOBAL ${SETTING} = '${networks}'`);
      },
    });
    return {
      instances,
      whoAmI: PROCESSLIST_WHO_AM_I,
      maxConnectErrors: o.maxConnectErrors ?? 100,
      info: {
        kind: 'mariadb',
        image: stage.images.backend,
        count: o.count,
        detail: `${SETTING}=${trusted || '(empty)'}`,
      },
    };
  },
};
