import { build } from 'esbuild';

const RUNNER = new URL('../probes/runner.ts', import.meta.url).pathname;

let bundle: Promise<string> | undefined;

/**
 * The probe as one CommonJS file (mysql2 and the codec inside) for Node 18 in
 * the client image: bundled from the sources once per process, so it is never
 * stale and needs no build step.
 */
export function probeBundle(): Promise<string> {
  bundle ??= build({
    entryPoints: [RUNNER],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    write: false,
    logLevel: 'silent',
  }).then((r) => {
    const [out] = r.outputFiles;
    if (!out) throw new Error('esbuild produced no probe bundle');
    return out.text;
  });
  return bundle;
}
