// The local target: two Docker networks ("internet", "vpc"), the backends on
// vpc with a tcpdump sidecar in each one's namespace, the balancer (HAProxy
// standing in) on both, fronts on internet. Everything it starts is torn down.
import { join } from 'node:path';
import { startCaptureSidecar, type CaptureSidecar } from '../capture/sidecar.ts';
import { streamProxyHeadersFromFile } from '../capture/extract.ts';
import { unreadText } from '../capture/damage.ts';
import type { CapturedConnection } from '../capture/proxy-headers.ts';
import { BACKENDS, BALANCERS, CLIENTS, FRONTS, kindOf } from '../components/kinds.ts';
import type {
  BackendKind,
  BalancerKind,
  ClientKind,
  FrontKind,
  LocalStage,
  StartedFront,
} from '../components/types.ts';
import { observe, type BackendCapture } from '../evidence/correlate.ts';
import { HarnessDefect } from '../errors.ts';
import { docker, removeContainer, runLabels } from '../topology/docker.ts';
import { createNetwork, hostAddress } from '../topology/networks.ts';
import { containerProber } from './container-prober.ts';
import type { Target } from './target.ts';

/** Removes every container in `containers` (id → what) side by side; throws naming those that stayed. */
async function removeAll(containers: ReadonlyMap<string, string>): Promise<void> {
  const ids = [...containers.keys()];
  const results = await Promise.allSettled(ids.map((id) => removeContainer(id)));
  const failed = results.flatMap((r, i) =>
    r.status === 'rejected' ? [`${containers.get(ids[i]!)}: ${(r.reason as Error).message}`] : [],
  );
  if (failed.length > 0) throw new Error(`could not remove ${failed.join('; ')}`);
}

/** The balancer's fixed host number on the vpc network, so trust can name it before it starts. */
const BALANCER_HOST = 250;

export const local: Target = {
  name: 'local',
  async skipReason(scenario) {
    const backend = kindOf<BackendKind>(BACKENDS, scenario.backends.kind);
    return backend.unavailable(scenario.backends);
  },
  async start(scenario, ctx, teardown, steps, group) {
    if (!ctx.images) throw new HarnessDefect('a local scenario, but the run built no images');
    const prefix = `proxyproof-${ctx.runId}-${scenario.id}`;
    const labels = { ...runLabels(ctx.runId), 'proxyproof.topology': scenario.id };
    const client = await docker();
    const balancerKind = kindOf<BalancerKind>(BALANCERS, scenario.balancer.kind);
    const [internet, vpc] = await steps.run('creating networks', async () => {
      // Both at once: each create is an engine round of its own (a taken subnet is retried).
      const create = async (role: 'internet' | 'vpc') => {
        const ipv6 = role === 'internet' && balancerKind.ipv6(scenario.balancer);
        // Clients never leave the machine, and a preserving balancer's packets must keep their source.
        const net = await createNetwork(ctx.runId, `${prefix}-${role}`, {
          ipv6,
          masquerade: role !== 'internet',
        });
        teardown.defer(`remove network ${net.name}`, () =>
          client.network.remove(client.network.getById(net.id)),
        );
        return net;
      };
      // Both settled before a failure is thrown: teardown must know of every network made.
      const internet = create('internet');
      const vpc = create('vpc');
      await Promise.allSettled([internet, vpc]);
      return [await internet, await vpc] as const;
    });
    // Every container is removed at once, by force (SIGKILL): the captures were collected before
    // teardown, so a graceful stop would save nothing; the networks go after their containers.
    const containers = new Map<string, string>();
    teardown.defer('remove the containers', () => removeAll(containers));
    const stage: LocalStage = {
      runId: ctx.runId,
      prefix,
      labels,
      images: ctx.images,
      teardown,
      steps,
      signal: ctx.signal,
      internet,
      vpc,
      balancerVpcAddress: hostAddress(vpc.subnet, BALANCER_HOST),
      track: (id, what) => containers.set(id, what),
      publishListener: ctx.publishListener === true,
      // The most any scenario on this stage holds at once (scenarios sharing it take turns).
      connectionsAtOnce: Math.max(
        ...(group ?? [scenario]).map((s) =>
          s.clients.reduce((n, c) => {
            const kind = kindOf<ClientKind>(CLIENTS, c.kind);
            return n + (kind.atOnce ?? kind.count)(c);
          }, 0),
        ),
      ),
    };
    const backends = await steps.run('starting backends', () =>
      kindOf<BackendKind>(BACKENDS, scenario.backends.kind).start(stage, scenario.backends),
    );
    const instancePort = balancerKind.ports(scenario.balancer).instance;
    const captures: { instance: string; sidecar: CaptureSidecar }[] = await steps.run(
      'starting captures',
      () =>
        Promise.all(
          backends.instances.map(async (b) => ({
            instance: b.name,
            sidecar: await startCaptureSidecar({
              image: stage.images.capture,
              name: `${prefix}-${b.name}-capture`,
              backendContainerId: b.containerId,
              port: instancePort,
              labels,
              onCreated: (id) => stage.track(id, `${b.name} capture`),
            }),
          })),
        ),
    );
    const balancer = await steps.run('starting balancer', () =>
      balancerKind.startLocal(stage, scenario.balancer, backends),
    );
    // Innermost first: each front stands before what was started last.
    const fronts: StartedFront[] = [];
    for (const options of [...scenario.fronts].reverse()) {
      const behind = fronts[0] ? { ...balancer, listener: fronts[0].listener } : balancer;
      const kind = kindOf<FrontKind>(FRONTS, options.kind);
      fronts.unshift(
        await steps.run(`starting ${kind.kind}`, () => kind.start(stage, options, behind)),
      );
    }
    const facts = {
      address: balancer.vpcAddress,
      subnet: balancer.vpcSubnet,
      front: fronts.find((f) => f.address !== null)?.address ?? null,
    };
    return {
      warnings: [],
      backends,
      balancer,
      fronts,
      local: stage,
      probe: containerProber(stage),
      async collect(dir) {
        const collected = await Promise.all(
          captures.map(async ({ instance, sidecar }) => {
            const file = join(dir, `${instance}.pcap`);
            return { instance, file, ...(await sidecar.collect(file)) };
          }),
        );
        const decoded = collected.map((c): BackendCapture => {
          const connections: CapturedConnection[] = [];
          const damage = streamProxyHeadersFromFile(c.file, (found) => connections.push(found));
          // A damaged capture would leave the wire view incomplete: no verdict then.
          if (damage)
            throw new Error(
              `the capture of ${c.instance} (${c.file}) could not be read whole: ${unreadText(damage)}`,
            );
          const instance = backends.instances.find((b) => b.name === c.instance);
          return {
            instance: c.instance,
            connections,
            droppedByKernel: c.droppedByKernel,
            trust: instance?.trust ?? null,
          };
        });
        return { captures: decoded, files: collected.map((c) => c.file) };
      },
      observe: (probe, decoded) => observe(probe, facts, decoded),
    };
  },
};
