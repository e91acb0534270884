import type { Server } from 'node:http';
import {
  CreateLoadBalancerCommand,
  CreateLoadBalancerPolicyCommand,
  DescribeLoadBalancerPoliciesCommand,
  DescribeLoadBalancerPolicyTypesCommand,
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingClient,
  SetLoadBalancerPoliciesForBackendServerCommand,
} from '@aws-sdk/client-elastic-load-balancing';
import { simulatorClient } from '../../harness/aws/local-elb.ts';
import { ElbState } from '../../harness/aws/elb-simulator/model.ts';
import { startElbApi } from '../../harness/aws/elb-simulator/server.ts';

// The real AWS SDK against the simulator on loopback, with dummy credentials:
// the blog's sequence, step by step.
describe('ELB API simulator, driven by @aws-sdk/client-elastic-load-balancing', () => {
  let server: Server;
  let elb: ElasticLoadBalancingClient;
  const changes: string[] = [];
  const state = new ElbState((lb) => {
    changes.push(lb.LoadBalancerName);
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
