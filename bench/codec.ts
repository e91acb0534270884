// The codec's figures from issue #16, each beside its target: decode and
// extraction measured in one run, as ratios where a peer exists.
import { runDecodeBench } from './decode.ts';
import { runExtractBenchAlone } from './extract.ts';
import { row, type BenchRow } from './rows.ts';

export async function codecRows(): Promise<BenchRow[]> {
  const decode = runDecodeBench();
  const extract = await runExtractBenchAlone();
  const noTshark = extract.ratio === null ? 'tshark not installed' : undefined;
  return [
    row('v2+TLV decode', decode.v2Tlvs, 'headers/s', 1_000_000),
    row('pcap extraction', extract.megabytesPerSecond, 'MB/s', 200),
    row('pcap extraction vs tshark', extract.ratio, 'x', 50, noTshark),
    row('v1 decode vs proxy-protocol-js (equal work)', decode.v1.ratio, 'x', 1.25),
    row('v2 decode vs proxy-protocol-js (equal work)', decode.v2.ratio, 'x', 1.25),
  ];
}
