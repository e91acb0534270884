// `npm run bench`: every benchmark in one process, then one table of each
// figure beside its target. Reports only: an unmet target does not fail the
// run, a disagreement between proxyproof and a peer does.
// `--no-docker`: the codec only; `--suite`: also time `npm test`.
import { codecRows } from './codec.ts';
import { dockerRows } from './docker.ts';
import { runProxyServerBench } from './proxy-server.ts';
import { formatRows, row } from './rows.ts';

const OPTIONS = ['--no-docker', '--suite'];
const args = new Set(process.argv.slice(2));
const unknown = [...args].filter((a) => !OPTIONS.includes(a));
if (unknown.length > 0) {
  // Bad input: one line, exit 2, before minutes of measuring.
  process.stderr.write(
    `bench: unknown option ${unknown.join(' ')} (known: ${OPTIONS.join(' ')})\n`,
  );
  process.exit(2);
}
const rows = await codecRows();
const proxyServer = await runProxyServerBench();
rows.push(row('proxy server conns/s vs findhit-proxywrap', proxyServer.ratio, 'x', null));
// Set in a callback, which narrowing does not follow.
let failure = null as Error | null;
if (!args.has('--no-docker'))
  rows.push(
    ...(await dockerRows({ suite: args.has('--suite') }).catch((e: unknown) => {
      failure = e instanceof Error ? e : new Error(String(e));
      return [];
    })),
  );

console.log('\nsummary (a ratio is proxyproof / the peer on the same work, in this run)');
console.log(formatRows(rows));
// What was measured is printed first; a run that failed still fails the bench.
if (failure) throw failure;
