import { existsSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import * as classicSdk from '@aws-sdk/client-elastic-load-balancing';
import * as v2Sdk from '@aws-sdk/client-elastic-load-balancing-v2';
import { classicElbApi } from '../../harness/aws/elb-simulator/classic-api.ts';
import { ElbState } from '../../harness/aws/elb-simulator/model.ts';
import type { QueryApi } from '../../harness/aws/elb-simulator/query-xml.ts';
import { startQueryApi } from '../../harness/aws/elb-simulator/server.ts';
import { elbV2Api } from '../../harness/aws/elb-simulator/v2-api.ts';
import { NOTHING_DRIVEN } from '../../harness/aws/elb-simulator/v2-model.ts';
import { nlbSimulatorClient, simulatorClient } from '../../harness/aws/local-simulator.ts';
import { localNlb, type LocalNlb } from '../../harness/components/balancers/simulated-nlb.ts';
import type { BackendState } from '../../harness/components/balancers/stand-in.ts';

// The simulator against the botocore service models the aws CLI itself uses
// (Debian's awscli, which .ci/run installs; PROXYPROOF_BOTOCORE_DATA names
// another botocore data folder). A missing model fails here rather than skips. For every action the simulator implements: (a) a valid call through
// the AWS SDK returns every output member a VPC balancer has on AWS, but the
// few listed in ABSENT with why; (b) every error the model lists for the
// action is provoked by a request in ERRORS and comes back with the model's
// code and HTTP status, or is marked not reachable with why.

const BOTOCORE =
  process.env.PROXYPROOF_BOTOCORE_DATA || '/usr/lib/python3/dist-packages/awscli/botocore/data';

interface ShapeRef {
  shape: string;
}
interface Shape {
  type: string;
  members?: Record<string, ShapeRef>;
  member?: ShapeRef;
  error?: { code: string; httpStatusCode: number };
}
interface ServiceModel {
  operations: Record<string, { output?: ShapeRef; errors?: ShapeRef[] }>;
  shapes: Record<string, Shape>;
}

const API_MODELS = {
  classic: `${BOTOCORE}/elb/2012-06-01/service-2.json`,
  v2: `${BOTOCORE}/elbv2/2015-12-01/service-2.json`,
};
type Api = keyof typeof API_MODELS;

const readModel = (path: string): ServiceModel =>
  JSON.parse(readFileSync(path, 'utf8')) as ServiceModel;

test.each(Object.entries(API_MODELS))('the %s service model is installed at %s', (_, path) => {
  expect(existsSync(path)).toBe(true);
});

// --- the simulator, as both parts of this test find it ----------------------

const INSTANCES = ['backend-1', 'backend-2'];
const CERTIFICATE = 'arn:aws:iam::123456789012:server-certificate/my-server-cert';
const REGION = 'ap-northeast-1';

/** Both APIs on loopback: a Classic state knowing the instances, and the local NLB over a stand-in. */
function simulator() {
  const states: BackendState[] = [
    { name: 'backend-1', running: true, haproxy: 'UP' },
    { name: 'backend-2', running: true, haproxy: 'DOWN' },
  ];
  const sim = {
    classic: new ElbState({ instanceIds: INSTANCES }),
    nlb: undefined as unknown as LocalNlb,
    endpoint: '',
    apis: [] as QueryApi[],
  };
  let server: Server;
  beforeAll(async () => {
    sim.nlb = localNlb(
      {
        backends: INSTANCES.map((name) => ({ name, address: '', containerId: '' })),
        reconfigure: async () => undefined,
        backendStates: async () => states,
      },
      { region: REGION, name: 'nlb', targetGroupName: 'targets', port: 3306 },
    );
    sim.apis = [classicElbApi(sim.classic), elbV2Api(sim.nlb.state)];
    ({ server, endpoint: sim.endpoint } = await startQueryApi(sim.apis));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  return sim;
}
type Simulator = ReturnType<typeof simulator>;

const implemented = (sim: Simulator, api: Api) => sim.apis[api === 'classic' ? 0 : 1]!.actions;

// --- (a) a valid call of each action, and the members AWS leaves out --------

/** Each implemented action's input in a valid situation, run in this order. */
const VALID: Record<Api, Record<string, (sim: Simulator) => object>> = {
  classic: {
    CreateLoadBalancer: () => ({
      LoadBalancerName: 'lb',
      Listeners: [
        { Protocol: 'TCP', LoadBalancerPort: 3306, InstancePort: 3306 },
        {
          Protocol: 'HTTPS',
          LoadBalancerPort: 443,
          InstanceProtocol: 'HTTP',
          InstancePort: 80,
          SSLCertificateId: CERTIFICATE,
        },
      ],
      AvailabilityZones: ['local-a'],
      Tags: [{ Key: 'team', Value: 'db' }],
    }),
    CreateLoadBalancerListeners: () => ({
      LoadBalancerName: 'lb',
      Listeners: [{ Protocol: 'TCP', LoadBalancerPort: 8080, InstancePort: 8080 }],
    }),
    DeleteLoadBalancerListeners: () => ({ LoadBalancerName: 'lb', LoadBalancerPorts: [8080] }),
    RegisterInstancesWithLoadBalancer: () => ({
      LoadBalancerName: 'lb',
      Instances: INSTANCES.map((InstanceId) => ({ InstanceId })),
    }),
    DescribeInstanceHealth: () => ({ LoadBalancerName: 'lb' }),
    DeregisterInstancesFromLoadBalancer: () => ({
      LoadBalancerName: 'lb',
      Instances: [{ InstanceId: 'backend-2' }],
    }),
    ConfigureHealthCheck: () => ({
      LoadBalancerName: 'lb',
      HealthCheck: {
        Target: 'TCP:3306',
        Interval: 10,
        Timeout: 5,
        UnhealthyThreshold: 2,
        HealthyThreshold: 3,
      },
    }),
    DescribeLoadBalancerPolicyTypes: () => ({}),
    CreateLoadBalancerPolicy: () => ({
      LoadBalancerName: 'lb',
      PolicyName: 'pp',
      PolicyTypeName: 'ProxyProtocolPolicyType',
      PolicyAttributes: [{ AttributeName: 'ProxyProtocol', AttributeValue: 'true' }],
    }),
    SetLoadBalancerPoliciesForBackendServer: () => ({
      LoadBalancerName: 'lb',
      InstancePort: 3306,
      PolicyNames: ['pp'],
    }),
    SetLoadBalancerPoliciesOfListener: (sim) => {
      sim.classic.createPolicy('lb', {
        PolicyName: 'tls',
        PolicyTypeName: 'SSLNegotiationPolicyType',
        PolicyAttributeDescriptions: [
          {
            AttributeName: 'Reference-Security-Policy',
            AttributeValue: 'ELBSecurityPolicy-2016-08',
          },
        ],
      });
      return { LoadBalancerName: 'lb', LoadBalancerPort: 443, PolicyNames: ['tls'] };
    },
    DescribeLoadBalancerPolicies: () => ({ LoadBalancerName: 'lb' }),
    DescribeLoadBalancers: () => ({ LoadBalancerNames: ['lb'] }),
    DescribeTags: () => ({ LoadBalancerNames: ['lb'] }),
    DeleteLoadBalancerPolicy: (sim) => {
      sim.classic.createPolicy('lb', {
        PolicyName: 'spare',
        PolicyTypeName: 'ProxyProtocolPolicyType',
        PolicyAttributeDescriptions: [{ AttributeName: 'ProxyProtocol', AttributeValue: 'false' }],
      });
      return { LoadBalancerName: 'lb', PolicyName: 'spare' };
    },
    DeleteLoadBalancer: () => ({ LoadBalancerName: 'lb' }),
  },
  v2: {
    DescribeLoadBalancers: () => ({ Names: ['nlb'] }),
    DescribeListeners: (sim) => ({ LoadBalancerArn: sim.nlb.loadBalancer.LoadBalancerArn }),
    DescribeTargetGroups: (sim) => ({ TargetGroupArns: [sim.nlb.targetGroup.TargetGroupArn] }),
    DescribeTargetGroupAttributes: (sim) => ({
      TargetGroupArn: sim.nlb.targetGroup.TargetGroupArn,
    }),
    ModifyTargetGroupAttributes: (sim) => ({
      TargetGroupArn: sim.nlb.targetGroup.TargetGroupArn,
      Attributes: [{ Key: 'proxy_protocol_v2.enabled', Value: 'true' }],
    }),
    DeregisterTargets: (sim) => ({
      TargetGroupArn: sim.nlb.targetGroup.TargetGroupArn,
      Targets: [{ Id: 'backend-2' }],
    }),
    RegisterTargets: (sim) => ({
      TargetGroupArn: sim.nlb.targetGroup.TargetGroupArn,
      Targets: [{ Id: 'backend-2' }],
    }),
    DescribeTargetHealth: (sim) => ({ TargetGroupArn: sim.nlb.targetGroup.TargetGroupArn }),
  },
};

/** Output members AWS leaves out in these valid situations too, by path, with why. */
const ABSENT: Record<string, string> = {
  'classic DescribeLoadBalancers.NextMarker': 'only while more pages remain',
  'classic DescribeLoadBalancerPolicyTypes.PolicyTypeDescriptions[].PolicyAttributeTypeDescriptions[].Description':
    "the aws CLI's example gives no attribute a Description",
  'v2 DescribeLoadBalancers.NextMarker': 'only while more pages remain',
  'v2 DescribeLoadBalancers.LoadBalancers[].State.Reason': 'only while provisioning or failed',
  'v2 DescribeLoadBalancers.LoadBalancers[].AvailabilityZones[].OutpostId': 'Outposts only',
  'v2 DescribeLoadBalancers.LoadBalancers[].SecurityGroups':
    'an NLB created without security groups has none',
  'v2 DescribeLoadBalancers.LoadBalancers[].CustomerOwnedIpv4Pool': 'Outposts only',
  'v2 DescribeListeners.NextMarker': 'only while more pages remain',
  'v2 DescribeListeners.Listeners[].Certificates': 'TLS listeners only',
  'v2 DescribeListeners.Listeners[].SslPolicy': 'TLS listeners only',
  'v2 DescribeListeners.Listeners[].AlpnPolicy': 'TLS listeners only',
  'v2 DescribeListeners.Listeners[].DefaultActions[].AuthenticateOidcConfig':
    'authenticate-oidc actions only (ALB)',
  'v2 DescribeListeners.Listeners[].DefaultActions[].AuthenticateCognitoConfig':
    'authenticate-cognito actions only (ALB)',
  'v2 DescribeListeners.Listeners[].DefaultActions[].RedirectConfig': 'redirect actions only (ALB)',
  'v2 DescribeListeners.Listeners[].DefaultActions[].FixedResponseConfig':
    'fixed-response actions only (ALB)',
  'v2 DescribeListeners.Listeners[].DefaultActions[].Order':
    'recorded answers for a forward default action show none',
  'v2 DescribeListeners.Listeners[].DefaultActions[].ForwardConfig.TargetGroupStickinessConfig.DurationSeconds':
    'only while stickiness is enabled',
  'v2 DescribeTargetGroups.NextMarker': 'only while more pages remain',
  'v2 DescribeTargetGroups.TargetGroups[].HealthCheckPath': 'HTTP(S) health checks only',
  'v2 DescribeTargetGroups.TargetGroups[].Matcher': 'HTTP(S) and gRPC health checks only',
  'v2 DescribeTargetGroups.TargetGroups[].ProtocolVersion': 'HTTP(S) target groups only (ALB)',
  'v2 DescribeTargetHealth.TargetHealthDescriptions[].Target.AvailabilityZone':
    'IP targets outside the VPC only',
};

/**
 * The output members the model has and `value` lacks, by path. In a list a
 * member counts as present when any item has it (a TCP listener has no
 * certificate where an HTTPS one has).
 */
function missingMembers(
  model: ServiceModel,
  shapeName: string,
  value: unknown,
  path: string,
): string[] {
  const shape = model.shapes[shapeName]!;
  if (shape.type === 'structure')
    return Object.entries(shape.members ?? {}).flatMap(([name, ref]) => {
      const member = (value as Record<string, unknown>)[name];
      const at = `${path}.${name}`;
      return member === undefined ? [at] : missingMembers(model, ref.shape, member, at);
    });
  if (shape.type === 'list') {
    const items = value as unknown[];
    const each = items.map((item) => missingMembers(model, shape.member!.shape, item, `${path}[]`));
    return (each[0] ?? []).filter((p) => each.every((missing) => missing.includes(p)));
  }
  return [];
}

/** Either API's SDK client, as this test sends its commands: by action name. */
interface SdkClient {
  send(command: never): Promise<unknown>;
  destroy(): void;
}

/** `new <action>Command(input)` of the API's SDK package. */
function commandOf(sdk: object, action: string, input: object): never {
  const Command = (sdk as Record<string, (new (input: object) => never) | undefined>)[
    `${action}Command`
  ];
  if (!Command) throw new Error(`the SDK has no ${action}Command`);
  return new Command(input);
}

describe.each(Object.keys(API_MODELS) as Api[])('%s API: a valid call of each action', (api) => {
  const model = readModel(API_MODELS[api]);
  const sim = simulator();
  const send = async (action: string, input: object): Promise<Record<string, unknown>> => {
    const client: SdkClient =
      api === 'classic'
        ? simulatorClient(sim.endpoint, REGION)
        : nlbSimulatorClient(sim.endpoint, REGION);
    try {
      const sdk = api === 'classic' ? classicSdk : v2Sdk;
      return (await client.send(commandOf(sdk, action, input))) as Record<string, unknown>;
    } finally {
      client.destroy();
    }
  };

  test('every action it implements has a valid call here, and the model has every one', () => {
    expect(Object.keys(VALID[api]).sort()).toEqual([...implemented(sim, api)].sort());
    expect(implemented(sim, api).filter((a) => !(a in model.operations))).toEqual([]);
  });

  /** Every member path found missing, to hold ABSENT to what is in fact left out. */
  const missingSeen = new Set<string>();

  test.each(Object.keys(VALID[api]))(
    '%s returns every member a VPC balancer has',
    async (action) => {
      const out = await send(action, VALID[api][action]!(sim));
      const outputShape = model.operations[action]!.output?.shape;
      const missing = outputShape
        ? missingMembers(model, outputShape, out, `${api} ${action}`)
        : [];
      missing.forEach((p) => missingSeen.add(p));
      expect(missing.filter((p) => !(p in ABSENT))).toEqual([]);
    },
  );

  test('every member ABSENT names is one the model has and these answers leave out', () => {
    const absent = Object.keys(ABSENT).filter((p) => p.startsWith(`${api} `));
    expect(absent.filter((p) => !missingSeen.has(p))).toEqual([]);
  });
});

// --- (b) every error the model lists, provoked ------------------------------

/** A request's parameters (Action and Version are added), or why the simulator cannot be made to answer it. */
type Provoke = ((sim: Simulator) => Record<string, string>) | { unreachable: string };

const lb = 'lb';
const tcp = (prefix: string, port = 3306) => ({
  [`${prefix}.member.1.Protocol`]: 'TCP',
  [`${prefix}.member.1.LoadBalancerPort`]: String(port),
  [`${prefix}.member.1.InstancePort`]: String(port),
});
const newLb = (extra: Record<string, string> = {}) => ({
  LoadBalancerName: 'new-lb',
  'AvailabilityZones.member.1': 'local-a',
  ...tcp('Listeners'),
  ...extra,
});
/** Set...Policies' parameters: a balancer, its port, the policy names (none is a bare PolicyNames=). */
const policiesOn = (port: Record<string, string>, names: string[], LoadBalancerName = lb) => ({
  LoadBalancerName,
  ...port,
  ...(names.length === 0
    ? { PolicyNames: '' }
    : Object.fromEntries(names.map((n, i) => [`PolicyNames.member.${i + 1}`, n]))),
});
const tg = (sim: Simulator) => sim.nlb.targetGroup.TargetGroupArn;
const UNKNOWN_TG = `arn:aws:elasticloadbalancing:${REGION}:123456789012:targetgroup/none/0123456789abcdef`;
const UNKNOWN_LB = `arn:aws:elasticloadbalancing:${REGION}:123456789012:loadbalancer/net/none/0123456789abcdef`;
const QUOTA = 'quotas are per account and adjustable; the simulator sets none';

/** RegisterInstancesWithLoadBalancer's and DeregisterInstancesFromLoadBalancer's errors. */
const INSTANCE_ERRORS: Record<string, Provoke> = {
  AccessPointNotFoundException: () => ({
    LoadBalancerName: 'gone',
    'Instances.member.1.InstanceId': 'backend-1',
  }),
  InvalidEndPointException: () => ({
    LoadBalancerName: lb,
    'Instances.member.1.InstanceId': 'i-0123456789abcdef0',
  }),
};

/** Per implemented action, each error its model lists: a request that provokes it, or why none can. */
const ERRORS: Record<Api, Record<string, Record<string, Provoke>>> = {
  classic: {
    CreateLoadBalancer: {
      DuplicateAccessPointNameException: () => newLb({ LoadBalancerName: lb }),
      TooManyAccessPointsException: { unreachable: `${QUOTA} (aws-providers pages 401 balancers)` },
      CertificateNotFoundException: () =>
        newLb({
          'Listeners.member.1.Protocol': 'SSL',
          'Listeners.member.1.SSLCertificateId': 'my-cert',
        }),
      InvalidConfigurationRequestException: () =>
        newLb({ 'AvailabilityZones.member.1': 'us-east-1f' }),
      SubnetNotFoundException: () => ({
        LoadBalancerName: 'new-lb',
        'Subnets.member.1': 'subnet-0123456789abcdef0',
        ...tcp('Listeners'),
      }),
      InvalidSubnetException: {
        unreachable:
          'AWS answers it for an internet-facing balancer in a VPC without an internet gateway; the simulated VPC has one',
      },
      InvalidSecurityGroupException: () => newLb({ 'SecurityGroups.member.1': 'web' }),
      InvalidSchemeException: () => newLb({ Scheme: 'public' }),
      TooManyTagsException: () =>
        newLb(
          Object.fromEntries(
            Array.from({ length: 51 }, (_, i) => [`Tags.member.${i + 1}.Key`, `k${i}`]),
          ),
        ),
      DuplicateTagKeysException: () =>
        newLb({ 'Tags.member.1.Key': 'k', 'Tags.member.2.Key': 'k' }),
      UnsupportedProtocolException: () => newLb({ 'Listeners.member.1.Protocol': 'UDP' }),
      OperationNotPermittedException: {
        unreachable: 'AWS does not document when CreateLoadBalancer answers it',
      },
    },
    CreateLoadBalancerListeners: {
      AccessPointNotFoundException: () => ({ LoadBalancerName: 'gone', ...tcp('Listeners') }),
      DuplicateListenerException: () => ({
        LoadBalancerName: lb,
        ...tcp('Listeners'),
        'Listeners.member.1.InstancePort': '3307',
      }),
      CertificateNotFoundException: () => ({
        LoadBalancerName: lb,
        ...tcp('Listeners', 9443),
        'Listeners.member.1.Protocol': 'SSL',
        'Listeners.member.1.SSLCertificateId': 'my-cert',
      }),
      InvalidConfigurationRequestException: () => ({
        LoadBalancerName: lb,
        ...tcp('Listeners', 9000),
        'Listeners.member.1.InstanceProtocol': 'HTTP',
      }),
      UnsupportedProtocolException: () => ({
        LoadBalancerName: lb,
        ...tcp('Listeners', 9000),
        'Listeners.member.1.Protocol': 'UDP',
      }),
    },
    CreateLoadBalancerPolicy: {
      AccessPointNotFoundException: () => ({
        LoadBalancerName: 'gone',
        PolicyName: 'p',
        PolicyTypeName: 'ProxyProtocolPolicyType',
      }),
      PolicyTypeNotFoundException: () => ({
        LoadBalancerName: lb,
        PolicyName: 'p',
        PolicyTypeName: 'NoSuchType',
      }),
      DuplicatePolicyNameException: () => ({
        LoadBalancerName: lb,
        PolicyName: 'pp',
        PolicyTypeName: 'ProxyProtocolPolicyType',
        'PolicyAttributes.member.1.AttributeName': 'ProxyProtocol',
        'PolicyAttributes.member.1.AttributeValue': 'true',
      }),
      TooManyPoliciesException: { unreachable: QUOTA },
      InvalidConfigurationRequestException: () => ({
        LoadBalancerName: lb,
        PolicyName: 'p',
        PolicyTypeName: 'ProxyProtocolPolicyType',
      }),
    },
    DeleteLoadBalancer: {},
    DeleteLoadBalancerListeners: {
      AccessPointNotFoundException: () => ({
        LoadBalancerName: 'gone',
        'LoadBalancerPorts.member.1': '80',
      }),
    },
    DeleteLoadBalancerPolicy: {
      AccessPointNotFoundException: () => ({ LoadBalancerName: 'gone', PolicyName: 'pp' }),
      InvalidConfigurationRequestException: () => ({ LoadBalancerName: lb, PolicyName: 'pp' }),
    },
    DeregisterInstancesFromLoadBalancer: INSTANCE_ERRORS,
    DescribeInstanceHealth: {
      AccessPointNotFoundException: () => ({ LoadBalancerName: 'gone' }),
      InvalidEndPointException: INSTANCE_ERRORS.InvalidEndPointException!,
    },
    DescribeLoadBalancerPolicies: {
      AccessPointNotFoundException: () => ({ LoadBalancerName: 'gone' }),
      PolicyNotFoundException: () => ({ LoadBalancerName: lb, 'PolicyNames.member.1': 'nope' }),
    },
    DescribeLoadBalancerPolicyTypes: {
      PolicyTypeNotFoundException: () => ({ 'PolicyTypeNames.member.1': 'NoSuchType' }),
    },
    DescribeLoadBalancers: {
      AccessPointNotFoundException: () => ({ 'LoadBalancerNames.member.1': 'gone' }),
      DependencyThrottleException: {
        unreachable:
          "it is about ELB's own calls to other AWS services, which the simulator makes none of",
      },
    },
    DescribeTags: {
      AccessPointNotFoundException: () => ({ 'LoadBalancerNames.member.1': 'gone' }),
    },
    RegisterInstancesWithLoadBalancer: INSTANCE_ERRORS,
    ConfigureHealthCheck: {
      AccessPointNotFoundException: () => ({
        LoadBalancerName: 'gone',
        'HealthCheck.Target': 'TCP:3306',
        'HealthCheck.Interval': '10',
        'HealthCheck.Timeout': '5',
        'HealthCheck.UnhealthyThreshold': '2',
        'HealthCheck.HealthyThreshold': '3',
      }),
    },
    SetLoadBalancerPoliciesForBackendServer: {
      AccessPointNotFoundException: () => policiesOn({ InstancePort: '3306' }, [], 'gone'),
      PolicyNotFoundException: () => policiesOn({ InstancePort: '3306' }, ['nope']),
      InvalidConfigurationRequestException: () => policiesOn({ InstancePort: '3306' }, ['tls']),
    },
    SetLoadBalancerPoliciesOfListener: {
      AccessPointNotFoundException: () => policiesOn({ LoadBalancerPort: '3306' }, [], 'gone'),
      PolicyNotFoundException: () => policiesOn({ LoadBalancerPort: '3306' }, ['nope']),
      ListenerNotFoundException: () => policiesOn({ LoadBalancerPort: '80' }, []),
      InvalidConfigurationRequestException: () => policiesOn({ LoadBalancerPort: '3306' }, ['pp']),
    },
  },
  v2: {
    DescribeLoadBalancers: {
      LoadBalancerNotFoundException: () => ({ 'Names.member.1': 'none' }),
    },
    DescribeListeners: {
      ListenerNotFoundException: () => ({
        'ListenerArns.member.1': `arn:aws:elasticloadbalancing:${REGION}:123456789012:listener/net/none/0123456789abcdef/0123456789abcdef`,
      }),
      LoadBalancerNotFoundException: () => ({ LoadBalancerArn: UNKNOWN_LB }),
      UnsupportedProtocolException: {
        unreachable: 'AWS does not document when DescribeListeners answers it',
      },
    },
    DescribeTargetGroups: {
      LoadBalancerNotFoundException: () => ({ LoadBalancerArn: UNKNOWN_LB }),
      TargetGroupNotFoundException: () => ({ 'Names.member.1': 'none' }),
    },
    DescribeTargetGroupAttributes: {
      TargetGroupNotFoundException: () => ({ TargetGroupArn: UNKNOWN_TG }),
    },
    ModifyTargetGroupAttributes: {
      TargetGroupNotFoundException: () => ({
        TargetGroupArn: UNKNOWN_TG,
        'Attributes.member.1.Key': 'stickiness.enabled',
        'Attributes.member.1.Value': 'true',
      }),
      InvalidConfigurationRequestException: (sim) => ({
        TargetGroupArn: tg(sim),
        'Attributes.member.1.Key': 'stickiness.type',
        'Attributes.member.1.Value': 'lb_cookie',
      }),
    },
    DescribeTargetHealth: {
      InvalidTargetException: (sim) => ({
        TargetGroupArn: tg(sim),
        'Targets.member.1.Id': 'i-0123456789abcdef0',
      }),
      TargetGroupNotFoundException: () => ({ TargetGroupArn: UNKNOWN_TG }),
      HealthUnavailableException: (sim) => ({
        // A group whose driver cannot see its targets.
        TargetGroupArn: sim.nlb.state.createTargetGroup('blind', 3306, {
          ...NOTHING_DRIVEN,
          health: () => Promise.reject(new Error('the engine did not answer')),
        }).TargetGroupArn,
      }),
    },
    RegisterTargets: {
      TargetGroupNotFoundException: () => ({
        TargetGroupArn: UNKNOWN_TG,
        'Targets.member.1.Id': 'backend-1',
      }),
      TooManyTargetsException: { unreachable: QUOTA },
      InvalidTargetException: (sim) => ({
        TargetGroupArn: tg(sim),
        'Targets.member.1.Id': 'i-0123456789abcdef0',
      }),
      TooManyRegistrationsForTargetIdException: { unreachable: QUOTA },
    },
    DeregisterTargets: {
      TargetGroupNotFoundException: () => ({
        TargetGroupArn: UNKNOWN_TG,
        'Targets.member.1.Id': 'backend-1',
      }),
      InvalidTargetException: (sim) => ({
        TargetGroupArn: tg(sim),
        'Targets.member.1.Id': 'i-0123456789abcdef0',
      }),
    },
  },
};

/** What the simulator answers a raw Query request: HTTP status and error code. */
async function answer(
  endpoint: string,
  version: string,
  action: string,
  params: Record<string, string>,
) {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ Action: action, Version: version, ...params }).toString(),
  });
  const xml = await res.text();
  return { status: res.status, code: /<Code>([^<]*)<\/Code>/.exec(xml)?.[1] ?? null };
}

describe.each(Object.keys(API_MODELS) as Api[])('%s API: every error the model lists', (api) => {
  const model = readModel(API_MODELS[api]);
  const version = api === 'classic' ? '2012-06-01' : '2015-12-01';
  const sim = simulator();
  beforeAll(() => {
    if (api !== 'classic') return;
    // A balancer with a listener, a ProxyProtocol policy in use and an SSL policy.
    sim.classic.createLoadBalancer({
      LoadBalancerName: lb,
      Listeners: [
        { Protocol: 'TCP', LoadBalancerPort: 3306, InstanceProtocol: 'TCP', InstancePort: 3306 },
      ],
      AvailabilityZones: ['local-a'],
      Subnets: [],
      SecurityGroups: [],
    });
    sim.classic.createPolicy(lb, {
      PolicyName: 'pp',
      PolicyTypeName: 'ProxyProtocolPolicyType',
      PolicyAttributeDescriptions: [{ AttributeName: 'ProxyProtocol', AttributeValue: 'true' }],
    });
    sim.classic.setBackendServerPolicies(lb, 3306, ['pp']);
    sim.classic.createPolicy(lb, {
      PolicyName: 'tls',
      PolicyTypeName: 'SSLNegotiationPolicyType',
      PolicyAttributeDescriptions: [],
    });
  });

  test('the table names every implemented action, and for each exactly the errors the model lists', () => {
    const listed = Object.fromEntries(
      [...implemented(sim, api)]
        .sort()
        .map((action) => [
          action,
          (model.operations[action]?.errors ?? []).map((e) => e.shape).sort(),
        ]),
    );
    const tabled = Object.fromEntries(
      Object.entries(ERRORS[api])
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([action, errors]) => [action, Object.keys(errors).sort()]),
    );
    expect(tabled).toEqual(listed);
  });

  const cases = Object.entries(ERRORS[api]).flatMap(([action, errors]) =>
    Object.entries(errors).map(([error, provoke]) => [action, error, provoke] as const),
  );
  test.each(cases.filter(([, , p]) => typeof p === 'function'))(
    '%s answers %s as the model has it',
    async (action, error, provoke) => {
      const shape = model.shapes[error]!.error!;
      const params = (provoke as (sim: Simulator) => Record<string, string>)(sim);
      expect(await answer(sim.endpoint, version, action, params)).toEqual({
        status: shape.httpStatusCode,
        code: shape.code,
      });
    },
  );

  test.each(cases.filter(([, , p]) => typeof p !== 'function'))(
    '%s cannot be made to answer %s: the reason is given',
    (_action, _error, provoke) => {
      expect((provoke as { unreachable: string }).unreachable).toMatch(/\w+ \w+/);
    },
  );
});
