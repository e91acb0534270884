// The Classic ELB API's state, as the simulator keeps it: load balancers,
// their listeners, instances and health check, policies, and which policies
// apply to which instance port. Pure: no I/O; the server turns requests into
// these calls, and whatever the state drives is reached through callbacks.
import { AwsError } from './aws-error.ts';
import {
  defaultHealthCheck,
  instanceState,
  validateHealthCheck,
  type HealthCheck,
  type InstanceCondition,
  type InstanceState,
} from './health.ts';

export { AwsError };

export interface PolicyAttribute {
  AttributeName: string;
  AttributeValue: string;
}

export interface Policy {
  PolicyName: string;
  PolicyTypeName: string;
  PolicyAttributeDescriptions: PolicyAttribute[];
}

export interface Listener {
  Protocol: string;
  LoadBalancerPort: number;
  InstanceProtocol: string;
  InstancePort: number;
}

export interface LoadBalancer {
  LoadBalancerName: string;
  DNSName: string;
  Listeners: Listener[];
  /** Registered instance ids, in the order they were registered. */
  Instances: string[];
  Policies: Map<string, Policy>;
  /** Instance port → policy names, as SetLoadBalancerPoliciesForBackendServer left them. */
  BackendServerPolicies: Map<number, string[]>;
  /**
   * As ConfigureHealthCheck set it. Until then AWS shows its default
   * (`shownHealthCheck`) and what the state drives keeps its own checks.
   */
  HealthCheck?: HealthCheck;
  CreatedTime: Date;
}

/** The health check DescribeLoadBalancers shows: AWS's default is TCP on the first listener's instance port. */
export const shownHealthCheck = (lb: LoadBalancer): HealthCheck =>
  lb.HealthCheck ?? defaultHealthCheck(lb.Listeners[0]?.InstancePort ?? 80);

/**
 * What the state stands in front of. Without it, any instance id exists and
 * every registered instance is in service.
 */
export interface ElbWorld {
  /** The instance ids that exist (locally, the backend containers' names). */
  instanceIds?: readonly string[];
  /** How the balancer sees each of these registered instances, in their order. */
  instanceHealth?: (instanceIds: string[]) => Promise<InstanceCondition[]>;
}

/** The policy type the blog asks about, described as AWS describes it. */
export const PROXY_PROTOCOL_POLICY_TYPE = {
  PolicyTypeName: 'ProxyProtocolPolicyType',
  Description:
    'Policy that controls whether to include the IP address and port of the originating request for TCP messages. This policy operates on TCP/SSL listeners only',
  PolicyAttributeTypeDescriptions: [
    { AttributeName: 'ProxyProtocol', AttributeType: 'Boolean', Cardinality: 'ONE' },
  ],
};
const POLICY_TYPES = [PROXY_PROTOCOL_POLICY_TYPE];

export class ElbState {
  private readonly balancers = new Map<string, LoadBalancer>();

  /** The effect of the last change (e.g. an HAProxy reload), so a reply can wait for it. */
  private applying: Promise<void> = Promise.resolve();

  constructor(
    private readonly onChange: (lb: LoadBalancer) => void | Promise<void> = () => undefined,
    private readonly world: ElbWorld = {},
  ) {}

  /** Resolves once the last change has been applied to whatever the state drives. */
  applied(): Promise<void> {
    return this.applying;
  }

  /** Applies `lb`'s change; a failure (even a synchronous one) is the reply's error. */
  private changed(lb: LoadBalancer): void {
    this.applying = Promise.resolve().then(() => this.onChange(lb));
  }

  /** The ids once each; AWS's InvalidInstance for any that does not exist. */
  private existing(instanceIds: string[]): string[] {
    const known = this.world.instanceIds;
    const unknown = known && instanceIds.find((id) => !known.includes(id));
    if (unknown !== undefined)
      throw new AwsError('InvalidInstance', `Could not find EC2 instance ${unknown}.`);
    return [...new Set(instanceIds)];
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
    const conditions = this.world.instanceHealth
      ? await this.world.instanceHealth(registered)
      : registered.map((): InstanceCondition => 'in-service');
    return asked.map((id) =>
      instanceState(
        id,
        lb.Instances.includes(id)
          ? (conditions[registered.indexOf(id)] ?? 'transient')
          : 'not-registered',
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

  private get(name: string): LoadBalancer {
    const lb = this.balancers.get(name);
    if (!lb)
      throw new AwsError(
        'LoadBalancerNotFound',
        `There is no ACTIVE Load Balancer named '${name}'`,
      );
    return lb;
  }

  createLoadBalancer(name: string, listeners: Listener[], dnsSuffix: string): string {
    if (!/^[a-zA-Z0-9-]{1,32}$/.test(name) || name.startsWith('-') || name.endsWith('-')) {
      throw new AwsError('ValidationError', `Invalid load balancer name: ${name}`);
    }
    if (this.balancers.has(name))
      throw new AwsError('DuplicateLoadBalancerName', `Load balancer ${name} already exists`);
    const DNSName = `${name}.${dnsSuffix}`;
    this.balancers.set(name, {
      LoadBalancerName: name,
      DNSName,
      Listeners: listeners,
      Instances: [],
      Policies: new Map(),
      BackendServerPolicies: new Map(),
      CreatedTime: new Date(),
    });
    return DNSName;
  }

  deleteLoadBalancer(name: string): void {
    this.balancers.delete(name); // idempotent, as on AWS
  }

  describeLoadBalancers(names: string[]): LoadBalancer[] {
    return names.length > 0 ? names.map((n) => this.get(n)) : [...this.balancers.values()];
  }

  describePolicyTypes(names: string[]) {
    for (const n of names) {
      if (!POLICY_TYPES.some((t) => t.PolicyTypeName === n)) {
        throw new AwsError(
          'PolicyTypeNotFound',
          `One or more specified policy types do not exist: ${n}`,
        );
      }
    }
    return names.length > 0
      ? POLICY_TYPES.filter((t) => names.includes(t.PolicyTypeName))
      : POLICY_TYPES;
  }

  createPolicy(lbName: string, policy: Policy): void {
    const lb = this.get(lbName);
    const type = POLICY_TYPES.find((t) => t.PolicyTypeName === policy.PolicyTypeName);
    if (!type)
      throw new AwsError(
        'PolicyTypeNotFound',
        `There is no policy type named '${policy.PolicyTypeName}'`,
      );
    if (lb.Policies.has(policy.PolicyName)) {
      throw new AwsError(
        'DuplicatePolicyName',
        `Policy with the same name exists for this LoadBalancer: ${policy.PolicyName}`,
      );
    }
    for (const a of policy.PolicyAttributeDescriptions) {
      const spec = type.PolicyAttributeTypeDescriptions.find(
        (t) => t.AttributeName === a.AttributeName,
      );
      if (!spec)
        throw new AwsError(
          'InvalidConfigurationRequest',
          `Unknown attribute ${a.AttributeName} for ${type.PolicyTypeName}`,
        );
      if (spec.AttributeType === 'Boolean' && !/^(true|false)$/i.test(a.AttributeValue)) {
        throw new AwsError(
          'InvalidConfigurationRequest',
          `${a.AttributeName} must be true or false, not ${a.AttributeValue}`,
        );
      }
    }
    lb.Policies.set(policy.PolicyName, policy);
  }

  deletePolicy(lbName: string, policyName: string): void {
    const lb = this.get(lbName);
    for (const names of lb.BackendServerPolicies.values()) {
      if (names.includes(policyName)) {
        throw new AwsError(
          'InvalidConfigurationRequest',
          `Policy ${policyName} is in use and cannot be deleted`,
        );
      }
    }
    lb.Policies.delete(policyName);
  }

  describePolicies(lbName: string, names: string[]): Policy[] {
    const lb = this.get(lbName);
    return names.map((n) => {
      const p = lb.Policies.get(n);
      if (!p)
        throw new AwsError(
          'PolicyNotFound',
          `There is no policy with name ${n} for load balancer ${lbName}`,
        );
      return p;
    });
  }

  setBackendServerPolicies(lbName: string, instancePort: number, policyNames: string[]): void {
    const lb = this.get(lbName);
    for (const n of policyNames) {
      if (!lb.Policies.has(n))
        throw new AwsError(
          'PolicyNotFound',
          `There is no policy with name ${n} for load balancer ${lbName}`,
        );
    }
    if (policyNames.length === 0) lb.BackendServerPolicies.delete(instancePort);
    else lb.BackendServerPolicies.set(instancePort, [...policyNames]);
    this.changed(lb);
  }

  /** Whether the PROXY protocol is on for an instance port: a ProxyProtocol=true policy applies there. */
  proxyProtocolOn(lbName: string, instancePort: number): boolean {
    const lb = this.get(lbName);
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
}
