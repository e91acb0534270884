import type { Haproxy } from './stand-in.ts';
import { backendsHealth } from './backend-health.ts';
import { elbV2Api } from '../../aws/elb-simulator/v2-api.ts';
import { nlbSimulatorClient, withSimulatedApi } from '../../aws/local-simulator.ts';
import { setNlbProxyProtocol } from '../../aws/nlb.ts';
import {
  attributeOn,
  ElbV2State,
  type NetworkLoadBalancer,
  type TargetGroup,
  type TargetGroupDriver,
} from '../../aws/elb-simulator/v2-model.ts';

/** What a local NLB drives: the balancer's config, over the backends it can see. */
export type NlbTopology = Pick<Haproxy, 'reconfigure' | 'backends' | 'backendStates'>;

export interface LocalNlb {
  state: ElbV2State;
  loadBalancer: NetworkLoadBalancer;
  targetGroup: TargetGroup;
}

/**
 * A target group driving this topology's HAProxy: send-proxy-v2 while
 * proxy_protocol_v2.enabled is true, client IP preservation as its attribute
 * says, servers for the registered targets (the backends, by name); its
 * targets as HAProxy sees them. The API's reply waits for the reload, so a
 * change is live once the call returns.
 */
function haproxyTargetGroup(topology: NlbTopology): TargetGroupDriver {
  return {
    apply: (tg) =>
      topology.reconfigure({
        proxyProtocol: attributeOn(tg, 'proxy_protocol_v2.enabled') ? 'v2' : 'none',
        preserveClientIp: attributeOn(tg, 'preserve_client_ip.enabled'),
        instances: [...new Set(tg.Targets.map((t) => t.Id))],
      }),
    health: (ids) => backendsHealth(topology, ids),
  };
}

/**
 * One NLB (`name`, TCP `port` forwarding to the target group
 * `targetGroupName` of the topology's backends, all registered) whose target
 * group drives this topology's HAProxy. A scenario's preserve_client_ip,
 * where it names one, is the group's from the start (AWS's default otherwise).
 */
export function localNlb(
  topology: NlbTopology,
  spec: {
    region: string;
    name: string;
    targetGroupName: string;
    port: number;
    preserveClientIp?: boolean;
  },
): LocalNlb {
  const instanceIds = topology.backends.map((b) => b.name);
  const state = new ElbV2State(spec.region, { instanceIds });
  const loadBalancer = state.createLoadBalancer(spec.name);
  const targetGroup = state.createTargetGroup(
    spec.targetGroupName,
    spec.port,
    haproxyTargetGroup(topology),
  );
  state.createListener(loadBalancer.LoadBalancerArn, spec.port, targetGroup.TargetGroupArn);
  // The group is made with it, so the topology is never driven with AWS's default in between.
  if (spec.preserveClientIp !== undefined)
    targetGroup.Attributes.set('preserve_client_ip.enabled', String(spec.preserveClientIp));
  state.registerTargets(
    targetGroup.TargetGroupArn,
    instanceIds.map((Id) => ({ Id })),
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
  preserveClientIp: boolean,
): Promise<void> {
  const { state, targetGroup } = localNlb(topology, {
    region: 'local',
    name: 'proxyproof',
    targetGroupName: 'proxyproof',
    port,
    preserveClientIp,
  });
  await withSimulatedApi(elbV2Api(state), nlbSimulatorClient, (elbv2) =>
    setNlbProxyProtocol(elbv2, targetGroup.TargetGroupArn, on),
  );
}
