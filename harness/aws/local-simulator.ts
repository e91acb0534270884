import { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { QueryApi } from './elb-simulator/query-xml.ts';
import { startQueryApi } from './elb-simulator/server.ts';

/** SDK client settings for proxyproof's simulator: it takes any credentials; these never reach AWS. */
const simulatorConfig = (endpoint: string, region: string) => ({
  endpoint,
  region,
  credentials: { accessKeyId: 'proxyproof', secretAccessKey: 'proxyproof' },
});

/** A Classic ELB SDK client for the simulator. */
export const simulatorClient = (endpoint: string, region = 'local') =>
  new ElasticLoadBalancingClient(simulatorConfig(endpoint, region));

/** An ELBv2 SDK client for the simulator. */
export const nlbSimulatorClient = (endpoint: string, region = 'local') =>
  new ElasticLoadBalancingV2Client(simulatorConfig(endpoint, region));

/**
 * Serves `api` on loopback for the length of `work`, with an SDK client made
 * by `client` for its endpoint; client and server are stopped however `work` ends.
 */
export async function withSimulatedApi<C extends { destroy(): void }, T>(
  api: QueryApi,
  client: (endpoint: string) => C,
  work: (client: C) => Promise<T>,
): Promise<T> {
  const { server, endpoint } = await startQueryApi([api]);
  const sdk = client(endpoint);
  try {
    return await work(sdk);
  } finally {
    sdk.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
}
