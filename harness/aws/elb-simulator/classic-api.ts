// The Classic ELB API's actions (2012-06-01) on an ElbState: Query parameters
// in, the result object out (the server renders it as XML).
import { AwsError, ElbState, shownHealthCheck, type LoadBalancer } from './model.ts';
import {
  requiredParam as required,
  portParam as port,
  type QueryApi,
  type QueryParams,
} from './query-xml.ts';

export const ELB_API_VERSION = '2012-06-01';

const instances = (ids: string[]) => ids.map((InstanceId) => ({ InstanceId }));

/** How AWS shows a load balancer in DescribeLoadBalancers. */
function describe(lb: LoadBalancer) {
  return {
    LoadBalancerName: lb.LoadBalancerName,
    DNSName: lb.DNSName,
    ListenerDescriptions: lb.Listeners.map((Listener) => ({ Listener, PolicyNames: [] })),
    Policies: {
      AppCookieStickinessPolicies: [],
      LBCookieStickinessPolicies: [],
      OtherPolicies: [...lb.Policies.keys()],
    },
    BackendServerDescriptions: [...lb.BackendServerPolicies].map(([InstancePort, PolicyNames]) => ({
      InstancePort,
      PolicyNames,
    })),
    AvailabilityZones: ['local-a'],
    Instances: instances(lb.Instances),
    HealthCheck: shownHealthCheck(lb),
    Scheme: 'internet-facing',
    CreatedTime: lb.CreatedTime,
  };
}

/** `Instances.member.N.InstanceId`; Register and Deregister need at least one. */
function instanceIds(q: QueryParams, needed: boolean): string[] {
  const ids = q.records('Instances', ['InstanceId']).map((i) => i.InstanceId ?? '');
  // An empty list arrives as a bare `Instances=`: AWS's MissingParameter.
  if (needed && ids.length === 0) required(q, 'Instances');
  return ids;
}

/** A whole number of seconds or checks; ElbState checks its range. */
const count = (q: QueryParams, name: string) => {
  const text = required(q, name);
  if (!/^-?\d+$/.test(text))
    throw new AwsError('ValidationError', `${name} must be an integer, not ${text}`);
  return Number(text);
};

/** AWS's page size for DescribeLoadBalancers: 1 to 400, and 400 when none is asked for. */
const MAX_PAGE = 400;

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

/** One Query action: its result (a promise when it needs I/O), or an AwsError. */
function perform(
  state: ElbState,
  action: string,
  q: QueryParams,
): Record<string, unknown> | Promise<Record<string, unknown>> {
  switch (action) {
    case 'RegisterInstancesWithLoadBalancer':
      return {
        Instances: instances(
          state.registerInstances(required(q, 'LoadBalancerName'), instanceIds(q, true)),
        ),
      };
    case 'DeregisterInstancesFromLoadBalancer':
      return {
        Instances: instances(
          state.deregisterInstances(required(q, 'LoadBalancerName'), instanceIds(q, true)),
        ),
      };
    case 'DescribeInstanceHealth':
      return state
        .describeInstanceHealth(required(q, 'LoadBalancerName'), instanceIds(q, false))
        .then((InstanceStates) => ({ InstanceStates }));
    case 'ConfigureHealthCheck':
      return {
        HealthCheck: state.configureHealthCheck(required(q, 'LoadBalancerName'), {
          Target: required(q, 'HealthCheck.Target'),
          Interval: count(q, 'HealthCheck.Interval'),
          Timeout: count(q, 'HealthCheck.Timeout'),
          UnhealthyThreshold: count(q, 'HealthCheck.UnhealthyThreshold'),
          HealthyThreshold: count(q, 'HealthCheck.HealthyThreshold'),
        }),
      };
    case 'DescribeLoadBalancerPolicyTypes':
      return { PolicyTypeDescriptions: state.describePolicyTypes(q.list('PolicyTypeNames')) };
    case 'CreateLoadBalancerPolicy':
      state.createPolicy(required(q, 'LoadBalancerName'), {
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
    case 'DeleteLoadBalancerPolicy':
      state.deletePolicy(required(q, 'LoadBalancerName'), required(q, 'PolicyName'));
      return {};
    case 'DescribeLoadBalancerPolicies':
      return {
        PolicyDescriptions: state.describePolicies(
          required(q, 'LoadBalancerName'),
          q.list('PolicyNames'),
        ),
      };
    case 'SetLoadBalancerPoliciesForBackendServer':
      state.setBackendServerPolicies(
        required(q, 'LoadBalancerName'),
        port(required(q, 'InstancePort'), 'InstancePort'),
        q.list('PolicyNames'),
      );
      return {};
    case 'DescribeLoadBalancers':
      return page(state.describeLoadBalancers(q.list('LoadBalancerNames')).map(describe), q);
    case 'CreateLoadBalancer': {
      const listeners = q
        .records('Listeners', ['Protocol', 'LoadBalancerPort', 'InstanceProtocol', 'InstancePort'])
        .map((l) => ({
          Protocol: l.Protocol ?? 'TCP',
          LoadBalancerPort: port(l.LoadBalancerPort ?? '', 'LoadBalancerPort'),
          InstanceProtocol: l.InstanceProtocol ?? l.Protocol ?? 'TCP',
          InstancePort: port(l.InstancePort ?? '', 'InstancePort'),
        }));
      if (listeners.length === 0)
        throw new AwsError('ValidationError', 'At least one listener is required');
      return {
        DNSName: state.createLoadBalancer(
          required(q, 'LoadBalancerName'),
          listeners,
          'elb.proxyproof.local',
        ),
      };
    }
    case 'DeleteLoadBalancer':
      state.deleteLoadBalancer(required(q, 'LoadBalancerName'));
      return {};
    default:
      throw new AwsError(
        'InvalidAction',
        `The action ${action} is not valid for this web service.`,
      );
  }
}

/** The Classic ELB API on `state`, for the simulator's HTTP server. */
export function classicElbApi(state: ElbState): QueryApi {
  return {
    version: ELB_API_VERSION,
    perform: (action, q) => perform(state, action, q),
    applied: () => state.applied(),
  };
}
