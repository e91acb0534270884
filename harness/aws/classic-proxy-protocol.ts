import {
  CreateLoadBalancerPolicyCommand,
  DescribeLoadBalancerPolicyTypesCommand,
  DescribeLoadBalancersCommand,
  SetLoadBalancerPoliciesForBackendServerCommand,
  type ElasticLoadBalancingClient,
} from '@aws-sdk/client-elastic-load-balancing';

/** The policy proxyproof creates; the name says who made it. */
export const PROXYPROOF_POLICY = 'proxyproof-proxy-protocol';

/**
 * Turns the PROXY protocol on or off for one instance port of a Classic ELB,
 * the blog's way, and verifies it took: DescribeLoadBalancerPolicyTypes,
 * CreateLoadBalancerPolicy (ProxyProtocol=true), SetLoadBalancerPoliciesForBackendServer,
 * DescribeLoadBalancers. The same calls go to AWS or to the local simulator.
 */
export async function setClassicProxyProtocol(
  elb: ElasticLoadBalancingClient,
  loadBalancerName: string,
  instancePort: number,
  on: boolean,
): Promise<void> {
  const types = await elb.send(
    new DescribeLoadBalancerPolicyTypesCommand({ PolicyTypeNames: ['ProxyProtocolPolicyType'] }),
  );
  if (!types.PolicyTypeDescriptions?.some((t) => t.PolicyTypeName === 'ProxyProtocolPolicyType')) {
    throw new Error('the ELB API offers no ProxyProtocolPolicyType');
  }
  if (on) {
    await elb
      .send(
        new CreateLoadBalancerPolicyCommand({
          LoadBalancerName: loadBalancerName,
          PolicyName: PROXYPROOF_POLICY,
          PolicyTypeName: 'ProxyProtocolPolicyType',
          PolicyAttributes: [{ AttributeName: 'ProxyProtocol', AttributeValue: 'true' }],
        }),
      )
      .catch((e: Error) => {
        if (e.name !== 'DuplicatePolicyNameException') throw e;
      });
  }
  await elb.send(
    new SetLoadBalancerPoliciesForBackendServerCommand({
      LoadBalancerName: loadBalancerName,
      InstancePort: instancePort,
      PolicyNames: on ? [PROXYPROOF_POLICY] : [],
    }),
  );
  const described = await elb.send(
    new DescribeLoadBalancersCommand({ LoadBalancerNames: [loadBalancerName] }),
  );
  const applied = described.LoadBalancerDescriptions?.[0]?.BackendServerDescriptions?.find(
    (b) => b.InstancePort === instancePort,
  );
  const isOn = applied?.PolicyNames?.includes(PROXYPROOF_POLICY) ?? false;
  if (isOn !== on) {
    throw new Error(
      `DescribeLoadBalancers shows the policy ${isOn ? 'still on' : 'missing'} on instance port ${instancePort}`,
    );
  }
}
