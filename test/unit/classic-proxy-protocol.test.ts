import type { Server } from 'node:http';
import {
  ElasticLoadBalancingClient,
  CreateLoadBalancerCommand,
} from '@aws-sdk/client-elastic-load-balancing';
import {
  PROXYPROOF_POLICY,
  setClassicProxyProtocol,
} from '../../harness/aws/classic-proxy-protocol.ts';
import { simulatorClient } from '../../harness/aws/local-simulator.ts';
import { ElbState } from '../../harness/aws/elb-simulator/model.ts';
import { startElbApi } from '../../harness/aws/elb-simulator/server.ts';

// The code path that also runs against AWS, here against the simulator.
describe('turning the Classic ELB PROXY policy on and off through the API', () => {
  let server: Server;
  let elb: ElasticLoadBalancingClient;
  const state = new ElbState();

  beforeAll(async () => {
    const api = await startElbApi(state);
    server = api.server;
    elb = simulatorClient(api.endpoint);
    await elb.send(
      new CreateLoadBalancerCommand({
        LoadBalancerName: 'lb',
        Listeners: [
          { Protocol: 'TCP', LoadBalancerPort: 3306, InstanceProtocol: 'TCP', InstancePort: 3306 },
        ],
        AvailabilityZones: ['local-a'],
      }),
    );
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  test('on, on again (the policy already exists), then off', async () => {
    await setClassicProxyProtocol(elb, 'lb', 3306, true);
    expect(state.proxyProtocolOn('lb', 3306)).toBe(true);
    await setClassicProxyProtocol(elb, 'lb', 3306, true);
    expect(state.describePolicies('lb', [PROXYPROOF_POLICY])).toHaveLength(1);
    await setClassicProxyProtocol(elb, 'lb', 3306, false);
    expect(state.proxyProtocolOn('lb', 3306)).toBe(false);
  });

  test('an unknown load balancer fails with the AWS error', async () => {
    await expect(setClassicProxyProtocol(elb, 'nope', 3306, true)).rejects.toMatchObject({
      name: 'AccessPointNotFoundException',
    });
  });
});
