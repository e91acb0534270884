import { mkdir, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { join, relative } from 'node:path';
import { setPolicyThroughElbApi } from '../aws/local-elb.ts';
import { setNlbProxyProtocolThroughApi } from '../aws/local-nlb.ts';
import { runAwsScenario } from './run-aws-scenario.ts';
import { streamProxyHeadersFromFile } from '../capture/extract.ts';
import { unreadText } from '../capture/damage.ts';
import type { CapturedConnection } from '../capture/proxy-headers.ts';
import { observe, type BackendCapture } from '../evidence/correlate.ts';
import { judgeScenario } from '../evidence/scenario-verdict.ts';
import type { Evidence } from '../evidence/types.ts';
import { judgeConnection } from '../evidence/verdict.ts';
import { errorKind, errorLine, HarnessDefect } from '../errors.ts';
import { Interrupted, Steps } from '../lifecycle/steps.ts';
import { Teardown } from '../lifecycle/teardown.ts';
import { probeThroughBalancer, type ProbeResult } from '../probes/mysql-probe.ts';
import type { ScenarioReport } from '../report/types.ts';
import { onAws, type Scenario } from '../scenario/schema.ts';
import { sameAddress, type Endpoint } from '../net/endpoint.ts';
import { encodeV1, encodeV2, tlv } from '../proxy-protocol/index.ts';
import type { BalancerSpec } from '../topology/haproxy-config.ts';
import { imageUnavailable, type Images } from '../topology/images.ts';
import {
  BACKEND_CREDENTIALS,
  startLocalTopology,
  type CollectedCapture,
} from '../topology/local-topology.ts';

export interface RunContext {
  runId: string;
  /** The container images; null when the run has only AWS scenarios. */
  images: Images | null;
  /** reports/<run-id>: artifacts go in a sub-folder per scenario. */
  runDir: string;
  /** reports/: what outlives one run (AWS restore records) goes here. */
  reportsDir: string;
  signal: AbortSignal;
  announce: (scenario: string, step: string, millis?: number) => void;
  /** Something went wrong that does not change the verdict (the run's sweep retries cleanup). */
  warn: (scenario: string, message: string) => void;
}

/** A backend's capture, decoded as it streams from the file; a damaged one leaves no verdict to give. */
function decodeCapture(
  c: CollectedCapture,
  backends: { name: string; trusts: string }[],
): BackendCapture {
  const backend = backends.find((b) => b.name === c.instance);
  if (!backend)
    throw new HarnessDefect(`a capture of ${c.instance}, which is not one of the backends`);
  const connections: CapturedConnection[] = [];
  const damage = streamProxyHeadersFromFile(c.file, (found) => connections.push(found));
  if (damage) {
    throw new Error(
      `the capture of ${c.instance} (${c.file}) could not be read whole: ${unreadText(damage)}; the wire view would be incomplete`,
    );
  }
  return {
    instance: c.instance,
    connections,
    droppedByKernel: c.droppedByKernel,
    trusts: backend.trusts,
  };
}

/** The scenario's balancer in HAProxy terms: Classic ELB is send-proxy (v1), NLB send-proxy-v2. */
function balancerFor(scenario: Scenario): Omit<BalancerSpec, 'instances'> {
  const {
    kind,
    listenerPort,
    instancePort,
    proxyProtocol,
    v2Tlvs,
    acceptProxy,
    ipv6Clients,
    healthCheck,
  } = scenario.balancer;
  const version = kind === 'nlb' ? 'v2' : 'v1';
  return {
    listenerPort,
    instancePort,
    proxyProtocol: proxyProtocol ? version : 'none',
    v2Options: v2Tlvs,
    acceptProxy,
    dualStack: ipv6Clients,
    healthCheck: healthCheck && {
      kind: healthCheck.kind,
      intervalMs: healthCheck.intervalMs,
      user: 'proxyproof_check',
    },
  };
}

/** runAll builds the images whenever a local scenario is selected. */
function imagesOf(ctx: RunContext): Images {
  if (!ctx.images) throw new HarnessDefect('a local scenario, but the run built no images');
  return ctx.images;
}

/** Why a scenario cannot run here, if it cannot: said in the report, never a silent pass. */
async function skipReason(scenario: Scenario): Promise<string | null> {
  if (scenario.backendServer !== 'oracle-mysql') return null;
  const image = process.env.PROXYPROOF_MYSQL_IMAGE ?? 'mysql:8.0';
  const problem = await imageUnavailable(image);
  if (problem)
    return `needs Oracle MySQL from the official image ${image}, which cannot be had here: ${problem}`;
  return `Oracle MySQL backends are not run by the local provider yet: its answer to a PROXY header has not been observed, so no expectation is written`;
}

/**
 * For a forgery scenario: the harness, another host on the vpc network, dials
 * backend-1 directly and opens with a v1 header naming the claimed address.
 */
function forgeryAt(scenario: Scenario, backendAddress: string) {
  const forge = scenario.clients.forgeDirect;
  if (!forge) return undefined;
  const target = { address: backendAddress, port: scenario.balancer.instancePort };
  const header = (origin: Endpoint) =>
    encodeV1({
      family: 'INET',
      source: { address: forge.claim, port: origin.port },
      destination: target,
    });
  return { target, header };
}

/** A front proxy's PROXY v2 header for a client: its own address, the listener, the authority. */
function frontProxyHeader(scenario: Scenario, listener: Endpoint) {
  const front = scenario.clients.viaFrontProxy;
  if (!front) return undefined;
  return (origin: Endpoint) =>
    encodeV2({
      command: 'PROXY',
      family: origin.address.includes(':') ? 'INET6' : 'INET',
      protocol: 'STREAM',
      source: origin,
      destination: listener,
      tlvs: [tlv.authority(front.authority)],
    });
}

/** The topology a scenario needs; scenarios whose specs are equal can share one. */
function topologySpec(scenario: Scenario) {
  const balancer = balancerFor(scenario);
  return {
    backends: scenario.backends,
    backendTrust: scenario.backendTrust,
    backendOptions: scenario.backendMaxConnectErrors
      ? [`--max-connect-errors=${scenario.backendMaxConnectErrors}`]
      : [],
    balancer,
    front: scenario.balancer.behindFrontBalancer
      ? { proxyProtocol: balancer.proxyProtocol }
      : undefined,
  };
}

/**
 * The key under which scenarios share one topology, or null when a scenario
 * must have its own: health checks and forgery read or change server-wide
 * state, and client containers are matched by the balancer's whole log.
 */
export function shareKey(scenario: Scenario): string | null {
  const exclusive =
    onAws(scenario) ||
    scenario.balancer.healthCheck !== undefined ||
    scenario.clients.forgeDirect !== undefined ||
    scenario.clients.containers !== undefined ||
    scenario.backendServer === 'oracle-mysql';
  return exclusive ? null : JSON.stringify(topologySpec(scenario));
}

type Topology = Awaited<ReturnType<typeof startLocalTopology>>;

/** Drives one scenario's clients on a running topology: what they saw, before captures are read. */
async function exercise(scenario: Scenario, topology: Topology, steps: Steps) {
  const warnings: string[] = [];
  const checks = scenario.balancer.healthCheck;
  if (checks && checks.runForMs > 0) {
    await steps.run(`letting health checks run ${checks.runForMs / 1000} s`, () =>
      sleep(checks.runForMs),
    );
  }
  const clients = scenario.clients.harness + (scenario.clients.containers ?? 0);
  const forgery = forgeryAt(scenario, topology.backends[0]!.address);
  const [harnessProbes, containerRuns] = await steps.run(`connecting ${clients} clients`, () =>
    Promise.all([
      probeThroughBalancer(
        forgery?.target ?? topology.listener,
        BACKEND_CREDENTIALS,
        scenario.clients.harness,
        forgery?.header ?? frontProxyHeader(scenario, topology.listener),
      ),
      scenario.clients.containers ? topology.runClientContainers(scenario.clients.containers) : [],
    ]),
  );
  // A client container's port is known only to the balancer: its frontend log
  // names each session's origin, found by the container's unique address.
  const logged = containerRuns.length > 0 ? await topology.balancerOrigins() : [];
  const probes: ProbeResult[] = [
    ...harnessProbes,
    ...containerRuns.map(({ client, address, result }) => {
      const mine = logged.filter((o) => sameAddress(o.address, address));
      if (mine.length === 1) return { client, origin: mine[0]!, ...result };
      return {
        client,
        origin: null,
        backend: result.backend,
        error:
          result.error ??
          `the balancer logged ${mine.length} sessions from ${address}, expected one`,
      };
    }),
  ];
  // Read before the captures are collected: the capture's own marker connection aborts one handshake.
  const aborted = await Promise.all(
    topology.backends.map(async (b) => ({
      instance: b.name,
      abortedConnects: await topology.backendStatus(b.name, 'Aborted_connects'),
    })),
  );
  if (forgery && scenario.expect.warnIfSubnetTrusted) {
    warnings.push(
      await steps.run('forging against a subnet-trusting backend', async () => {
        await topology.setBackendTrust('backend-1', topology.vpcSubnet);
        const [r] = await probeThroughBalancer(
          forgery.target,
          BACKEND_CREDENTIALS,
          1,
          forgery.header,
        );
        const claim = scenario.clients.forgeDirect!.claim;
        return r?.backend && sameAddress(r.backend.host.address, claim)
          ? `with proxy_protocol_networks=${topology.vpcSubnet} (the whole subnet), backend-1 accepted a header forged by ${r.origin?.address} and reported ${claim} as the client: every host in a trusted range can forge its origin; trust only the balancers' own addresses`
          : `even trusting the whole subnet ${topology.vpcSubnet}, backend-1 did not take the forged ${claim}: ${r?.error ?? JSON.stringify(r?.backend)}`;
      }),
    );
  }
  return { probes, aborted, warnings };
}

/** No verdict: the harness could not finish, for the environment's sake or its own. */
const harnessFailure = (e: unknown): Pick<ScenarioReport, 'status' | 'reason' | 'errorKind'> => ({
  status: 'errored',
  reason: `the harness could not complete the scenario: ${errorLine(e)}`,
  errorKind: errorKind(e),
});

/**
 * Runs scenarios that share one topology (usually just one scenario): start,
 * drive each scenario's clients in turn, capture, decode once, judge each on
 * its own connections; and always tear down what was started.
 */
export async function runScenarioGroup(
  group: Scenario[],
  ctx: RunContext,
): Promise<ScenarioReport[]> {
  const first = group[0]!;
  if (onAws(first)) return [await runAwsScenario(first, ctx)];
  const started = performance.now();
  const skip = group.length === 1 ? await skipReason(first) : null;
  if (skip) {
    return [
      {
        id: first.id,
        title: first.title,
        status: 'skipped',
        reason: skip,
        connections: [],
        warnings: [],
        artifacts: [],
        timings: [],
        durationMillis: Math.round(performance.now() - started),
      },
    ];
  }
  const name = group.map((s) => s.id).join('+');
  const dirs = group.map((s) => join(ctx.runDir, s.id));
  await Promise.all(dirs.map((d) => mkdir(d, { recursive: true })));
  const teardown = new Teardown();
  const shared = new Steps(ctx.signal, (step, millis) => ctx.announce(name, step, millis));
  const own = group.map(
    (s) => new Steps(ctx.signal, (step, millis) => ctx.announce(s.id, step, millis)),
  );
  const artifacts: string[] = [];
  const results = group.map(() => ({
    outcome: null as Pick<ScenarioReport, 'status' | 'reason' | 'errorKind'> | null,
    connections: [] as Evidence[],
    warnings: [] as string[],
  }));

  try {
    // The PROXY setting goes through the ELB APIs, as on AWS: HAProxy starts without it.
    const viaApi = first.balancer.proxyProtocol;
    const spec = topologySpec(first);
    const topology = await startLocalTopology({
      runId: ctx.runId,
      name: first.id,
      ...spec,
      balancer: viaApi ? { ...spec.balancer, proxyProtocol: 'none' } : spec.balancer,
      images: imagesOf(ctx),
      teardown,
      steps: shared,
    });
    if (viaApi) {
      const { kind, listenerPort, instancePort } = first.balancer;
      await shared.run(
        kind === 'nlb'
          ? 'enabling proxy_protocol_v2 through the ELBv2 API'
          : 'enabling the policy through the ELB API',
        () =>
          kind === 'nlb'
            ? setNlbProxyProtocolThroughApi(topology, instancePort, true)
            : setPolicyThroughElbApi(topology, { port: listenerPort, instancePort }, true),
      );
    }
    const configFile = join(dirs[0]!, 'haproxy.cfg');
    await writeFile(configFile, topology.balancerConfig());
    artifacts.push(relative(ctx.runDir, configFile));

    const exercised = [];
    for (const [i, scenario] of group.entries()) {
      try {
        exercised[i] = await exercise(scenario, topology, own[i]!);
        results[i]!.warnings.push(...exercised[i]!.warnings);
      } catch (e) {
        if (e instanceof Interrupted) throw e;
        results[i]!.outcome = harnessFailure(e);
      }
    }
    // One capture for the group: each scenario's connections are found by their own ports.
    const files = await shared.run('collecting captures', () => topology.collectCaptures(dirs[0]!));
    artifacts.push(...files.map((f) => relative(ctx.runDir, f.file)));
    const captures = await shared.run('decoding captures', async () =>
      files.map((f) => decodeCapture(f, topology.backends)),
    );
    const balancer = {
      address: topology.balancerVpcAddress,
      subnet: topology.vpcSubnet,
      front: topology.frontBalancerAddress,
    };
    for (const [i, scenario] of group.entries()) {
      const run = exercised[i];
      if (!run) continue;
      const connections = run.probes.map((probe) => {
        const observation = observe(probe, balancer, captures);
        return { ...observation, verdict: judgeConnection(scenario.expect, observation) };
      });
      results[i]!.connections = connections;
      results[i]!.outcome = judgeScenario(scenario, connections, run.aborted);
    }
  } catch (e) {
    if (e instanceof Interrupted) throw e;
    for (const r of results) r.outcome ??= harnessFailure(e);
  } finally {
    const failures = await shared
      .run('cleaning up', () => teardown.run())
      .catch(() => teardown.run());
    if (failures.length > 0) ctx.warn(name, `cleanup problems: ${failures.join('; ')}`);
  }
  return group.map((scenario, i) => ({
    id: scenario.id,
    title: scenario.title,
    ...(results[i]!.outcome ??
      harnessFailure(new HarnessDefect('the scenario produced no outcome'))),
    connections: results[i]!.connections,
    warnings: results[i]!.warnings,
    artifacts,
    timings: [...shared.timings, ...own[i]!.timings],
    durationMillis: Math.round(performance.now() - started),
  }));
}
