import { execa } from 'execa';
import { hostname } from 'node:os';

/** Containers and networks carrying every one of these labels (key=value), as the docker CLI lists them. */
async function labelled(labels: string[]): Promise<{ containers: string[]; networks: string[] }> {
  const filters = labels.flatMap((l) => ['--filter', `label=${l}`]);
  const lines = (out: string) => out.split('\n').filter(Boolean);
  const containers = lines((await execa('docker', ['ps', '-aq', ...filters])).stdout);
  const networks = lines((await execa('docker', ['network', 'ls', '-q', ...filters])).stdout);
  return { containers, networks };
}

/** Containers and networks still carrying a run's label. */
export const leftovers = (runId: string) => labelled([`proxyproof.run-id=${runId}`]);

/** Containers and networks a process made (by its owner labels), e.g. a CLI that refused bad input. */
export const madeBy = (pid: number) =>
  labelled([`proxyproof.owner.pid=${pid}`, `proxyproof.owner.host=${hostname()}`]);
