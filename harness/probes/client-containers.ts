import type { Endpoint } from '../net/endpoint.ts';
import { parseHostPort } from '../net/endpoint.ts';
import { runToExit } from '../topology/run-to-exit.ts';
import type { WhoAmI } from './session.ts';
import type { ProbeResult } from '../evidence/probe-result.ts';

/**
 * Runs one short-lived container per address on the given network, each with
 * that fixed address, each asking the backend through the balancer who it is.
 * The origin port is not known to the client tool; the caller supplies it from
 * the balancer's own log (its frontend's view), matched by the unique address.
 */
export async function runClientContainers(opts: {
  image: string;
  network: string;
  addresses: string[];
  target: Endpoint;
  /** The same question the mysql2 probe asks, through the real `mariadb` command-line client. */
  whoAmI: Extract<WhoAmI, { protocol: 'mysql' }>;
  labels: Record<string, string>;
  namePrefix: string;
  track: (id: string, what: string) => void;
}): Promise<{ client: string; address: string; result: Omit<ProbeResult, 'client' | 'origin'> }[]> {
  return Promise.all(
    opts.addresses.map(async (address, i) => {
      const name = `client-${i + 1}`;
      const { exitCode, output } = await runToExit(
        {
          name: `${opts.namePrefix}-${name}`,
          Image: opts.image,
          Labels: opts.labels,
          Cmd: [
            'mariadb',
            `--host=${opts.target.address}`,
            `--port=${opts.target.port}`,
            `--user=${opts.whoAmI.credentials.user}`,
            `--password=${opts.whoAmI.credentials.password}`,
            '--connect-timeout=10',
            '--batch',
            '--skip-column-names',
            `--execute=${opts.whoAmI.sql}`,
          ],
          HostConfig: { NetworkMode: opts.network },
          NetworkingConfig: {
            EndpointsConfig: { [opts.network]: { IPAMConfig: { IPv4Address: address } } },
          },
        },
        { onCreated: (id) => opts.track(id, name) },
      );
      const line = output.split('\n').find((l) => l.split('\t').length === 3);
      const [host, user, instance] = (line ?? '').split('\t');
      const seen = host ? parseHostPort(host) : null;
      const result =
        exitCode === 0 && seen && user && instance
          ? { backend: { host: seen, user: user.trim(), instance: instance.trim() }, error: null }
          : { backend: null, error: `mariadb client exited ${exitCode}: ${output.trim()}` };
      return { client: `${name} (${address})`, address, result };
    }),
  );
}
