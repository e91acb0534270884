import type { Server } from 'node:http';
import type { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { simulatorClient } from '../../harness/aws/local-simulator.ts';
import { ElbState } from '../../harness/aws/elb-simulator/model.ts';
import { startElbApi } from '../../harness/aws/elb-simulator/server.ts';

/**
 * The Classic ELB API on `state`, served on loopback for the tests of the
 * describe block that calls this, with an SDK client for it (both stopped after).
 */
export function classicSimulator(state = new ElbState()) {
  let server: Server;
  const sim = {
    state,
    elb: undefined as unknown as ElasticLoadBalancingClient,
    endpoint: '',
  };
  beforeAll(async () => {
    const api = await startElbApi(state);
    server = api.server;
    sim.endpoint = api.endpoint;
    sim.elb = simulatorClient(api.endpoint);
  });
  afterAll(() => {
    sim.elb.destroy();
    return new Promise((resolve) => server.close(resolve));
  });
  return sim;
}

/** What the SDK makes of an error reply: the exception's name and the HTTP status. */
export const refused = (name: string, status = 400, message?: string | RegExp) => ({
  name,
  $metadata: expect.objectContaining({ httpStatusCode: status }),
  ...(message === undefined
    ? {}
    : { message: typeof message === 'string' ? message : expect.stringMatching(message) }),
});
