// The probe as a program: `node proxyproof-probe.cjs '<ProbeRequest as JSON>'`
// prints one ProbeResult per line. Bundled (with mysql2) and run inside a
// client container, so clients live on the scenario's own network.
import { probeThroughBalancer } from './probe.ts';
import { prefixBytes, type ProbeRequest } from './request.ts';

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? 'null') as ProbeRequest | null;
  if (!request) throw new Error('usage: proxyproof-probe <request as JSON>');
  const results = await probeThroughBalancer(
    request.target,
    request.whoAmI,
    request.count,
    request.prefix ? prefixBytes(request.prefix) : undefined,
  );
  for (const r of results) process.stdout.write(`${JSON.stringify(r)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`proxyproof-probe: ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
