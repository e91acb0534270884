import type { Haproxy } from './stand-in.ts';
import { elbV2Api } from '../../aws/elb-simulator/v2-api.ts';
import { nlbSimulatorClient, withSimulatedApi } from '../../aws/local-simulator.ts';
import { setNlbProxyProtocol } from '../../aws/nlb.ts';
import {
  ElbV2State,
  type NetworkLoadBalancer,
  type TargetGroup,
} from '../../aws/elb-simulator/v2-model.ts';

/** What a local NLB drives: the balancer's PROXY setting, over its backends. */
export type NlbTopology = Pick<Haproxy, 'setProxyProtocol' | 'backends'>;

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
  await withSimulatedApi(elbV2Api(state), nlbSimulatorClient, (elbv2) =>
    setNlbProxyProtocol(elbv2, targetGroup.TargetGroupArn, on),
  );
}
