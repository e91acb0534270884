// `npm run bench`: both benchmarks in one process, then the ratios against the
// issue's targets. Reports only: an unmet target does not fail the run, a
// disagreement between proxyproof and a peer does.
import { runDecodeBench } from './decode.ts';
import { runExtractBench } from './extract.ts';
import { runProxyServerBench } from './proxy-server.ts';

const decode = runDecodeBench();
const extract = await runExtractBench();
const proxyServer = await runProxyServerBench();

const rows: [string, number | null, number | null][] = [
  ['v1 decode vs proxy-protocol-js', decode.v1.ratio, 2],
  ['v2 decode vs proxy-protocol-js', decode.v2.ratio, 2],
  ['pcap extraction vs tshark', extract.ratio, 10],
  ['conns/s vs findhit-proxywrap', proxyServer.ratio, null],
];
console.log('\nsummary (proxyproof speed / peer speed)');
for (const [name, ratio, target] of rows) {
  const got = ratio === null ? 'skipped' : `${ratio.toFixed(2)}x`;
  if (target === null) {
    console.log(`  ${name.padEnd(32)}${got.padStart(8)}   no target         n/a`);
    continue;
  }
  const met = ratio === null ? 'n/a (tshark not installed)' : ratio >= target ? 'met' : 'NOT MET';
  console.log(`  ${name.padEnd(32)}${got.padStart(8)}   target >= ${target}x   ${met}`);
}

// A decoder that returns address text cannot outrun making that text. When the
// target is unmet, show how little time it leaves for everything else.
for (const [name, c] of [
  ['v1', decode.v1],
  ['v2', decode.v2],
] as const) {
  const needed = 2 * c.peer;
  if (c.proxyproof >= needed) continue;
  const ns = (perSecond: number) => 1e9 / perSecond;
  const budget = ns(needed) - ns(c.addressTextOnly);
  console.log(
    `  ${name}: 2x the peer is ${ns(needed).toFixed(0)} ns/header; making the two address strings` +
      ` alone takes ${ns(c.addressTextOnly).toFixed(0)} ns, leaving ${budget.toFixed(0)} ns for parsing,` +
      ` validation and the result (proxyproof takes ${ns(c.proxyproof).toFixed(0)} ns in all)`,
  );
}
