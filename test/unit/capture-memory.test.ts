import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { generateCapture } from '../../bench/generate-capture.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXTRACT = fileURLToPath(new URL('../../harness/capture/extract.ts', import.meta.url));
const CONNECTIONS = 80_000; // about 35 MB
const HEAP_MB = 16;

// Streams a capture in a child whose heap is capped, and prints how far its peak RSS rose:
// Linux's own high-water mark, as ru_maxrss would carry Jest's over from fork.
const CHILD = `
import { readFileSync } from 'node:fs';
import { streamProxyHeadersFromFile } from ${JSON.stringify(EXTRACT)};
const peak = () => Number(/VmHWM:\\s*(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
const before = peak();
let connections = 0;
const damage = streamProxyHeadersFromFile(process.argv[1], () => connections++, { chunkBytes: 1 << 20 });
console.log(JSON.stringify({ connections, damage, grewKiB: peak() - before }));
`;

test('streaming a capture takes memory for what is open, not for the size of the file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'proxyproof-memory-'));
  try {
    const file = join(dir, 'capture.pcap');
    const generated = generateCapture(CONNECTIONS);
    await writeFile(file, generated.file);
    const size = generated.file.length;
    // A heap of 16 MiB for a file twice that: reading it whole could not fit.
    const r = await execa(
      'node',
      [
        `--max-old-space-size=${HEAP_MB}`,
        '--max-semi-space-size=1',
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        CHILD,
        file,
      ],
      { cwd: ROOT },
    );
    const { connections, damage, grewKiB } = JSON.parse(r.stdout) as {
      connections: number;
      damage: unknown;
      grewKiB: number;
    };
    expect({ connections, damage }).toEqual({ connections: CONNECTIONS, damage: null });
    expect(size).toBeGreaterThan(2 * HEAP_MB * 2 ** 20);
    expect(grewKiB * 1024).toBeLessThan(size / 2);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);
