import mysql from 'mysql2';
import type { Endpoint } from '../net/endpoint.ts';
import { parseHostPort } from '../net/endpoint.ts';

export interface Credentials {
  user: string;
  password: string;
}

/** What one client connection learned: its own socket, and what the server said. */
export interface ProbeResult {
  client: string;
  /** The client socket's local address and port: the origin the balancer's frontend saw. */
  origin: Endpoint | null;
  backend: { host: Endpoint; user: string; instance: string } | null;
  error: string | null;
}

// The session's own PROCESSLIST row: HOST is the address the server believes.
const WHO_AM_I =
  'SELECT p.HOST AS host, USER() AS user, @@hostname AS instance ' +
  'FROM information_schema.PROCESSLIST p WHERE p.ID = CONNECTION_ID()';

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
  count: number,
): Promise<ProbeResult[]> {
  const connections = Array.from({ length: count }, (_, i) =>
    openProbe(`harness#${i + 1}`, target, credentials),
  );
  const results = await Promise.all(connections.map((c) => c.result));
  await Promise.all(connections.map((c) => c.close()));
  return results;
}

function openProbe(client: string, target: Endpoint, credentials: Credentials) {
  const connection = mysql.createConnection({
    host: target.address,
    port: target.port,
    user: credentials.user,
    password: credentials.password,
    connectTimeout: 10_000,
  });
  let origin: Endpoint | null = null;
  // mysql2 exposes its net.Socket; read our side of it as soon as TCP connects.
  const socket = (connection as unknown as { stream: import('node:net').Socket }).stream;
  socket.once('connect', () => {
    if (socket.localAddress && socket.localPort)
      origin = { address: socket.localAddress, port: socket.localPort };
  });
  connection.on('error', () => undefined); // reported through the query's rejection

  const result: Promise<ProbeResult> = connection
    .promise()
    .query(WHO_AM_I)
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
    .catch((e: Error & { code?: string }) => ({
      client,
      origin,
      backend: null,
      error: e.code ? `${e.code}: ${e.message}` : e.message,
    }));

  return {
    result,
    close: () =>
      connection
        .promise()
        .end()
        .catch(() => connection.destroy()),
  };
}
