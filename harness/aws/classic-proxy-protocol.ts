import {
  CreateLoadBalancerPolicyCommand,
  DescribeLoadBalancerPolicyTypesCommand,
  DescribeLoadBalancersCommand,
  SetLoadBalancerPoliciesForBackendServerCommand,
  type ElasticLoadBalancingClient,
} from '@aws-sdk/client-elastic-load-balancing';

/** The policy proxyproof creates locally; on AWS each run's carries its run id (see aws/classic-elb.ts). */
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
  policyName = PROXYPROOF_POLICY,
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
          PolicyName: policyName,
          PolicyTypeName: 'ProxyProtocolPolicyType',
          PolicyAttributes: [{ AttributeName: 'ProxyProtocol', AttributeValue: 'true' }],
        }),
      )
      .catch((e: unknown) => {
        if (!(e instanceof Error) || e.name !== 'DuplicatePolicyNameException') throw e;
      });
  }
  await elb.send(
    new SetLoadBalancerPoliciesForBackendServerCommand({
      LoadBalancerName: loadBalancerName,
      InstancePort: instancePort,
      PolicyNames: on ? [policyName] : [],
    }),
  );
  const described = await elb.send(
    new DescribeLoadBalancersCommand({ LoadBalancerNames: [loadBalancerName] }),
  );
  const applied = described.LoadBalancerDescriptions?.[0]?.BackendServerDescriptions?.find(
    (b) => b.InstancePort === instancePort,
  );
  const isOn = applied?.PolicyNames?.includes(policyName) ?? false;
  if (isOn !== on) {
    throw new Error(
      `DescribeLoadBalancers shows the policy ${isOn ? 'still on' : 'missing'} on instance port ${instancePort}`,
    );
  }
}
