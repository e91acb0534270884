import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsError, ElbState, type LoadBalancer } from './model.ts';
import { ELB_API_VERSION, errorXml, QueryParams, resultXml } from './query-xml.ts';

const required = (q: QueryParams, name: string): string => {
  const v = q.get(name);
  if (v === undefined || v === '')
    throw new AwsError('MissingParameter', `The request must contain the parameter ${name}`);
  return v;
};

const port = (text: string, name: string): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new AwsError('ValidationError', `${name} must be 1-65535, not ${text}`);
  return n;
};

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
    Instances: lb.Instances.map((InstanceId) => ({ InstanceId })),
    Scheme: 'internet-facing',
    CreatedTime: lb.CreatedTime,
  };
}

/** One Query action: its result, or an AwsError. */
function perform(state: ElbState, action: string, q: QueryParams): Record<string, unknown> {
  switch (action) {
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
      return {
        LoadBalancerDescriptions: state
          .describeLoadBalancers(q.list('LoadBalancerNames'))
          .map(describe),
      };
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

/**
 * The Classic ELB API (Query protocol, 2012-06-01) over HTTP on loopback, on
 * the given state. The AWS SDK and the aws command-line client talk to it
 * through their endpoint override.
 */
export async function startElbApi(
  state: ElbState,
  listenPort = 0,
): Promise<{ server: Server; endpoint: string }> {
  const server = createServer((req, res) => {
    // Replies wait until a change has taken effect (HAProxy reloaded).
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', async () => {
      const q = new QueryParams(
        req.method === 'GET' ? ((req.url ?? '').split('?')[1] ?? '') : body,
      );
      const action = q.get('Action') ?? '';
      let status = 200;
      let xml: string;
      try {
        if (q.get('Version') !== ELB_API_VERSION) {
          throw new AwsError(
            'InvalidAction',
            `Version ${q.get('Version') ?? '(none)'} is not ${ELB_API_VERSION}`,
          );
        }
        const result = perform(state, action, q);
        await state.applied();
        xml = resultXml(action, result);
      } catch (e) {
        const err =
          e instanceof AwsError ? e : new AwsError('InternalFailure', (e as Error).message);
        status = err.status;
        xml = errorXml(err.code, err.message);
      }
      res.writeHead(status, { 'content-type': 'text/xml' });
      res.end(xml);
    });
  });
  await new Promise<void>((resolve) => server.listen(listenPort, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return { server, endpoint: `http://127.0.0.1:${bound}` };
}
