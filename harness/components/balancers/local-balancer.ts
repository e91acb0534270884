// What the local Classic ELB and NLB share: HAProxy on both networks in front
// of the backends, started without the PROXY header (the scenario turns it on
// through the ELB API, as on AWS), health checks as the scenario asks.
import { z } from 'zod';
import type { BalancerSpec } from '../../topology/haproxy-config.ts';
import type { Backends, LocalStage, StartedBalancer } from '../types.ts';
import { startHaproxy } from './haproxy.ts';
import type { Haproxy } from './stand-in.ts';

const port = z.number().int().min(1).max(65535);

/**
 * Health checks on the instances every intervalMs, for runForMs before the
 * clients connect, of the kinds a balancer offers: its TCP check as AWS runs
 * it (with the PROXY header AWS writes on a check whenever the protocol is
 * on), or a MySQL login after HAProxy's own header (HAProxy's mysql-check;
 * AWS has none, and it speaks v1 only, so not on an NLB).
 */
export const healthCheckOption = <K extends 'tcp' | 'mysql'>(kinds: [K, ...K[]]) =>
  z
    .object({
      kind: z.enum(kinds),
      intervalMs: z.number().int().min(50).max(10_000),
      runForMs: z.number().int().min(0).max(30_000),
    })
    .strict()
    .optional();

/** The options every balancer kind has, as scenario files write them. */
export const balancerOptions = {
  listenerPort: port,
  instancePort: port,
  /** Classic ELB: ProxyProtocolPolicyType on the instance port. NLB: proxy_protocol_v2.enabled. */
  proxyProtocol: z.boolean(),
  healthCheck: healthCheckOption(['tcp', 'mysql']),
  /** Clients reach the balancer over IPv6 (a dual-stack "internet" network, bind :::port v4v6). */
  ipv6Clients: z.boolean().optional(),
  /** It accepts a PROXY header from a proxy in front of it (HAProxy accept-proxy). */
  acceptProxy: z.boolean().optional(),
};

/** The user HAProxy's mysql-check logs in as: passwordless, no grants (containers/backend/init.sql). */
const CHECK_USER = 'proxyproof_check';

/** What a scenario's local balancer is in HAProxy terms, before the PROXY setting. */
export function haproxySpec(
  o: {
    listenerPort: number;
    instancePort: number;
    healthCheck?: { kind: 'tcp' | 'mysql'; intervalMs: number } | undefined;
    ipv6Clients?: boolean | undefined;
    acceptProxy?: boolean | undefined;
  },
  extra: Partial<BalancerSpec> = {},
): Omit<BalancerSpec, 'instances'> {
  return {
    listenerPort: o.listenerPort,
    instancePort: o.instancePort,
    proxyProtocol: 'none',
    acceptProxy: o.acceptProxy,
    dualStack: o.ipv6Clients,
    healthCheck: o.healthCheck && {
      kind: o.healthCheck.kind === 'tcp' ? 'aws-header' : 'mysql',
      intervalMs: o.healthCheck.intervalMs,
      user: CHECK_USER,
    },
    ...extra,
  };
}

/** The health checks' description, for the report and the health-check checks. */
export const healthCheckWords = (
  h: { kind: string; intervalMs: number; runForMs: number } | undefined,
) => (h ? `${h.kind} checks every ${h.intervalMs} ms for ${h.runForMs / 1000} s` : null);

/** Starts HAProxy as `kind`, in front of every backend, and wraps it for the pipeline. */
export async function startLocalBalancer(
  stage: LocalStage,
  backends: Backends,
  spec: Omit<BalancerSpec, 'instances'>,
  kind: {
    kind: string;
    healthCheck: { kind: string; intervalMs: number; runForMs: number } | undefined;
    /** It may connect from clients' addresses (an NLB's client IP preservation). */
    transparent?: boolean;
  },
  enable: (haproxy: Haproxy, on: boolean) => Promise<void>,
): Promise<StartedBalancer> {
  const haproxy = await startHaproxy(
    stage,
    'balancer',
    {
      ...spec,
      vpcAddress: stage.balancerVpcAddress,
      instances: backends.instances.map(({ name, address }) => ({ name, address })),
    },
    {
      vpc: true,
      publish: stage.publishListener,
      transparent: kind.transparent,
      backends: backends.instances.map(({ name, address, containerId }) => ({
        name,
        address,
        containerId,
      })),
    },
  );
  return {
    listener: haproxy.listener,
    instancePort: spec.instancePort,
    vpcAddress: haproxy.vpcAddress,
    vpcSubnet: stage.vpc.subnet,
    setProxyProtocol: (on) => enable(haproxy, on),
    loggedOrigins: () => haproxy.loggedOrigins(),
    healthChecks: healthCheckWords(kind.healthCheck),
    warmUpMs: kind.healthCheck?.runForMs ?? 0,
    artifacts: () => ({ 'haproxy.cfg': haproxy.config() }),
    standIn: haproxy,
    info: { kind: kind.kind, image: stage.images.balancer, detail: 'HAProxy standing in' },
  };
}
