// Your own backend: any container image (or a Dockerfile folder next to the
// scenario file), told whom to trust the way it reads it, ready when it says
// so, and asked who it sees the way it answers.
import { dirname, isAbsolute, resolve } from 'node:path';
import { statSync } from 'node:fs';
import { z } from 'zod';
import { GenericContainer, Wait } from 'testcontainers';
import { setTimeout as sleep } from 'node:timers/promises';
import { imageUnavailable, ensureBuilt } from '../../topology/images.ts';
import { runBeside } from '../../topology/beside.ts';
import { instanceOptions, PROCESSLIST_SQL } from './mysql-family.ts';
import { trustedNetworks, TRUST_POLICIES } from './trust.ts';
import type { BackendKind, LocalStage, StartedBackend, WhoAmI } from '../types.ts';

const options = z
  .object({
    kind: z.literal('container'),
    /** A name for people (reports): "my-app". */
    name: z.string().min(1).default('container'),
    /** An image on the engine (or pullable). */
    image: z.string().min(1).optional(),
    /** A folder with a Dockerfile, relative to the scenario file; or the context and the Dockerfile in it. */
    build: z
      .union([
        z.string().min(1),
        z.object({ context: z.string().min(1), dockerfile: z.string().min(1) }).strict(),
      ])
      .optional(),
    ...instanceOptions,
    env: z.record(z.string(), z.string()).optional(),
    command: z.array(z.string()).optional(),
    /** Files copied in before it starts (your app, your config): `source` is relative to the scenario file. */
    copy: z
      .array(z.object({ source: z.string().min(1), target: z.string().startsWith('/') }).strict())
      .optional(),
    /**
     * How the container is told whose PROXY headers to accept: the networks
     * (a policy, as for MariaDB) put into an environment variable and/or a
     * file written before it starts ({{networks}} in `content` is replaced);
     * absent: it is not told (its own configuration decides).
     */
    trust: z
      .object({
        networks: z.enum(TRUST_POLICIES).default('balancer-address'),
        env: z.string().min(1).optional(),
        file: z
          .object({ path: z.string().min(1), content: z.string().optional() })
          .strict()
          .optional(),
      })
      .strict()
      .refine((t) => t.env !== undefined || t.file !== undefined, {
        message: 'say how the container reads whom to trust: env, file, or both',
      })
      .optional(),
    /** When it is ready: a log line (a regular expression), its port accepting, or a MySQL query answering. */
    ready: z
      .union([
        z.object({ log: z.string().min(1) }).strict(),
        z.object({ port: z.literal(true) }).strict(),
        z.object({ query: z.string().min(1) }).strict(),
      ])
      .default({ port: true }),
    /** How it tells who it sees: a MySQL query (PROCESSLIST by default), an HTTP path, or a line on connect. */
    whoAmI: z.union([
      z
        .object({
          mysql: z
            .object({
              sql: z.string().min(1).optional(),
              user: z.string(),
              password: z.string().default(''),
            })
            .strict(),
        })
        .strict(),
      z.object({ http: z.object({ path: z.string().startsWith('/') }).strict() }).strict(),
      z.object({ line: z.literal(true) }).strict(),
    ]),
  })
  .strict()
  .refine((o) => (o.image === undefined) !== (o.build === undefined), {
    message: 'name an image, or a folder to build: one of them',
  })
  .refine((o) => !('query' in o.ready) || 'mysql' in o.whoAmI, {
    message: 'ready.query needs whoAmI.mysql (the query is asked the same way)',
    path: ['ready'],
  });

type Options = z.infer<typeof options>;

const whoAmIOf = (o: Options): WhoAmI =>
  'mysql' in o.whoAmI
    ? {
        protocol: 'mysql',
        sql: o.whoAmI.mysql.sql ?? PROCESSLIST_SQL,
        credentials: { user: o.whoAmI.mysql.user, password: o.whoAmI.mysql.password },
      }
    : 'http' in o.whoAmI
      ? { protocol: 'http', path: o.whoAmI.http.path }
      : { protocol: 'line' };

const READY_WITHIN_MS = 120_000;

/** Tries `cmd` beside the container until it succeeds: readiness its own image may have no tools for. */
async function untilReady(
  stage: LocalStage,
  id: string,
  image: string,
  cmd: string[],
  what: string,
) {
  const deadline = Date.now() + READY_WITHIN_MS;
  let last = '';
  while (Date.now() < deadline) {
    const r = await runBeside(id, { image, cmd, labels: stage.labels });
    if (r.exitCode === 0) return;
    last = r.output.trim();
    await sleep(500);
  }
  throw new Error(
    `the backend was not ready within ${READY_WITHIN_MS / 1000} s (${what})${last ? `: ${last}` : ''}`,
  );
}

/** How it was told whose headers to accept, in words ("env TRUSTED_PROXIES"); null: not told. */
function trustSetting(o: Options): string | null {
  if (!o.trust) return null;
  return [o.trust.env && `env ${o.trust.env}`, o.trust.file && `file ${o.trust.file.path}`]
    .filter(Boolean)
    .join(' and ');
}

/**
 * Any container as a backend: an image or a build, with its port, told whom
 * to trust as the scenario says, ready by a log line, its port, or a query,
 * and asked who it sees by a MySQL query, an HTTP path, or the line it writes.
 */
export const container: BackendKind<typeof options> = {
  kind: 'container',
  options,
  whoAmI: whoAmIOf,
  resolvePaths(o, scenarioFile) {
    const base = dirname(scenarioFile);
    const at = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
    // A path that is not there is a mistake in the scenario, said when it loads, never a skip.
    const missing = [
      ...(o.build === undefined
        ? []
        : [typeof o.build === 'string' ? o.build : o.build.context]
            .filter((d) => !statSync(at(d), { throwIfNoEntry: false })?.isDirectory())
            .map((d) => `build: no folder ${at(d)}`)),
      ...(o.copy ?? [])
        .filter((c) => !statSync(at(c.source), { throwIfNoEntry: false })?.isFile())
        .map((c) => `copy: no file ${at(c.source)}`),
    ];
    if (missing.length > 0) throw new Error(missing.join('; '));
    return {
      ...o,
      build:
        o.build === undefined || typeof o.build === 'string'
          ? o.build && at(o.build)
          : { context: at(o.build.context), dockerfile: o.build.dockerfile },
      copy: o.copy?.map((c) => ({ source: at(c.source), target: c.target })),
    };
  },
  async unavailable(o) {
    if (o.image !== undefined) {
      const problem = await imageUnavailable(o.image);
      return problem && `needs the image ${o.image}, which cannot be had here: ${problem}`;
    }
    // A build folder and files to copy were checked when the scenario loaded.
    return null;
  },
  async start(stage, o) {
    const image =
      o.image ??
      (await ensureBuilt(
        `proxyproof-build/${o.name.toLowerCase().replace(/[^a-z0-9_.-]/g, '-')}`,
        typeof o.build === 'string' ? o.build : o.build!.context,
        {
          dockerfile: typeof o.build === 'object' ? o.build.dockerfile : undefined,
          onBuild: () => undefined,
        },
      ));
    const networks = o.trust
      ? trustedNetworks(o.trust.networks, stage.vpc.subnet, stage.balancerVpcAddress)
      : '';
    const who = whoAmIOf(o);
    const instances = await Promise.all(
      Array.from({ length: o.count }, async (_, i): Promise<StartedBackend> => {
        const name = `backend-${i + 1}`;
        let spec = new GenericContainer(image)
          .withName(`${stage.prefix}-${name}`)
          .withHostname(name)
          .withLabels(stage.labels)
          .withNetworkMode(stage.vpc.name)
          .withEnvironment({ ...o.env, ...(o.trust?.env ? { [o.trust.env]: networks } : {}) })
          .withStartupTimeout(READY_WITHIN_MS);
        if (o.command) spec = spec.withCommand(o.command);
        if (o.copy) spec = spec.withCopyFilesToContainer(o.copy);
        if (o.trust?.file)
          spec = spec.withCopyContentToContainer([
            {
              content: (o.trust.file.content ?? '{{networks}}\n').replaceAll(
                '{{networks}}',
                networks,
              ),
              target: o.trust.file.path,
            },
          ]);
        if ('log' in o.ready)
          spec = spec.withWaitStrategy(Wait.forLogMessage(new RegExp(o.ready.log)));
        const started = await spec.start();
        stage.track(started.getId(), name);
        if ('port' in o.ready)
          await untilReady(
            stage,
            started.getId(),
            stage.images.balancer,
            ['bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${o.port}`],
            `port ${o.port} accepting`,
          );
        if ('query' in o.ready && who.protocol === 'mysql')
          await untilReady(
            stage,
            started.getId(),
            stage.images.backend,
            [
              'mariadb',
              '-h127.0.0.1',
              `-P${o.port}`,
              `-u${who.credentials.user}`,
              `-p${who.credentials.password}`,
              '-e',
              o.ready.query,
            ],
            'its query answering',
          );
        return {
          name,
          address: started.getIpAddress(stage.vpc.name),
          containerId: started.getId(),
          // What it was told, not read back: the kind cannot ask an application.
          trust: trustSetting(o) === null ? null : { setting: trustSetting(o)!, value: networks },
          counters: async () => ({}),
          setTrust: null,
        };
      }),
    );
    return {
      instances,
      whoAmI: who,
      maxConnectErrors: null,
      info: {
        kind: 'container',
        image,
        count: o.count,
        detail: `${o.name}: ${o.trust ? `told to trust ${networks || '(nothing)'} via ${trustSetting(o)}` : 'not told whom to trust'}`,
      },
    };
  },
};
