import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from 'node:net';
import mysql from 'mysql2';
import { parseReported, type Endpoint } from '../net/endpoint.ts';
import { firstErrorPacket } from './mysql-error-packet.ts';
import type { WhoAmI } from './session.ts';
import type { ProbeResult } from '../evidence/probe-result.ts';
import { PROBE_TIMEOUT_MS, probeClock, type OpenProbe } from './open-probe.ts';

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

/** A user's own statement may answer any column types: read as text. */
type Cell = string | number | bigint | Buffer | null | undefined;
interface WhoAmIRow {
  host?: Cell;
  user?: Cell;
  instance?: Cell;
}

const text = (cell: Cell): string | null => (cell == null ? null : cell.toString());

type MysqlWhoAmI = Extract<WhoAmI, { protocol: 'mysql' }>;

/**
 * One MySQL session over a socket of our own: its origin is read as soon as TCP
 * connects, `prefix` (a front's PROXY header) goes first, then the server is
 * asked who it thinks the client is.
 */
export function openMysqlProbe(
  client: string,
  target: Endpoint,
  whoAmI: MysqlWhoAmI,
  prefix: ((origin: Endpoint) => Uint8Array) | undefined,
  signal: AbortSignal | undefined,
  /** Under load, 0: a refusal may then read as a reset rather than the server's words. */
  answerDelayMs = ANSWER_DELAY_MS,
  /** Under load, the client's own port (see probeAtPace); otherwise the kernel's choice. */
  localPort?: number,
): OpenProbe {
  // Our own socket, handed to mysql2: we read our side of it as soon as TCP
  // connects, and may speak first.
  const socket = connect({ host: target.address, port: target.port, signal, localPort });
  const timed = probeClock(socket);
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
    if (!firstWrite || answerDelayMs === 0) return write(...args);
    firstWrite = false;
    setTimeout(() => socket.writable && write(...args), answerDelayMs);
    return true;
  };
  const connection = mysql.createConnection({
    stream: socket,
    user: whoAmI.credentials.user,
    password: whoAmI.credentials.password,
    connectTimeout: 10_000,
    // One query, never prepared: mysql2's default (16,000) preallocates a cache per connection.
    maxPreparedStatements: 1,
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
      const hostText = text(row?.host);
      const host = hostText === null ? null : parseReported(hostText);
      if (!row || !host)
        return {
          client,
          origin,
          backend: null,
          error: `the who-am-I query answered no host column: ${JSON.stringify(row)}`,
        };
      return {
        client,
        origin,
        backend: {
          host,
          user: text(row.user),
          instance: text(row.instance),
        },
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
    .then(timed)
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
