// The NLB data plane's sockets: a net.Server whose every connection is one
// NlbSession, its actions carried out on the client's socket and the upstream's.
import { randomUUID } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { normaliseAddress, type Endpoint } from '../net/endpoint.ts';
import {
  NlbSession,
  type SessionAction,
  type SessionEvent,
  type SessionStart,
  type SessionSummary,
} from './session/session.ts';
import type { DataPlaneSettings } from './session/settings.ts';

export interface RelayOptions {
  /** Where every connection goes: the balancer behind the data plane (HAProxy with accept-proxy). */
  upstream: Endpoint;
  /**
   * The settings for a connection being accepted; they hold for its whole life.
   * Never rejects: a source that cannot read new settings keeps its last good ones.
   */
  settings: () => Promise<DataPlaneSettings>;
  /** Told once per connection, when both of its sockets have closed. */
  onConnection?: (record: ConnectionRecord) => void;
  /** A new connection's UNIQUE_ID (default: a random UUID, 36 bytes). */
  uniqueId?: () => string;
}

/** How a connection ended: both sides closed in turn, or why not. */
export type ConnectionEnd = 'closed' | 'refused' | 'client-error' | 'upstream-error';

/** One connection, as the program logs it. */
export interface ConnectionRecord extends SessionSummary {
  /** The UNIQUE_ID it had (carried only where its settings asked for the TLV). */
  id: string;
  peer: Endpoint;
  listener: Endpoint;
  settings: DataPlaneSettings;
  ended: ConnectionEnd;
  /** Why, for anything but `closed`. */
  reason: string | null;
}

/**
 * The data plane: for each client, a connection to `upstream` with the PROXY
 * headers NlbSession decides, half-closes passed on each way, and an error or
 * reset on one side resetting the other. Listen on it as on any net.Server.
 */
export function createRelay(options: RelayOptions): Server {
  // Half-open: a FIN ends one direction only. No Nagle: a relay forwards each chunk as it comes.
  return createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
    accept(client, options);
  });
}

/** An address as headers state it: IPv4-mapped as IPv4, without an IPv6 zone (no header has room for one). */
const endpoint = (address: string | undefined, port: number | undefined): Endpoint | null =>
  address === undefined || port === undefined
    ? null
    : { address: normaliseAddress(address.replace(/%.*$/, '')), port };

function accept(client: Socket, options: RelayOptions): void {
  const peer = endpoint(client.remoteAddress, client.remotePort);
  const listener = endpoint(client.localAddress, client.localPort);
  if (!peer || !listener) {
    // Gone before it was handed to us: there is nobody to relay for.
    client.destroy();
    return;
  }
  // A reset while the settings are read must not be an unhandled error; the socket says it is gone.
  const early = () => undefined;
  client.on('error', early);
  const id = (options.uniqueId ?? randomUUID)();
  void options.settings().then((settings) => {
    client.off('error', early);
    if (client.destroyed) return;
    relay(client, { peer, listener, settings, uniqueId: id }, options);
  });
}

function relay(client: Socket, start: SessionStart, options: RelayOptions): void {
  const session = new NlbSession(start);
  let upstream: Socket | null = null;
  let ended: ConnectionEnd = 'closed';
  let reason: string | null = null;
  let open = 1;

  const failed = (how: Exclude<ConnectionEnd, 'closed'>, why: string) => {
    if (ended !== 'closed') return;
    ended = how;
    reason = why;
  };
  const closed = () => {
    if (--open > 0) return;
    const { peer, listener, settings, uniqueId: id } = start;
    options.onConnection?.({ id, peer, listener, settings, ...session.summary, ended, reason });
  };
  const on = (event: SessionEvent) => {
    run(session.on(event));
  };

  const run = (actions: SessionAction[]) => {
    for (const action of actions) {
      switch (action.kind) {
        case 'connect-upstream':
          upstream = openUpstream();
          break;
        case 'to-upstream':
          send(upstream!, action.bytes, client);
          break;
        case 'to-client':
          send(client, action.bytes, upstream!);
          break;
        case 'end-upstream':
          finish(upstream!);
          break;
        case 'end-client':
          finish(client);
          break;
        case 'refuse':
          failed('refused', action.reason);
          client.destroy();
          break;
      }
    }
  };

  const openUpstream = () => {
    open++;
    const { address: host, port } = options.upstream;
    const socket = connect({ host, port, allowHalfOpen: true, noDelay: true });
    socket.on('connect', () => on({ kind: 'upstream-connected' }));
    socket.on('data', (bytes: Buffer) => on({ kind: 'upstream-data', bytes }));
    socket.on('end', () => on({ kind: 'upstream-end' }));
    socket.on('error', (e) => {
      failed('upstream-error', e.message);
      reset(client);
    });
    socket.on('close', closed);
    return socket;
  };

  client.on('data', (bytes: Buffer) => on({ kind: 'client-data', bytes }));
  client.on('end', () => on({ kind: 'client-end' }));
  client.on('error', (e) => {
    failed('client-error', e.message);
    if (upstream) reset(upstream);
  });
  client.on('close', closed);
  run(session.begin());
}

/** Writes, pausing the other side while `to` is behind (TCP's own back-pressure, passed on). */
function send(to: Socket, bytes: Buffer, from: Socket): void {
  if (to.destroyed || to.write(bytes) || from.isPaused()) return;
  from.pause();
  to.once('drain', () => from.resume());
}

/** FIN: this side gets no more, once what was written has gone. */
function finish(socket: Socket): void {
  if (!socket.destroyed) socket.end();
}

/** An error on one side resets the other, as a balancer does (RST, not FIN: nothing was finished). */
function reset(socket: Socket): void {
  if (!socket.destroyed) socket.resetAndDestroy();
}
