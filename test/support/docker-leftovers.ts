import { execa } from 'execa';

/** Containers and networks still carrying a run's label, as the docker CLI lists them. */
export async function leftovers(
  runId: string,
): Promise<{ containers: string[]; networks: string[] }> {
  const filter = `label=proxyproof.run-id=${runId}`;
  const lines = (out: string) => out.split('\n').filter(Boolean);
  const containers = lines((await execa('docker', ['ps', '-aq', '--filter', filter])).stdout);
  const networks = lines(
    (await execa('docker', ['network', 'ls', '-q', '--filter', filter])).stdout,
  );
  return { containers, networks };
}
