// What every MySQL-family backend shares: how a client asks who it is (its own
// PROCESSLIST row), how instances start on vpc, and how to read a server's
// status and settings as root.
import { z } from 'zod';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import type { BackendTrust } from '../../evidence/types.ts';
import type { LocalStage, StartedBackend, WhoAmI } from '../types.ts';

/** Options every MySQL-family kind has. */
export const instanceOptions = {
  /** How many instances (backend-1, backend-2, ...). */
  count: z.number().int().min(1).max(8).default(1),
  /** The port the server listens on (the balancer's instance port). */
  port: z.number().int().min(1).max(65535).default(3306),
};

/** The session's own PROCESSLIST row: HOST is the address the server believes. */
export const PROCESSLIST_SQL =
  'SELECT p.HOST AS host, USER() AS user, @@hostname AS instance ' +
  'FROM information_schema.PROCESSLIST p WHERE p.ID = CONNECTION_ID()';

/** The account the clients log in as: an ordinary user, no grants (a root-only check would prove less). */
export const CLIENT_CREDENTIALS = { user: 'proxyproof', password: 'proxyproof' };

/** A MySQL-family backend asked through its own PROCESSLIST row, as the clients' account. */
export const PROCESSLIST_WHO_AM_I: WhoAmI = {
  protocol: 'mysql',
  sql: PROCESSLIST_SQL,
  credentials: CLIENT_CREDENTIALS,
};

/** Runs SQL inside the container with the server's own client, as `user`; one row, tab-separated. */
export async function serverQuery(
  container: StartedTestContainer,
  name: string,
  sql: string,
  client: string[],
): Promise<string> {
  const r = await container.exec([...client, '-N', '-B', '-e', sql]);
  if (r.exitCode !== 0) throw new Error(`${name}: ${sql}: ${r.output}`);
  return r.stdout.trim();
}

/** A global status counter, e.g. Aborted_connects. */
export async function statusCounter(
  query: (sql: string) => Promise<string>,
  variable: string,
): Promise<number> {
  const row = await query(`SHOW GLOBAL STATUS LIKE '${variable}'`);
  return Number(row.split('\t')[1]);
}

/** How one kind's server container is started, and what it can say and change about trust. */
export interface ServerSpec {
  image: string;
  env: Record<string, string>;
  command: string[];
  /** The log line that says the server (not an initialising one) is ready. */
  ready: RegExp;
  startupMs: number;
  /** The server's own command-line client, logged in as root. */
  client: string[];
  trust(query: (sql: string) => Promise<string>): Promise<BackendTrust>;
  /** Changes proxy_protocol_networks (or the kind's own), if the server has one. */
  setTrust: ((query: (sql: string) => Promise<string>, networks: string) => Promise<void>) | null;
}

/** Starts `count` instances on vpc, each registered for removal the moment it exists. */
export function startInstances(
  stage: LocalStage,
  count: number,
  spec: ServerSpec,
): Promise<StartedBackend[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i): Promise<StartedBackend> => {
      const name = `backend-${i + 1}`;
      const started = await new GenericContainer(spec.image)
        .withName(`${stage.prefix}-${name}`)
        .withHostname(name)
        .withLabels(stage.labels)
        .withNetworkMode(stage.vpc.name)
        .withEnvironment(spec.env)
        .withCommand(spec.command)
        .withWaitStrategy(Wait.forLogMessage(spec.ready))
        .withStartupTimeout(spec.startupMs)
        .start();
      stage.track(started.getId(), name);
      const query = (sql: string) => serverQuery(started, name, sql, spec.client);
      const setTrust = spec.setTrust;
      return {
        name,
        address: started.getIpAddress(stage.vpc.name),
        containerId: started.getId(),
        // Asked of the server, not assumed from the scenario's option.
        trust: await spec.trust(query),
        counters: async () => ({
          Aborted_connects: await statusCounter(query, 'Aborted_connects'),
        }),
        setTrust: setTrust && ((networks) => setTrust(query, networks)),
      };
    }),
  );
}
