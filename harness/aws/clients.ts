import { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { restoreClassicElb } from './classic-elb.ts';
import { restoreNlb } from './nlb.ts';
import type { RestoreRecord } from './remote-balancer.ts';

/** Where the ELB APIs are: a region, and the simulator's endpoint if not AWS itself. */
export interface AwsPlace {
  region: string;
  endpoint?: string | undefined;
}

export interface AwsClients {
  elb: ElasticLoadBalancingClient;
  elbv2: ElasticLoadBalancingV2Client;
  destroy(): void;
}

/** SDK clients with credentials from the SDK's default chain, as on CI with an assumed role. */
export function awsClients({ region, endpoint }: AwsPlace): AwsClients {
  const config = { region, ...(endpoint ? { endpoint } : {}) };
  const elb = new ElasticLoadBalancingClient(config);
  const elbv2 = new ElasticLoadBalancingV2Client(config);
  return {
    elb,
    elbv2,
    destroy: () => {
      elb.destroy();
      elbv2.destroy();
    },
  };
}

/** Why there are no usable credentials, or null when the default chain yields some. */
export async function missingCredentials(clients: AwsClients): Promise<string | null> {
  try {
    await clients.elb.config.credentials();
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Puts back what a run changed, whichever kind of balancer it was. */
export function restoreBalancer(clients: AwsClients, record: RestoreRecord): Promise<void> {
  return record.kind === 'classic-elb'
    ? restoreClassicElb(clients.elb, record)
    : restoreNlb(clients.elbv2, record);
}
