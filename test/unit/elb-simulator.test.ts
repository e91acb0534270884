import type { Server } from 'node:http';
import {
  ConfigureHealthCheckCommand,
  CreateLoadBalancerCommand,
  CreateLoadBalancerPolicyCommand,
  DeregisterInstancesFromLoadBalancerCommand,
  DescribeInstanceHealthCommand,
  DescribeLoadBalancerPoliciesCommand,
  DescribeLoadBalancerPolicyTypesCommand,
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingClient,
  RegisterInstancesWithLoadBalancerCommand,
  SetLoadBalancerPoliciesForBackendServerCommand,
  type HealthCheck,
} from '@aws-sdk/client-elastic-load-balancing';
import {
  haproxyDriver,
  localClassicElb,
  type ElbTopology,
} from '../../harness/components/balancers/simulated-classic-elb.ts';
import { simulatorClient } from '../../harness/aws/local-simulator.ts';
import { API_ONLY, ElbState } from '../../harness/aws/elb-simulator/model.ts';
import { startElbApi } from '../../harness/aws/elb-simulator/server.ts';
import type { BackendState, BalancerChange } from '../../harness/components/balancers/stand-in.ts';
import { tcpBalancer } from '../support/classic-balancer.ts';

// The real AWS SDK against the simulator on loopback, with dummy credentials:
// the blog's sequence, step by step.
describe('ELB API simulator, driven by @aws-sdk/client-elastic-load-balancing', () => {
  let server: Server;
  let elb: ElasticLoadBalancingClient;
  const changes: string[] = [];
  // Balancers made through the API note each change they would apply.
  const state = new ElbState({
    apiCreated: { ...API_ONLY, apply: (lb) => void changes.push(lb.LoadBalancerName) },
  });

  beforeAll(async () => {
    const api = await startElbApi(state);
    server = api.server;
    elb = simulatorClient(api.endpoint, 'ap-northeast-1');
    await elb.send(
      new CreateLoadBalancerCommand({
        LoadBalancerName: 'proxy-protocol',
        Listeners: [
          { Protocol: 'TCP', LoadBalancerPort: 3306, InstanceProtocol: 'TCP', InstancePort: 3306 },
        ],
        AvailabilityZones: ['local-a'],
      }),
    );
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  test('DescribeLoadBalancerPolicyTypes lists ProxyProtocolPolicyType with its Boolean attribute', async () => {
    const out = await elb.send(
      new DescribeLoadBalancerPolicyTypesCommand({ PolicyTypeNames: ['ProxyProtocolPolicyType'] }),
    );
    expect(out.PolicyTypeDescriptions).toEqual([
      expect.objectContaining({
        PolicyTypeName: 'ProxyProtocolPolicyType',
        PolicyAttributeTypeDescriptions: [
          { AttributeName: 'ProxyProtocol', AttributeType: 'Boolean', Cardinality: 'ONE' },
        ],
      }),
    ]);
  });

  test('the blog: create the policy, set it on instance port 3306, see it in DescribeLoadBalancers', async () => {
    await elb.send(
      new CreateLoadBalancerPolicyCommand({
        LoadBalancerName: 'proxy-protocol',
        PolicyName: 'proxy-protocol-policy',
        PolicyTypeName: 'ProxyProtocolPolicyType',
        PolicyAttributes: [{ AttributeName: 'ProxyProtocol', AttributeValue: 'True' }],
      }),
    );
    expect(state.proxyProtocolOn('proxy-protocol', 3306)).toBe(false);
    await elb.send(
      new SetLoadBalancerPoliciesForBackendServerCommand({
        LoadBalancerName: 'proxy-protocol',
        InstancePort: 3306,
        PolicyNames: ['proxy-protocol-policy'],
      }),
    );
    expect(state.proxyProtocolOn('proxy-protocol', 3306)).toBe(true);
    expect(state.proxyProtocolOn('proxy-protocol', 3307)).toBe(false);
    expect(changes).toEqual(['proxy-protocol']);

    const out = await elb.send(
      new DescribeLoadBalancersCommand({ LoadBalancerNames: ['proxy-protocol'] }),
    );
    const lb = out.LoadBalancerDescriptions![0]!;
    expect(lb.Policies?.OtherPolicies).toEqual(['proxy-protocol-policy']);
    expect(lb.BackendServerDescriptions).toEqual([
      { InstancePort: 3306, PolicyNames: ['proxy-protocol-policy'] },
    ]);
    const policies = await elb.send(
      new DescribeLoadBalancerPoliciesCommand({
        LoadBalancerName: 'proxy-protocol',
        PolicyNames: ['proxy-protocol-policy'],
      }),
    );
    expect(policies.PolicyDescriptions?.[0]?.PolicyAttributeDescriptions).toEqual([
      { AttributeName: 'ProxyProtocol', AttributeValue: 'True' },
    ]);
  });

  test('setting no policies on the instance port turns the protocol off again', async () => {
    await elb.send(
      new SetLoadBalancerPoliciesForBackendServerCommand({
        LoadBalancerName: 'proxy-protocol',
        InstancePort: 3306,
        PolicyNames: [],
      }),
    );
    expect(state.proxyProtocolOn('proxy-protocol', 3306)).toBe(false);
    const out = await elb.send(new DescribeLoadBalancersCommand({}));
    expect(out.LoadBalancerDescriptions?.[0]?.BackendServerDescriptions ?? []).toEqual([]);
  });

  // The simulator answers with AWS's Query error codes (LoadBalancerNotFound,
  // ...); the SDK's model maps each to its exception name.
  test('errors come back with the codes AWS uses, as the SDK names them', async () => {
    await expect(
      elb.send(new DescribeLoadBalancersCommand({ LoadBalancerNames: ['nope'] })),
    ).rejects.toMatchObject({
      name: 'AccessPointNotFoundException',
    });
    await expect(
      elb.send(
        new CreateLoadBalancerPolicyCommand({
          LoadBalancerName: 'proxy-protocol',
          PolicyName: 'x',
          PolicyTypeName: 'NoSuchType',
        }),
      ),
    ).rejects.toMatchObject({ name: 'PolicyTypeNotFoundException' });
    await expect(
      elb.send(
        new SetLoadBalancerPoliciesForBackendServerCommand({
          LoadBalancerName: 'proxy-protocol',
          InstancePort: 3306,
          PolicyNames: ['missing'],
        }),
      ),
    ).rejects.toMatchObject({ name: 'PolicyNotFoundException' });
  });
});

const ids = (...names: string[]) => names.map((InstanceId) => ({ InstanceId }));

/**
 * The SDK against the simulator on loopback for `state`, with one TCP 3306
 * balancer "lb"; register and deregister answer the registered list after.
 */
function simulatorFor(state: ElbState) {
  let server: Server;
  const lb = (...names: string[]) => ({ LoadBalancerName: 'lb', Instances: ids(...names) });
  const api = {
    elb: undefined as unknown as ElasticLoadBalancingClient,
    register: async (...names: string[]) =>
      (await api.elb.send(new RegisterInstancesWithLoadBalancerCommand(lb(...names)))).Instances,
    deregister: async (...names: string[]) =>
      (await api.elb.send(new DeregisterInstancesFromLoadBalancerCommand(lb(...names)))).Instances,
  };
  beforeAll(async () => {
    const started = await startElbApi(state);
    server = started.server;
    api.elb = simulatorClient(started.endpoint);
    await api.elb.send(
      new CreateLoadBalancerCommand({
        LoadBalancerName: 'lb',
        Listeners: [
          { Protocol: 'TCP', LoadBalancerPort: 3306, InstanceProtocol: 'TCP', InstancePort: 3306 },
        ],
        AvailabilityZones: ['local-a'],
      }),
    );
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  return api;
}

/** CreateLoadBalancerPolicy of a ProxyProtocol=true policy on the load balancer "lb". */
const proxyProtocolPolicy = (name: string) =>
  new CreateLoadBalancerPolicyCommand({
    LoadBalancerName: 'lb',
    PolicyName: name,
    PolicyTypeName: 'ProxyProtocolPolicyType',
    PolicyAttributes: [{ AttributeName: 'ProxyProtocol', AttributeValue: 'true' }],
  });

const check = (change: Partial<HealthCheck> = {}): HealthCheck => ({
  Target: 'TCP:3306',
  Interval: 10,
  Timeout: 5,
  UnhealthyThreshold: 2,
  HealthyThreshold: 3,
  ...change,
});

describe('instances and health checks through the SDK', () => {
  const api = simulatorFor(new ElbState({ instanceIds: ['backend-1', 'backend-2'] }));
  const described = async () =>
    (await api.elb.send(new DescribeLoadBalancersCommand({ LoadBalancerNames: ['lb'] })))
      .LoadBalancerDescriptions![0]!;

  test('RegisterInstancesWithLoadBalancer answers the registered list; registering again changes nothing', async () => {
    expect(await api.register('backend-2')).toEqual(ids('backend-2'));
    expect(await api.register('backend-1', 'backend-2')).toEqual(ids('backend-2', 'backend-1'));
    expect((await described()).Instances).toEqual(ids('backend-2', 'backend-1'));
  });

  test('DeregisterInstancesFromLoadBalancer answers the remaining list; one not registered is no change', async () => {
    expect(await api.deregister('backend-2')).toEqual(ids('backend-1'));
    expect(await api.deregister('backend-2')).toEqual(ids('backend-1'));
  });

  // A balancer made through the API drives nothing here, so no check reaches its
  // instances: AWS's words for an instance whose registration is still in progress.
  const registering = (InstanceId: string) => ({
    InstanceId,
    State: 'OutOfService',
    ReasonCode: 'ELB',
    Description: 'Instance registration is still in progress.',
  });

  test('DescribeInstanceHealth: the registered ones by default; one asked for but not registered is OutOfService', async () => {
    const all = await api.elb.send(new DescribeInstanceHealthCommand({ LoadBalancerName: 'lb' }));
    expect(all.InstanceStates).toEqual([registering('backend-1')]);
    const asked = await api.elb.send(
      new DescribeInstanceHealthCommand({
        LoadBalancerName: 'lb',
        Instances: ids('backend-2', 'backend-1'),
      }),
    );
    expect(asked.InstanceStates).toEqual([
      {
        InstanceId: 'backend-2',
        State: 'OutOfService',
        ReasonCode: 'ELB',
        Description: 'Instance is not currently registered with the LoadBalancer.',
      },
      registering('backend-1'),
    ]);
  });

  test("DescribeLoadBalancers shows AWS's default health check, then the configured one", async () => {
    expect((await described()).HealthCheck).toEqual({
      Target: 'TCP:3306',
      Interval: 30,
      Timeout: 5,
      UnhealthyThreshold: 2,
      HealthyThreshold: 10,
    });
    const wanted = check({ Target: 'HTTP:8080/health?full=1' });
    const out = await api.elb.send(
      new ConfigureHealthCheckCommand({ LoadBalancerName: 'lb', HealthCheck: wanted }),
    );
    expect(out.HealthCheck).toEqual(wanted);
    expect((await described()).HealthCheck).toEqual(wanted);
  });

  test.each([
    ['Target: UDP:53', { Target: 'UDP:53' }, 'must begin with one of HTTP, TCP, HTTPS, SSL'],
    ['Target: TCP with a path', { Target: 'TCP:3306/' }, 'must specify a port number'],
    ['Target: SSL without a port', { Target: 'SSL:' }, 'must specify a port number'],
    ['Target: port 0', { Target: 'TCP:0' }, 'must specify a port number'],
    ['Target: port 65536', { Target: 'TCP:65536' }, 'must specify a port number'],
    ['Target: HTTP without a path', { Target: 'HTTP:80' }, 'must specify a ping path'],
    ['Target: a path with a space', { Target: 'HTTPS:443/a b' }, 'not a valid ping target'],
    ['Interval 4', { Interval: 4 }, "Value '4' at 'healthCheck.interval'"],
    ['Interval 301', { Interval: 301 }, 'less than or equal to 300'],
    ['Timeout 1', { Timeout: 1 }, "Value '1' at 'healthCheck.timeout'"],
    ['Timeout 61', { Interval: 100, Timeout: 61 }, 'less than or equal to 60'],
    ['UnhealthyThreshold 1', { UnhealthyThreshold: 1 }, 'healthCheck.unhealthyThreshold'],
    ['HealthyThreshold 11', { HealthyThreshold: 11 }, 'healthCheck.healthyThreshold'],
    ['Timeout equal to Interval', { Interval: 5, Timeout: 5 }, 'interval must be greater than'],
  ])('ConfigureHealthCheck refuses %s with ValidationError', async (_, change, message) => {
    await expect(
      api.elb.send(
        new ConfigureHealthCheckCommand({ LoadBalancerName: 'lb', HealthCheck: check(change) }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringContaining(message) });
  });

  test('every range error is named at once', async () => {
    await expect(
      api.elb.send(
        new ConfigureHealthCheckCommand({
          LoadBalancerName: 'lb',
          HealthCheck: check({ Interval: 1, HealthyThreshold: 1 }),
        }),
      ),
    ).rejects.toMatchObject({ message: expect.stringMatching(/^2 validation errors detected/) });
  });

  test('an instance that does not exist is InvalidInstance (InvalidEndPointException), and nothing changes', async () => {
    const before = (await described()).Instances;
    const unknown: [string, () => Promise<unknown>][] = [
      ['i-0123456789abcdef0', () => api.register('backend-2', 'i-0123456789abcdef0')],
      ['backend-9', () => api.deregister('backend-1', 'backend-9')],
      [
        'nope',
        () =>
          api.elb.send(
            new DescribeInstanceHealthCommand({ LoadBalancerName: 'lb', Instances: ids('nope') }),
          ),
      ],
    ];
    for (const [id, call] of unknown) {
      await expect(call()).rejects.toMatchObject({
        name: 'InvalidEndPointException',
        message: `Could not find EC2 instance ${id}.`,
      });
    }
    expect((await described()).Instances).toEqual(before);
  });

  test('each action on a load balancer that does not exist is AccessPointNotFoundException', async () => {
    const gone = { LoadBalancerName: 'gone', Instances: ids('backend-1') };
    const calls = [
      () => api.elb.send(new RegisterInstancesWithLoadBalancerCommand(gone)),
      () => api.elb.send(new DeregisterInstancesFromLoadBalancerCommand(gone)),
      () => api.elb.send(new DescribeInstanceHealthCommand(gone)),
      () =>
        api.elb.send(
          new ConfigureHealthCheckCommand({ LoadBalancerName: 'gone', HealthCheck: check() }),
        ),
    ];
    for (const call of calls)
      await expect(call()).rejects.toMatchObject({ name: 'AccessPointNotFoundException' });
  });

  test('Register and Deregister need at least one instance: MissingParameter', async () => {
    const none = { LoadBalancerName: 'lb', Instances: [] };
    await expect(
      api.elb.send(new RegisterInstancesWithLoadBalancerCommand(none)),
    ).rejects.toMatchObject({ name: 'MissingParameter' });
    await expect(
      api.elb.send(new DeregisterInstancesFromLoadBalancerCommand(none)),
    ).rejects.toMatchObject({ name: 'MissingParameter' });
  });
});

describe('the ELB state driving a topology', () => {
  const changes: BalancerChange[] = [];
  let states: BackendState[] = [];
  let failReload = false;
  const topology: ElbTopology = {
    backends: ['backend-1', 'backend-2'].map((name) => ({ name, address: '', containerId: '' })),
    reconfigure: async (change) => {
      if (failReload) throw new Error('HAProxy did not report a successful reload within 15 s');
      changes.push(change);
    },
    backendStates: async () => states,
  };
  const api = simulatorFor(
    new ElbState({
      instanceIds: topology.backends.map((b) => b.name),
      apiCreated: haproxyDriver(topology, 3306),
    }),
  );
  const last = () => changes[changes.length - 1];

  test('registering renders those instances, without the policy and keeping the own checks', async () => {
    await api.register('backend-2', 'backend-1');
    expect(last()).toEqual({
      proxyProtocol: 'none',
      instances: ['backend-2', 'backend-1'],
      healthCheck: undefined,
    });
  });

  test('a TCP check becomes HAProxy checks on its own port, with the PROXY header once the policy is on', async () => {
    await api.elb.send(
      new ConfigureHealthCheckCommand({ LoadBalancerName: 'lb', HealthCheck: check() }),
    );
    const tcp = {
      kind: 'tcp',
      port: 3306,
      ssl: false,
      intervalMs: 10_000,
      timeoutMs: 5_000,
      rise: 3,
      fall: 2,
    };
    expect(last()?.healthCheck).toEqual(tcp);
    await api.elb.send(proxyProtocolPolicy('pp'));
    await api.elb.send(
      new SetLoadBalancerPoliciesForBackendServerCommand({
        LoadBalancerName: 'lb',
        InstancePort: 3306,
        PolicyNames: ['pp'],
      }),
    );
    expect(last()).toMatchObject({
      proxyProtocol: 'v1',
      healthCheck: { ...tcp, kind: 'aws-header' },
    });
  });

  test('HTTPS targets become TLS GETs of the path, never with the PROXY header', async () => {
    await api.elb.send(
      new ConfigureHealthCheckCommand({
        LoadBalancerName: 'lb',
        HealthCheck: check({ Target: 'HTTPS:3306/ping' }),
      }),
    );
    expect(last()?.healthCheck).toMatchObject({ kind: 'http', path: '/ping', ssl: true });
  });

  test('deregistering every instance renders none', async () => {
    await api.deregister('backend-1', 'backend-2');
    expect(last()?.instances).toEqual([]);
  });

  test("DescribeInstanceHealth reports HAProxy's view, and a stopped container as stopped", async () => {
    await api.register('backend-1', 'backend-2');
    const health = async (seen: [boolean, string | null][]) => {
      states = seen.map(([running, haproxy], i) => ({
        name: `backend-${i + 1}`,
        running,
        haproxy,
      }));
      const out = await api.elb.send(new DescribeInstanceHealthCommand({ LoadBalancerName: 'lb' }));
      return out.InstanceStates!.map((s) => [s.State, s.ReasonCode, s.Description]);
    };
    expect(
      await health([
        [true, 'UP'],
        [true, 'UP 1/2'],
      ]),
    ).toEqual([
      ['InService', 'N/A', 'N/A'],
      ['InService', 'N/A', 'N/A'],
    ]);
    expect(
      await health([
        [true, 'DOWN'],
        [true, 'DOWN 1/3'],
      ]),
    ).toEqual([
      [
        'OutOfService',
        'Instance',
        'Instance has failed at least the UnhealthyThreshold number of health checks consecutively.',
      ],
      [
        'OutOfService',
        'Instance',
        'Instance has not passed the configured HealthyThreshold number of health checks consecutively.',
      ],
    ]);
    expect(
      await health([
        [false, 'UP'],
        [true, null],
      ]),
    ).toEqual([
      ['OutOfService', 'Instance', 'Instance is in stopped state.'],
      // No server for it in HAProxy yet: the reload that registers it has not happened.
      ['OutOfService', 'ELB', 'Instance registration is still in progress.'],
    ]);
    expect(
      await health([
        [true, 'MAINT'],
        [true, 'UP'],
      ]),
    ).toEqual([
      ['Unknown', 'ELB', 'A transient error occurred. Please try again later.'],
      ['InService', 'N/A', 'N/A'],
    ]);
    expect(await health([[true, 'no check']])).toContainEqual(['InService', 'N/A', 'N/A']);
  });

  test('a reload that fails is the error of the reply', async () => {
    failReload = true;
    try {
      await expect(api.deregister('backend-1')).rejects.toMatchObject({
        name: 'InternalFailure',
        message: expect.stringContaining('reload'),
      });
    } finally {
      failReload = false;
    }
  });
});

// The bug this guards against: a second balancer made through the API (the
// "noaz" of `proxyproof simulate`'s report) reconfigured the one HAProxy from
// its own state, emptying its servers under the first balancer's listener.
describe('each load balancer drives its own: one made through the API never reaches the HAProxy', () => {
  const changes: BalancerChange[] = [];
  const topology: ElbTopology = {
    backends: ['backend-1', 'backend-2'].map((name) => ({ name, address: '', containerId: '' })),
    reconfigure: async (change) => void changes.push(change),
    backendStates: async () =>
      ['backend-1', 'backend-2'].map((name) => ({ name, running: true, haproxy: 'UP' })),
  };
  const state = localClassicElb(topology, 'proxy-protocol', { port: 3306, instancePort: 3306 });
  let server: Server;
  let elb: ElasticLoadBalancingClient;
  beforeAll(async () => {
    const api = await startElbApi(state);
    server = api.server;
    elb = simulatorClient(api.endpoint);
  });
  afterAll(() => {
    elb.destroy();
    return new Promise((resolve) => server.close(resolve));
  });

  test("noaz's changes reach no reconfigure; the first balancer's still do", async () => {
    const started = changes.length;
    await elb.send(
      new CreateLoadBalancerCommand({
        LoadBalancerName: 'noaz',
        Listeners: [{ Protocol: 'TCP', LoadBalancerPort: 1, InstancePort: 1 }],
        AvailabilityZones: ['local-a'],
      }),
    );
    await elb.send(
      new SetLoadBalancerPoliciesForBackendServerCommand({
        LoadBalancerName: 'noaz',
        InstancePort: 1,
        PolicyNames: [],
      }),
    );
    await elb.send(
      new RegisterInstancesWithLoadBalancerCommand({
        LoadBalancerName: 'noaz',
        Instances: ids('backend-1'),
      }),
    );
    await elb.send(
      new ConfigureHealthCheckCommand({ LoadBalancerName: 'noaz', HealthCheck: check() }),
    );
    expect(changes.length).toBe(started);

    await elb.send(
      new CreateLoadBalancerPolicyCommand({
        LoadBalancerName: 'proxy-protocol',
        PolicyName: 'pp',
        PolicyTypeName: 'ProxyProtocolPolicyType',
        PolicyAttributes: [{ AttributeName: 'ProxyProtocol', AttributeValue: 'true' }],
      }),
    );
    await elb.send(
      new SetLoadBalancerPoliciesForBackendServerCommand({
        LoadBalancerName: 'proxy-protocol',
        InstancePort: 3306,
        PolicyNames: ['pp'],
      }),
    );
    expect(changes.slice(started)).toEqual([
      { proxyProtocol: 'v1', instances: ['backend-1', 'backend-2'], healthCheck: undefined },
    ]);
  });

  test("DescribeInstanceHealth: HAProxy's view for the first balancer, no check claimed for noaz", async () => {
    const health = async (LoadBalancerName: string) =>
      (await elb.send(new DescribeInstanceHealthCommand({ LoadBalancerName }))).InstanceStates;
    expect(await health('proxy-protocol')).toEqual(
      ['backend-1', 'backend-2'].map((InstanceId) => ({
        InstanceId,
        State: 'InService',
        ReasonCode: 'N/A',
        Description: 'N/A',
      })),
    );
    expect(await health('noaz')).toEqual([
      {
        InstanceId: 'backend-1',
        State: 'OutOfService',
        ReasonCode: 'ELB',
        Description: 'Instance registration is still in progress.',
      },
    ]);
  });
});

test('after a failed reload, Describe still answers and the next change recovers', async () => {
  const RELOAD_FAILED = 'HAProxy did not report a successful reload within 15 s';
  let failReload = true;
  /** What each reload that went through was given: the instance ports' policies. */
  const reloaded: Record<number, string[]>[] = [];
  const state = new ElbState();
  state.createLoadBalancer(tcpBalancer('lb'), {
    ...API_ONLY,
    apply: async (lb) => {
      if (failReload) throw new Error(RELOAD_FAILED);
      // A reload that goes through takes a while: a reply that did not wait for it comes first.
      await new Promise((resolve) => setTimeout(resolve, 50));
      reloaded.push(structuredClone(Object.fromEntries(lb.BackendServerPolicies)));
    },
  });
  const { server, endpoint } = await startElbApi(state);
  const elb = simulatorClient(endpoint);
  try {
    await elb.send(proxyProtocolPolicy('pp'));
    const set = new SetLoadBalancerPoliciesForBackendServerCommand({
      LoadBalancerName: 'lb',
      InstancePort: 3306,
      PolicyNames: ['pp'],
    });

    // The failed change's reply is the reload's failure, in the simulator's words.
    await expect(elb.send(set)).rejects.toMatchObject({
      name: 'InternalFailure',
      message: RELOAD_FAILED,
    });

    // Reads do not wait on the failed reload: Describe shows what the state holds,
    // the policy recorded on the port (the next reload will apply it).
    const described = await elb.send(
      new DescribeLoadBalancersCommand({ LoadBalancerNames: ['lb'] }),
    );
    expect(described.LoadBalancerDescriptions![0]!.BackendServerDescriptions).toEqual([
      { InstancePort: 3306, PolicyNames: ['pp'] },
    ]);

    // The next change, the same call again, goes through and its reload gets the policy.
    failReload = false;
    await expect(elb.send(set)).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });
    expect(reloaded).toEqual([{ 3306: ['pp'] }]);
  } finally {
    elb.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});
