import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { runClientContainers } from '../probes/client-containers.ts';
import { startCaptureSidecar, type CaptureSidecar, type CaptureStats } from '../capture/sidecar.ts';
import type { Teardown } from '../lifecycle/teardown.ts';
import type { Steps } from '../lifecycle/steps.ts';
import type { Endpoint } from '../net/endpoint.ts';
import { containerOutput, docker, removeContainer, runLabels } from './docker.ts';
import {
  backendName,
  originsFromLog,
  reloadTookOver,
  renderHaproxyConfig,
  serverStatuses,
  STATS_SOCKET,
  type BalancerSpec,
} from './haproxy-config.ts';
import type { Images } from './images.ts';
import { createNetwork, hostAddress } from './networks.ts';

export interface CollectedCapture extends CaptureStats {
  instance: string;
  file: string;
}

/** Whose PROXY headers the backends accept (MariaDB proxy_protocol_networks). */
export type BackendTrust = 'vpc-subnet' | 'balancer-address' | 'another-network' | 'nothing';

/** The balancer's fixed host number on the vpc network, so trust can name it before it starts. */
const BALANCER_HOST = 250;
/** TEST-NET-1 (RFC 5737): a network that is never the balancer's; only ever a config value. */
const ANOTHER_NETWORK = '192.0.2.0/24';

export function trustedNetworks(
  trust: BackendTrust,
  vpcSubnet: string,
  balancerVpcAddress: string,
): string {
  switch (trust) {
    case 'vpc-subnet':
      return vpcSubnet;
    case 'balancer-address':
      return `${balancerVpcAddress}/32`;
    case 'another-network':
      return ANOTHER_NETWORK;
    case 'nothing':
      return '';
  }
}

export const BACKEND_CREDENTIALS = { user: 'proxyproof', password: 'proxyproof' };

/** What may change on a running balancer; whatever is left out stays as it is. */
export interface BalancerChange {
  proxyProtocol?: BalancerSpec['proxyProtocol'];
  /** The backends it sends to, by name (an ELB's registered instances); none is allowed. */
  instances?: string[];
  healthCheck?: BalancerSpec['healthCheck'];
}

/** A backend as the balancer sees it. */
export interface BackendState {
  name: string;
  /** Whether its container is running. */
  running: boolean;
  /** HAProxy's status for it ("UP", "DOWN 1/2", "no check", ...), or null when it is no server now. */
  haproxy: string | null;
}

/** The running local stand-in for a scenario's balancer and instances. */
export interface LocalTopology {
  /** Where clients dial: the (front) balancer's "internet" address and listener port. */
  listener: Endpoint;
  /** The front balancer's address, when one stands before the balancer. */
  frontBalancerAddress: string | null;
  /** The balancer's address on the "vpc" network: what a backend sees without PROXY. */
  balancerVpcAddress: string;
  vpcSubnet: string;
  /** A backend's server status counter (SHOW GLOBAL STATUS), e.g. Aborted_connects. */
  backendStatus(instance: string, variable: string): Promise<number>;
  /** Changes a running backend's proxy_protocol_networks (a dynamic variable in MariaDB). */
  setBackendTrust(instance: string, networks: string): Promise<void>;
  /** Runs `count` one-shot `mariadb` client containers on "internet", each with its own fixed address. */
  runClientContainers(count: number): ReturnType<typeof runClientContainers>;
  /** Session origins as the balancer's frontend logged them (each at its session's end). */
  balancerOrigins(): Promise<Endpoint[]>;
  /** The "internet" network's name and subnet, for client containers. */
  internet: { name: string; subnet: string };
  /** The HAProxy config the balancer runs, kept as an artifact. */
  balancerConfig(): string;
  /**
   * Re-renders the balancer's config with `change` and reloads HAProxy in
   * place (master-worker: established connections stay on the old worker), as
   * the ELB API simulators do when a policy, an instance or a health check
   * changes. Nothing to change, no reload.
   */
  reconfigure(change: BalancerChange): Promise<void>;
  /** `reconfigure` of the PROXY setting alone. */
  setProxyProtocol(proxyProtocol: BalancerSpec['proxyProtocol']): Promise<void>;
  /** Every backend: its container running or not, and HAProxy's view of it. */
  backendStates(): Promise<BackendState[]>;
  /** Each backend with its proxy_protocol_networks as the server itself reports it. */
  backends: { name: string; address: string; trusts: string }[];
  /** Stops every capture and writes `<dir>/<backend>.pcap`. */
  collectCaptures(dir: string): Promise<CollectedCapture[]>;
}

/** Runs SQL as root over the server's own socket inside its container. */
async function rootQuery(
  container: StartedTestContainer,
  name: string,
  sql: string,
): Promise<string> {
  const r = await container.exec(['mariadb', '-N', '-B', '-e', sql]);
  if (r.exitCode !== 0) throw new Error(`${name}: ${sql}: ${r.output}`);
  return r.stdout.trim();
}

/**
 *   internet network                 vpc network
 *   harness (gateway) ─► balancer ──┬─► backend-1 (+ tcpdump in its namespace)
 *                                   └─► backend-2 (+ tcpdump)
 * Backends sit on "vpc" only and trust PROXY headers from the vpc subnet only.
 */
export async function startLocalTopology(args: {
  runId: string;
  /** Names the containers and networks, e.g. the scenario id. */
  name: string;
  backends: number;
  /** Default: the vpc subnet, never `*`. */
  backendTrust?: BackendTrust;
  /** Extra mariadbd options, e.g. --max-connect-errors=10. */
  backendOptions?: string[];
  balancer: Omit<BalancerSpec, 'instances'>;
  /** Another balancer in front of this one, sending it PROXY headers too. */
  front?: { proxyProtocol: BalancerSpec['proxyProtocol'] };
  images: Images;
  teardown: Teardown;
  steps: Steps;
}): Promise<LocalTopology> {
  const { runId, name: topologyName, images, teardown, steps } = args;
  const instancePort = args.balancer.instancePort;
  const prefix = `proxyproof-${runId}-${topologyName}`;
  const labels = { ...runLabels(runId), 'proxyproof.topology': topologyName };
  const client = await docker();
  const track = (id: string, what: string) =>
    teardown.defer(`remove ${what}`, () => removeContainer(id));

  const [internet, vpc] = await steps.run('creating networks', async () => {
    const nets = [];
    for (const role of ['internet', 'vpc']) {
      const ipv6 = role === 'internet' && args.balancer.dualStack === true;
      const net = await createNetwork(runId, `${prefix}-${role}`, { ipv6 });
      teardown.defer(`remove network ${net.name}`, () =>
        client.network.remove(client.network.getById(net.id)),
      );
      nets.push(net);
    }
    return nets as [(typeof nets)[0], (typeof nets)[0]];
  });

  const balancerVpcAddress = hostAddress(vpc.subnet, BALANCER_HOST);
  const trusted = trustedNetworks(
    args.backendTrust ?? 'vpc-subnet',
    vpc.subnet,
    balancerVpcAddress,
  );
  const backends = await steps.run('starting backends', () =>
    Promise.all(
      Array.from({ length: args.backends }, async (_, i) => {
        const name = `backend-${i + 1}`;
        const started = await new GenericContainer(images.backend)
          .withName(`${prefix}-${name}`)
          .withHostname(name)
          .withLabels(labels)
          .withNetworkMode(vpc.name)
          .withEnvironment({ PROXY_PROTOCOL_NETWORKS: trusted })
          .withCommand(['start-backend', `--port=${instancePort}`, ...(args.backendOptions ?? [])])
          .withWaitStrategy(Wait.forLogMessage(/ready for connections/))
          .withStartupTimeout(90_000)
          .start();
        track(started.getId(), name);
        return {
          name,
          address: started.getIpAddress(vpc.name),
          containerId: started.getId(),
          container: started,
          // Asked of the server, not assumed from our flag.
          trusts: await rootQuery(started, name, 'SELECT @@proxy_protocol_networks'),
        };
      }),
    ),
  );

  const captures: { instance: string; sidecar: CaptureSidecar }[] = await steps.run(
    'starting captures',
    () =>
      Promise.all(
        backends.map(async (b) => ({
          instance: b.name,
          sidecar: await startCaptureSidecar({
            image: images.capture,
            name: `${prefix}-${b.name}-capture`,
            backendContainerId: b.containerId,
            port: instancePort,
            labels,
            onCreated: (id) => track(id, `${b.name} capture`),
          }),
        })),
      ),
  );

  const startHaproxy = async (name: string, config: string) => {
    const started = await new GenericContainer(images.balancer)
      .withName(`${prefix}-${name}`)
      .withLabels(labels)
      .withNetworkMode(internet.name)
      .withCopyContentToContainer([{ content: config, target: '/etc/haproxy/haproxy.cfg' }])
      .withWaitStrategy(Wait.forLogMessage(/Loading success/))
      .withStartupTimeout(30_000)
      .start();
    track(started.getId(), name);
    return started;
  };

  const backendNamed = (name: string) => {
    const b = backends.find((x) => x.name === name);
    if (!b) throw new Error(`no backend ${name}`);
    return b;
  };
  let spec: BalancerSpec = {
    ...args.balancer,
    instances: backends.map(({ name, address }) => ({ name, address })),
  };
  let config = renderHaproxyConfig(spec);
  const balancer = await steps.run('starting balancer', async () => {
    const started = await startHaproxy('balancer', config);
    // testcontainers attaches one network at creation; the vpc leg is added now.
    const container = client.container.getById(started.getId());
    await client.network.getById(vpc.id).connect({
      Container: started.getId(),
      EndpointConfig: { IPAMConfig: { IPv4Address: balancerVpcAddress } },
    });
    const inspected = await client.container.inspect(container);
    const vpcAddress = inspected.NetworkSettings.Networks[vpc.name]?.IPAddress;
    if (vpcAddress !== balancerVpcAddress) {
      throw new Error(
        `the balancer got ${vpcAddress ?? 'no address'} on the vpc network, not ${balancerVpcAddress}`,
      );
    }
    // Clients of a dual-stack balancer dial its IPv6 address.
    const v6 = inspected.NetworkSettings.Networks[internet.name]?.GlobalIPv6Address;
    if (args.balancer.dualStack && !v6)
      throw new Error('the balancer got no IPv6 address on the internet network');
    return {
      container: started,
      id: started.getId(),
      internetAddress: args.balancer.dualStack ? v6! : started.getIpAddress(internet.name),
      vpcAddress,
    };
  });

  // A second balancer in front of the first, on the internet network only.
  const front = args.front
    ? await steps.run('starting front balancer', async () => {
        const frontConfig = renderHaproxyConfig({
          listenerPort: args.balancer.listenerPort,
          instancePort: args.balancer.listenerPort,
          proxyProtocol: args.front!.proxyProtocol,
          instances: [{ name: 'balancer', address: balancer.internetAddress }],
        });
        const started = await startHaproxy('front-balancer', frontConfig);
        return { address: started.getIpAddress(internet.name), config: frontConfig };
      })
    : null;

  /** One change at a time, in the order asked: each reload waits for the one before. */
  let reloading = Promise.resolve();
  const reconfigure = (change: BalancerChange): Promise<void> => {
    const next = reloading.catch(() => undefined).then(() => reload(change));
    reloading = next;
    return next;
  };
  const reload = async (change: BalancerChange) => {
    const named = change.instances?.map(backendNamed);
    const wanted: BalancerSpec = {
      ...spec,
      proxyProtocol: change.proxyProtocol ?? spec.proxyProtocol,
      healthCheck: change.healthCheck ?? spec.healthCheck,
      // In the topology's order, whatever order they were named in.
      instances: named
        ? backends.filter((b) => named.includes(b)).map(({ name, address }) => ({ name, address }))
        : spec.instances,
    };
    const rendered = renderHaproxyConfig(wanted);
    if (rendered === config) return;
    const before = await containerOutput(balancer.id);
    await balancer.container.copyContentToContainer([
      { content: rendered, target: '/etc/haproxy/haproxy.cfg' },
    ]);
    await client.container.dockerode.getContainer(balancer.id).kill({ signal: 'SIGUSR2' });
    const deadline = Date.now() + 15_000;
    while (!reloadTookOver(before, await containerOutput(balancer.id), config)) {
      if (Date.now() > deadline)
        throw new Error('HAProxy did not take over with its new configuration within 15 s');
      await sleep(50);
    }
    spec = wanted;
    config = rendered;
  };

  return {
    listener: {
      address: front?.address ?? balancer.internetAddress,
      port: args.balancer.listenerPort,
    },
    frontBalancerAddress: front?.address ?? null,
    balancerVpcAddress: balancer.vpcAddress,
    vpcSubnet: vpc.subnet,
    internet: { name: internet.name, subnet: internet.subnet },
    balancerOrigins: async () => originsFromLog(await containerOutput(balancer.id)),
    runClientContainers: (count) =>
      runClientContainers({
        image: images.backend,
        network: internet.name,
        // Hosts .100 and up: clear of the gateway and Docker's own assignments.
        addresses: Array.from({ length: count }, (_, i) => hostAddress(internet.subnet, 100 + i)),
        target: {
          address: front?.address ?? balancer.internetAddress,
          port: args.balancer.listenerPort,
        },
        credentials: BACKEND_CREDENTIALS,
        labels,
        namePrefix: prefix,
        track,
      }),
    balancerConfig: () => (front ? `${config}\n# front balancer\n${front.config}` : config),
    reconfigure,
    setProxyProtocol: (proxyProtocol) => reconfigure({ proxyProtocol }),
    backendStates: async () => {
      // One `show stat` on the runtime API: bash's /dev/tcp is the only client in the image.
      const stats = await balancer.container.exec([
        'bash',
        '-c',
        `exec 3<>/dev/tcp/${STATS_SOCKET.address}/${STATS_SOCKET.port} && echo 'show stat' >&3 && cat <&3`,
      ]);
      const statuses =
        stats.exitCode === 0
          ? serverStatuses(stats.stdout, backendName(spec.instancePort))
          : new Map<string, string>();
      const running = (id: string) =>
        client.container.inspect(client.container.getById(id)).then(
          (c) => c.State.Running,
          () => false, // removed
        );
      return Promise.all(
        backends.map(async (b) => ({
          name: b.name,
          running: await running(b.containerId),
          haproxy: statuses.get(b.name) ?? null,
        })),
      );
    },
    backends: backends.map(({ name, address, trusts }) => ({ name, address, trusts })),
    backendStatus: async (instance, variable) => {
      const b = backendNamed(instance);
      const row = await rootQuery(b.container, instance, `SHOW GLOBAL STATUS LIKE '${variable}'`);
      return Number(row.split('\t')[1]);
    },
    setBackendTrust: async (instance, networks) => {
      const b = backendNamed(instance);
      await rootQuery(b.container, instance, `SET GLOBAL proxy_protocol_networks = '${networks}'`);
    },
    collectCaptures: (dir) =>
      Promise.all(
        captures.map(async ({ instance, sidecar }) => {
          const file = join(dir, `${instance}.pcap`);
          return { instance, file, ...(await sidecar.collect(file)) };
        }),
      ),
  };
}
