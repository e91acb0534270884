import { connect } from 'node:net';
import type { Endpoint } from '../net/endpoint.ts';

export interface RawProbeResult {
  origin: Endpoint;
  /** The server's first bytes (MySQL greets first), or null if it closed without a word. */
  firstBytes: Buffer | null;
}

/**
 * A client that can put crafted bytes (a PROXY header of our own) on the wire
 * before anything else, then waits for the server's first bytes and leaves.
 */
export function rawProbe(
  target: Endpoint,
  prefix: Uint8Array | null,
  timeoutMs = 10_000,
): Promise<RawProbeResult> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.address, port: target.port });
    const timer = setTimeout(
      () =>
        socket.destroy(
          new Error(`no answer from ${target.address}:${target.port} within ${timeoutMs} ms`),
        ),
      timeoutMs,
    );
    let origin: Endpoint | null = null;
    const finish = (firstBytes: Buffer | null) => {
      clearTimeout(timer);
      socket.destroy();
      if (origin) resolve({ origin, firstBytes });
      else reject(new Error('the connection closed before it was established'));
    };
    socket.once('connect', () => {
      origin = { address: socket.localAddress!, port: socket.localPort! };
      if (prefix) socket.write(prefix);
    });
    socket.once('data', (chunk) => finish(chunk));
    socket.once('end', () => finish(null));
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}
