// What a MySQL-family client session needs: whom to log in as, and how to ask
// the server who it thinks the client is. Pure types, shared by the probes,
// the AWS settings (which read the credentials) and the components' API.

/** MySQL-protocol credentials a client logs in with. */
export interface Credentials {
  user: string;
  password: string;
}

/** How a backend is asked who it thinks the client is. */
export interface WhoAmI {
  /** A MySQL-family statement answering host (host:port), user and instance columns. */
  sql: string;
}
