import type { Server } from 'node:http';
import { awsElb, hasAwsCli } from '../support/aws-cli.ts';
import { ElbState } from '../../harness/aws/elb-simulator/model.ts';
import { startElbApi } from '../../harness/aws/elb-simulator/server.ts';

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
