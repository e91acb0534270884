// The balancers `proxyproof simulate` can put in front of its backends, each
// as API state driving the topology's HAProxy, with what to print about it.
import { localClassicElb } from '../components/balancers/simulated-classic-elb.ts';
import { localNlb } from '../components/balancers/simulated-nlb.ts';
import { ElbState } from '../aws/elb-simulator/model.ts';
import { ElbV2State } from '../aws/elb-simulator/v2-model.ts';
import type { Haproxy } from '../components/balancers/stand-in.ts';

export const BALANCER_KINDS = ['classic-elb', 'nlb'] as const;
export type BalancerKind = (typeof BALANCER_KINDS)[number];

export interface SimulatedBalancer {
  /** Both APIs answer on the simulator's endpoint, as both do on AWS; one of them drives HAProxy. */
  classic: ElbState;
  v2: ElbV2State;
  /** How the ready line names the balancer. */
  ids: Record<string, string>;
  /** The API's headline and the aws commands that turn the PROXY protocol on. */
  commands(endpoint: string): string[];
  /** What turns it on, in words. */
  switch: string;
}

function classicElb(topology: Haproxy, region: string, port: number): SimulatedBalancer {
  const name = 'proxy-protocol';
  const classic = localClassicElb(topology, name, { port, instancePort: port });
  return {
    classic,
    v2: new ElbV2State(region),
    ids: { loadBalancerName: name },
    switch: 'the policy',
    commands: (endpoint) => [
      `ELB API ready at ${endpoint} (any credentials; region ${region}). Try the blog's commands:`,
      `  aws elb describe-load-balancer-policy-types --endpoint-url ${endpoint}`,
      `  aws elb create-load-balancer-policy --endpoint-url ${endpoint} --load-balancer-name ${name} \\`,
      '      --policy-name proxy-protocol-policy --policy-type-name ProxyProtocolPolicyType \\',
      '      --policy-attributes AttributeName=ProxyProtocol,AttributeValue=True',
      `  aws elb set-load-balancer-policies-for-backend-server --endpoint-url ${endpoint} \\`,
      `      --load-balancer-name ${name} --policy-names proxy-protocol-policy --instance-port ${port}`,
      `  aws elb describe-load-balancers --endpoint-url ${endpoint}`,
    ],
  };
}

function nlb(topology: Haproxy, region: string, port: number): SimulatedBalancer {
  const { state, loadBalancer, targetGroup } = localNlb(topology, {
    region,
    name: 'proxyproof-nlb',
    targetGroupName: 'proxyproof-targets',
    port,
  });
  const tg = `--target-group-arn ${targetGroup.TargetGroupArn}`;
  return {
    classic: new ElbState(),
    v2: state,
    ids: {
      loadBalancerArn: loadBalancer.LoadBalancerArn,
      targetGroupArn: targetGroup.TargetGroupArn,
    },
    switch: 'proxy_protocol_v2.enabled=true (once preserve_client_ip.enabled=false)',
    commands: (endpoint) => [
      `ELB APIs (v2 and Classic) ready at ${endpoint} (any credentials; region ${region}). Try:`,
      `  aws elbv2 describe-target-group-attributes --endpoint-url ${endpoint} \\`,
      `      ${tg}`,
      // AWS's default for instance targets keeps the client as the TCP peer: MariaDB sees you
      // already, and refuses a PROXY header from you unless it trusts your network.
      '  # preserve_client_ip.enabled is true, as on AWS: turn it off to see the header do its work',
      `  aws elbv2 modify-target-group-attributes --endpoint-url ${endpoint} \\`,
      `      ${tg} \\`,
      '      --attributes Key=preserve_client_ip.enabled,Value=false',
      `  aws elbv2 modify-target-group-attributes --endpoint-url ${endpoint} \\`,
      `      ${tg} \\`,
      '      --attributes Key=proxy_protocol_v2.enabled,Value=true',
      `  aws elbv2 describe-target-health --endpoint-url ${endpoint} ${tg}`,
    ],
  };
}

/** A `kind` balancer on `topology`'s listener `port`. */
export function simulatedBalancer(
  kind: BalancerKind,
  topology: Haproxy,
  region: string,
  port: number,
): SimulatedBalancer {
  return (kind === 'nlb' ? nlb : classicElb)(topology, region, port);
}
