import { readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SetupError } from '../errors.ts';
import { ensureFolder } from '../folders.ts';
import { BACKENDS, kindOf } from '../components/kinds.ts';
import type { BackendKind } from '../components/types.ts';
import { ScenarioSchema, type Scenario } from './schema.ts';

/** A scenario file that cannot be run, with the file, the field and the problem. */
export class ScenarioFileError extends SetupError {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Validates one file's default export; the id must match the file name. */
export function validateScenario(file: string, exported: unknown): Scenario {
  const parsed = ScenarioSchema.safeParse(exported);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.length ? i.path.join('.') : '(scenario)'}: ${i.message}`,
    );
    throw new ScenarioFileError(file, problems);
  }
  const expectedId = basename(file).replace(/\.ts$/, '');
  if (parsed.data.id !== expectedId) {
    throw new ScenarioFileError(file, [
      `id: "${parsed.data.id}" must match the file name "${expectedId}"`,
    ]);
  }
  // A build folder is written relative to the scenario file; from here on it is absolute.
  const backend = kindOf<BackendKind>(BACKENDS, parsed.data.backends.kind);
  let backends = parsed.data.backends;
  try {
    backends = (backend.resolvePaths?.(backends, resolve(file)) ??
      backends) as Scenario['backends'];
  } catch (e) {
    throw new ScenarioFileError(file, [`backends.${(e as Error).message}`]);
  }
  return { ...parsed.data, backends };
}

/** Outside a "type": "module" package, Node loads a .ts file as CommonJS and fails obscurely. */
function esmHint(e: unknown): string {
  return /require\(\) ES Module|Cannot use import statement|ERR_REQUIRE/.test(String(e))
    ? ' (scenario files are ES modules: the folder needs a package.json with "type": "module", as the project has)'
    : '';
}

/** How long one scenario file may take to load (its top-level code), unless PROXYPROOF_LOAD_TIMEOUT_MS says otherwise. */
const LOAD_TIMEOUT_MS = 15_000;

function loadTimeout(env: NodeJS.ProcessEnv): number {
  const text = env.PROXYPROOF_LOAD_TIMEOUT_MS;
  if (text === undefined) return LOAD_TIMEOUT_MS;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 1)
    throw new SetupError(
      `PROXYPROOF_LOAD_TIMEOUT_MS must be a whole number of milliseconds, not ${text}`,
    );
  return ms;
}

/** The module, or an error once `ms` pass: a top-level await that never settles must not hang the run. */
async function importWithin(file: string, ms: number): Promise<{ default?: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `did not finish loading within ${ms / 1000} s (a top-level await that never settles?); PROXYPROOF_LOAD_TIMEOUT_MS allows longer`,
          ),
        ),
      ms,
    );
  });
  try {
    return (await Promise.race([import(pathToFileURL(resolve(file)).href), late])) as {
      default?: unknown;
    };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Loads every scenario file in `dir`, validating all before anything starts:
 * one bad file stops the run with every problem named. A folder that is
 * missing, not a folder, or holds no scenario file is an error too: a run
 * that checks nothing must not look like one that passed.
 */
export async function loadScenarios(
  dir: string,
  option = '--scenarios',
  env: NodeJS.ProcessEnv = process.env,
): Promise<Scenario[]> {
  const timeout = loadTimeout(env);
  await ensureFolder(dir, option);
  const files = (await readdir(dir)).filter((f) => f.endsWith('.ts')).sort();
  if (files.length === 0)
    throw new SetupError(`${option} ${dir}: no scenario files (*.ts) in this folder`);
  const scenarios: Scenario[] = [];
  const errors: ScenarioFileError[] = [];
  for (const name of files) {
    const file = join(dir, name);
    try {
      const module = await importWithin(file, timeout);
      scenarios.push(validateScenario(file, module.default));
    } catch (e) {
      errors.push(
        e instanceof ScenarioFileError
          ? e
          : new ScenarioFileError(file, [`cannot be loaded: ${(e as Error).message}${esmHint(e)}`]),
      );
    }
  }
  if (errors.length > 0) {
    throw new SetupError(
      `${errors.length} scenario file(s) cannot be run:\n${errors.map((e) => e.message).join('\n')}`,
    );
  }
  return scenarios;
}

/**
 * The scenarios whose ids match `only` (comma-separated ids, `*` matching any
 * text), in their order; all of them without it. Matching nothing is an error,
 * not an empty green run; the error names the option as the command spells it.
 */
export function selectScenarios(
  scenarios: Scenario[],
  only: string | undefined,
  option = '--only',
): Scenario[] {
  if (only === undefined) return scenarios;
  const patterns = only
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`));
  const chosen = scenarios.filter((s) => patterns.some((re) => re.test(s.id)));
  if (chosen.length === 0) {
    throw new SetupError(
      `${option} ${JSON.stringify(only)} matches none of: ${scenarios.map((s) => s.id).join(', ')}`,
    );
  }
  return chosen;
}
