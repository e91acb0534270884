import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { LocalTopology } from '../topology/local-topology.ts';
import { elbV2Api } from './elb-simulator/v2-api.ts';
import { startQueryApi } from './elb-simulator/server.ts';
import { nlb } from './nlb.ts';
import {
  ElbV2State,
  type NetworkLoadBalancer,
  type TargetGroup,
} from './elb-simulator/v2-model.ts';

/** What a local NLB drives: the balancer's PROXY setting, over its backends. */
export type NlbTopology = Pick<LocalTopology, 'setProxyProtocol' | 'backends'>;

export interface LocalNlb {
  state: ElbV2State;
  loadBalancer: NetworkLoadBalancer;
  targetGroup: TargetGroup;
}

/**
 * One NLB (`name`, TCP `port` forwarding to the target group
 * `targetGroupName` of the topology's backends) whose
 * proxy_protocol_v2.enabled drives this topology's HAProxy: send-proxy-v2
 * while true, no header while false. The API's reply waits for the reload, so
 * a change is live once the call returns.
 */
export function localNlb(
  topology: NlbTopology,
  spec: { region: string; name: string; targetGroupName: string; port: number },
): LocalNlb {
  const state: ElbV2State = new ElbV2State(spec.region, (tg) =>
    tg.TargetGroupArn === targetGroup.TargetGroupArn
      ? topology.setProxyProtocol(state.proxyProtocolV2On(tg.TargetGroupArn) ? 'v2' : 'none')
      : undefined,
  );
  const loadBalancer = state.createLoadBalancer(spec.name);
  const targetGroup = state.createTargetGroup(spec.targetGroupName, spec.port);
  state.createListener(loadBalancer.LoadBalancerArn, spec.port, targetGroup.TargetGroupArn);
  state.registerTargets(
    targetGroup.TargetGroupArn,
    topology.backends.map((b) => b.name),
  );
  return { state, loadBalancer, targetGroup };
}

/** An ELBv2 SDK client for the simulator: dummy credentials, never AWS. */
export const nlbSimulatorClient = (endpoint: string, region = 'local') =>
  new ElasticLoadBalancingV2Client({
    endpoint,
    region,
    credentials: { accessKeyId: 'proxyproof', secretAccessKey: 'proxyproof' },
  });

/**
 * Sets a local NLB's PROXY v2 through the ELBv2 API: the simulator on loopback,
 * driving this topology's HAProxy, called by the NLB provider that runs
 * against AWS.
 */
export async function setNlbProxyProtocolThroughApi(
  topology: NlbTopology,
  port: number,
  on: boolean,
): Promise<void> {
  const { state, targetGroup } = localNlb(topology, {
    region: 'local',
    name: 'proxyproof',
    targetGroupName: 'proxyproof',
    port,
  });
  const { server, endpoint } = await startQueryApi([elbV2Api(state)]);
  const elbv2 = nlbSimulatorClient(endpoint);
  try {
    const balancer = nlb(elbv2, {
      targetGroupArn: targetGroup.TargetGroupArn,
      listener: { address: '127.0.0.1', port },
    });
    await balancer.setProxyProtocol(on);
  } finally {
    elbv2.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
}
