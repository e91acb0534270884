import type { Endpoint } from '../net/endpoint.ts';

/** What one client connection learned: its own socket, and what the server said. */
export interface ProbeResult {
  client: string;
  /** The client socket's local address and port: the origin the balancer's frontend saw. */
  origin: Endpoint | null;
  /** What a forging client claimed to be in the header it wrote itself. */
  claimed?: Endpoint;
  /** Who the backend says the client is, and which instance said so. */
  backend: { host: Endpoint; user: string; instance: string } | null;
  error: string | null;
}
