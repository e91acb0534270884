// `npm run bench`: both benchmarks in one process, then the ratios against the
// issue's targets. Reports only: an unmet target does not fail the run, a
// disagreement between proxyproof and a peer does.
import { runDecodeBench } from './decode.ts';
import { runExtractBench } from './extract.ts';

const decode = runDecodeBench();
const extract = await runExtractBench();

const rows: [string, number | null, number][] = [
  ['v1 decode vs proxy-protocol-js', decode.v1.ratio, 2],
  ['v2 decode vs proxy-protocol-js', decode.v2.ratio, 2],
  ['pcap extraction vs tshark', extract.ratio, 10],
];
console.log('\nsummary (proxyproof speed / peer speed)');
for (const [name, ratio, target] of rows) {
  const got = ratio === null ? 'skipped' : `${ratio.toFixed(2)}x`;
  const met = ratio === null ? 'n/a (tshark not installed)' : ratio >= target ? 'met' : 'NOT MET';
  console.log(`  ${name.padEnd(32)}${got.padStart(8)}   target >= ${target}x   ${met}`);
}
