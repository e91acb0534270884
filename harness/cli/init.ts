// `proxyproof init`: a first scenario for the user's own backend, in their folder.
import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SetupError } from '../errors.ts';
import { EXIT } from '../exit-codes.ts';

export interface InitOptions {
  dir: string;
  image?: string;
  build?: string;
  port: string;
  whoAmI: string;
  trustEnv?: string;
  trustFile?: string;
  name: string;
}

/** The `whoAmI` part of a container backend, from the option's short form. */
function whoAmI(text: string): string {
  if (text === 'line') return '{ line: true }';
  const http = /^http:(\/\S*)$/.exec(text);
  if (http) return `{ http: { path: ${JSON.stringify(http[1])} } }`;
  const mysql = /^mysql:([^:]+):(.*)$/.exec(text);
  if (mysql)
    return `{ mysql: { user: ${JSON.stringify(mysql[1])}, password: ${JSON.stringify(mysql[2])} } }`;
  throw new SetupError(
    `--who-am-i must be line, http:/<path> or mysql:<user>:<password>, not ${JSON.stringify(text)}`,
  );
}

/** The scenario file's text: the blog's Classic ELB in front of the user's container. */
export function scenarioText(o: InitOptions, id: string): string {
  const port = Number(o.port);
  const source = o.image
    ? `image: ${JSON.stringify(o.image)}`
    : `build: ${JSON.stringify(o.build)}`;
  const trust =
    o.trustEnv || o.trustFile
      ? `\n    // Told to trust the balancer's own address (${o.trustEnv ? `in $${o.trustEnv}` : ''}${o.trustEnv && o.trustFile ? ', and ' : ''}${o.trustFile ? `in ${o.trustFile}` : ''}).\n    trust: { networks: 'balancer-address'${o.trustEnv ? `, env: ${JSON.stringify(o.trustEnv)}` : ''}${o.trustFile ? `, file: { path: ${JSON.stringify(o.trustFile)} }` : ''} },`
      : `\n    // Not told whom to trust: its own configuration decides. To tell it, e.g.:\n    // trust: { networks: 'balancer-address', env: 'TRUSTED_PROXIES' },`;
  return `import { defineScenario } from 'proxyproof';

// Does ${o.name} see the client's address behind a Classic ELB with the PROXY
// protocol policy? Written by \`proxyproof init\`; see the README, "Test your own backend".
export default defineScenario({
  id: ${JSON.stringify(id)},
  title: ${JSON.stringify(`${o.name} behind a Classic ELB with the proxy protocol policy sees each client`)},
  balancer: { kind: 'classic-elb', listenerPort: ${port}, instancePort: ${port}, proxyProtocol: true },
  backends: {
    kind: 'container',
    name: ${JSON.stringify(o.name)},
    ${source},
    port: ${port},${trust}
    whoAmI: ${whoAmI(o.whoAmI)},
  },
  clients: [{ kind: 'harness', count: 4 }],
  checks: [
    { kind: 'header', version: 'v1' },
    { kind: 'backend-sees', who: 'client' },
  ],
});
`;
}

/**
 * Writes `<dir>/<name>.ts` (and a package.json making the folder an ES module
 * package, when it has none). Never overwrites: an existing scenario is bad input.
 */
export async function init(o: InitOptions): Promise<number> {
  if ((o.image === undefined) === (o.build === undefined))
    throw new SetupError('give the backend as --image <image> or --build <folder>: one of them');
  const port = Number(o.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new SetupError(`--port must be 1-65535, not ${o.port}`);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(o.name))
    throw new SetupError(`--name must be lower-case letters, digits and dashes, not ${o.name}`);
  const text = scenarioText(o, o.name);
  await mkdir(o.dir, { recursive: true });
  const file = join(o.dir, `${o.name}.ts`);
  const exists = (path: string) =>
    access(path).then(
      () => true,
      () => false,
    );
  if (await exists(file))
    throw new SetupError(`${file} exists; proxyproof init never overwrites a scenario`);
  if (!(await exists(join(o.dir, 'package.json'))))
    await writeFile(join(o.dir, 'package.json'), '{ "type": "module" }\n');
  await writeFile(file, text);
  process.stdout.write(`wrote ${file}\nrun it: npx proxyproof run --scenarios ${o.dir}\n`);
  return EXIT.passed;
}
