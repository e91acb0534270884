import type { Server } from 'node:http';
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DeregisterTargetsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyTargetGroupAttributesCommand,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeLoadBalancersCommand as DescribeClassicCommand } from '@aws-sdk/client-elastic-load-balancing';
import { nlbSimulatorClient, simulatorClient } from '../../harness/aws/local-simulator.ts';
import {
  localNlb,
  type LocalNlb,
  type NlbTopology,
} from '../../harness/components/balancers/simulated-nlb.ts';
import type { BackendState, BalancerChange } from '../../harness/components/balancers/stand-in.ts';
import { classicElbApi } from '../../harness/aws/elb-simulator/classic-api.ts';
import { ElbState } from '../../harness/aws/elb-simulator/model.ts';
import { startQueryApi } from '../../harness/aws/elb-simulator/server.ts';
import { elbV2Api } from '../../harness/aws/elb-simulator/v2-api.ts';

const REGION = 'ap-northeast-1';
const HEX16 = '[0-9a-f]{16}';
const ARN = `arn:aws:elasticloadbalancing:${REGION}:123456789012`;

/** What DescribeTargetGroupAttributes lists for a new NLB TCP target group here. */
const DEFAULTS = [
  { Key: 'proxy_protocol_v2.enabled', Value: 'false' },
  // The NLB guide: on by default for instance targets.
  { Key: 'preserve_client_ip.enabled', Value: 'true' },
  { Key: 'deregistration_delay.timeout_seconds', Value: '300' },
  { Key: 'deregistration_delay.connection_termination.enabled', Value: 'false' },
  { Key: 'stickiness.enabled', Value: 'false' },
  { Key: 'stickiness.type', Value: 'source_ip' },
  { Key: 'load_balancing.cross_zone.enabled', Value: 'use_load_balancer_configuration' },
  { Key: 'target_group_health.dns_failover.minimum_healthy_targets.count', Value: '1' },
  { Key: 'target_group_health.dns_failover.minimum_healthy_targets.percentage', Value: 'off' },
  {
    Key: 'target_group_health.unhealthy_state_routing.minimum_healthy_targets.count',
    Value: '1',
  },
  {
    Key: 'target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage',
    Value: 'off',
  },
  { Key: 'target_health_state.unhealthy.connection_termination.enabled', Value: 'true' },
  { Key: 'target_health_state.unhealthy.draining_interval_seconds', Value: '0' },
];

// The real ELBv2 SDK against the simulator on loopback, with dummy
// credentials; the NLB drives a stand-in topology whose "reload" takes a while,
// so that a reply waiting for it can be seen to.
describe('ELBv2 API simulator, driven by @aws-sdk/client-elastic-load-balancing-v2', () => {
  let server: Server;
  let endpoint: string;
  let elbv2: ElasticLoadBalancingV2Client;
  let nlb: LocalNlb;
  let tgArn: string;
  /** Each reload's PROXY setting, once the NLB was made. */
  const reloads: string[] = [];
  /** Each change the target group drove, made or not. */
  const changes: BalancerChange[] = [];
  let states: BackendState[] = [];
  let statesFail = false;
  const topology: NlbTopology = {
    backends: ['backend-1', 'backend-2'].map((name) => ({ name, address: '', containerId: '' })),
    reconfigure: async (change) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      changes.push(change);
      reloads.push(change.proxyProtocol ?? 'unchanged');
    },
    backendStates: async () => {
      if (statesFail) throw new Error('the engine did not answer');
      return states;
    },
  };

  beforeAll(async () => {
    nlb = localNlb(topology, {
      region: REGION,
      name: 'proxyproof-nlb',
      targetGroupName: 'proxyproof-targets',
      port: 3306,
    });
    tgArn = nlb.targetGroup.TargetGroupArn;
    // Registering the backends at creation applied the group once, unchanged.
    await nlb.state.applied();
    reloads.length = 0;
    ({ server, endpoint } = await startQueryApi([
      classicElbApi(new ElbState()),
      elbV2Api(nlb.state),
    ]));
    elbv2 = nlbSimulatorClient(endpoint, REGION);
  });
  afterAll(() => {
    elbv2.destroy();
    return new Promise((resolve) => server.close(resolve));
  });

  const modify = (Attributes: { Key: string; Value: string }[]) =>
    elbv2.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tgArn, Attributes }));
  const attributes = async () =>
    (await elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: tgArn })))
      .Attributes;

  test('DescribeLoadBalancers: one active internet-facing network balancer, by ARN, by name, or all', async () => {
    const all = await elbv2.send(new DescribeLoadBalancersCommand({}));
    expect(all.LoadBalancers).toEqual([
      expect.objectContaining({
        LoadBalancerName: 'proxyproof-nlb',
        Type: 'network',
        Scheme: 'internet-facing',
        State: { Code: 'active' },
        CreatedTime: expect.any(Date),
      }),
    ]);
    const lb = all.LoadBalancers![0]!;
    expect(lb.LoadBalancerArn).toMatch(
      new RegExp(`^${ARN}:loadbalancer/net/proxyproof-nlb/${HEX16}$`),
    );
    const byArn = await elbv2.send(
      new DescribeLoadBalancersCommand({ LoadBalancerArns: [lb.LoadBalancerArn!] }),
    );
    const byName = await elbv2.send(
      new DescribeLoadBalancersCommand({ Names: ['proxyproof-nlb'] }),
    );
    expect(byArn.LoadBalancers).toEqual(all.LoadBalancers);
    expect(byName.LoadBalancers).toEqual(all.LoadBalancers);
  });

  test('DescribeListeners: TCP 3306 forwarding to the target group', async () => {
    const out = await elbv2.send(
      new DescribeListenersCommand({ LoadBalancerArn: nlb.loadBalancer.LoadBalancerArn }),
    );
    expect(out.Listeners).toEqual([
      expect.objectContaining({
        LoadBalancerArn: nlb.loadBalancer.LoadBalancerArn,
        Port: 3306,
        Protocol: 'TCP',
        DefaultActions: [expect.objectContaining({ Type: 'forward', TargetGroupArn: tgArn })],
      }),
    ]);
    const arn = out.Listeners![0]!.ListenerArn!;
    expect(arn).toMatch(new RegExp(`^${ARN}:listener/net/proxyproof-nlb/${HEX16}/${HEX16}$`));
    const byArn = await elbv2.send(new DescribeListenersCommand({ ListenerArns: [arn] }));
    expect(byArn.Listeners).toEqual(out.Listeners);
  });

  test('DescribeTargetGroups: the TCP group, by ARN, by name and by load balancer ARN', async () => {
    const byArn = await elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [tgArn] }));
    expect(byArn.TargetGroups).toEqual([
      expect.objectContaining({
        TargetGroupArn: tgArn,
        TargetGroupName: 'proxyproof-targets',
        Protocol: 'TCP',
        Port: 3306,
        TargetType: 'instance',
        HealthCheckProtocol: 'TCP',
        LoadBalancerArns: [nlb.loadBalancer.LoadBalancerArn],
      }),
    ]);
    expect(tgArn).toMatch(new RegExp(`^${ARN}:targetgroup/proxyproof-targets/${HEX16}$`));
    const byName = await elbv2.send(
      new DescribeTargetGroupsCommand({ Names: ['proxyproof-targets'] }),
    );
    const byLb = await elbv2.send(
      new DescribeTargetGroupsCommand({ LoadBalancerArn: nlb.loadBalancer.LoadBalancerArn }),
    );
    expect(byName.TargetGroups).toEqual(byArn.TargetGroups);
    expect(byLb.TargetGroups).toEqual(byArn.TargetGroups);
  });

  test("DescribeTargetHealth: each registered target as HAProxy sees it, in the NLB guide's words", async () => {
    const health = async (seen: [boolean, string | null][]) => {
      states = seen.map(([running, haproxy], i) => ({
        name: `backend-${i + 1}`,
        running,
        haproxy,
      }));
      const out = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }));
      return out.TargetHealthDescriptions!.map((d) => [d.Target?.Id, d.TargetHealth]);
    };
    expect(
      await health([
        [true, 'UP'],
        [true, 'no check'],
      ]),
    ).toEqual([
      ['backend-1', { State: 'healthy' }],
      ['backend-2', { State: 'healthy' }],
    ]);
    expect(
      await health([
        [true, 'DOWN'],
        [false, 'UP'],
      ]),
    ).toEqual([
      [
        'backend-1',
        {
          State: 'unhealthy',
          Reason: 'Target.FailedHealthChecks',
          Description: 'Health checks failed',
        },
      ],
      [
        'backend-2',
        {
          State: 'unused',
          Reason: 'Target.InvalidState',
          Description: 'Target is in the stopped state',
        },
      ],
    ]);
    expect(
      await health([
        [true, null],
        [true, 'MAINT'],
      ]),
    ).toEqual([
      [
        'backend-1',
        {
          State: 'initial',
          Reason: 'Elb.RegistrationInProgress',
          Description: 'Target registration is in progress',
        },
      ],
      [
        'backend-2',
        {
          State: 'unavailable',
          Reason: 'Elb.InternalError',
          Description: 'Health checks failed due to an internal error',
        },
      ],
    ]);
  });

  test('DescribeTargetHealth of a target that exists but is not registered: unused, Target.NotRegistered', async () => {
    states = [{ name: 'backend-1', running: true, haproxy: 'UP' }];
    const out = await elbv2.send(
      new DescribeTargetHealthCommand({
        TargetGroupArn: tgArn,
        Targets: [{ Id: 'backend-1', Port: 3307 }, { Id: 'backend-1' }],
      }),
    );
    expect(out.TargetHealthDescriptions).toEqual([
      {
        Target: { Id: 'backend-1', Port: 3307 },
        HealthCheckPort: '3307',
        TargetHealth: {
          State: 'unused',
          Reason: 'Target.NotRegistered',
          Description: 'Target is not registered to the target group',
        },
      },
      {
        Target: { Id: 'backend-1', Port: 3306 },
        HealthCheckPort: '3306',
        TargetHealth: { State: 'healthy' },
      },
    ]);
  });

  test('an instance that does not exist is InvalidTarget, for DescribeTargetHealth, RegisterTargets and DeregisterTargets', async () => {
    const invalid = {
      name: 'InvalidTargetException',
      message: 'The specified target does not exist or is not in the same VPC as the target group.',
      $metadata: expect.objectContaining({ httpStatusCode: 400 }),
    };
    const Targets = [{ Id: 'backend-1' }, { Id: 'i-0123456789abcdef0' }];
    await expect(
      elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn, Targets })),
    ).rejects.toMatchObject(invalid);
    await expect(
      elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: tgArn, Targets })),
    ).rejects.toMatchObject(invalid);
    await expect(
      elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn: tgArn, Targets })),
    ).rejects.toMatchObject(invalid);
    expect(reloads).toEqual([]);
  });

  test('health the topology cannot tell is HealthUnavailable, a 500', async () => {
    statesFail = true;
    try {
      await expect(
        elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn })),
      ).rejects.toMatchObject({
        name: 'HealthUnavailableException',
        $metadata: expect.objectContaining({ httpStatusCode: 500 }),
      });
    } finally {
      statesFail = false;
    }
  });

  test('DeregisterTargets and RegisterTargets change the servers HAProxy sends to', async () => {
    await elbv2.send(
      new DeregisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: 'backend-2' }] }),
    );
    expect(changes.at(-1)?.instances).toEqual(['backend-1']);
    await expect(
      elbv2.send(
        new DeregisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: 'backend-2' }] }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidTargetException' });
    await elbv2.send(
      new RegisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: 'backend-2' }] }),
    );
    expect(changes.at(-1)?.instances).toEqual(['backend-1', 'backend-2']);
    reloads.length = 0;
  });

  test("DescribeTargetGroupAttributes: an NLB TCP group's set, proxy_protocol_v2.enabled false", async () => {
    expect(await attributes()).toEqual(DEFAULTS);
    expect(nlb.state.proxyProtocolV2On(tgArn)).toBe(false);
  });

  test('ModifyTargetGroupAttributes turns PROXY v2 on and off, replying once HAProxy has reloaded', async () => {
    const on = await modify([{ Key: 'proxy_protocol_v2.enabled', Value: 'true' }]);
    expect(reloads).toEqual(['v2']);
    expect(on.Attributes).toEqual(
      DEFAULTS.map((a) => (a.Key === 'proxy_protocol_v2.enabled' ? { ...a, Value: 'true' } : a)),
    );
    expect(await attributes()).toEqual(on.Attributes);

    const off = await modify([{ Key: 'proxy_protocol_v2.enabled', Value: 'false' }]);
    expect(reloads).toEqual(['v2', 'none']);
    expect(off.Attributes).toEqual(DEFAULTS);
  });

  test('preserve_client_ip.enabled goes to the topology beside the PROXY setting', async () => {
    await modify([{ Key: 'preserve_client_ip.enabled', Value: 'false' }]);
    expect(changes.at(-1)).toMatchObject({ proxyProtocol: 'none', preserveClientIp: false });
    await modify([{ Key: 'preserve_client_ip.enabled', Value: 'true' }]);
    expect(changes.at(-1)).toMatchObject({ proxyProtocol: 'none', preserveClientIp: true });
    reloads.length = 0;
  });

  test('other NLB attributes change within their ranges', async () => {
    const out = await modify([
      { Key: 'deregistration_delay.timeout_seconds', Value: '30' },
      { Key: 'stickiness.enabled', Value: 'true' },
    ]);
    expect(out.Attributes).toEqual(
      expect.arrayContaining([
        { Key: 'deregistration_delay.timeout_seconds', Value: '30' },
        { Key: 'stickiness.enabled', Value: 'true' },
      ]),
    );
    await modify([
      { Key: 'deregistration_delay.timeout_seconds', Value: '300' },
      { Key: 'stickiness.enabled', Value: 'false' },
    ]);
  });

  // The simulator answers with AWS's Query error codes; the SDK's model maps
  // the modelled ones to exception names, and names the others by their code.
  test.each([
    [
      'an unknown key',
      'no_such.attribute',
      'true',
      'ValidationError',
      /'no_such.attribute' is not recognized/,
    ],
    [
      'a non-boolean PROXY v2 value',
      'proxy_protocol_v2.enabled',
      'yes',
      'ValidationError',
      /must be one of \[true, false\]/,
    ],
    [
      'an out-of-range delay',
      'deregistration_delay.timeout_seconds',
      '3601',
      'ValidationError',
      /between '0-3600'/,
    ],
    [
      'a cookie stickiness on TCP',
      'stickiness.type',
      'lb_cookie',
      'InvalidConfigurationRequestException',
      /not supported for target groups with the TCP protocol/,
    ],
    [
      'the header placement, which only AWS Support changes',
      'proxy_protocol_v2.client_to_server.header_placement',
      'on_first_ack',
      'ValidationError',
      /only be changed by AWS Support/,
    ],
    [
      'an ALB-only attribute',
      'slow_start.duration_seconds',
      '30',
      'InvalidConfigurationRequestException',
      /not supported/,
    ],
  ])(
    'ModifyTargetGroupAttributes refuses %s (%s=%s) as %s, changing nothing',
    async (_what, Key, Value, name, message) => {
      const refused = modify([
        { Key: 'proxy_protocol_v2.enabled', Value: 'true' },
        { Key, Value },
      ]);
      await expect(refused).rejects.toMatchObject({
        name,
        message: expect.stringMatching(message),
        $metadata: { httpStatusCode: 400 },
      });
      expect(await attributes()).toEqual(DEFAULTS);
    },
  );

  test('errors come back with the codes AWS uses, as the SDK names them', async () => {
    const unknownTg = tgArn.replace(/[0-9a-f]{16}$/, '0123456789abcdef');
    await expect(
      elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: unknownTg })),
    ).rejects.toMatchObject({ name: 'TargetGroupNotFoundException' });
    await expect(
      elbv2.send(new DescribeTargetGroupsCommand({ Names: ['nope'] })),
    ).rejects.toMatchObject({ name: 'TargetGroupNotFoundException' });
    await expect(
      elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: 'not-an-arn' })),
    ).rejects.toMatchObject({
      name: 'ValidationError',
      message: "'not-an-arn' is not a valid target group ARN",
    });
    await expect(
      elbv2.send(
        new DescribeTargetGroupsCommand({
          Names: ['proxyproof-targets'],
          TargetGroupArns: [tgArn],
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(
      elbv2.send(new DescribeLoadBalancersCommand({ Names: ['nope'] })),
    ).rejects.toMatchObject({
      name: 'LoadBalancerNotFoundException',
      message: "Load balancers '[nope]' not found",
    });
    await expect(
      elbv2.send(
        new DescribeListenersCommand({
          ListenerArns: [`${ARN}:listener/net/x/0123456789abcdef/0123456789abcdef`],
        }),
      ),
    ).rejects.toMatchObject({ name: 'ListenerNotFoundException' });
    await expect(
      elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: undefined })),
    ).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringMatching(/'targetGroupArn'/),
    });
  });

  test.each(['CreateLoadBalancer', 'toString'])(
    'an action it does not simulate (%s) is InvalidAction, in the v2 namespace',
    async (action) => {
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `Action=${action}&Version=2015-12-01`,
      });
      expect(res.status).toBe(400);
      const xml = await res.text();
      expect(xml).toContain('xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"');
      expect(xml).toContain('<Code>InvalidAction</Code>');
    },
  );

  test('the Classic API answers on the same endpoint, by its Version', async () => {
    const classic = simulatorClient(endpoint, REGION);
    try {
      const out = await classic.send(new DescribeClassicCommand({}));
      expect(out.LoadBalancerDescriptions ?? []).toEqual([]);
    } finally {
      classic.destroy();
    }
  });
});
