import type { Server } from 'node:http';
import { awsElb, hasAwsCli } from '../support/aws-cli.ts';
import { ElbState } from '../../harness/aws/elb-simulator/model.ts';
import { startElbApi } from '../../harness/aws/elb-simulator/server.ts';
import { PREDEFINED_POLICIES } from '../support/aws-documented.ts';
import { tcpBalancer } from '../support/classic-balancer.ts';

const CERTIFICATE = 'arn:aws:iam::123456789012:server-certificate/my-server-cert';

const title = hasAwsCli
  ? "the blog's aws elb commands against the simulator"
  : "the blog's aws elb commands — SKIPPED: Debian's awscli is not installed (apt-get install awscli)";

(hasAwsCli ? describe : describe.skip)(title, () => {
  let server: Server;
  let endpoint: string;
  const state = new ElbState();

  beforeAll(async () => {
    ({ server, endpoint } = await startElbApi(state));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const elb = (...args: string[]) => awsElb(endpoint, ...args);

  test('describe, create, set on port 3306, describe again; an empty set turns it off', async () => {
    await elb(
      'create-load-balancer',
      '--load-balancer-name',
      'proxy-protocol',
      '--listeners',
      'Protocol=TCP,LoadBalancerPort=3306,InstanceProtocol=TCP,InstancePort=3306',
      '--availability-zones',
      'local-a',
    );

    const types = (await elb('describe-load-balancer-policy-types')) as {
      PolicyTypeDescriptions: {
        PolicyTypeName: string;
        PolicyAttributeTypeDescriptions: unknown[];
      }[];
    };
    const proxy = types.PolicyTypeDescriptions.find(
      (t) => t.PolicyTypeName === 'ProxyProtocolPolicyType',
    );
    expect(proxy?.PolicyAttributeTypeDescriptions).toEqual([
      { AttributeName: 'ProxyProtocol', AttributeType: 'Boolean', Cardinality: 'ONE' },
    ]);

    await elb(
      'create-load-balancer-policy',
      '--policy-name',
      'proxy-protocol-policy',
      '--load-balancer-name',
      'proxy-protocol',
      '--policy-type-name',
      'ProxyProtocolPolicyType',
      '--policy-attributes',
      'AttributeName=ProxyProtocol,AttributeValue=True',
    );
    await elb(
      'set-load-balancer-policies-for-backend-server',
      '--load-balancer-name',
      'proxy-protocol',
      '--policy-names',
      'proxy-protocol-policy',
      '--instance-port',
      '3306',
    );
    expect(state.proxyProtocolOn('proxy-protocol', 3306)).toBe(true);

    const described = (await elb('describe-load-balancers')) as {
      LoadBalancerDescriptions: {
        Policies: { OtherPolicies: string[] };
        BackendServerDescriptions: unknown[];
      }[];
    };
    const lb = described.LoadBalancerDescriptions[0]!;
    expect(lb.Policies.OtherPolicies).toEqual(['proxy-protocol-policy']);
    expect(lb.BackendServerDescriptions).toEqual([
      { InstancePort: 3306, PolicyNames: ['proxy-protocol-policy'] },
    ]);

    await elb(
      'set-load-balancer-policies-for-backend-server',
      '--load-balancer-name',
      'proxy-protocol',
      '--policy-names',
      '[]',
      '--instance-port',
      '3306',
    );
    expect(state.proxyProtocolOn('proxy-protocol', 3306)).toBe(false);
  }, 60_000);
});

type Described = { LoadBalancerDescriptions: { LoadBalancerName: string }[]; NextMarker?: string };

/**
 * The Classic API on loopback for the describe block that calls this, with a
 * TCP balancer of each name in it; `elb` runs `aws elb ...` against it.
 */
function cliSimulator(...names: string[]) {
  let server: Server;
  let endpoint: string;
  const state = new ElbState();
  beforeAll(async () => {
    ({ server, endpoint } = await startElbApi(state));
    for (const name of names) state.createLoadBalancer(tcpBalancer(name));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  return { elb: (...args: string[]) => awsElb(endpoint, ...args) };
}

(hasAwsCli ? describe : describe.skip)('the aws CLI on API-made balancers and policies', () => {
  const { elb } = cliSimulator('lb-1');
  const create = (name: string, ...listeners: string[]) =>
    elb(
      'create-load-balancer',
      '--load-balancer-name',
      name,
      '--listeners',
      ...listeners,
      '--availability-zones',
      'local-a',
    );

  test('describe-load-balancer-policy-types lists the six types of the aws CLI example', async () => {
    const out = (await elb('describe-load-balancer-policy-types')) as {
      PolicyTypeDescriptions: { PolicyTypeName: string }[];
    };
    expect(out.PolicyTypeDescriptions.map((t) => t.PolicyTypeName)).toEqual([
      'ProxyProtocolPolicyType',
      'PublicKeyPolicyType',
      'AppCookieStickinessPolicyType',
      'LBCookieStickinessPolicyType',
      'SSLNegotiationPolicyType',
      'BackendServerAuthenticationPolicyType',
    ]);
  }, 60_000);

  // ssl-config-update's own command and its example output.
  test("ssl-config-update's listing of the predefined policies", async () => {
    const out = (await elb(
      'describe-load-balancer-policies',
      '--query',
      'PolicyDescriptions[?PolicyTypeName==`SSLNegotiationPolicyType`].{PolicyName:PolicyName}',
    )) as unknown as { PolicyName: string }[];
    expect(out.map((p) => p.PolicyName)).toEqual(PREDEFINED_POLICIES);
  }, 60_000);

  test("ssl-config-update's HTTPS steps: a predefined policy by reference on port 443, then off", async () => {
    await create(
      'https-lb',
      `Protocol=HTTPS,LoadBalancerPort=443,InstanceProtocol=HTTP,InstancePort=80,SSLCertificateId=${CERTIFICATE}`,
    );
    await elb(
      'create-load-balancer-policy',
      '--load-balancer-name',
      'https-lb',
      '--policy-name',
      'my-SSLNegotiation-policy',
      '--policy-type-name',
      'SSLNegotiationPolicyType',
      '--policy-attributes',
      'AttributeName=Reference-Security-Policy,AttributeValue=ELBSecurityPolicy-2016-08',
    );
    const setOn443 = (...names: string[]) =>
      elb(
        'set-load-balancer-policies-of-listener',
        '--load-balancer-name',
        'https-lb',
        '--load-balancer-port',
        '443',
        '--policy-names',
        ...(names.length > 0 ? names : ['[]']),
      );
    const on443 = async () =>
      (await elb(
        'describe-load-balancers',
        '--load-balancer-names',
        'https-lb',
        '--query',
        'LoadBalancerDescriptions[0].ListenerDescriptions[0]',
      )) as unknown;
    await setOn443('my-SSLNegotiation-policy');
    expect(await on443()).toEqual({
      Listener: {
        Protocol: 'HTTPS',
        LoadBalancerPort: 443,
        InstanceProtocol: 'HTTP',
        InstancePort: 80,
        SSLCertificateId: CERTIFICATE,
      },
      PolicyNames: ['my-SSLNegotiation-policy'],
    });
    await setOn443();
    expect(await on443()).toMatchObject({ PolicyNames: [] });
  }, 60_000);

  test('a ProxyProtocol policy on a listener: InvalidConfigurationRequest', async () => {
    await elb(
      'create-load-balancer-policy',
      '--load-balancer-name',
      'lb-1',
      '--policy-name',
      'pp',
      '--policy-type-name',
      'ProxyProtocolPolicyType',
      '--policy-attributes',
      'AttributeName=ProxyProtocol,AttributeValue=true',
    );
    await expect(
      elb(
        'set-load-balancer-policies-of-listener',
        '--load-balancer-name',
        'lb-1',
        '--load-balancer-port',
        '3306',
        '--policy-names',
        'pp',
      ),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('(InvalidConfigurationRequest)') });
  }, 60_000);

  test('create-load-balancer refuses a UDP listener, and a balancer in no zone and no subnet', async () => {
    await expect(
      elb(
        'create-load-balancer',
        '--load-balancer-name',
        'udp',
        '--listeners',
        'Protocol=UDP,LoadBalancerPort=53,InstancePort=53',
        '--availability-zones',
        'local-a',
      ),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('(UnsupportedProtocol)') });
    await expect(
      elb(
        'create-load-balancer',
        '--load-balancer-name',
        'noaz',
        '--listeners',
        'Protocol=TCP,LoadBalancerPort=1,InstancePort=1',
      ),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining(
        '(ValidationError) when calling the CreateLoadBalancer operation: Either AvailabilityZones or SubnetIds must be specified',
      ),
    });
  }, 60_000);
});

(hasAwsCli ? describe : describe.skip)('paging DescribeLoadBalancers with the aws CLI', () => {
  const { elb } = cliSimulator('lb-1', 'lb-2', 'lb-3');
  const names = (page: Described) => page.LoadBalancerDescriptions.map((d) => d.LoadBalancerName);

  // The CLI's --page-size is DescribeLoadBalancers' own PageSize here (the
  // paginator's limit_key has the same name), and a manual paging argument
  // turns the CLI's paging off: one page comes back with its NextMarker, and
  // --marker asks for the next, as a program pages through the API.
  test('--page-size 1: one balancer a call, and --marker pages through all three', async () => {
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = (await elb(
        'describe-load-balancers',
        '--page-size',
        '1',
        ...(marker === undefined ? [] : ['--marker', marker]),
      )) as unknown as Described;
      expect(page.LoadBalancerDescriptions).toHaveLength(1);
      seen.push(...names(page));
      marker = page.NextMarker;
    } while (marker !== undefined);
    expect(seen).toEqual(['lb-1', 'lb-2', 'lb-3']);
  }, 60_000);

  test("the CLI's own paging: --max-items 2, then --starting-token for the rest", async () => {
    const first = (await elb(
      'describe-load-balancers',
      '--max-items',
      '2',
    )) as unknown as Described & {
      NextToken?: string;
    };
    expect(names(first)).toEqual(['lb-1', 'lb-2']);
    const rest = (await elb(
      'describe-load-balancers',
      '--starting-token',
      first.NextToken!,
    )) as unknown as Described;
    expect(names(rest)).toEqual(['lb-3']);
  }, 60_000);
});
