import type { Endpoint } from '../net/endpoint.ts';

/** What one client connection learned: its own socket, and what the server said. */
export interface ProbeResult {
  client: string;
  /** The client socket's local address and port: the origin the balancer's frontend saw. */
  origin: Endpoint | null;
  /** What a forging client claimed to be in the header it wrote itself. */
  claimed?: Endpoint;
  /**
   * Who the backend says the client is: its address, and its port, user and
   * instance where the backend's way of telling says them (PROCESSLIST does;
   * an application's one-line answer may give only the address).
   */
  backend: {
    host: { address: string; port: number | null };
    user: string | null;
    instance: string | null;
  } | null;
  error: string | null;
  /** For an answered connection: milliseconds from dialling to TCP connected, and to the answer. */
  timing?: ProbeTiming;
}

export interface ProbeTiming {
  /** The client's TCP handshake with the balancer: no PROXY header is involved yet. */
  connectMs: number;
  /** Until the backend answered who-am-I: the balancer's connection with its header, and the session. */
  answerMs: number;
}
