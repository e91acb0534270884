import type { BalancerSpec } from '../../topology/haproxy-config.ts';
import type { BalancerChange, Haproxy } from './stand-in.ts';
import { backendsHealth } from './backend-health.ts';
import { setClassicProxyProtocol } from '../../aws/classic-proxy-protocol.ts';
import { parseHealthCheckTarget, type HealthCheck } from '../../aws/elb-simulator/health.ts';
import {
  ElbState,
  proxyProtocolOn,
  type BalancerDriver,
  type LoadBalancer,
} from '../../aws/elb-simulator/model.ts';
import { SUBNETS } from '../../aws/elb-simulator/simulated-vpc.ts';
import { classicElbApi } from '../../aws/elb-simulator/classic-api.ts';
import { simulatorClient, withSimulatedApi } from '../../aws/local-simulator.ts';

/** What the Classic ELB drives: the balancer's config, over the backends it can see. */
export type ElbTopology = Pick<Haproxy, 'reconfigure' | 'backends' | 'backendStates'>;

/**
 * A load balancer driving this topology's HAProxy from the whole balancer:
 * v1 on `instancePort` while a ProxyProtocol policy applies there, servers
 * for the registered instances (the backends, by name), and the health check
 * once ConfigureHealthCheck has set one; its instances as HAProxy sees them.
 * The API's reply waits for the reload, so a change is live once the call returns.
 */
export function haproxyDriver(topology: ElbTopology, instancePort: number): BalancerDriver {
  return {
    apply: (lb) => topology.reconfigure(balancerChange(lb, instancePort)),
    health: (ids) => backendsHealth(topology, ids),
  };
}

/** The whole load balancer in HAProxy's terms. */
function balancerChange(lb: LoadBalancer, instancePort: number): BalancerChange {
  const proxyOn = (port: number) => proxyProtocolOn(lb, port);
  return {
    proxyProtocol: proxyOn(instancePort) ? 'v1' : 'none',
    instances: [...lb.Instances],
    healthCheck: lb.HealthCheck && haproxyCheck(lb.HealthCheck, proxyOn),
  };
}

/**
 * An ELB health check as HAProxy's. Always on the target's own port, which
 * keeps the PROXY header out of checks unless asked for: an ELB's TCP and SSL
 * checks carry it where the policy applies on that port, its HTTP(S) ones never.
 */
function haproxyCheck(
  check: HealthCheck,
  proxyOn: (port: number) => boolean,
): BalancerSpec['healthCheck'] {
  const { protocol, port, path } = parseHealthCheckTarget(check.Target);
  const header = path === undefined && proxyOn(port);
  return {
    kind: path !== undefined ? 'http' : header ? 'aws-header' : 'tcp',
    path,
    port,
    ssl: protocol === 'SSL' || protocol === 'HTTPS',
    intervalMs: check.Interval * 1000,
    timeoutMs: check.Timeout * 1000,
    rise: check.HealthyThreshold,
    fall: check.UnhealthyThreshold,
  };
}

/**
 * The Classic ELB API with one load balancer (`name`, a TCP listener
 * forwarding to the instance port, in the simulated VPC's first zone) in
 * front of the topology's backends, all registered, whose changes drive its
 * HAProxy. As on AWS, the balancer exists before anyone sets a policy on it.
 * Balancers created through the API later drive nothing: there is one HAProxy.
 */
export function localClassicElb(
  topology: ElbTopology,
  name: string,
  listener: { port: number; instancePort: number },
): ElbState {
  const instanceIds = topology.backends.map((b) => b.name);
  const state = new ElbState({ instanceIds });
  state.createLoadBalancer(
    {
      LoadBalancerName: name,
      Listeners: [
        {
          Protocol: 'TCP',
          LoadBalancerPort: listener.port,
          InstanceProtocol: 'TCP',
          InstancePort: listener.instancePort,
        },
      ],
      AvailabilityZones: [SUBNETS[0].ZoneName],
      Subnets: [],
      SecurityGroups: [],
    },
    haproxyDriver(topology, listener.instancePort),
  );
  state.registerInstances(name, instanceIds);
  return state;
}

/**
 * Sets a local Classic ELB's PROXY policy through the ELB API: the simulator on
 * loopback, driving this topology's HAProxy, called by the same SDK code that
 * runs against AWS.
 */
export async function setPolicyThroughElbApi(
  topology: ElbTopology,
  listener: { port: number; instancePort: number },
  on: boolean,
): Promise<void> {
  const name = 'proxyproof';
  const state = localClassicElb(topology, name, listener);
  await withSimulatedApi(classicElbApi(state), simulatorClient, (elb) =>
    setClassicProxyProtocol(elb, name, listener.instancePort, on),
  );
}
