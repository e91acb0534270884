import {
  CreateLoadBalancerCommand,
  ElasticLoadBalancingClient,
} from '@aws-sdk/client-elastic-load-balancing';
import type { LocalTopology } from '../topology/local-topology.ts';
import { setClassicProxyProtocol } from './classic-proxy-protocol.ts';
import { ElbState } from './elb-simulator/model.ts';
import { startElbApi } from './elb-simulator/server.ts';

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
  // The API's reply waits for HAProxy's reload, so the policy is live once the call returns.
  const state: ElbState = new ElbState((lb): Promise<void> =>
    topology.setProxyProtocol(
      state.proxyProtocolOn(lb.LoadBalancerName, listener.instancePort) ? 'v1' : 'none',
    ),
  );
  const { server, endpoint } = await startElbApi(state);
  const elb = new ElasticLoadBalancingClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'proxyproof', secretAccessKey: 'proxyproof' },
  });
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
