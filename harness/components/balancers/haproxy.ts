// HAProxy in a container: the local stand-in for an ELB or an NLB (and for a
// proxy in front of one). Started on the internet network, optionally joined
// to vpc at a fixed address; reconfigured by re-rendering and reloading in place.
import { setTimeout as sleep } from 'node:timers/promises';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { runBeside } from '../../topology/beside.ts';
import { containerOutput, docker } from '../../topology/docker.ts';
import {
  backendName,
  originsFromLog,
  reloadTookOver,
  renderHaproxyConfig,
  serverStatuses,
  STATS_SOCKET,
  type BalancerSpec,
} from '../../topology/haproxy-config.ts';
import type { LocalStage } from '../types.ts';
import { startDataPlane } from './nlb-data-plane.ts';
import type { BalancerChange, Haproxy } from './stand-in.ts';

/**
 * testcontainers publishes ports on every interface of the host; a database
 * listener a person tries by hand belongs on loopback only.
 */
class LoopbackPublishing extends GenericContainer {
  publishOnLoopback(port: number): this {
    this.withExposedPorts(port);
    // dockerode types PortBindings as any; the engine takes { port: [{ HostIp, HostPort }] }.
    const bindings = (this.hostConfig.PortBindings ?? {}) as Record<string, unknown>;
    bindings[`${port}/tcp`] = [{ HostIp: '127.0.0.1', HostPort: '0' }];
    this.hostConfig.PortBindings = bindings;
    return this;
  }

  /** What TPROXY (`usesrc client`) needs of the balancer's own namespace. */
  transparent(): this {
    this.withAddedCapabilities('NET_ADMIN');
    // Replies to a client's address come back on vpc; strict reverse-path filtering drops them.
    this.hostConfig.Sysctls = {
      'net.ipv4.conf.all.rp_filter': '0',
      'net.ipv4.conf.default.rp_filter': '0',
    };
    return this;
  }
}

/**
 * The routes that make a balancer's connections from clients' addresses work
 * (as in docs/FIDELITY.md's client IP preservation): in the balancer, replies
 * from vpc to an internet address are delivered locally (to HAProxy's
 * transparent socket); in each instance, the internet subnet is reached
 * through the balancer, as an NLB's targets reach clients through the NLB.
 */
async function routeThroughBalancer(
  stage: LocalStage,
  balancerId: string,
  instances: { containerId: string }[],
): Promise<void> {
  const ip = (containerId: string, script: string) =>
    runBeside(containerId, {
      image: stage.images.capture,
      cmd: ['sh', '-c', script],
      labels: stage.labels,
      capAdd: ['NET_ADMIN'],
    }).then((r) => {
      if (r.exitCode !== 0)
        throw new Error(`routing for client IP preservation: ${r.output.trim()}`);
    });
  await Promise.all([
    ip(
      balancerId,
      `ip rule add from ${stage.vpc.subnet} lookup 100 && ip route add local ${stage.internet.subnet} dev lo table 100`,
    ),
    ...instances.map((b) =>
      ip(b.containerId, `ip route add ${stage.internet.subnet} via ${stage.balancerVpcAddress}`),
    ),
  ]);
}

/** Starts HAProxy named `name` with `spec`, on internet, joined to vpc at the stage's balancer address if asked. */
export async function startHaproxy(
  stage: LocalStage,
  name: string,
  spec: BalancerSpec,
  opts: {
    vpc: boolean;
    backends: Haproxy['backends'];
    /** Also publish the listener on a loopback port of the engine's host (for a person's own client). */
    publish?: boolean;
    /** Able to connect to the backends from clients' addresses (an NLB's client IP preservation). */
    transparent?: boolean;
  },
): Promise<Haproxy> {
  const client = await docker();
  let current = spec;
  let config = renderHaproxyConfig(spec);
  const container = new LoopbackPublishing(stage.images.balancer);
  if (opts.publish) container.publishOnLoopback(spec.listenerPort);
  if (opts.transparent) container.transparent();
  const started: StartedTestContainer = await container
    .withName(`${stage.prefix}-${name}`)
    .withLabels(stage.labels)
    .withNetworkMode(stage.internet.name)
    .withCopyContentToContainer([{ content: config, target: '/etc/haproxy/haproxy.cfg' }])
    .withWaitStrategy(Wait.forLogMessage(/Loading success/))
    .withStartupTimeout(30_000)
    .start();
  const id = started.getId();
  stage.track(id, name);
  let vpcAddress: string | null = null;
  if (opts.vpc) {
    // testcontainers attaches one network at creation; the vpc leg is added now.
    await client.network.getById(stage.vpc.id).connect({
      Container: id,
      EndpointConfig: { IPAMConfig: { IPv4Address: stage.balancerVpcAddress } },
    });
    vpcAddress = stage.balancerVpcAddress;
  }
  const inspected = await client.container.inspect(client.container.getById(id));
  if (opts.vpc && inspected.NetworkSettings.Networks[stage.vpc.name]?.IPAddress !== vpcAddress)
    throw new Error(`${name} did not get ${vpcAddress} on the vpc network`);
  if (opts.transparent && opts.vpc) await routeThroughBalancer(stage, id, opts.backends);
  const dataPlane = await startDataPlane(stage, id, spec);
  // Clients of a dual-stack balancer dial its IPv6 address.
  const v6 = inspected.NetworkSettings.Networks[stage.internet.name]?.GlobalIPv6Address;
  if (spec.dualStack && !v6) throw new Error(`${name} got no IPv6 address on the internet network`);
  const address = spec.dualStack ? v6! : started.getIpAddress(stage.internet.name);

  const reload = async (change: BalancerChange) => {
    const named = change.instances;
    const wanted: BalancerSpec = {
      ...current,
      proxyProtocol: change.proxyProtocol ?? current.proxyProtocol,
      healthCheck: change.healthCheck ?? current.healthCheck,
      preserveClientIp: change.preserveClientIp ?? current.preserveClientIp,
      // In the scenario's order, whatever order they were named in.
      instances: named
        ? opts.backends
            .filter((b) => named.includes(b.name))
            .map(({ name: n, address: a }) => ({ name: n, address: a }))
        : current.instances,
    };
    for (const n of named ?? [])
      if (!opts.backends.some((b) => b.name === n)) throw new Error(`no backend ${n}`);
    const rendered = renderHaproxyConfig(wanted);
    if (rendered !== config) await reloadWith(rendered);
    // The data plane writes the headers: its settings change whether HAProxy's config did or
    // not, and only once HAProxy took its own part, so the two never disagree.
    await dataPlane?.configure(wanted);
    current = wanted;
  };
  const reloadWith = async (rendered: string) => {
    const before = await containerOutput(id);
    await started.copyContentToContainer([
      { content: rendered, target: '/etc/haproxy/haproxy.cfg' },
    ]);
    await client.container.dockerode.getContainer(id).kill({ signal: 'SIGUSR2' });
    const deadline = Date.now() + 15_000;
    while (!reloadTookOver(before, await containerOutput(id), config)) {
      if (Date.now() > deadline)
        throw new Error('HAProxy did not take over with its new configuration within 15 s');
      await sleep(50);
    }
    config = rendered;
  };
  let reloading = Promise.resolve();
  const reconfigure = (change: BalancerChange): Promise<void> => {
    const next = reloading.catch(() => undefined).then(() => reload(change));
    reloading = next;
    return next;
  };

  return {
    containerId: id,
    listener: { address, port: spec.listenerPort },
    published: opts.publish
      ? { address: '127.0.0.1', port: started.getMappedPort(spec.listenerPort) }
      : null,
    vpcAddress,
    backends: opts.backends,
    config: () => config,
    reconfigure,
    loggedOrigins: async () => originsFromLog(await containerOutput(id)),
    backendStates: async () => {
      // One `show stat` on the runtime API: bash's /dev/tcp is the only client in the image.
      const stats = await started.exec([
        'bash',
        '-c',
        `exec 3<>/dev/tcp/${STATS_SOCKET.address}/${STATS_SOCKET.port} && echo 'show stat' >&3 && cat <&3`,
      ]);
      // Unanswered, nothing is known: the API says so (HealthUnavailable) rather than guess.
      if (stats.exitCode !== 0)
        throw new Error(`HAProxy's runtime API did not answer: ${stats.output.trim()}`);
      const statuses = serverStatuses(stats.stdout, backendName(current.instancePort));
      const running = (containerId: string) =>
        client.container.inspect(client.container.getById(containerId)).then(
          (c) => c.State.Running,
          () => false, // removed
        );
      return Promise.all(
        opts.backends.map(async (b) => ({
          name: b.name,
          running: await running(b.containerId),
          haproxy: statuses.get(b.name) ?? null,
        })),
      );
    },
  };
}
