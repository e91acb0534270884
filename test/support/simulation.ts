import { execa } from 'execa';
import { normaliseAddress } from '../../harness/net/endpoint.ts';
import { originsFromLog } from '../../harness/topology/haproxy-config.ts';
import { probeThroughBalancer } from '../../harness/probes/probe.ts';
import { PROCESSLIST_SQL } from '../../harness/components/backends/mysql-family.ts';
import { leftovers } from './docker-leftovers.ts';

const BIN = new URL('../../bin/proxyproof.js', import.meta.url).pathname;

/** `proxyproof simulate`'s first stdout line; each kind adds the names of its balancer. */
export interface Ready {
  endpoint: string;
  region: string;
  listener: { host: string; port: number };
  /** The listener on this host's loopback: what a person's own client dials on any platform. */
  published: { host: string; port: number };
  balancerVpcAddress: string;
  mysql: { user: string; password: string };
}

/**
 * Runs `proxyproof simulate ...args`, hands its ready line to `body`, then
 * stops it with Ctrl-C and checks it exits 0 leaving no container or network.
 */
// R is the caller's word for the kind's ready line (JSON it then reads), as a cast would be.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
export async function whileSimulating<R extends Ready>(
  args: string[],
  body: (ready: R) => Promise<void>,
): Promise<void> {
  const child = execa('node', [BIN, 'simulate', ...args], { reject: false });
  try {
    const ready = await new Promise<R>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n')[0];
        if (out.includes('\n') && line) resolve(JSON.parse(line) as R);
      });
      child.once('exit', () => reject(new Error('simulate exited before it was ready')));
    });
    await body(ready);
  } finally {
    child.kill('SIGINT');
    const result = await child;
    const runId = /proxyproof-(\d{8}-\d{6}-[0-9a-f]{4})-simulate/.exec(result.stderr)?.[1];
    // As text, so a failure shows why (e.g. no Docker engine).
    const failure = `simulate exited ${result.exitCode}:\n${result.stderr}`;
    expect(result.exitCode === 0 ? '' : failure).toBe('');
    const all = await execa('docker', [
      'ps',
      '-aq',
      '--filter',
      'label=proxyproof.topology=simulate',
    ]);
    expect(all.stdout.trim()).toBe('');
    if (runId) expect(await leftovers(runId)).toEqual({ containers: [], networks: [] });
  }
}

/**
 * A session from this host through the published listener, as a person's own
 * client would make one: whom USER() names, and whom the balancer's frontend
 * logged for it (through the published port that is where the engine's
 * forwarding came from, not this process's loopback address).
 */
export async function whoAmI(ready: Ready): Promise<{ seen: string; balancerSaw: string }> {
  const origins = async () =>
    originsFromLog((await execa('docker', ['logs', await balancerId()])).stdout);
  const before = (await origins()).length;
  const [r] = await probeThroughBalancer(
    { address: ready.published.host, port: ready.published.port },
    { protocol: 'mysql', sql: PROCESSLIST_SQL, credentials: ready.mysql },
    1,
  );
  if (!r?.backend?.user || !r.origin) throw new Error(`no session: ${r?.error}`);
  // The frontend logs a session when it ends: wait for this one's line.
  let logged = await origins();
  for (let i = 0; i < 50 && logged.length === before; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    logged = await origins();
  }
  const last = logged.at(-1);
  if (logged.length === before || !last) throw new Error('the balancer logged no session for it');
  return {
    seen: normaliseAddress(r.backend.user.split('@')[1]!),
    balancerSaw: normaliseAddress(last.address),
  };
}

/** The running simulation's container named `-simulate-<role>`. */
async function simulationContainer(role: string): Promise<string> {
  const { stdout } = await execa('docker', [
    'ps',
    '-q',
    '--filter',
    'label=proxyproof.topology=simulate',
    '--filter',
    `name=-simulate-${role}$`,
  ]);
  const [id, ...others] = stdout.split('\n').filter(Boolean);
  if (!id || others.length > 0) throw new Error(`expected one simulate ${role}, found: ${stdout}`);
  return id;
}

const balancerId = () => simulationContainer('balancer');

/** The settings the running simulation's NLB data plane reads for each new connection. */
export async function dataPlaneSettings(): Promise<{ proxyProtocol: boolean }> {
  const id = await simulationContainer('nlb-data-plane');
  const { stdout } = await execa('docker', [
    'exec',
    id,
    'cat',
    '/etc/proxyproof-nlb-data-plane.json',
  ]);
  return JSON.parse(stdout) as { proxyProtocol: boolean };
}

/** The running simulation's HAProxy config, as the balancer container holds it now. */
export async function balancerConfig(): Promise<string> {
  return (await execa('docker', ['exec', await balancerId(), 'cat', '/etc/haproxy/haproxy.cfg']))
    .stdout;
}
