import { docker, runLabels } from './docker.ts';

/** A user-defined bridge network, with the subnet Docker gave it. */
export interface LocalNetwork {
  id: string;
  name: string;
  subnet: string;
  gateway: string;
}

/** Creates a labelled bridge network and reads back its subnet and gateway. */
export async function createNetwork(runId: string, name: string): Promise<LocalNetwork> {
  const client = await docker();
  const network = await client.network.create({
    Name: name,
    Driver: 'bridge',
    CheckDuplicate: true,
    Labels: runLabels(runId),
  });
  const info = (await network.inspect()) as {
    Id: string;
    IPAM?: { Config?: { Subnet?: string; Gateway?: string }[] };
  };
  const config = info.IPAM?.Config?.[0];
  if (!config?.Subnet || !config.Gateway)
    throw new Error(`Docker gave network ${name} no subnet/gateway`);
  return { id: info.Id, name, subnet: config.Subnet, gateway: config.Gateway };
}
