// The Classic ELB API's state, as the simulator keeps it: load balancers,
// their place in the simulated VPC, listeners, instances and health check,
// policies and where they are set, tags. Pure: no I/O; the server turns
// requests into these calls, and each load balancer reaches whatever it
// drives through its own driver.
import { AwsError } from './aws-error.ts';
import { apiOnly, type Driver } from './driver.ts';
import { checkPlacement, checkPolicy, policyNotFound, samplePolicies } from './classic-policies.ts';
import type { Policy } from './classic-policy-types.ts';
import { withListeners, type Listener } from './classic-listeners.ts';
import { placement, type Placement, type PlacementRequest } from './classic-placement.ts';
import type { Tag } from './classic-tags.ts';
import {
  defaultHealthCheck,
  instanceState,
  validateHealthCheck,
  type HealthCheck,
  type InstanceState,
} from './health.ts';

export { AwsError };

export interface LoadBalancer extends Placement {
  LoadBalancerName: string;
  DNSName: string;
  Listeners: Listener[];
  /** Load balancer port → policy names, as SetLoadBalancerPoliciesOfListener left them. */
  ListenerPolicies: Map<number, string[]>;
  /** Registered instance ids, in the order they were registered. */
  Instances: string[];
  Policies: Map<string, Policy>;
  /** Instance port → policy names, as SetLoadBalancerPoliciesForBackendServer left them. */
  BackendServerPolicies: Map<number, string[]>;
  /**
   * As ConfigureHealthCheck set it. Until then AWS shows its default
   * (`shownHealthCheck`) and what the balancer drives keeps its own checks.
   */
  HealthCheck?: HealthCheck;
  Tags: Tag[];
  CreatedTime: Date;
  /** What this balancer's changes drive, and how it sees its instances. */
  readonly driver: BalancerDriver;
}

/** What one load balancer drives: its changes applied there, its instances as it sees them. */
export type BalancerDriver = Driver<LoadBalancer>;

/** A load balancer that exists only in the API. */
export const API_ONLY: BalancerDriver = apiOnly();

/** The health check DescribeLoadBalancers shows: AWS's default is TCP on the first listener's instance port. */
export const shownHealthCheck = (lb: LoadBalancer): HealthCheck =>
  lb.HealthCheck ?? defaultHealthCheck(lb.Listeners[0]?.InstancePort ?? 80);

/** Whether a ProxyProtocol=true policy applies to `instancePort` of `lb`. */
export function proxyProtocolOn(lb: LoadBalancer, instancePort: number): boolean {
  return (lb.BackendServerPolicies.get(instancePort) ?? []).some((n) => {
    const p = lb.Policies.get(n);
    return (
      p?.PolicyTypeName === 'ProxyProtocolPolicyType' &&
      p.PolicyAttributeDescriptions.some(
        (a) => a.AttributeName === 'ProxyProtocol' && /^true$/i.test(a.AttributeValue),
      )
    );
  });
}

/** What the state stands in: the account's instances, and what API-made balancers drive. */
export interface ElbWorld {
  /** The instance ids that exist (locally, the backend containers' names); without it, any id does. */
  instanceIds?: readonly string[];
  /** What a load balancer created through the API drives: by default nothing (API_ONLY). */
  apiCreated?: BalancerDriver;
}

/** What CreateLoadBalancer asks for, its listeners already checked one by one. */
export interface NewLoadBalancer extends PlacementRequest {
  LoadBalancerName: string;
  Listeners: Listener[];
  Tags?: Tag[];
}

/** The simulator's DNS zone: its balancers' names are its own, not AWS's. */
const DNS_SUFFIX = 'elb.proxyproof.local';

export class ElbState {
  private readonly balancers = new Map<string, LoadBalancer>();

  /** The effect of the last change (e.g. an HAProxy reload), so a reply can wait for it. */
  private applying: Promise<void> = Promise.resolve();

  constructor(private readonly world: ElbWorld = {}) {}

  /** Resolves once the last change has been applied to whatever its balancer drives. */
  applied(): Promise<void> {
    return this.applying;
  }

  /** Applies `lb`'s change through its driver; a failure (even a synchronous one) is the reply's error. */
  private changed(lb: LoadBalancer): void {
    this.applying = Promise.resolve().then(() => lb.driver.apply(lb));
  }

  /** The ids once each; AWS's InvalidInstance for any that does not exist. */
  private existing(instanceIds: string[]): string[] {
    const known = this.world.instanceIds;
    const unknown = known && instanceIds.find((id) => !known.includes(id));
    if (unknown !== undefined)
      throw new AwsError('InvalidInstance', `Could not find EC2 instance ${unknown}.`);
    return [...new Set(instanceIds)];
  }

  private get(name: string): LoadBalancer {
    const lb = this.balancers.get(name);
    if (!lb)
      throw new AwsError(
        'LoadBalancerNotFound',
        `There is no ACTIVE Load Balancer named '${name}'`,
      );
    return lb;
  }

  /**
   * A new balancer, driving `driver` (what the world says API-made ones
   * drive, unless told otherwise); its DNS name.
   */
  createLoadBalancer(
    request: NewLoadBalancer,
    driver: BalancerDriver = this.world.apiCreated ?? API_ONLY,
  ): string {
    const name = request.LoadBalancerName;
    if (!/^[a-zA-Z0-9-]{1,32}$/.test(name) || name.startsWith('-') || name.endsWith('-')) {
      throw new AwsError('ValidationError', `Invalid load balancer name: ${name}`);
    }
    if (this.balancers.has(name))
      throw new AwsError('DuplicateLoadBalancerName', `Load balancer ${name} already exists`);
    if (request.Listeners.length === 0)
      throw new AwsError('ValidationError', 'At least one listener is required');
    const Listeners = withListeners(name, [], request.Listeners);
    const place = placement(request);
    const DNSName = `${place.Scheme === 'internal' ? 'internal-' : ''}${name}.${DNS_SUFFIX}`;
    this.balancers.set(name, {
      LoadBalancerName: name,
      DNSName,
      ...place,
      Listeners,
      ListenerPolicies: new Map(),
      Instances: [],
      Policies: new Map(),
      BackendServerPolicies: new Map(),
      Tags: request.Tags ?? [],
      CreatedTime: new Date(),
      driver,
    });
    return DNSName;
  }

  deleteLoadBalancer(name: string): void {
    this.balancers.delete(name); // idempotent, as on AWS
  }

  describeLoadBalancers(names: string[]): LoadBalancer[] {
    return names.length > 0 ? names.map((n) => this.get(n)) : [...this.balancers.values()];
  }

  /** Adds listeners (one equal to an existing one is no change). */
  createListeners(name: string, listeners: Listener[]): void {
    const lb = this.get(name);
    lb.Listeners = withListeners(name, lb.Listeners, listeners);
    this.changed(lb);
  }

  /** Removes the listeners on these ports, and the policies set on them; other ports are no change. */
  deleteListeners(name: string, ports: number[]): void {
    const lb = this.get(name);
    lb.Listeners = lb.Listeners.filter((l) => !ports.includes(l.LoadBalancerPort));
    for (const port of ports) lb.ListenerPolicies.delete(port);
    this.changed(lb);
  }

  describeTags(names: string[]): { LoadBalancerName: string; Tags: Tag[] }[] {
    return names.map((n) => {
      const lb = this.get(n);
      return { LoadBalancerName: lb.LoadBalancerName, Tags: lb.Tags };
    });
  }

  /** Registers instances (again is no change); the registered list after. */
  registerInstances(name: string, instanceIds: string[]): string[] {
    const lb = this.get(name);
    const added = this.existing(instanceIds).filter((id) => !lb.Instances.includes(id));
    lb.Instances.push(...added);
    if (added.length > 0) this.changed(lb);
    return [...lb.Instances];
  }

  /** Deregisters instances (one not registered is no change, as documented); the registered list after. */
  deregisterInstances(name: string, instanceIds: string[]): string[] {
    const lb = this.get(name);
    const leaving = this.existing(instanceIds);
    const kept = lb.Instances.filter((id) => !leaving.includes(id));
    if (kept.length < lb.Instances.length) {
      lb.Instances = kept;
      this.changed(lb);
    }
    return [...lb.Instances];
  }

  /** The asked instances' states (all registered ones when none are asked), registered or not. */
  async describeInstanceHealth(name: string, instanceIds: string[]): Promise<InstanceState[]> {
    const lb = this.get(name);
    const asked = instanceIds.length > 0 ? this.existing(instanceIds) : [...lb.Instances];
    const registered = asked.filter((id) => lb.Instances.includes(id));
    const seen = await lb.driver.health(registered);
    return asked.map((id) =>
      instanceState(
        id,
        lb.Instances.includes(id) ? (seen[registered.indexOf(id)] ?? 'unknown') : 'not-registered',
      ),
    );
  }

  configureHealthCheck(name: string, check: HealthCheck): HealthCheck {
    const lb = this.get(name);
    validateHealthCheck(check);
    lb.HealthCheck = { ...check };
    this.changed(lb);
    return lb.HealthCheck;
  }

  createPolicy(lbName: string, policy: Policy): void {
    const lb = this.get(lbName);
    checkPolicy(policy);
    if (lb.Policies.has(policy.PolicyName)) {
      throw new AwsError(
        'DuplicatePolicyName',
        `Policy with the same name exists for this LoadBalancer: ${policy.PolicyName}`,
      );
    }
    lb.Policies.set(policy.PolicyName, policy);
  }

  deletePolicy(lbName: string, policyName: string): void {
    const lb = this.get(lbName);
    for (const names of [...lb.BackendServerPolicies.values(), ...lb.ListenerPolicies.values()]) {
      if (names.includes(policyName)) {
        throw new AwsError(
          'InvalidConfigurationRequest',
          `Policy ${policyName} is in use and cannot be deleted`,
        );
      }
    }
    lb.Policies.delete(policyName);
  }

  /**
   * With a load balancer: the named policies of it, or all of them. Without
   * one: the named sample policies, or all of them.
   */
  describePolicies(lbName: string | undefined, names: string[]): Policy[] {
    if (lbName === undefined) return samplePolicies(names);
    const lb = this.get(lbName);
    return names.length > 0 ? this.policies(lb, names) : [...lb.Policies.values()];
  }

  /** `lb`'s policies named `names`; PolicyNotFound for one it does not have. */
  private policies(lb: LoadBalancer, names: string[]): Policy[] {
    return names.map((n) => {
      const p = lb.Policies.get(n);
      if (!p) throw policyNotFound(n, lb.LoadBalancerName);
      return p;
    });
  }

  setBackendServerPolicies(lbName: string, instancePort: number, policyNames: string[]): void {
    const lb = this.get(lbName);
    for (const p of this.policies(lb, policyNames)) checkPlacement(p, 'instance port');
    if (policyNames.length === 0) lb.BackendServerPolicies.delete(instancePort);
    else lb.BackendServerPolicies.set(instancePort, [...policyNames]);
    this.changed(lb);
  }

  /** Sets the policies of the listener on `port` (an empty list clears them). */
  setListenerPolicies(lbName: string, port: number, policyNames: string[]): void {
    const lb = this.get(lbName);
    const listener = lb.Listeners.find((l) => l.LoadBalancerPort === port);
    if (!listener)
      throw new AwsError(
        'ListenerNotFound',
        `The load balancer does not have a listener configured at port ${port}.`,
      );
    for (const p of this.policies(lb, policyNames))
      checkPlacement(p, { listenerProtocol: listener.Protocol });
    if (policyNames.length === 0) lb.ListenerPolicies.delete(port);
    else lb.ListenerPolicies.set(port, [...policyNames]);
    this.changed(lb);
  }

  /** Whether the PROXY protocol is on for an instance port: a ProxyProtocol=true policy applies there. */
  proxyProtocolOn(lbName: string, instancePort: number): boolean {
    return proxyProtocolOn(this.get(lbName), instancePort);
  }
}
