import {
  CreateLoadBalancerCommand,
  ElasticLoadBalancingClient,
} from '@aws-sdk/client-elastic-load-balancing';
import type { LocalTopology } from '../topology/local-topology.ts';
import { setClassicProxyProtocol } from './classic-proxy-protocol.ts';
import { ElbState } from './elb-simulator/model.ts';
import { startElbApi } from './elb-simulator/server.ts';

/**
 * ELB state whose policy changes reconfigure this topology's HAProxy: v1 on
 * `instancePort` while a ProxyProtocol policy applies there. The API's reply
 * waits for the reload, so a policy is live once the call returns.
 */
export function elbStateDriving(topology: LocalTopology, instancePort: number): ElbState {
  const state: ElbState = new ElbState((lb): Promise<void> =>
    topology.setProxyProtocol(
      state.proxyProtocolOn(lb.LoadBalancerName, instancePort) ? 'v1' : 'none',
    ),
  );
  return state;
}

/** An SDK client for the simulator: dummy credentials, never AWS. */
export function simulatorClient(endpoint: string, region = 'local'): ElasticLoadBalancingClient {
  return new ElasticLoadBalancingClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'proxyproof', secretAccessKey: 'proxyproof' },
  });
}

/**
 * Sets a local Classic ELB's PROXY policy through the ELB API: the simulator on
 * loopback, driving this topology's HAProxy, called by the same SDK code that
 * runs against AWS.
 */
export async function setPolicyThroughElbApi(
  topology: LocalTopology,
  listener: { port: number; instancePort: number },
  on: boolean,
): Promise<void> {
  const state = elbStateDriving(topology, listener.instancePort);
  const { server, endpoint } = await startElbApi(state);
  const elb = simulatorClient(endpoint);
  try {
    const name = 'proxyproof';
    await elb.send(
      new CreateLoadBalancerCommand({
        LoadBalancerName: name,
        Listeners: [
          {
            Protocol: 'TCP',
            LoadBalancerPort: listener.port,
            InstanceProtocol: 'TCP',
            InstancePort: listener.instancePort,
          },
        ],
      }),
    );
    await setClassicProxyProtocol(elb, name, listener.instancePort, on);
  } finally {
    elb.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
}
