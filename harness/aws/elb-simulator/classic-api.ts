// The Classic ELB API's actions (2012-06-01) on an ElbState: Query parameters
// in, the result object out (the server renders it as XML).
import { parseListener } from './classic-listeners.ts';
import { policyTypes } from './classic-policies.ts';
import { checkTags } from './classic-tags.ts';
import { HOSTED_ZONE_ID } from './simulated-vpc.ts';
import { AwsError, ElbState, shownHealthCheck, type LoadBalancer } from './model.ts';
import {
  queryApi,
  requiredParam as required,
  portParam as port,
  type Action,
  type QueryApi,
  type QueryParams,
} from './query-xml.ts';

export const ELB_API_VERSION = '2012-06-01';

const instances = (ids: string[]) => ids.map((InstanceId) => ({ InstanceId }));

/** How AWS shows a VPC load balancer in DescribeLoadBalancers. */
function describe(lb: LoadBalancer) {
  return {
    LoadBalancerName: lb.LoadBalancerName,
    DNSName: lb.DNSName,
    CanonicalHostedZoneName: lb.DNSName,
    CanonicalHostedZoneNameID: HOSTED_ZONE_ID,
    ListenerDescriptions: lb.Listeners.map((Listener) => ({
      Listener,
      PolicyNames: lb.ListenerPolicies.get(Listener.LoadBalancerPort) ?? [],
    })),
    Policies: {
      // Only CreateAppCookieStickinessPolicy and CreateLBCookieStickinessPolicy
      // make these, and the simulator has neither.
      AppCookieStickinessPolicies: [],
      LBCookieStickinessPolicies: [],
      OtherPolicies: [...lb.Policies.keys()],
    },
    BackendServerDescriptions: [...lb.BackendServerPolicies].map(([InstancePort, PolicyNames]) => ({
      InstancePort,
      PolicyNames,
    })),
    AvailabilityZones: lb.AvailabilityZones,
    Subnets: lb.Subnets,
    VPCId: lb.VPCId,
    Instances: instances(lb.Instances),
    HealthCheck: shownHealthCheck(lb),
    SourceSecurityGroup: lb.SourceSecurityGroup,
    SecurityGroups: lb.SecurityGroups,
    CreatedTime: lb.CreatedTime,
    Scheme: lb.Scheme,
  };
}

/** A list parameter the action cannot do without: an empty one arrives as a bare `Name=`, AWS's MissingParameter. */
function requiredList(q: QueryParams, name: string): string[] {
  const values = q.list(name);
  if (values.length === 0) required(q, name);
  return values;
}

/** `Instances.member.N.InstanceId`; Register and Deregister need at least one. */
function instanceIds(q: QueryParams, needed: boolean): string[] {
  const ids = q.records('Instances', ['InstanceId']).map((i) => i.InstanceId ?? '');
  if (needed && ids.length === 0) required(q, 'Instances');
  return ids;
}

/** `Listeners.member.N.*`, each checked on its own. */
const listeners = (q: QueryParams) =>
  q
    .records('Listeners', [
      'Protocol',
      'LoadBalancerPort',
      'InstanceProtocol',
      'InstancePort',
      'SSLCertificateId',
    ])
    .map((l, i) => parseListener(l, i + 1));

/** A whole number; ElbState checks its range. */
const count = (q: QueryParams, name: string) => {
  const text = required(q, name);
  if (!/^-?\d+$/.test(text))
    throw new AwsError('ValidationError', `${name} must be an integer, not ${text}`);
  return Number(text);
};

/** AWS's page size for DescribeLoadBalancers: 1 to 400, and 400 when none is asked for. */
const MAX_PAGE = 400;

/** DescribeTags names 1 to 20 load balancers (the model's LoadBalancerNamesMax20). */
const MAX_TAGGED = 20;

/**
 * One page of load balancers, as AWS pages them: PageSize at most (400 by
 * default), and a NextMarker while more remain. The marker is opaque to
 * callers; here it is the offset of the next page.
 */
function page<T>(all: T[], q: QueryParams): { LoadBalancerDescriptions: T[]; NextMarker?: string } {
  const sizeText = q.get('PageSize');
  const size = sizeText === undefined ? MAX_PAGE : Number(sizeText);
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE)
    throw new AwsError(
      'ValidationError',
      `PageSize must be between 1 and ${MAX_PAGE}, not ${sizeText}`,
    );
  const marker = q.get('Marker');
  const start = marker === undefined ? 0 : Number(Buffer.from(marker, 'base64url').toString());
  if (!Number.isInteger(start) || start < 0 || start > all.length)
    throw new AwsError('ValidationError', `Marker ${marker} is not one this service gave out`);
  const end = start + size;
  return {
    LoadBalancerDescriptions: all.slice(start, end),
    ...(end < all.length ? { NextMarker: Buffer.from(String(end)).toString('base64url') } : {}),
  };
}

const lbName = (q: QueryParams) => required(q, 'LoadBalancerName');

/** Each action: its result (a promise when it needs I/O), or an AwsError. */
const ACTIONS: Record<string, Action<ElbState>> = {
  CreateLoadBalancer: (state, q) => ({
    DNSName: state.createLoadBalancer({
      LoadBalancerName: lbName(q),
      Listeners: listeners(q),
      AvailabilityZones: q.list('AvailabilityZones'),
      Subnets: q.list('Subnets'),
      SecurityGroups: q.list('SecurityGroups'),
      Scheme: q.get('Scheme'),
      Tags: checkTags(q.records('Tags', ['Key', 'Value'])),
    }),
  }),
  DeleteLoadBalancer: (state, q) => {
    state.deleteLoadBalancer(lbName(q));
    return {};
  },
  DescribeLoadBalancers: (state, q) =>
    page(state.describeLoadBalancers(q.list('LoadBalancerNames')).map(describe), q),
  CreateLoadBalancerListeners: (state, q) => {
    state.createListeners(lbName(q), listeners(q));
    return {};
  },
  DeleteLoadBalancerListeners: (state, q) => {
    const ports = requiredList(q, 'LoadBalancerPorts').map((p, i) => {
      if (!/^-?\d+$/.test(p))
        throw new AwsError(
          'ValidationError',
          `LoadBalancerPorts.member.${i + 1} must be an integer, not ${p}`,
        );
      return Number(p);
    });
    state.deleteListeners(lbName(q), ports);
    return {};
  },
  DescribeTags: (state, q) => {
    const names = requiredList(q, 'LoadBalancerNames');
    if (names.length > MAX_TAGGED)
      throw new AwsError(
        'ValidationError',
        `DescribeTags takes at most ${MAX_TAGGED} LoadBalancerNames, not ${names.length}`,
      );
    return { TagDescriptions: state.describeTags(names) };
  },
  RegisterInstancesWithLoadBalancer: (state, q) => ({
    Instances: instances(state.registerInstances(lbName(q), instanceIds(q, true))),
  }),
  DeregisterInstancesFromLoadBalancer: (state, q) => ({
    Instances: instances(state.deregisterInstances(lbName(q), instanceIds(q, true))),
  }),
  DescribeInstanceHealth: (state, q) =>
    state
      .describeInstanceHealth(lbName(q), instanceIds(q, false))
      .then((InstanceStates) => ({ InstanceStates })),
  ConfigureHealthCheck: (state, q) => ({
    HealthCheck: state.configureHealthCheck(lbName(q), {
      Target: required(q, 'HealthCheck.Target'),
      Interval: count(q, 'HealthCheck.Interval'),
      Timeout: count(q, 'HealthCheck.Timeout'),
      UnhealthyThreshold: count(q, 'HealthCheck.UnhealthyThreshold'),
      HealthyThreshold: count(q, 'HealthCheck.HealthyThreshold'),
    }),
  }),
  DescribeLoadBalancerPolicyTypes: (_state, q) => ({
    PolicyTypeDescriptions: policyTypes(q.list('PolicyTypeNames')),
  }),
  CreateLoadBalancerPolicy: (state, q) => {
    state.createPolicy(lbName(q), {
      PolicyName: required(q, 'PolicyName'),
      PolicyTypeName: required(q, 'PolicyTypeName'),
      PolicyAttributeDescriptions: q
        .records('PolicyAttributes', ['AttributeName', 'AttributeValue'])
        .map((a) => ({
          AttributeName: a.AttributeName ?? '',
          AttributeValue: a.AttributeValue ?? '',
        })),
    });
    return {};
  },
  DeleteLoadBalancerPolicy: (state, q) => {
    state.deletePolicy(lbName(q), required(q, 'PolicyName'));
    return {};
  },
  DescribeLoadBalancerPolicies: (state, q) => ({
    PolicyDescriptions: state.describePolicies(q.get('LoadBalancerName'), q.list('PolicyNames')),
  }),
  SetLoadBalancerPoliciesForBackendServer: (state, q) => {
    state.setBackendServerPolicies(
      lbName(q),
      port(required(q, 'InstancePort'), 'instancePort'),
      q.list('PolicyNames'),
    );
    return {};
  },
  SetLoadBalancerPoliciesOfListener: (state, q) => {
    state.setListenerPolicies(
      lbName(q),
      port(required(q, 'LoadBalancerPort'), 'loadBalancerPort'),
      q.list('PolicyNames'),
    );
    return {};
  },
};

/** The Classic ELB API on `state`, for the simulator's HTTP server. */
export const classicElbApi = (state: ElbState): QueryApi =>
  queryApi(ELB_API_VERSION, ACTIONS, state);
