import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { RunReport } from '../../harness/report/types.ts';

// A platform team's own repository: proxyproof as a dev dependency (from a
// path, as from a git URL), `init` writing a first scenario for their own
// server (one the harness has never seen), and `run` judging it.
const PACKAGE = new URL('../../', import.meta.url).pathname;
const CONTAINERS = 20 * 60_000;

/** A server written outside the project: it answers with the client the PROXY v1 header names. */
const SERVER = {
  Dockerfile: `FROM debian:bookworm-slim
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends socat && rm -rf /var/lib/apt/lists/*
COPY who.sh /srv/who.sh
RUN chmod +x /srv/who.sh
CMD ["socat", "TCP-LISTEN:8080,reuseaddr,fork", "EXEC:/srv/who.sh"]
`,
  'who.sh': `#!/bin/sh
# "PROXY TCP4 <client> <balancer> <client port> <port>": answer <client>:<client port>.
read -r proxy family client balancer cport port
printf '%s:%s\\n' "$client" "$cport"
`,
};

let repo: string;
beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), 'proxyproof-own-repo-'));
});
afterAll(() => rm(repo, { recursive: true, force: true }));

test(
  'a scratch repository adds proxyproof, runs init for its own server, and run passes',
  async () => {
    const inRepo = { cwd: repo, env: { npm_config_audit: 'false', npm_config_fund: 'false' } };
    await execa('npm', ['init', '-y'], inRepo);
    await execa('npm', ['install', '--save-dev', PACKAGE], inRepo);
    await mkdir(join(repo, 'scenarios', 'who-server'), { recursive: true });
    for (const [name, text] of Object.entries(SERVER))
      await writeFile(join(repo, 'scenarios', 'who-server', name), text);

    const init = await execa(
      'npx',
      [
        'proxyproof',
        'init',
        '--dir',
        'scenarios',
        '--build',
        './who-server',
        '--port',
        '8080',
        '--who-am-i',
        'line',
        '--name',
        'who-server',
      ],
      { ...inRepo, reject: false },
    );
    expect(init.exitCode).toBe(0);
    const scenario = await readFile(join(repo, 'scenarios', 'who-server.ts'), 'utf8');
    expect(scenario).toContain("import { defineScenario } from 'proxyproof';");
    // init never overwrites.
    const again = await execa(
      'npx',
      [
        'proxyproof',
        'init',
        '--dir',
        'scenarios',
        '--build',
        './who-server',
        '--port',
        '8080',
        '--who-am-i',
        'line',
        '--name',
        'who-server',
      ],
      { ...inRepo, reject: false },
    );
    expect(again.exitCode).toBe(2);

    const run = await execa(
      'npx',
      ['proxyproof', 'run', '--scenarios', 'scenarios', '--reports', 'reports', '--quiet'],
      {
        ...inRepo,
        reject: false,
      },
    );
    const report = JSON.parse(
      await readFile(join(repo, 'reports', 'latest', 'report.json'), 'utf8'),
    ) as RunReport;
    const [s] = report.scenarios;
    expect(`${s?.status}: ${s?.reason}`).toMatch(/^passed: /);
    expect(s?.connections).toHaveLength(4);
    for (const c of s?.connections ?? []) expect(c.backend?.address).toBe(c.origin?.address);
    expect(run.exitCode).toBe(0);
  },
  CONTAINERS,
);
