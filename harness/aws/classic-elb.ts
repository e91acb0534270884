import {
  DeleteLoadBalancerPolicyCommand,
  DescribeLoadBalancersCommand,
  SetLoadBalancerPoliciesForBackendServerCommand,
  type ElasticLoadBalancingClient,
} from '@aws-sdk/client-elastic-load-balancing';
import { setClassicProxyProtocol } from './classic-proxy-protocol.ts';
import type { RemoteBalancer, RestoreRecord } from './remote-balancer.ts';

/**
 * Classic ELB policies cannot carry tags, so the run id (which starts with the
 * time) is in the policy's name: `aws sweep` finds leftovers and their age by it.
 */
export const runPolicyName = (runId: string) => `proxyproof-${runId}`;
const RUN_POLICY = /^proxyproof-(\d{8})-(\d{6})-[0-9a-f]+$/;

/** When the run that named this policy started, or null if proxyproof did not name it. */
export function runPolicyTime(policyName: string): Date | null {
  const m = RUN_POLICY.exec(policyName);
  if (!m) return null;
  const [d, t] = [m[1]!, m[2]!];
  return new Date(
    `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}T${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4)}Z`,
  );
}

/** A bring-your-own Classic ELB: the blog's calls, on one instance port. */
export function classicElb(
  elb: ElasticLoadBalancingClient,
  target: {
    loadBalancerName: string;
    instancePort: number;
    listener?: { address: string; port: number };
  },
  runId: string,
): RemoteBalancer {
  const { loadBalancerName, instancePort } = target;
  const policyName = runPolicyName(runId);
  return {
    label: `Classic ELB ${loadBalancerName}, instance port ${instancePort}`,
    async prepare() {
      const described = await elb.send(
        new DescribeLoadBalancersCommand({ LoadBalancerNames: [loadBalancerName] }),
      );
      const lb = described.LoadBalancerDescriptions?.[0];
      if (!lb) throw new Error(`DescribeLoadBalancers returned no ${loadBalancerName}`);
      const forwarding = lb.ListenerDescriptions?.find(
        (d) => d.Listener?.InstancePort === instancePort,
      )?.Listener;
      if (!forwarding)
        throw new Error(
          `${loadBalancerName} has no listener forwarding to instance port ${instancePort}`,
        );
      const policyNames =
        lb.BackendServerDescriptions?.find((b) => b.InstancePort === instancePort)?.PolicyNames ??
        [];
      const exists = lb.Policies?.OtherPolicies?.includes(policyName) ?? false;
      const warnings =
        policyNames.length > 0
          ? [
              `instance port ${instancePort} had backend policies ${policyNames.join(', ')} before this run; they are set aside for the run and restored after it`,
            ]
          : [];
      return {
        restore: {
          kind: 'classic-elb',
          loadBalancerName,
          instancePort,
          policyNames,
          createdPolicy: exists ? null : policyName,
        },
        listener: target.listener ?? {
          address: lb.DNSName ?? '',
          port: forwarding.LoadBalancerPort!,
        },
        warnings,
      };
    },
    setProxyProtocol: (on) =>
      setClassicProxyProtocol(elb, loadBalancerName, instancePort, on, policyName),
  };
}

/** Puts a Classic ELB's instance port back as it was, then removes the run's policy. */
export async function restoreClassicElb(
  elb: ElasticLoadBalancingClient,
  r: Extract<RestoreRecord, { kind: 'classic-elb' }>,
): Promise<void> {
  await elb.send(
    new SetLoadBalancerPoliciesForBackendServerCommand({
      LoadBalancerName: r.loadBalancerName,
      InstancePort: r.instancePort,
      PolicyNames: r.policyNames,
    }),
  );
  // DeleteLoadBalancerPolicy declares no not-found error: deleting a policy the
  // run never got to create is not a failure (the simulator behaves the same).
  if (r.createdPolicy) {
    await elb.send(
      new DeleteLoadBalancerPolicyCommand({
        LoadBalancerName: r.loadBalancerName,
        PolicyName: r.createdPolicy,
      }),
    );
  }
}
