// The probe as a program: `node proxyproof-probe.cjs '<ProbeRequest as JSON>'`
// prints one ProbeResult per line (under load, each as it comes, so the
// program holds none). Bundled (with mysql2) and run inside a client
// container, so clients live on the scenario's own network.
import { runProbeRequest } from './probe.ts';
import type { ProbeRequest } from './request.ts';

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? 'null') as ProbeRequest | null;
  if (!request) throw new Error('usage: proxyproof-probe <request as JSON>');
  await runProbeRequest(request, (r) => process.stdout.write(`${JSON.stringify(r)}\n`));
}

main().catch((e: unknown) => {
  process.stderr.write(`proxyproof-probe: ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
