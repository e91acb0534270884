import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from 'node:net';
import mysql from 'mysql2';
import type { Endpoint } from '../net/endpoint.ts';
import { parseHostPort } from '../net/endpoint.ts';
import { firstErrorPacket } from './mysql-error-packet.ts';

import type { Credentials, WhoAmI } from './session.ts';
import type { ProbeResult } from '../evidence/probe-result.ts';

const PROBE_TIMEOUT_MS = 15_000;
const ANSWER_DELAY_MS = 100;

// mysql2 prints this line through console.error whenever a server refuses the
// handshake after a PROXY header (MariaDB's error packet carries a sequence id
// mysql2 does not expect). The refusal reaches the probe as the query's error,
// so the line is only noise in a person's output; nothing else is filtered.
const OUT_OF_ORDER = /^Warning: got packets out of order\./;
const consoleError = console.error.bind(console);
console.error = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && OUT_OF_ORDER.test(args[0])) return;
  consoleError(...args);
};

interface WhoAmIRow {
  host: string;
  user: string;
  instance: string;
}

/**
 * Opens `count` connections through the balancer at once and keeps them all open
 * until every one has asked the backend who it is talking to, so no two share a
 * client port.
 */
export async function probeThroughBalancer(
  target: Endpoint,
  credentials: Credentials,
  whoAmI: WhoAmI,
  count: number,
  /** Bytes to send before MySQL speaks, e.g. a PROXY header from a front proxy. */
  prefix?: (origin: Endpoint) => Uint8Array,
  /** Ctrl-C: every probe ends at once rather than at its deadline. */
  signal?: AbortSignal,
): Promise<ProbeResult[]> {
  const connections = Array.from({ length: count }, (_, i) =>
    openProbe(`harness#${i + 1}`, target, credentials, whoAmI, prefix, signal),
  );
  const results = await Promise.all(connections.map((c) => c.result));
  await Promise.all(connections.map((c) => c.close()));
  return results;
}

function openProbe(
  client: string,
  target: Endpoint,
  credentials: Credentials,
  whoAmI: WhoAmI,
  prefix: ((origin: Endpoint) => Uint8Array) | undefined,
  signal: AbortSignal | undefined,
) {
  // Our own socket, handed to mysql2: we read our side of it as soon as TCP
  // connects, and may speak first.
  const socket = connect({ host: target.address, port: target.port, signal });
  let origin: Endpoint | null = null;
  const received: Buffer[] = [];
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  socket.once('connect', () => {
    if (!socket.localAddress || !socket.localPort) return;
    origin = { address: socket.localAddress, port: socket.localPort };
    if (prefix) write(prefix(origin));
  });
  // A server that refuses a PROXY header sends its ERR packet right after the
  // greeting and closes. If the client's answer to the greeting reaches the
  // closed socket first, the reset can discard that ERR packet unread. So
  // mysql2's first write waits a moment: the ERR packet, if any, is read first.
  let firstWrite = true;
  socket.write = (...args: unknown[]) => {
    if (!firstWrite) return write(...args);
    firstWrite = false;
    setTimeout(() => socket.writable && write(...args), ANSWER_DELAY_MS);
    return true;
  };
  const connection = mysql.createConnection({
    stream: socket,
    user: credentials.user,
    password: credentials.password,
    connectTimeout: 10_000,
  });
  connection.on('error', () => undefined); // reported through the query's rejection

  // mysql2 can wait forever on a server that broke the protocol (e.g. answered
  // a PROXY header it did not expect); a probe always ends.
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS / 1000} s`)),
      PROBE_TIMEOUT_MS,
    );
  });
  const result: Promise<ProbeResult> = Promise.race([
    connection.promise().query(whoAmI.sql),
    deadline,
  ])
    .then(([rows]) => {
      const row = (rows as WhoAmIRow[])[0];
      const host = row ? parseHostPort(row.host) : null;
      if (!row || !host)
        return {
          client,
          origin,
          backend: null,
          error: `unexpected PROCESSLIST answer: ${JSON.stringify(row)}`,
        };
      return {
        client,
        origin,
        backend: { host, user: row.user, instance: row.instance },
        error: null,
      };
    })
    .catch((e: unknown) => {
      // A refusal can reach mysql2 as a reset; the server's own error packet says why.
      const server = firstErrorPacket(Buffer.concat(received));
      // mysql2's and the socket's errors carry a code (ER_..., ECONNRESET).
      const err: NodeJS.ErrnoException = e instanceof Error ? e : new Error(String(e));
      const error = server
        ? `${server.name}: ${server.message}`
        : err.code
          ? `${err.code}: ${err.message}`
          : err.message;
      return { client, origin, backend: null, error };
    })
    .finally(() => clearTimeout(timer));

  return {
    result,
    // A polite COM_QUIT, but never waiting on a server that stopped answering;
    // the wait is cancelled once the quit is done, so it keeps nothing alive.
    close: () => {
      const quitDone = new AbortController();
      return Promise.race([
        connection
          .promise()
          .end()
          .finally(() => quitDone.abort()),
        sleep(2_000, undefined, { signal: quitDone.signal }).catch(() => undefined),
      ])
        .catch(() => undefined)
        .finally(() => connection.destroy());
    },
  };
}
