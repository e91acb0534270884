import { build } from 'esbuild';

/** The programs the harness copies into containers, by their entry points. */
const PROGRAMS = {
  probe: new URL('../probes/runner.ts', import.meta.url).pathname,
  nlbDataPlane: new URL('../data-plane/program.ts', import.meta.url).pathname,
} as const;

export type ProgramName = keyof typeof PROGRAMS;

const bundles = new Map<ProgramName, Promise<string>>();

/**
 * A program as one CommonJS file (its dependencies and the codec inside) for
 * Node 18 in Debian's images: bundled from the sources once per process, so
 * it is never stale and needs no build step.
 */
export function programBundle(name: ProgramName): Promise<string> {
  let bundle = bundles.get(name);
  if (!bundle) {
    bundle = build({
      entryPoints: [PROGRAMS[name]],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node18',
      write: false,
      logLevel: 'silent',
    }).then((r) => {
      const [out] = r.outputFiles;
      if (!out) throw new Error(`esbuild produced no bundle of ${name}`);
      return out.text;
    });
    bundles.set(name, bundle);
  }
  return bundle;
}
