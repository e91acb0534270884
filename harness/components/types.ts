// The interfaces every kind of component is written against: built-in kinds
// and a user's own alike. A scenario names one balancer, its backends, its
// clients, any front proxies and its checks; a target (local containers, or
// AWS) realises them. Each kind is one module; components/kinds.ts lists them.
import type { z } from 'zod';
import type { Endpoint } from '../net/endpoint.ts';
import type { LocalNetwork } from '../topology/networks.ts';
import type { Images } from '../topology/images.ts';
import type { Steps } from '../lifecycle/steps.ts';
import type { Teardown } from '../lifecycle/teardown.ts';
import type { ProbeResult } from '../evidence/probe-result.ts';
import type { Credentials, WhoAmI } from '../probes/session.ts';
import type { BackendTrust } from '../evidence/types.ts';
import type { PrefixSpec, ProbeRequest } from '../probes/request.ts';
import type { AwsBalancerKind } from '../aws/settings.ts';
import type { Haproxy } from './balancers/stand-in.ts';
import type { ComponentInfo } from '../report/types.ts';

// Part of the components' API (a backend kind says how it is asked who the client
// is), defined with the probes that use them.
export type { Credentials, WhoAmI };

/** A kind: its options as a scenario file writes them (kind included) and how it describes itself. */
export interface Kind<S extends z.ZodType> {
  readonly kind: string;
  readonly options: S;
}

/** What a local scenario runs in: its networks and the means to start and remove containers. */
export interface LocalStage {
  runId: string;
  /** Names every container of the scenario: proxyproof-<run>-<scenario>. */
  prefix: string;
  labels: Record<string, string>;
  images: Images;
  teardown: Teardown;
  steps: Steps;
  signal: AbortSignal;
  /** Where clients (and the balancer's listener) are. */
  internet: LocalNetwork;
  /** Where the backends (and the balancer's second leg) are. */
  vpc: LocalNetwork;
  /** The balancer's fixed address on vpc, known before it starts, so backends can be told to trust it. */
  balancerVpcAddress: string;
  /** Registers a container's removal the moment it exists. */
  track(containerId: string, what: string): void;
  /** Publish the balancer's listener on the engine host's loopback. */
  publishListener: boolean;
  /** The most client connections the scenario holds open at once: limits are set for it. */
  connectionsAtOnce: number;
}

/** A backend instance, running. */
export interface StartedBackend {
  name: string;
  address: string;
  containerId: string;
  /** Whose PROXY headers it accepts, as the server itself reports it. */
  trust: BackendTrust;
  /** Server counters worth judging (e.g. Aborted_connects); empty if the kind has none. */
  counters(): Promise<Record<string, number>>;
  /** Changes whom it trusts while running (a forgery tried against a wider trust); null if the kind cannot. */
  setTrust: ((networks: string) => Promise<void>) | null;
}

/** The backends of a scenario once started: the instances, and how clients talk to them. */
export interface Backends {
  instances: StartedBackend[];
  /** How clients ask these backends who they are (MySQL query with credentials, HTTP, or a line). */
  whoAmI: WhoAmI;
  /** max_connect_errors or the kind's equivalent, for the health-check diagnosis. */
  maxConnectErrors: number | null;
  info: ComponentInfo;
}

/** A kind of backend: MariaDB, Oracle MySQL, ... */
export interface BackendKind<S extends z.ZodType = z.ZodType> extends Kind<S> {
  /** How clients ask this kind who they are (also on AWS, where nothing is started). */
  whoAmI(options: z.infer<S>): WhoAmI;
  /** Paths in its options made absolute, relative to the scenario file that wrote them. */
  resolvePaths?(options: z.infer<S>, scenarioFile: string): z.infer<S>;
  /** Why this backend cannot run here (its image cannot be had), or null. */
  unavailable(options: z.infer<S>): Promise<string | null>;
  start(stage: LocalStage, options: z.infer<S>): Promise<Backends>;
}

/** The balancer of a scenario, running (locally) or found (on AWS). */
export interface StartedBalancer {
  /** Where clients dial. */
  listener: Endpoint;
  /** The port it sends to on each backend. */
  instancePort: number;
  /** Its own address on the backends' network; null where the target does not say (AWS). */
  vpcAddress: string | null;
  vpcSubnet: string | null;
  /** Turns the PROXY protocol on or off the way its API does (the policy, the target-group attribute). */
  setProxyProtocol(on: boolean): Promise<void>;
  /** Sessions' origins as its frontend logged them, where it keeps such a log. */
  loggedOrigins: (() => Promise<Endpoint[]>) | null;
  /** Its health checks in words, if it runs any. */
  healthChecks: string | null;
  /** How long to let it work (its health checks) before the clients connect. */
  warmUpMs: number;
  /** Files worth keeping beside the report (its configuration), by name. */
  artifacts(): Record<string, string>;
  /** The HAProxy standing in for it, locally (what `proxyproof simulate` serves its API over). */
  standIn: Haproxy | null;
  info: ComponentInfo;
}

/** A kind of balancer: realised locally by HAProxy standing in, or found on AWS. */
export interface BalancerKind<S extends z.ZodType = z.ZodType> extends Kind<S> {
  /** Which AWS provider stands for it when the scenario's target is AWS. */
  readonly aws: AwsBalancerKind;
  /** What turning the PROXY protocol on is called, for the step ("the policy through the ELB API"). */
  readonly enabling: string;
  /** The listener's port and the instance port, as the scenario gives them. */
  ports(options: z.infer<S>): { listener: number; instance: number };
  /** Whether the scenario wants the PROXY protocol on. */
  proxyProtocol(options: z.infer<S>): boolean;
  /** Whether clients reach it over IPv6 (the internet network then is dual-stack). */
  ipv6(options: z.infer<S>): boolean;
  startLocal(stage: LocalStage, options: z.infer<S>, backends: Backends): Promise<StartedBalancer>;
}

/** What stands before the balancer on the clients' side, running. */
export interface StartedFront {
  /** Where clients dial now. */
  listener: Endpoint;
  /** Its own address, for the report's drawing; null for a front that is the client itself. */
  address: string | null;
  /** What clients send first, naming themselves (a front that speaks PROXY for them). */
  clientPrefix: PrefixSpec | null;
  artifacts(): Record<string, string>;
  info: ComponentInfo;
}

/** A kind of front proxy: another balancer in the chain, or a TLS front that speaks PROXY. */
export interface FrontKind<S extends z.ZodType = z.ZodType> extends Kind<S> {
  start(stage: LocalStage, options: z.infer<S>, balancer: StartedBalancer): Promise<StartedFront>;
}

/** What clients have to work with when they run. */
export interface ClientContext {
  /** Where the scenario's clients dial (the front's listener, or the balancer's). */
  listener: Endpoint;
  whoAmI: WhoAmI;
  /** What to send first, from a front that speaks PROXY for the client. */
  prefix: PrefixSpec | null;
  /** Runs a batch of client connections where this target's clients live. */
  probe: Prober;
  backends: StartedBackend[];
  balancer: StartedBalancer;
  /** The local stage; null on AWS, where only clients of the harness's own process can run. */
  stage: LocalStage | null;
  signal: AbortSignal;
}

/**
 * Runs a batch of client connections where the target keeps its clients:
 * locally in a client container on the scenario's internet (or vpc) network,
 * on AWS from this process. The origin is always the client's own socket.
 */
export type Prober = (
  request: ProbeRequest & { from: 'internet' | 'vpc' },
) => Promise<ProbeResult[]>;

/** What clients did: one result per connection, and warnings a person must read. */
export interface ClientRun {
  probes: ProbeResult[];
  warnings: string[];
}

/** A kind of client: mysql2 sessions, `mariadb` client containers, a forger. */
export interface ClientKind<S extends z.ZodType = z.ZodType> extends Kind<S> {
  /** How many connections it makes (the evidence must have as many). */
  count(options: z.infer<S>): number;
  /** The most it holds open at once, which backends and balancer are sized for (default: count). */
  atOnce?(options: z.infer<S>): number;
  /** Whether it needs the local stage (containers, direct routes to backends). */
  readonly localOnly: boolean;
  /** Reads or changes server-wide state, so its scenario cannot share a topology. */
  readonly exclusive: boolean;
  run(context: ClientContext, options: z.infer<S>): Promise<ClientRun>;
  info(options: z.infer<S>): ComponentInfo;
}
