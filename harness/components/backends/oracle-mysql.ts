import { z } from 'zod';
import { imageUnavailable } from '../../topology/images.ts';
import {
  CLIENT_CREDENTIALS,
  instanceOptions,
  PROCESSLIST_WHO_AM_I,
  startInstances,
} from './mysql-family.ts';
import type { BackendKind } from '../types.ts';

const options = z
  .object({
    kind: z.literal('oracle-mysql'),
    ...instanceOptions,
    /** The image; default PROXYPROOF_MYSQL_IMAGE, else the official mysql:8.0. */
    image: z.string().min(1).optional(),
  })
  .strict();

type Options = z.infer<typeof options>;

const ROOT_PASSWORD = 'proxyproof-root';
const imageOf = (o: Options) => o.image ?? process.env.PROXYPROOF_MYSQL_IMAGE ?? 'mysql:8.0';

/**
 * Oracle MySQL from its official image (or one with the same contract:
 * MYSQL_ROOT_PASSWORD, MYSQL_USER, MYSQL_PASSWORD; server options as
 * arguments). It has no PROXY protocol support: a header is read as a
 * malformed handshake.
 */
export const oracleMysql: BackendKind<typeof options> = {
  kind: 'oracle-mysql',
  options,
  whoAmI: () => PROCESSLIST_WHO_AM_I,
  async unavailable(o) {
    const problem = await imageUnavailable(imageOf(o));
    return (
      problem &&
      `needs Oracle MySQL from the image ${imageOf(o)}, which cannot be had here: ${problem} (PROXYPROOF_MYSQL_IMAGE names another)`
    );
  },
  async start(stage, o) {
    const image = imageOf(o);
    const instances = await startInstances(stage, o.count, {
      image,
      env: {
        MYSQL_ROOT_PASSWORD: ROOT_PASSWORD,
        MYSQL_USER: CLIENT_CREDENTIALS.user,
        MYSQL_PASSWORD: CLIENT_CREDENTIALS.password,
      },
      command: [`--port=${o.port}`, '--skip-name-resolve'],
      // The image's first server (initialising) listens on port 0; the real one on
      // ours. MySQL writes "ready for connections. Version: ... port: N" on one line.
      ready: new RegExp(`Version: '.*port: ${o.port}\\b`),
      startupMs: 180_000,
      client: ['mysql', '-uroot', `-p${ROOT_PASSWORD}`],
      trust: async () => 'unsupported',
      setTrust: null,
    });
    return {
      instances,
      whoAmI: PROCESSLIST_WHO_AM_I,
      maxConnectErrors: 100,
      info: { kind: 'oracle-mysql', image, count: o.count, detail: 'no PROXY protocol support' },
    };
  },
};
