import {
  CreateLoadBalancerCommand,
  CreateLoadBalancerPolicyCommand,
  DeleteLoadBalancerPolicyCommand,
  DescribeLoadBalancerPoliciesCommand,
  DescribeLoadBalancerPolicyTypesCommand,
  DescribeLoadBalancersCommand,
  SetLoadBalancerPoliciesForBackendServerCommand,
  SetLoadBalancerPoliciesOfListenerCommand,
  type PolicyAttribute,
} from '@aws-sdk/client-elastic-load-balancing';
import { PREDEFINED_POLICIES } from '../support/aws-documented.ts';
import { classicSimulator, refused } from '../support/classic-simulator.ts';

// Classic ELB policies through the real SDK against the simulator. Expected
// answers are AWS's documented ones: the aws CLI's example output
// (awscli/examples/elb/*.rst), the API reference, and the Classic Load
// Balancers Guide (elb-security-policy-table, ssl-config-update); see
// docs/FIDELITY.md.

const CERTIFICATE = 'arn:aws:iam::123456789012:server-certificate/my-server-cert';

describe('DescribeLoadBalancerPolicyTypes, as AWS describes its policy types', () => {
  const sim = classicSimulator();
  const types = async (PolicyTypeNames?: string[]) =>
    (await sim.elb.send(new DescribeLoadBalancerPolicyTypesCommand({ PolicyTypeNames })))
      .PolicyTypeDescriptions ?? [];

  test("every type, in the aws CLI example's order, with its Description", async () => {
    expect((await types()).map((t) => [t.PolicyTypeName, t.Description])).toEqual([
      [
        'ProxyProtocolPolicyType',
        'Policy that controls whether to include the IP address and port of the originating request for TCP messages. This policy operates on TCP/SSL listeners only',
      ],
      [
        'PublicKeyPolicyType',
        'Policy containing a list of public keys to accept when authenticating the back-end server(s). This policy cannot be applied directly to back-end servers or listeners but must be part of a BackendServerAuthenticationPolicyType.',
      ],
      [
        'AppCookieStickinessPolicyType',
        'Stickiness policy with session lifetimes controlled by the lifetime of the application-generated cookie. This policy can be associated only with HTTP/HTTPS listeners.',
      ],
      [
        'LBCookieStickinessPolicyType',
        'Stickiness policy with session lifetimes controlled by the browser (user-agent) or a specified expiration period. This policy can be associated only with HTTP/HTTPS listeners.',
      ],
      [
        'SSLNegotiationPolicyType',
        'Listener policy that defines the ciphers and protocols that will be accepted by the load balancer. This policy can be associated only with HTTPS/SSL listeners.',
      ],
      [
        'BackendServerAuthenticationPolicyType',
        'Policy that controls authentication to back-end server(s) and contains one or more policies, such as an instance of a PublicKeyPolicyType. This policy can be associated only with back-end servers that are using HTTPS/SSL.',
      ],
    ]);
  });

  test("each type's attributes as the example gives them", async () => {
    const attributes = Object.fromEntries(
      (await types()).map((t) => [t.PolicyTypeName, t.PolicyAttributeTypeDescriptions]),
    );
    expect(attributes).toMatchObject({
      ProxyProtocolPolicyType: [
        { AttributeName: 'ProxyProtocol', AttributeType: 'Boolean', Cardinality: 'ONE' },
      ],
      PublicKeyPolicyType: [
        { AttributeName: 'PublicKey', AttributeType: 'String', Cardinality: 'ONE' },
      ],
      AppCookieStickinessPolicyType: [
        { AttributeName: 'CookieName', AttributeType: 'String', Cardinality: 'ONE' },
      ],
      LBCookieStickinessPolicyType: [
        {
          AttributeName: 'CookieExpirationPeriod',
          AttributeType: 'Long',
          Cardinality: 'ZERO_OR_ONE',
        },
      ],
      BackendServerAuthenticationPolicyType: [
        {
          AttributeName: 'PublicKeyPolicyName',
          AttributeType: 'PolicyName',
          Cardinality: 'ONE_OR_MORE',
        },
      ],
    });
  });

  test('SSLNegotiationPolicyType: optional Boolean switches, with the defaults AWS gave', async () => {
    const [ssl] = await types(['SSLNegotiationPolicyType']);
    const byName = new Map(ssl!.PolicyAttributeTypeDescriptions!.map((a) => [a.AttributeName, a]));
    // A recorded AWS answer (jclouds' describe_policy_types.xml).
    expect(byName.get('Protocol-SSLv2')).toEqual({
      AttributeName: 'Protocol-SSLv2',
      AttributeType: 'Boolean',
      DefaultValue: 'false',
      Cardinality: 'ZERO_OR_ONE',
    });
    expect(byName.get('Protocol-TLSv1')).toMatchObject({ DefaultValue: 'true' });
    // The guide's names for the protocols, the server order and a cipher, and the reference.
    for (const name of [
      'Protocol-TLSv1.2',
      'Server-Defined-Cipher-Order',
      'ECDHE-RSA-AES128-GCM-SHA256',
    ])
      expect(byName.get(name)).toMatchObject({
        AttributeType: 'Boolean',
        Cardinality: 'ZERO_OR_ONE',
      });
    expect(byName.get('Reference-Security-Policy')).toMatchObject({ Cardinality: 'ZERO_OR_ONE' });
  });

  test('a name AWS does not have is PolicyTypeNotFound', async () => {
    await expect(types(['ProxyProtocolPolicyType', 'NoSuchType'])).rejects.toMatchObject(
      refused('PolicyTypeNotFoundException'),
    );
  });
});

describe("CreateLoadBalancerPolicy checks the attributes against the type's", () => {
  const sim = classicSimulator();
  beforeAll(() =>
    sim.elb.send(
      new CreateLoadBalancerCommand({
        LoadBalancerName: 'lb',
        Listeners: [{ Protocol: 'TCP', LoadBalancerPort: 3306, InstancePort: 3306 }],
        AvailabilityZones: ['local-a'],
      }),
    ),
  );
  let n = 0;
  const create = (PolicyTypeName: string, attributes: [string, string][], PolicyName = `p${++n}`) =>
    sim.elb.send(
      new CreateLoadBalancerPolicyCommand({
        LoadBalancerName: 'lb',
        PolicyName,
        PolicyTypeName,
        PolicyAttributes: attributes.map(([AttributeName, AttributeValue]): PolicyAttribute => ({
          AttributeName,
          AttributeValue,
        })),
      }),
    );

  test.each([
    [
      'the blog\'s "True" (Boolean, any case)',
      'ProxyProtocolPolicyType',
      [['ProxyProtocol', 'True']],
    ],
    ['no CookieExpirationPeriod (ZERO_OR_ONE)', 'LBCookieStickinessPolicyType', []],
    [
      'a Long CookieExpirationPeriod',
      'LBCookieStickinessPolicyType',
      [['CookieExpirationPeriod', '60']],
    ],
    [
      'two PublicKeyPolicyNames (ONE_OR_MORE)',
      'BackendServerAuthenticationPolicyType',
      [
        ['PublicKeyPolicyName', 'key-1'],
        ['PublicKeyPolicyName', 'key-2'],
      ],
    ],
    [
      'a predefined security policy as the reference',
      'SSLNegotiationPolicyType',
      [['Reference-Security-Policy', 'ELBSecurityPolicy-2016-08']],
    ],
  ] as [string, string, [string, string][]][])('accepts %s', async (_, type, attributes) => {
    await expect(create(type, attributes)).resolves.toMatchObject({
      $metadata: { httpStatusCode: 200 },
    });
  });

  test.each([
    ['an attribute the type does not have', 'ProxyProtocolPolicyType', [['Proxy', 'true']]],
    ['no ProxyProtocol (ONE)', 'ProxyProtocolPolicyType', []],
    [
      'ProxyProtocol twice (ONE)',
      'ProxyProtocolPolicyType',
      [
        ['ProxyProtocol', 'true'],
        ['ProxyProtocol', 'false'],
      ],
    ],
    [
      'CookieExpirationPeriod twice (ZERO_OR_ONE)',
      'LBCookieStickinessPolicyType',
      [
        ['CookieExpirationPeriod', '60'],
        ['CookieExpirationPeriod', '120'],
      ],
    ],
    ['no PublicKeyPolicyName (ONE_OR_MORE)', 'BackendServerAuthenticationPolicyType', []],
    ['a Boolean that is not one', 'ProxyProtocolPolicyType', [['ProxyProtocol', 'yes']]],
    [
      'a Long that is not one',
      'LBCookieStickinessPolicyType',
      [['CookieExpirationPeriod', 'soon']],
    ],
    ['a switch that is not Boolean', 'SSLNegotiationPolicyType', [['Protocol-TLSv1.2', 'on']]],
  ] as [string, string, [string, string][]][])(
    'refuses %s: InvalidConfigurationRequest, 409',
    async (_, type, attributes) => {
      await expect(create(type, attributes)).rejects.toMatchObject(
        refused('InvalidConfigurationRequestException', 409),
      );
    },
  );

  test("a name with AWS's ELBSample- or ELBSecurityPolicy- prefix is refused", async () => {
    for (const name of ['ELBSample-mine', 'ELBSecurityPolicy-mine'])
      await expect(
        create('ProxyProtocolPolicyType', [['ProxyProtocol', 'true']], name),
      ).rejects.toMatchObject(refused('InvalidConfigurationRequestException', 409));
  });

  test('a type AWS does not have is PolicyTypeNotFound', async () => {
    await expect(create('NoSuchType', [])).rejects.toMatchObject(
      refused('PolicyTypeNotFoundException'),
    );
  });
});

describe("DescribeLoadBalancerPolicies: a balancer's own policies, or AWS's sample policies", () => {
  const sim = classicSimulator();
  const describePolicies = async (LoadBalancerName?: string, PolicyNames?: string[]) =>
    (await sim.elb.send(new DescribeLoadBalancerPoliciesCommand({ LoadBalancerName, PolicyNames })))
      .PolicyDescriptions ?? [];
  const attributes = async (name: string) =>
    Object.fromEntries(
      (await describePolicies(undefined, [name]))[0]!.PolicyAttributeDescriptions!.map(
        (a): [string, string | undefined] => [a.AttributeName!, a.AttributeValue],
      ),
    );
  beforeAll(async () => {
    await sim.elb.send(
      new CreateLoadBalancerCommand({
        LoadBalancerName: 'lb',
        Listeners: [{ Protocol: 'TCP', LoadBalancerPort: 3306, InstancePort: 3306 }],
        AvailabilityZones: ['local-a'],
      }),
    );
    for (const [PolicyName, AttributeValue] of [
      ['on', 'true'],
      ['off', 'false'],
    ])
      await sim.elb.send(
        new CreateLoadBalancerPolicyCommand({
          LoadBalancerName: 'lb',
          PolicyName,
          PolicyTypeName: 'ProxyProtocolPolicyType',
          PolicyAttributes: [{ AttributeName: 'ProxyProtocol', AttributeValue }],
        }),
      );
  });

  test('with a balancer and no names: every policy of it', async () => {
    expect(await describePolicies('lb')).toEqual([
      {
        PolicyName: 'on',
        PolicyTypeName: 'ProxyProtocolPolicyType',
        PolicyAttributeDescriptions: [{ AttributeName: 'ProxyProtocol', AttributeValue: 'true' }],
      },
      {
        PolicyName: 'off',
        PolicyTypeName: 'ProxyProtocolPolicyType',
        PolicyAttributeDescriptions: [{ AttributeName: 'ProxyProtocol', AttributeValue: 'false' }],
      },
    ]);
  });

  test('with a balancer and names: those; one it does not have (a sample policy too) is PolicyNotFound', async () => {
    expect((await describePolicies('lb', ['off'])).map((p) => p.PolicyName)).toEqual(['off']);
    for (const missing of ['nope', 'ELBSecurityPolicy-2016-08'])
      await expect(describePolicies('lb', ['on', missing])).rejects.toMatchObject(
        refused('PolicyNotFoundException'),
      );
    await expect(describePolicies('gone')).rejects.toMatchObject(
      refused('AccessPointNotFoundException'),
    );
  });

  test("without a balancer: AWS's predefined policies, in ssl-config-update's order", async () => {
    const all = await describePolicies();
    expect(all.map((p) => [p.PolicyName, p.PolicyTypeName])).toEqual(
      PREDEFINED_POLICIES.map((name) => [name, 'SSLNegotiationPolicyType']),
    );
  });

  // elb-security-policy-table: ✓ is "true", an empty cell "false".
  test('ELBSecurityPolicy-TLS-1-2-2017-01, as the security policy table has it', async () => {
    expect(await attributes('ELBSecurityPolicy-TLS-1-2-2017-01')).toMatchObject({
      'Protocol-TLSv1': 'false',
      'Protocol-TLSv1.1': 'false',
      'Protocol-TLSv1.2': 'true',
      'Server-Defined-Cipher-Order': 'true',
      'ECDHE-ECDSA-AES128-GCM-SHA256': 'true',
      'ECDHE-RSA-AES128-SHA': 'false',
      'AES256-SHA256': 'true',
      'AES256-SHA': 'false',
      'DES-CBC3-SHA': 'false',
    });
  });

  test('ELBSecurityPolicy-2016-08 and -2015-03, as the table has them', async () => {
    expect(await attributes('ELBSecurityPolicy-2016-08')).toMatchObject({
      'Protocol-TLSv1': 'true',
      'ECDHE-RSA-AES128-SHA': 'true',
      'DHE-RSA-AES128-SHA': 'false',
      'DES-CBC3-SHA': 'false',
    });
    expect(await attributes('ELBSecurityPolicy-2015-03')).toMatchObject({
      'DHE-RSA-AES128-SHA': 'true',
      'DHE-DSS-AES128-SHA': 'true',
      'DES-CBC3-SHA': 'true',
    });
  });

  test("a sample policy by the guide's other name; an unknown one is PolicyNotFound", async () => {
    const [policy] = await describePolicies(undefined, [
      'ELBSample-OpenSSLDefaultNegotiationPolicy',
    ]);
    expect(policy).toMatchObject({
      PolicyName: 'ELBSample-OpenSSLDefaultNegotiationPolicy',
      PolicyTypeName: 'SSLNegotiationPolicyType',
    });
    await expect(describePolicies(undefined, ['ELBSample-Nope'])).rejects.toMatchObject(
      refused('PolicyNotFoundException'),
    );
  });
});

describe('where a policy may be set: SetLoadBalancerPoliciesOfListener and ForBackendServer', () => {
  const sim = classicSimulator();
  const policy = (PolicyName: string, PolicyTypeName: string, attributes: [string, string][]) =>
    sim.elb.send(
      new CreateLoadBalancerPolicyCommand({
        LoadBalancerName: 'lb',
        PolicyName,
        PolicyTypeName,
        PolicyAttributes: attributes.map(([AttributeName, AttributeValue]) => ({
          AttributeName,
          AttributeValue,
        })),
      }),
    );
  const ofListener = (LoadBalancerPort: number, PolicyNames: string[], LoadBalancerName = 'lb') =>
    sim.elb.send(
      new SetLoadBalancerPoliciesOfListenerCommand({
        LoadBalancerName,
        LoadBalancerPort,
        PolicyNames,
      }),
    );
  const forBackend = (PolicyNames: string[]) =>
    sim.elb.send(
      new SetLoadBalancerPoliciesForBackendServerCommand({
        LoadBalancerName: 'lb',
        InstancePort: 8443,
        PolicyNames,
      }),
    );
  const listenerPolicies = async () =>
    Object.fromEntries(
      (
        await sim.elb.send(new DescribeLoadBalancersCommand({ LoadBalancerNames: ['lb'] }))
      ).LoadBalancerDescriptions![0]!.ListenerDescriptions!.map(
        (d): [number, string[] | undefined] => [d.Listener!.LoadBalancerPort!, d.PolicyNames],
      ),
    );
  beforeAll(async () => {
    await sim.elb.send(
      new CreateLoadBalancerCommand({
        LoadBalancerName: 'lb',
        Listeners: [
          { Protocol: 'TCP', LoadBalancerPort: 3306, InstancePort: 3306 },
          {
            Protocol: 'HTTPS',
            LoadBalancerPort: 443,
            InstanceProtocol: 'HTTPS',
            InstancePort: 8443,
            SSLCertificateId: CERTIFICATE,
          },
        ],
        AvailabilityZones: ['local-a'],
      }),
    );
    await policy('proxy', 'ProxyProtocolPolicyType', [['ProxyProtocol', 'true']]);
    await policy('tls', 'SSLNegotiationPolicyType', [
      ['Reference-Security-Policy', 'ELBSecurityPolicy-TLS-1-2-2017-01'],
    ]);
    await policy('sticky', 'LBCookieStickinessPolicyType', [['CookieExpirationPeriod', '60']]);
    await policy('key', 'PublicKeyPolicyType', [['PublicKey', 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A']]);
    await policy('auth', 'BackendServerAuthenticationPolicyType', [['PublicKeyPolicyName', 'key']]);
  });

  test('an SSL negotiation policy on the HTTPS listener; DescribeLoadBalancers shows it there', async () => {
    await ofListener(443, ['tls']);
    expect(await listenerPolicies()).toEqual({ 3306: [], 443: ['tls'] });
  });

  test('a policy that is set on a listener cannot be deleted', async () => {
    await expect(
      sim.elb.send(
        new DeleteLoadBalancerPolicyCommand({ LoadBalancerName: 'lb', PolicyName: 'tls' }),
      ),
    ).rejects.toMatchObject(refused('InvalidConfigurationRequestException', 409));
  });

  test('an empty list takes every policy off the listener', async () => {
    await ofListener(443, []);
    expect(await listenerPolicies()).toEqual({ 3306: [], 443: [] });
  });

  test.each([
    ['a ProxyProtocol policy', 3306, ['proxy']],
    ['a ProxyProtocol policy on HTTPS', 443, ['proxy']],
    ['an SSL negotiation policy on a TCP listener', 3306, ['tls']],
    ['cookie stickiness on a TCP listener', 3306, ['sticky']],
    ['a public key policy', 443, ['key']],
    ['a back-end authentication policy', 443, ['auth']],
  ])('refuses %s: InvalidConfigurationRequest, 409', async (_, port, names) => {
    await expect(ofListener(port, names)).rejects.toMatchObject(
      refused('InvalidConfigurationRequestException', 409, `${names[0]} cannot be enabled`),
    );
  });

  test('a port without a listener is ListenerNotFound; an unknown policy PolicyNotFound; an unknown balancer LoadBalancerNotFound', async () => {
    await expect(ofListener(80, [])).rejects.toMatchObject(refused('ListenerNotFoundException'));
    await expect(ofListener(443, ['tls', 'nope'])).rejects.toMatchObject(
      refused('PolicyNotFoundException'),
    );
    await expect(ofListener(443, [], 'gone')).rejects.toMatchObject(
      refused('AccessPointNotFoundException'),
    );
    expect(await listenerPolicies()).toEqual({ 3306: [], 443: [] });
  });

  test('instance ports take ProxyProtocol and back-end authentication policies, nothing else', async () => {
    await forBackend(['proxy', 'auth']);
    for (const other of ['tls', 'sticky', 'key'])
      await expect(forBackend([other])).rejects.toMatchObject(
        refused('InvalidConfigurationRequestException', 409, `${other} cannot be enabled`),
      );
  });
});
