// The probe as a program: `node proxyproof-probe.cjs '<ProbeRequest as JSON>'
// [results file]` writes one ProbeResult per line (under load, each as it
// comes, so the program holds none) to the file, or to stdout. Bundled (with
// mysql2) and run inside a client container, so clients live on the
// scenario's own network; a file spares the engine's log thousands of lines.
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { runProbeRequest } from './probe.ts';
import type { ProbeRequest } from './request.ts';

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? 'null') as ProbeRequest | null;
  if (!request) throw new Error('usage: proxyproof-probe <request as JSON> [results file]');
  const out = process.argv[3] ? createWriteStream(process.argv[3]) : process.stdout;
  await runProbeRequest(request, (r) => out.write(`${JSON.stringify(r)}\n`));
  if (out !== process.stdout) await finished(out.end());
}

main().catch((e: unknown) => {
  process.stderr.write(`proxyproof-probe: ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
