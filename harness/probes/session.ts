// How a client asks a backend who it thinks the client is, whatever the
// backend: a MySQL-protocol query (PROCESSLIST for the MySQL family, or the
// user's own statement), an HTTP path that answers with the address, or a line
// the server writes back on connect. Pure types, shared by the probes, the AWS
// settings (which read the credentials) and the components' API.

/** MySQL-protocol credentials a client logs in with. */
export interface Credentials {
  user: string;
  password: string;
}

export type WhoAmI =
  | {
      protocol: 'mysql';
      /** A statement answering `host` (host:port) and, optionally, `user` and `instance` columns. */
      sql: string;
      credentials: Credentials;
    }
  | {
      protocol: 'http';
      /** GET this path; the body is the client's address (host:port, [v6]:port, or JSON {address, port}). */
      path: string;
    }
  | {
      /** The server writes the client's address as its first line and may close. */
      protocol: 'line';
    };
