import {
  CreateLoadBalancerCommand,
  CreateLoadBalancerListenersCommand,
  CreateLoadBalancerPolicyCommand,
  DeleteLoadBalancerListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  SetLoadBalancerPoliciesOfListenerCommand,
  type CreateLoadBalancerCommandInput,
  type Listener,
} from '@aws-sdk/client-elastic-load-balancing';
import { classicSimulator, refused } from '../support/classic-simulator.ts';

// CreateLoadBalancer and its listeners through the real SDK against the
// simulator, refused as AWS documents or was reported to (docs/FIDELITY.md
// names each source), and described as AWS describes a VPC balancer.

const CERTIFICATE =
  'arn:aws:acm:ap-northeast-1:123456789012:certificate/0123abcd-0000-4000-8000-000000000000';
const TCP: Listener = { Protocol: 'TCP', LoadBalancerPort: 3306, InstancePort: 3306 };

describe('CreateLoadBalancer', () => {
  const sim = classicSimulator();
  let n = 0;
  const create = (input: Partial<CreateLoadBalancerCommandInput>) =>
    sim.elb.send(
      new CreateLoadBalancerCommand({
        LoadBalancerName: `lb-${++n}`,
        Listeners: [TCP],
        ...input,
      }),
    );
  const described = async (name: string) =>
    (await sim.elb.send(new DescribeLoadBalancersCommand({ LoadBalancerNames: [name] })))
      .LoadBalancerDescriptions![0]!;

  test('in a zone: as AWS shows a balancer in the default VPC, with the security group ELB provides', async () => {
    await create({ LoadBalancerName: 'web', AvailabilityZones: ['local-b'] });
    expect(await described('web')).toMatchObject({
      LoadBalancerName: 'web',
      DNSName: 'web.elb.proxyproof.local',
      CanonicalHostedZoneName: 'web.elb.proxyproof.local',
      CanonicalHostedZoneNameID: expect.stringMatching(/^Z[0-9A-Z]+$/),
      AvailabilityZones: ['local-b'],
      Subnets: ['subnet-local-b'],
      VPCId: 'vpc-local',
      Scheme: 'internet-facing',
      SecurityGroups: [expect.stringMatching(/^sg-[0-9a-f]{17}$/)],
      // elb-security-groups: one group per account, named default_elb_<id>.
      SourceSecurityGroup: {
        OwnerAlias: '123456789012',
        GroupName: expect.stringMatching(/^default_elb_[0-9a-f-]{36}$/),
      },
      ListenerDescriptions: [
        {
          Listener: {
            Protocol: 'TCP',
            LoadBalancerPort: 3306,
            InstanceProtocol: 'TCP',
            InstancePort: 3306,
          },
          PolicyNames: [],
        },
      ],
      Instances: [],
      BackendServerDescriptions: [],
    });
  });

  test('in subnets, internal, with its own security group and tags', async () => {
    await create({
      LoadBalancerName: 'inner',
      Subnets: ['subnet-local-a', 'subnet-local-c'],
      Scheme: 'internal',
      SecurityGroups: ['sg-0123456789abcdef0'],
      Tags: [{ Key: 'team', Value: 'db' }, { Key: 'empty' }],
    });
    expect(await described('inner')).toMatchObject({
      // elb-internal-load-balancers: an internal balancer's DNS name begins with internal-.
      DNSName: 'internal-inner.elb.proxyproof.local',
      AvailabilityZones: ['local-a', 'local-c'],
      Subnets: ['subnet-local-a', 'subnet-local-c'],
      Scheme: 'internal',
      SecurityGroups: ['sg-0123456789abcdef0'],
    });
    const tags = await sim.elb.send(
      new DescribeTagsCommand({ LoadBalancerNames: ['inner', 'web'] }),
    );
    expect(tags.TagDescriptions).toEqual([
      { LoadBalancerName: 'inner', Tags: [{ Key: 'team', Value: 'db' }, { Key: 'empty' }] },
      { LoadBalancerName: 'web', Tags: [] },
    ]);
  });

  test('protocols in any case, shown as AWS names them', async () => {
    await create({
      LoadBalancerName: 'cased',
      AvailabilityZones: ['local-a'],
      Listeners: [
        { Protocol: 'tcp', LoadBalancerPort: 1, InstanceProtocol: 'ssl', InstancePort: 1 },
      ],
    });
    expect((await described('cased')).ListenerDescriptions![0]!.Listener).toEqual({
      Protocol: 'TCP',
      LoadBalancerPort: 1,
      InstanceProtocol: 'SSL',
      InstancePort: 1,
    });
  });

  const zone = { AvailabilityZones: ['local-a'] };
  const secure = (l: Partial<Listener>): Listener => ({
    Protocol: 'HTTPS',
    LoadBalancerPort: 443,
    InstanceProtocol: 'HTTP',
    InstancePort: 80,
    ...l,
  });
  test.each([
    [
      'no zone and no subnet',
      {},
      'ValidationError',
      400,
      'Either AvailabilityZones or SubnetIds must be specified',
    ],
    [
      'zones and subnets both',
      { AvailabilityZones: ['local-a'], Subnets: ['subnet-local-a'] },
      'ValidationError',
      400,
      'Only one of SubnetIds or AvailabilityZones may be specified',
    ],
    [
      'a zone the region has no balancers in',
      { AvailabilityZones: ['us-east-1f'] },
      'InvalidConfigurationRequestException',
      409,
      /Availability Zone 'us-east-1f'/,
    ],
    [
      'a subnet that does not exist',
      { Subnets: ['subnet-0123456789abcdef0'] },
      'SubnetNotFoundException',
      400,
      undefined,
    ],
    [
      'a UDP listener',
      { ...zone, Listeners: [{ ...TCP, Protocol: 'UDP' }] },
      'UnsupportedProtocolException',
      400,
      undefined,
    ],
    [
      'a UDP instance protocol',
      { ...zone, Listeners: [{ ...TCP, InstanceProtocol: 'udp' }] },
      'UnsupportedProtocolException',
      400,
      undefined,
    ],
    [
      'port 0',
      { ...zone, Listeners: [{ ...TCP, LoadBalancerPort: 0 }] },
      'ValidationError',
      400,
      /greater than or equal to 1/,
    ],
    [
      'instance port 65536',
      { ...zone, Listeners: [{ ...TCP, InstancePort: 65536 }] },
      'ValidationError',
      400,
      /less than or equal to 65535/,
    ],
    [
      'HTTPS without a certificate',
      { ...zone, Listeners: [secure({})] },
      'ValidationError',
      400,
      'Secure Listeners need to specify a SSLCertificateId',
    ],
    [
      'SSL with a certificate id that is no ARN',
      { ...zone, Listeners: [{ ...TCP, Protocol: 'SSL', SSLCertificateId: 'my-cert' }] },
      'CertificateNotFoundException',
      400,
      undefined,
    ],
    [
      'a TCP front with an HTTP back',
      { ...zone, Listeners: [{ ...TCP, InstanceProtocol: 'HTTP' }] },
      'InvalidConfigurationRequestException',
      409,
      undefined,
    ],
    [
      'one instance port reached both securely and not',
      {
        ...zone,
        Listeners: [
          secure({ InstanceProtocol: 'HTTPS', SSLCertificateId: CERTIFICATE }),
          { Protocol: 'HTTP', LoadBalancerPort: 80, InstancePort: 80 },
        ],
      },
      'InvalidConfigurationRequestException',
      409,
      undefined,
    ],
    [
      'two listeners on one port',
      { ...zone, Listeners: [TCP, { ...TCP, InstancePort: 3307 }] },
      'DuplicateListenerException',
      400,
      undefined,
    ],
    [
      'a scheme that is neither internet-facing nor internal',
      { ...zone, Scheme: 'public' },
      'InvalidSchemeException',
      400,
      undefined,
    ],
    [
      'a security group id that is none',
      { ...zone, SecurityGroups: ['web'] },
      'InvalidSecurityGroupException',
      400,
      undefined,
    ],
    [
      'a tag key twice',
      { ...zone, Tags: [{ Key: 'a' }, { Key: 'a', Value: 'b' }] },
      'DuplicateTagKeysException',
      400,
      undefined,
    ],
    [
      'more than 50 tags',
      { ...zone, Tags: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}` })) },
      'TooManyTagsException',
      400,
      undefined,
    ],
  ] as [
    string,
    Partial<CreateLoadBalancerCommandInput>,
    string,
    number,
    string | RegExp | undefined,
  ][])('refuses %s: %s', async (_, input, name, status, message) => {
    await expect(create(input)).rejects.toMatchObject(refused(name, status, message));
  });

  test('a name taken is DuplicateLoadBalancerName (DuplicateAccessPointNameException)', async () => {
    await expect(create({ LoadBalancerName: 'web', ...zone })).rejects.toMatchObject(
      refused('DuplicateAccessPointNameException'),
    );
  });
});

describe('CreateLoadBalancerListeners and DeleteLoadBalancerListeners', () => {
  const sim = classicSimulator();
  const ports = async () =>
    (
      await sim.elb.send(new DescribeLoadBalancersCommand({ LoadBalancerNames: ['lb'] }))
    ).LoadBalancerDescriptions![0]!.ListenerDescriptions!.map((d) => [
      d.Listener!.LoadBalancerPort,
      d.PolicyNames,
    ]);
  const add = (...Listeners: Listener[]) =>
    sim.elb.send(new CreateLoadBalancerListenersCommand({ LoadBalancerName: 'lb', Listeners }));
  const remove = (...LoadBalancerPorts: number[]) =>
    sim.elb.send(
      new DeleteLoadBalancerListenersCommand({ LoadBalancerName: 'lb', LoadBalancerPorts }),
    );
  beforeAll(() =>
    sim.elb.send(
      new CreateLoadBalancerCommand({
        LoadBalancerName: 'lb',
        Listeners: [TCP],
        AvailabilityZones: ['local-a'],
      }),
    ),
  );

  test('adds a listener; the same one again changes nothing; another on its port is DuplicateListener', async () => {
    const https = {
      Protocol: 'HTTPS',
      LoadBalancerPort: 443,
      InstanceProtocol: 'HTTP',
      InstancePort: 80,
      SSLCertificateId: CERTIFICATE,
    };
    await add(https);
    await add(https);
    expect(await ports()).toEqual([
      [3306, []],
      [443, []],
    ]);
    await expect(add({ ...https, InstancePort: 8080 })).rejects.toMatchObject(
      refused('DuplicateListenerException'),
    );
  });

  test('deleting a listener drops the policies set on it; a port without one is no change', async () => {
    await sim.elb.send(
      new CreateLoadBalancerPolicyCommand({
        LoadBalancerName: 'lb',
        PolicyName: 'tls',
        PolicyTypeName: 'SSLNegotiationPolicyType',
        PolicyAttributes: [
          {
            AttributeName: 'Reference-Security-Policy',
            AttributeValue: 'ELBSecurityPolicy-2016-08',
          },
        ],
      }),
    );
    await sim.elb.send(
      new SetLoadBalancerPoliciesOfListenerCommand({
        LoadBalancerName: 'lb',
        LoadBalancerPort: 443,
        PolicyNames: ['tls'],
      }),
    );
    await remove(443, 8080);
    expect(await ports()).toEqual([[3306, []]]);
    await add({
      Protocol: 'HTTPS',
      LoadBalancerPort: 443,
      InstanceProtocol: 'HTTP',
      InstancePort: 80,
      SSLCertificateId: CERTIFICATE,
    });
    expect(await ports()).toEqual([
      [3306, []],
      [443, []],
    ]);
  });

  test('on a balancer that does not exist: LoadBalancerNotFound', async () => {
    await expect(
      sim.elb.send(
        new DeleteLoadBalancerListenersCommand({
          LoadBalancerName: 'gone',
          LoadBalancerPorts: [1],
        }),
      ),
    ).rejects.toMatchObject(refused('AccessPointNotFoundException'));
    await expect(
      sim.elb.send(
        new CreateLoadBalancerListenersCommand({ LoadBalancerName: 'gone', Listeners: [TCP] }),
      ),
    ).rejects.toMatchObject(refused('AccessPointNotFoundException'));
  });
});
