// pcap extraction throughput of proxyproof vs tshark on one generated capture.
// Run alone with `node --import tsx bench/extract.ts`, or via bench/run.ts.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { tsharkProxyFields } from '../test/support/tshark.ts';
import { extractProxyHeaders } from '../harness/capture/extract.ts';
import { isEndpoint } from '../harness/proxy-protocol/types.ts';
import { normaliseAddress, sameEndpoint } from '../harness/net/endpoint.ts';
import { generateCapture, SERVER_PORT } from './generate-capture.ts';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100_000);
const RUNS = Number(process.env.BENCH_EXTRACT_RUNS ?? 3);

export interface ExtractResults {
  connections: number;
  proxyproofHeaders: number;
  proxyproofSeconds: number;
  /** Null when tshark is not installed. */
  tshark: { headers: number; seconds: number; startupSeconds: number } | null;
  ratio: number | null;
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const key = (address: string, port: number) => `${normaliseAddress(address)} ${port}`;

const tsharkArgs = (file: string) =>
  tsharkProxyFields(file, ['proxy.src.ipv4', 'proxy.src.ipv6', 'proxy.srcport']);

async function tsharkInstalled(): Promise<boolean> {
  try {
    await execa('tshark', ['--version']);
    return true;
  } catch {
    return false;
  }
}

export async function runExtractBench(): Promise<ExtractResults> {
  const dir = mkdtempSync(join(tmpdir(), 'proxyproof-bench-'));
  try {
    const file = join(dir, 'capture.pcap');
    let start = process.hrtime.bigint();
    const generated = generateCapture(CONNECTIONS);
    writeFileSync(file, generated.file);
    console.log(
      `\npcap extraction: ${CONNECTIONS.toLocaleString('en-US')} connections, ` +
        `${generated.packets.toLocaleString('en-US')} packets, ` +
        `${(generated.file.length / 1e6).toFixed(1)} MB (generated in ${seconds(start).toFixed(2)} s)`,
    );

    // Timed from the file on disk, as tshark is.
    const times: number[] = [];
    let found: ReturnType<typeof extractProxyHeaders> = [];
    for (let run = 0; run < RUNS; run++) {
      start = process.hrtime.bigint();
      found = extractProxyHeaders(readFileSync(file));
      times.push(seconds(start));
    }
    const proxyproofSeconds = median(times);
    const ours: string[] = [];
    for (const [i, c] of found.entries()) {
      const [h, ...more] = c.headers;
      const want = generated.sources[i];
      if (c.error || !h || more.length > 0 || !want || !isEndpoint(h.source)) {
        throw new Error(`proxyproof: connection ${i}: ${JSON.stringify(c).slice(0, 300)}`);
      }
      if (!sameEndpoint(h.source, want)) {
        throw new Error(
          `proxyproof: connection ${i} has ${JSON.stringify(h.source)}, wrote ${JSON.stringify(want)}`,
        );
      }
      ours.push(key(h.source.address, h.source.port));
    }
    if (found.length !== CONNECTIONS) {
      throw new Error(
        `proxyproof found ${found.length} connections, the capture has ${CONNECTIONS}`,
      );
    }
    console.log(
      `  proxyproof extractProxyHeaders  ${proxyproofSeconds.toFixed(3).padStart(8)} s  ` +
        `${ours.length.toLocaleString('en-US')} headers  (median of ${RUNS}: ${times.map((t) => t.toFixed(3)).join(', ')})`,
    );

    if (!(await tsharkInstalled())) {
      console.log('  tshark: NOT INSTALLED, comparison skipped (apt-get install tshark)');
      return {
        connections: CONNECTIONS,
        proxyproofHeaders: ours.length,
        proxyproofSeconds,
        tshark: null,
        ratio: null,
      };
    }

    // Process start and dissector registration alone, for context; the ratio
    // uses the whole wall time, as someone running tshark would see it.
    const empty = join(dir, 'empty.pcap');
    writeFileSync(empty, generated.file.subarray(0, 24));
    start = process.hrtime.bigint();
    await execa('tshark', tsharkArgs(empty));
    const startupSeconds = seconds(start);

    const tsharkTimes: number[] = [];
    let stdout = '';
    for (let run = 0; run < RUNS; run++) {
      start = process.hrtime.bigint();
      ({ stdout } = await execa('tshark', tsharkArgs(file), { maxBuffer: 1 << 30 }));
      tsharkTimes.push(seconds(start));
    }
    const tsharkSeconds = median(tsharkTimes);
    const theirs = stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => {
        const [v4 = '', v6 = '', port = ''] = l.split('|');
        return key(v4 || v6, Number(port));
      });
    console.log(
      `  tshark -Y proxy -T fields       ${tsharkSeconds.toFixed(3).padStart(8)} s  ` +
        `${theirs.length.toLocaleString('en-US')} headers  (median of ${RUNS}: ${tsharkTimes.map((t) => t.toFixed(3)).join(', ')}; ` +
        `startup alone ${startupSeconds.toFixed(3)} s)`,
    );

    if (theirs.length !== ours.length) {
      throw new Error(
        `HEADER COUNTS DISAGREE: proxyproof ${ours.length}, tshark ${theirs.length} (server port ${SERVER_PORT})`,
      );
    }
    const a = ours.sort();
    const b = theirs.sort();
    const differ = a.findIndex((x, i) => x !== b[i]);
    if (differ >= 0) {
      throw new Error(`SOURCES DISAGREE: proxyproof has ${a[differ]}, tshark ${b[differ]}`);
    }
    const ratio = tsharkSeconds / proxyproofSeconds;
    console.log(
      `  same ${a.length.toLocaleString('en-US')} client sources in both; proxyproof is ${ratio.toFixed(2)}x tshark`,
    );
    return {
      connections: CONNECTIONS,
      proxyproofHeaders: ours.length,
      proxyproofSeconds,
      tshark: { headers: theirs.length, seconds: tsharkSeconds, startupSeconds },
      ratio,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runExtractBench();
}
