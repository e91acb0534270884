// The ELBv2 API's state for network load balancers, as the simulator keeps it:
// balancers, their TCP listeners, TCP target groups with registered targets
// and attributes. Pure: no I/O; v2-api.ts turns requests into these calls.
import { randomBytes } from 'node:crypto';
import { apiOnly, type Driver } from './driver.ts';
import { checkAttributeChanges, defaultAttributes } from './v2-attributes.ts';
import { ACCOUNT_ID } from './simulated-vpc.ts';
import { ElbV2Error } from './v2-error.ts';
import { targetHealth, type TargetHealthState } from './v2-target-health.ts';

export interface NetworkLoadBalancer {
  LoadBalancerArn: string;
  LoadBalancerName: string;
  DNSName: string;
  CreatedTime: Date;
}

export interface TcpListener {
  ListenerArn: string;
  LoadBalancerArn: string;
  Port: number;
  /** Where its one default action (forward) sends connections. */
  TargetGroupArn: string;
}

export interface Target {
  /** An instance id (here, a backend container's name). */
  Id: string;
  Port: number;
}

export interface TargetGroup {
  TargetGroupArn: string;
  TargetGroupName: string;
  Port: number;
  LoadBalancerArns: string[];
  /** Registered targets, in the order they were registered. */
  Targets: Target[];
  Attributes: Map<string, string>;
  /** What this group's changes drive, and how it sees its targets. */
  readonly driver: TargetGroupDriver;
}

/** What one target group drives: its changes applied there, its targets' instances as it sees them. */
export type TargetGroupDriver = Driver<TargetGroup>;

/** A target group that exists only in the API. */
export const NOTHING_DRIVEN: TargetGroupDriver = apiOnly();

export interface TargetHealth {
  Target: Target;
  TargetHealth: TargetHealthState;
}

/** What the state stands in front of. */
export interface ElbV2World {
  /** The instance ids that exist (locally, the backend containers' names); without it, any id does. */
  instanceIds?: readonly string[];
}

const hex16 = () => randomBytes(8).toString('hex');
const NAME = /^(?!-)[a-zA-Z0-9-]{1,32}(?<!-)$/;

/** ARN shapes, so a malformed one is a ValidationError as on AWS, not "not found". */
const ARN_SHAPES = {
  'load balancer':
    /^arn:aws[\w-]*:elasticloadbalancing:[\w-]+:\d{12}:loadbalancer\/(net|app|gwy)\/[\w-]+\/[0-9a-f]{16}$/,
  listener:
    /^arn:aws[\w-]*:elasticloadbalancing:[\w-]+:\d{12}:listener\/(net|app|gwy)\/[\w-]+\/[0-9a-f]{16}\/[0-9a-f]{16}$/,
  'target group':
    /^arn:aws[\w-]*:elasticloadbalancing:[\w-]+:\d{12}:targetgroup\/[\w-]+\/[0-9a-f]{16}$/,
};

function checkArn(kind: keyof typeof ARN_SHAPES, arn: string): void {
  if (!ARN_SHAPES[kind].test(arn))
    throw new ElbV2Error('ValidationError', `'${arn}' is not a valid ${kind} ARN`);
}

function checkName(kind: string, name: string): void {
  if (!NAME.test(name))
    throw new ElbV2Error(
      'ValidationError',
      `${kind} name '${name}' must be 1-32 letters, digits or hyphens, not starting or ending with a hyphen`,
    );
}

/** One ARN per entry in `wanted`, each found in `all`, or `notFound`. */
function pick<T>(all: Map<string, T>, wanted: string[], notFound: () => ElbV2Error): T[] {
  return wanted.map((key) => {
    const found = all.get(key);
    if (!found) throw notFound();
    return found;
  });
}

const lbNotFound = () =>
  new ElbV2Error('LoadBalancerNotFound', 'One or more load balancers not found');
const tgNotFound = () =>
  new ElbV2Error('TargetGroupNotFound', 'One or more target groups not found');

export class ElbV2State {
  private readonly balancers = new Map<string, NetworkLoadBalancer>();
  private readonly listeners = new Map<string, TcpListener>();
  private readonly targetGroups = new Map<string, TargetGroup>();

  /** The effect of the last change (e.g. an HAProxy reload), so a reply can wait for it. */
  private applying: Promise<void> = Promise.resolve();

  constructor(
    readonly region: string,
    private readonly world: ElbV2World = {},
  ) {}

  /** Resolves once the last change has been applied to whatever the state drives. */
  applied(): Promise<void> {
    return this.applying;
  }

  private arn(resource: string): string {
    return `arn:aws:elasticloadbalancing:${this.region}:${ACCOUNT_ID}:${resource}`;
  }

  createLoadBalancer(name: string): NetworkLoadBalancer {
    checkName('Load balancer', name);
    if ([...this.balancers.values()].some((lb) => lb.LoadBalancerName === name))
      throw new ElbV2Error(
        'DuplicateLoadBalancerName',
        'A load balancer with the same name already exists',
      );
    const id = hex16();
    const lb = {
      LoadBalancerArn: this.arn(`loadbalancer/net/${name}/${id}`),
      LoadBalancerName: name,
      DNSName: `${name}-${id}.elb.${this.region}.proxyproof.local`,
      CreatedTime: new Date(),
    };
    this.balancers.set(lb.LoadBalancerArn, lb);
    return lb;
  }

  /** A TCP instance target group driving `driver` (nothing, unless told). */
  createTargetGroup(name: string, port: number, driver = NOTHING_DRIVEN): TargetGroup {
    checkName('Target group', name);
    if ([...this.targetGroups.values()].some((tg) => tg.TargetGroupName === name))
      throw new ElbV2Error(
        'DuplicateTargetGroupName',
        'A target group with the same name already exists',
      );
    const tg = {
      TargetGroupArn: this.arn(`targetgroup/${name}/${hex16()}`),
      TargetGroupName: name,
      Port: port,
      LoadBalancerArns: [],
      Targets: [],
      Attributes: defaultAttributes(),
      driver,
    };
    this.targetGroups.set(tg.TargetGroupArn, tg);
    return tg;
  }

  /** A TCP listener on `port` forwarding to `targetGroupArn`, which then names the balancer. */
  createListener(loadBalancerArn: string, port: number, targetGroupArn: string): TcpListener {
    const [lb] = this.describeLoadBalancers([loadBalancerArn], []);
    const tg = this.targetGroup(targetGroupArn);
    const lbPath = lb!.LoadBalancerArn.split(':loadbalancer/')[1]!;
    const listener = {
      ListenerArn: this.arn(`listener/${lbPath}/${hex16()}`),
      LoadBalancerArn: loadBalancerArn,
      Port: port,
      TargetGroupArn: targetGroupArn,
    };
    this.listeners.set(listener.ListenerArn, listener);
    if (!tg.LoadBalancerArns.includes(loadBalancerArn)) tg.LoadBalancerArns.push(loadBalancerArn);
    return listener;
  }

  /** The targets, each port defaulting to the group's; AWS's InvalidTarget for an instance that does not exist. */
  private existing(
    tg: TargetGroup,
    targets: { Id: string; Port?: number | undefined }[],
  ): Target[] {
    const known = this.world.instanceIds;
    if (known && targets.some((t) => !known.includes(t.Id)))
      throw new ElbV2Error(
        'InvalidTarget',
        'The specified target does not exist or is not in the same VPC as the target group.',
      );
    return targets.map(({ Id, Port }) => ({ Id, Port: Port ?? tg.Port }));
  }

  /** Registers targets (again is no change) and applies the group. */
  registerTargets(
    targetGroupArn: string,
    targets: { Id: string; Port?: number | undefined }[],
  ): void {
    const tg = this.targetGroup(targetGroupArn);
    for (const t of this.existing(tg, targets))
      if (!tg.Targets.some((r) => r.Id === t.Id && r.Port === t.Port)) tg.Targets.push(t);
    this.changed(tg);
  }

  /** Deregisters targets and applies the group; one that is not registered is InvalidTarget. */
  deregisterTargets(
    targetGroupArn: string,
    targets: { Id: string; Port?: number | undefined }[],
  ): void {
    const tg = this.targetGroup(targetGroupArn);
    const leaving = this.existing(tg, targets);
    if (leaving.some((t) => !tg.Targets.some((r) => r.Id === t.Id && r.Port === t.Port)))
      throw new ElbV2Error(
        'InvalidTarget',
        'The specified target does not exist or is not in the same VPC as the target group.',
      );
    tg.Targets = tg.Targets.filter((r) => !leaving.some((t) => t.Id === r.Id && t.Port === r.Port));
    this.changed(tg);
  }

  /**
   * Applies `tg` through its driver. Changes take effect in the order made:
   * each waits for the one before, failed or not, so two quick calls never
   * reload HAProxy at once.
   */
  private changed(tg: TargetGroup): void {
    this.applying = this.applying.catch(() => undefined).then(() => tg.driver.apply(tg));
  }

  describeLoadBalancers(arns: string[], names: string[]): NetworkLoadBalancer[] {
    if (arns.length > 0 && names.length > 0)
      throw new ElbV2Error(
        'ValidationError',
        'Load balancer names and load balancer ARNs cannot be specified at the same time',
      );
    arns.forEach((a) => checkArn('load balancer', a));
    const all = [...this.balancers.values()];
    if (names.length > 0) {
      const unknown = names.filter((n) => !all.some((lb) => lb.LoadBalancerName === n));
      if (unknown.length > 0)
        throw new ElbV2Error(
          'LoadBalancerNotFound',
          `Load balancers '[${unknown.join(', ')}]' not found`,
        );
      return all.filter((lb) => names.includes(lb.LoadBalancerName));
    }
    return arns.length > 0 ? pick(this.balancers, arns, lbNotFound) : all;
  }

  describeListeners(loadBalancerArn: string | undefined, listenerArns: string[]): TcpListener[] {
    if (loadBalancerArn === undefined && listenerArns.length === 0)
      throw new ElbV2Error(
        'ValidationError',
        'You must specify either listener ARNs or a load balancer ARN',
      );
    if (loadBalancerArn !== undefined) {
      this.describeLoadBalancers([loadBalancerArn], []);
      return [...this.listeners.values()].filter((l) => l.LoadBalancerArn === loadBalancerArn);
    }
    listenerArns.forEach((a) => checkArn('listener', a));
    return pick(
      this.listeners,
      listenerArns,
      () => new ElbV2Error('ListenerNotFound', 'One or more listeners not found'),
    );
  }

  describeTargetGroups(by: {
    loadBalancerArn?: string | undefined;
    arns: string[];
    names: string[];
  }): TargetGroup[] {
    const given = [by.loadBalancerArn !== undefined, by.arns.length > 0, by.names.length > 0];
    if (given.filter(Boolean).length > 1)
      throw new ElbV2Error(
        'ValidationError',
        'Target group names, target group ARNs, and a load balancer ARN cannot be specified at the same time',
      );
    const all = [...this.targetGroups.values()];
    if (by.loadBalancerArn !== undefined) {
      const lbArn = by.loadBalancerArn;
      this.describeLoadBalancers([lbArn], []);
      return all.filter((tg) => tg.LoadBalancerArns.includes(lbArn));
    }
    if (by.names.length > 0) {
      const byName = new Map(all.map((tg) => [tg.TargetGroupName, tg]));
      return pick(byName, by.names, tgNotFound);
    }
    by.arns.forEach((a) => checkArn('target group', a));
    return by.arns.length > 0 ? pick(this.targetGroups, by.arns, tgNotFound) : all;
  }

  targetGroup(arn: string): TargetGroup {
    return this.describeTargetGroups({ arns: [arn], names: [] })[0]!;
  }

  /** Validates every change, makes them all, and starts applying them; the group after. */
  modifyTargetGroupAttributes(
    arn: string,
    changes: { Key?: string | undefined; Value?: string | undefined }[],
  ): TargetGroup {
    const tg = this.targetGroup(arn);
    for (const { Key, Value } of checkAttributeChanges(changes)) tg.Attributes.set(Key, Value);
    this.changed(tg);
    return tg;
  }

  /**
   * The asked targets' health (every registered one when none is asked):
   * a registered target as its group's driver sees it, any other as unused.
   * A driver that cannot tell is AWS's HealthUnavailable.
   */
  async describeTargetHealth(
    arn: string,
    targets: { Id: string; Port?: number | undefined }[],
  ): Promise<TargetHealth[]> {
    const tg = this.targetGroup(arn);
    const asked = targets.length > 0 ? this.existing(tg, targets) : [...tg.Targets];
    const registered = asked.filter((t) =>
      tg.Targets.some((r) => r.Id === t.Id && r.Port === t.Port),
    );
    const seen = await Promise.resolve(tg.driver.health(registered.map((t) => t.Id))).catch(() => {
      throw new ElbV2Error(
        'HealthUnavailable',
        'The health of the specified targets could not be retrieved due to an internal error.',
      );
    });
    return asked.map((Target) => {
      const i = registered.indexOf(Target);
      return {
        Target,
        TargetHealth: targetHealth(i < 0 ? 'not-registered' : (seen[i] ?? 'unknown')),
      };
    });
  }

  /** Whether the group's targets get a PROXY v2 header: proxy_protocol_v2.enabled is true. */
  proxyProtocolV2On(targetGroupArn: string): boolean {
    return attributeOn(this.targetGroup(targetGroupArn), 'proxy_protocol_v2.enabled');
  }
}

/** Whether a Boolean attribute of `tg` is true. */
export const attributeOn = (
  tg: TargetGroup,
  key: 'proxy_protocol_v2.enabled' | 'preserve_client_ip.enabled',
): boolean => tg.Attributes.get(key) === 'true';
