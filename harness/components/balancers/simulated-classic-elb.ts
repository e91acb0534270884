import type { BalancerSpec } from '../../topology/haproxy-config.ts';
import type { BackendState, BalancerChange, Haproxy } from './stand-in.ts';
import { setClassicProxyProtocol } from '../../aws/classic-proxy-protocol.ts';
import {
  parseHealthCheckTarget,
  type HealthCheck,
  type InstanceCondition,
} from '../../aws/elb-simulator/health.ts';
import { ElbState, type LoadBalancer } from '../../aws/elb-simulator/model.ts';
import { classicElbApi } from '../../aws/elb-simulator/classic-api.ts';
import { simulatorClient, withSimulatedApi } from '../../aws/local-simulator.ts';

/** What the Classic ELB drives: the balancer's config, over the backends it can see. */
export type ElbTopology = Pick<Haproxy, 'reconfigure' | 'backends' | 'backendStates'>;

/**
 * ELB state whose changes reconfigure this topology's HAProxy from the whole
 * load balancer: v1 on `instancePort` while a ProxyProtocol policy applies
 * there, servers for the registered instances (the backends, by name), and
 * the health check once ConfigureHealthCheck has set one. The API's reply
 * waits for the reload, so a change is live once the call returns.
 */
export function elbStateDriving(topology: ElbTopology, instancePort: number): ElbState {
  const state: ElbState = new ElbState(
    (lb) => topology.reconfigure(balancerChange(state, lb, instancePort)),
    {
      instanceIds: topology.backends.map((b) => b.name),
      instanceHealth: async (ids) => {
        const seen = await topology.backendStates();
        return ids.map((id) => instanceCondition(seen.find((b) => b.name === id)));
      },
    },
  );
  return state;
}

/** The whole load balancer in HAProxy's terms. */
function balancerChange(state: ElbState, lb: LoadBalancer, instancePort: number): BalancerChange {
  const proxyOn = (port: number) => state.proxyProtocolOn(lb.LoadBalancerName, port);
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
 * A registered instance's health from what is cheap and sure: a container
 * that is not running is stopped, whatever HAProxy last saw; otherwise
 * HAProxy's own server status, which is what decides where connections go
 * (its runtime API, one exec, no extra traffic to the backends). Without
 * checks HAProxy says "no check" and sends to it: in service. A status it
 * cannot give is AWS's transient error.
 */
function instanceCondition(backend: BackendState | undefined): InstanceCondition {
  if (!backend?.running) return 'stopped';
  const status = backend.haproxy ?? '';
  if (/^(UP|no check)\b/.test(status)) return 'in-service'; // "UP 1/2" is still up, going down
  if (status === 'DOWN') return 'failing-checks';
  if (status.startsWith('DOWN ')) return 'not-yet-healthy'; // "DOWN 1/2": coming up
  return 'transient';
}

/**
 * One Classic ELB (`name`, a TCP listener forwarding to the instance port) in
 * front of the topology's backends, all registered, whose changes drive its
 * HAProxy. As on AWS, the balancer exists before anyone sets a policy on it.
 */
export function localClassicElb(
  topology: ElbTopology,
  name: string,
  listener: { port: number; instancePort: number },
): ElbState {
  const state = elbStateDriving(topology, listener.instancePort);
  state.createLoadBalancer(
    name,
    [
      {
        Protocol: 'TCP',
        LoadBalancerPort: listener.port,
        InstanceProtocol: 'TCP',
        InstancePort: listener.instancePort,
      },
    ],
    'elb.proxyproof.local',
  );
  state.registerInstances(
    name,
    topology.backends.map((b) => b.name),
  );
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
