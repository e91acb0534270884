// The ELBv2 API's actions (2015-12-01) that an NLB PROXY-protocol check needs,
// on an ElbV2State: Query parameters in, the result object out (the server
// renders it as XML).
import { portParam, queryApi, type Action, type QueryApi, type QueryParams } from './query-xml.ts';
import { missing } from './aws-error.ts';
import { HOSTED_ZONE_ID, SUBNETS, VPC_ID } from './simulated-vpc.ts';
import type { ElbV2State, NetworkLoadBalancer, TargetGroup, TcpListener } from './v2-model.ts';

export const ELBV2_API_VERSION = '2015-12-01';

/** The simulated VPC's first zone, where the NLB sits (with no Elastic IP: no addresses to list). */
const ZONE = { ...SUBNETS[0], LoadBalancerAddresses: [] };

/** How AWS shows a network load balancer in DescribeLoadBalancers. */
const loadBalancer = (lb: NetworkLoadBalancer) => ({
  LoadBalancerArn: lb.LoadBalancerArn,
  DNSName: lb.DNSName,
  CanonicalHostedZoneId: HOSTED_ZONE_ID,
  CreatedTime: lb.CreatedTime,
  LoadBalancerName: lb.LoadBalancerName,
  Scheme: 'internet-facing',
  VpcId: VPC_ID,
  State: { Code: 'active' },
  Type: 'network',
  AvailabilityZones: [ZONE],
  IpAddressType: 'ipv4',
});

const listener = (l: TcpListener) => ({
  ListenerArn: l.ListenerArn,
  LoadBalancerArn: l.LoadBalancerArn,
  Port: l.Port,
  Protocol: 'TCP',
  DefaultActions: [
    {
      Type: 'forward',
      TargetGroupArn: l.TargetGroupArn,
      ForwardConfig: {
        TargetGroups: [{ TargetGroupArn: l.TargetGroupArn, Weight: 1 }],
        TargetGroupStickinessConfig: { Enabled: false },
      },
    },
  ],
});

/** A TCP group with AWS's default TCP health check (described, not run: HAProxy here runs none). */
const targetGroup = (tg: TargetGroup) => ({
  TargetGroupArn: tg.TargetGroupArn,
  TargetGroupName: tg.TargetGroupName,
  Protocol: 'TCP',
  Port: tg.Port,
  VpcId: VPC_ID,
  HealthCheckProtocol: 'TCP',
  HealthCheckPort: 'traffic-port',
  HealthCheckEnabled: true,
  HealthCheckIntervalSeconds: 30,
  HealthCheckTimeoutSeconds: 10,
  HealthyThresholdCount: 5,
  UnhealthyThresholdCount: 2,
  LoadBalancerArns: tg.LoadBalancerArns,
  TargetType: 'instance',
  IpAddressType: 'ipv4',
});

const attributes = (tg: TargetGroup) => [...tg.Attributes].map(([Key, Value]) => ({ Key, Value }));

/** A required parameter; `member` is how AWS's validation message names it. */
function required(q: QueryParams, name: string, member: string): string {
  const v = q.get(name);
  if (v === undefined) throw missing(member);
  return v;
}

const targetGroupArn = (q: QueryParams) => required(q, 'TargetGroupArn', 'targetGroupArn');

/** `Targets.member.N.Id/Port`; Register and Deregister need at least one. */
function targets(q: QueryParams, needed: boolean) {
  const given = q.records('Targets', ['Id', 'Port']).map((t, i) => {
    if (t.Id === undefined) throw missing(`targets.${i + 1}.member.id`);
    const member = `targets.${i + 1}.member.port`;
    return { Id: t.Id, Port: t.Port === undefined ? undefined : portParam(t.Port, member) };
  });
  if (needed && given.length === 0) throw missing('targets');
  return given;
}

/** Each action: its result, or an ElbV2Error. */
const ACTIONS: Record<string, Action<ElbV2State>> = {
  DescribeLoadBalancers: (state, q) => ({
    LoadBalancers: state
      .describeLoadBalancers(q.list('LoadBalancerArns'), q.list('Names'))
      .map(loadBalancer),
  }),
  DescribeListeners: (state, q) => ({
    Listeners: state
      .describeListeners(q.get('LoadBalancerArn'), q.list('ListenerArns'))
      .map(listener),
  }),
  DescribeTargetGroups: (state, q) => ({
    TargetGroups: state
      .describeTargetGroups({
        loadBalancerArn: q.get('LoadBalancerArn'),
        arns: q.list('TargetGroupArns'),
        names: q.list('Names'),
      })
      .map(targetGroup),
  }),
  DescribeTargetGroupAttributes: (state, q) => ({
    Attributes: attributes(state.targetGroup(targetGroupArn(q))),
  }),
  ModifyTargetGroupAttributes: (state, q) => ({
    Attributes: attributes(
      state.modifyTargetGroupAttributes(
        targetGroupArn(q),
        q.records('Attributes', ['Key', 'Value']),
      ),
    ),
  }),
  DescribeTargetHealth: async (state, q) => ({
    TargetHealthDescriptions: (
      await state.describeTargetHealth(targetGroupArn(q), targets(q, false))
    ).map((h) => ({ ...h, HealthCheckPort: String(h.Target.Port) })),
  }),
  RegisterTargets: (state, q) => {
    state.registerTargets(targetGroupArn(q), targets(q, true));
    return {};
  },
  DeregisterTargets: (state, q) => {
    state.deregisterTargets(targetGroupArn(q), targets(q, true));
    return {};
  },
};

/** The ELBv2 API on `state`, for the simulator's HTTP server. */
export const elbV2Api = (state: ElbV2State): QueryApi =>
  queryApi(ELBV2_API_VERSION, ACTIONS, state);
