// pcap extraction throughput of proxyproof vs tshark on one generated capture,
// then the peak memory of `proxyproof decode` on a large one.
// Run alone with `node --import tsx bench/extract.ts`, or via bench/run.ts.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { tsharkProxyFields } from '../test/support/tshark.ts';
import { streamProxyHeadersFromFile } from '../harness/capture/extract.ts';
import { decode } from '../harness/cli/decode.ts';
import { isEndpoint } from '../harness/proxy-protocol/types.ts';
import { normaliseAddress, sameEndpoint, type Endpoint } from '../harness/net/endpoint.ts';
import { generateCapture, SERVER_PORT } from './generate-capture.ts';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100_000);
const RUNS = Number(process.env.BENCH_EXTRACT_RUNS ?? 3);
/** About 200 MB of capture; 0 skips the memory measurement. */
const MEMORY_CONNECTIONS = Number(process.env.BENCH_MEMORY_CONNECTIONS ?? 460_000);

export interface ExtractResults {
  connections: number;
  proxyproofHeaders: number;
  proxyproofSeconds: number;
  /** Capture bytes per second read by proxyproof, in millions. */
  megabytesPerSecond: number;
  /** Null when tshark is not installed. */
  tshark: { headers: number; seconds: number; startupSeconds: number } | null;
  ratio: number | null;
  /** Null when skipped. */
  memory: { fileBytes: number; peakRssBytes: number; rssBeforeBytes: number } | null;
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

    // Timed from the file on disk, as tshark is. As decode does, each connection is
    // looked at as it comes; only its source is kept, for the checks below.
    const times: number[] = [];
    let sources: (Endpoint | null)[] = [];
    // Set in the callback, which TypeScript's narrowing does not follow.
    let odd = null as string | null;
    for (let run = 0; run < RUNS; run++) {
      sources = [];
      start = process.hrtime.bigint();
      const damage = streamProxyHeadersFromFile(file, (c) => {
        const h = c.headers[0];
        if (c.error || c.headers.length !== 1 || !h || !isEndpoint(h.source)) {
          odd ??= `connection ${sources.length}: ${JSON.stringify(c).slice(0, 300)}`;
          sources.push(null);
        } else {
          sources.push(h.source);
        }
      });
      times.push(seconds(start));
      if (damage) throw new Error(`proxyproof: the capture reads as damaged: ${damage.message}`);
    }
    if (odd) throw new Error(`proxyproof: ${odd}`);
    const proxyproofSeconds = median(times);
    const ours: string[] = [];
    for (const [i, source] of sources.entries()) {
      const want = generated.sources[i];
      if (!source || !want || !sameEndpoint(source, want)) {
        throw new Error(
          `proxyproof: connection ${i} has ${JSON.stringify(source)}, wrote ${JSON.stringify(want)}`,
        );
      }
      ours.push(key(source.address, source.port));
    }
    if (sources.length !== CONNECTIONS) {
      throw new Error(
        `proxyproof found ${sources.length} connections, the capture has ${CONNECTIONS}`,
      );
    }
    const megabytesPerSecond = generated.file.length / 1e6 / proxyproofSeconds;
    console.log(
      `  proxyproof streamProxyHeaders   ${proxyproofSeconds.toFixed(3).padStart(8)} s  ` +
        `${ours.length.toLocaleString('en-US')} headers  ${megabytesPerSecond.toFixed(0)} MB/s  ` +
        `(median of ${RUNS}: ${times.map((t) => t.toFixed(3)).join(', ')})`,
    );

    if (!(await tsharkInstalled())) {
      console.log('  tshark: NOT INSTALLED, comparison skipped (apt-get install tshark)');
      return {
        connections: CONNECTIONS,
        proxyproofHeaders: ours.length,
        proxyproofSeconds,
        megabytesPerSecond,
        tshark: null,
        ratio: null,
        memory: await measureMemory(dir),
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
      megabytesPerSecond,
      tshark: { headers: theirs.length, seconds: tsharkSeconds, startupSeconds },
      ratio,
      memory: await measureMemory(dir),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Peak RSS of `proxyproof decode` (JSON lines to nowhere) on a capture of
 * MEMORY_CONNECTIONS connections, in a process of its own: this script run
 * with --peak-rss, which reports through stderr.
 */
async function measureMemory(dir: string): Promise<ExtractResults['memory']> {
  if (MEMORY_CONNECTIONS === 0) return null;
  const file = join(dir, 'large.pcap');
  const generated = generateCapture(MEMORY_CONNECTIONS).file;
  writeFileSync(file, generated);
  const fileBytes = generated.length;
  const { stderr } = await execa(
    'node',
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--peak-rss', file],
    { stdout: 'ignore' },
  );
  const { code, beforeKiB, peakKiB } = JSON.parse(stderr) as Record<string, number>;
  if (code !== 0) throw new Error(`proxyproof decode exited ${code} on the large capture`);
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
  const memory = { fileBytes, peakRssBytes: peakKiB! * 1024, rssBeforeBytes: beforeKiB! * 1024 };
  console.log(
    `  proxyproof decode of ${mb(fileBytes)} (${MEMORY_CONNECTIONS.toLocaleString('en-US')} connections): ` +
      `peak RSS ${mb(memory.peakRssBytes)}, of which ${mb(memory.rssBeforeBytes)} before reading ` +
      `(node, tsx and the code)`,
  );
  return memory;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [mode, file] = process.argv.slice(2);
  if (mode === '--peak-rss' && file) {
    // Linux's own high-water mark: ru_maxrss would carry the parent's over from fork.
    const peak = () =>
      Number(/VmHWM:\s*(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
    const beforeKiB = peak();
    const code = await decode(file, { format: 'json' });
    process.stderr.write(`${JSON.stringify({ code, beforeKiB, peakKiB: peak() })}\n`);
  } else if (mode === '--results' && file) {
    writeFileSync(file, JSON.stringify(await runExtractBench()));
  } else {
    await runExtractBench();
  }
}

/**
 * runExtractBench in a process of its own, as `npm run bench` runs it: the
 * decode benchmark before it leaves a heap whose collection it would pay for.
 */
export async function runExtractBenchAlone(): Promise<ExtractResults> {
  const dir = mkdtempSync(join(tmpdir(), 'proxyproof-bench-extract-'));
  try {
    const results = join(dir, 'results.json');
    await execa('node', ['--import', 'tsx', fileURLToPath(import.meta.url), '--results', results], {
      stdout: 'inherit',
      stderr: 'inherit',
    });
    return JSON.parse(readFileSync(results, 'utf8')) as ExtractResults;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
