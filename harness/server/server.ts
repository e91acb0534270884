import { createServer, type Server, type ServerOpts, type Socket } from 'node:net';
import { formatEndpoint, type Endpoint } from '../net/endpoint.ts';
import { decodeProxyHeader } from '../proxy-protocol/decode.ts';
import { ProxyHeaderReader } from '../proxy-protocol/stream.ts';
import type { ProxyAddress, ProxyHeader } from '../proxy-protocol/types.ts';
import { V2_SIGNATURE } from '../proxy-protocol/v2.ts';
import { TrustList } from './trust.ts';

/** How long a connection may take to show its PROXY header (or, untrusted, its first bytes). */
export const DEFAULT_HEADER_TIMEOUT_MS = 5000;
/** v1's signature, "PROXY " (v2's is V2_SIGNATURE, 12 bytes). */
const V1_SIGNATURE_LENGTH = 6;
/** setTimeout's largest delay. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export interface ProxyServerOptions {
  /**
   * The peers (your balancers) whose PROXY headers are believed, as IPv4/IPv6
   * CIDRs or bare addresses. A trusted peer must send a header; anyone else must
   * not. An empty list trusts no one: every connection is served as direct.
   */
  trusted: readonly string[];
  /** Refuse a connection whose header is not complete this long after it was accepted. Default 5000. */
  headerTimeoutMs?: number;
  /** Passed to net.createServer (allowHalfOpen, noDelay, keepAlive, ...). */
  server?: Omit<ServerOpts, 'pauseOnConnect'>;
}

/** What a served connection is, as far as the PROXY protocol says. */
export interface ProxiedConnection {
  /**
   * The client: the header's source for a PROXY header with IP addresses;
   * otherwise (no header, v2 LOCAL, v1 UNKNOWN, v2 UNSPEC or UNIX) the TCP peer.
   */
  source: Endpoint;
  /** What the client dialled: the header's destination, or else this socket's local address. */
  destination: Endpoint;
  /** Where `source` and `destination` come from. */
  sourceFrom: 'header' | 'peer';
  /** The decoded header, or null for a direct connection (an untrusted peer without one). */
  header: ProxyHeader | null;
  /** The TCP peer: the balancer when a header was sent, the client itself when not. */
  peer: Endpoint;
}

export type ProxyConnectionListener = (socket: Socket, proxied: ProxiedConnection) => void;
export type ProxyErrorListener = (error: ProxyRefusal, peer: Endpoint) => void;

/**
 * Why a connection was refused (destroyed before the application saw it):
 * - `untrusted`: a peer not in `trusted` began with a PROXY signature (v1 or v2);
 * - `missing`: a trusted peer began with something else;
 * - `invalid`: a trusted peer's header is malformed (`code` is the decoder's);
 * - `timeout`: no complete header (untrusted: not even enough bytes to tell) in time;
 * - `closed`: the peer closed or reset the connection before that.
 */
export type RefusalReason = 'untrusted' | 'missing' | 'invalid' | 'timeout' | 'closed';

export class ProxyRefusal extends Error {
  override readonly name = 'ProxyRefusal';

  constructor(
    readonly reason: RefusalReason,
    message: string,
    /** The TCP peer that was refused. */
    readonly peer: Endpoint,
    /** Whether the peer is in `trusted`. */
    readonly trusted: boolean,
    /** The decoder's stable code (V1_BAD_PORT, V2_BAD_VERSION, HEADER_TOO_LARGE, ...) for `invalid`, else null. */
    readonly code: string | null,
    /** Bytes read from the connection before it was refused. */
    readonly bytesReceived: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A net.Server that serves only connections whose PROXY header (or its absence) is believable. */
export interface ProxyServer extends Server {
  on(event: 'proxiedConnection', listener: ProxyConnectionListener): this;
  on(event: 'proxyError', listener: ProxyErrorListener): this;
  on(event: 'connection', listener: (socket: Socket) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(event: 'close' | 'listening', listener: () => void): this;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- net.Server's own catch-all
  on(event: string | symbol, listener: (...args: any[]) => void): this;
  once(event: 'proxiedConnection', listener: ProxyConnectionListener): this;
  once(event: 'proxyError', listener: ProxyErrorListener): this;
  once(event: 'connection', listener: (socket: Socket) => void): this;
  once(event: 'error', listener: (error: Error) => void): this;
  once(event: 'close' | 'listening', listener: () => void): this;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- net.Server's own catch-all
  once(event: string | symbol, listener: (...args: any[]) => void): this;
}

const described = new WeakMap<Socket, ProxiedConnection>();

/** What `createProxyServer` said about a socket it served (e.g. `req.socket` in an http server fed from it). */
export function proxiedOf(socket: Socket): ProxiedConnection | undefined {
  return described.get(socket);
}

/**
 * A TCP server that reads the PROXY header (v1 or v2) a trusted balancer puts
 * before each connection, and hands the application the socket, positioned at
 * the first byte after the header, with the client's address.
 *
 * A trusted peer must begin with a valid header; anyone else must not begin with
 * a PROXY signature (a header from them would be a forged client address); a
 * refused connection is destroyed and reported as 'proxyError'. Only the first
 * header is read: a second one (stacked by a proxy in front of the balancer) is
 * the application's payload. To believe it too, that proxy must be trusted by
 * the balancer, which then passes on its client (HAProxy: accept-proxy).
 */
export function createProxyServer(
  options: ProxyServerOptions,
  listener?: ProxyConnectionListener,
): ProxyServer {
  if (!Array.isArray(options.trusted)) {
    throw new TypeError('trusted: an array of CIDRs is required (an empty one trusts no one)');
  }
  const trust = new TrustList(options.trusted);
  const timeoutMs = options.headerTimeoutMs ?? DEFAULT_HEADER_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_TIMEOUT_MS) {
    throw new TypeError(
      `headerTimeoutMs: ${timeoutMs} is not a number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`,
    );
  }
  const server: ProxyServer = createServer({ ...options.server, pauseOnConnect: false });
  server.on('connection', (socket) => {
    accept(server, socket, trust.has(socket.remoteAddress ?? ''), timeoutMs);
  });
  if (listener) server.on('proxiedConnection', listener);
  return server;
}

/** Reads the first bytes of one connection until it can be served or must be refused. */
function accept(server: ProxyServer, socket: Socket, trusted: boolean, timeoutMs: number): void {
  const { remoteAddress, remotePort } = socket;
  if (remoteAddress === undefined || remotePort === undefined) {
    // Gone before it was handed to us: there is nobody to serve or to report.
    socket.destroy();
    return;
  }
  const peer: Endpoint = { address: unmapped(remoteAddress), port: remotePort };
  // Trusted: the codec's stream reader, bounded by the codec (v1 107 bytes, v2 16 + 65,535).
  // Untrusted: at most a signature's length is ever held.
  const reader = trusted ? new ProxyHeaderReader() : null;
  let held: Buffer = Buffer.alloc(0);
  let received = 0;
  let settled = false;

  const done = () => {
    settled = true;
    clearTimeout(timer);
    socket.off('readable', onReadable);
    socket.off('end', onEnd);
    socket.off('error', onError);
    socket.off('close', onClose);
  };

  const refuse = (
    reason: RefusalReason,
    why: string,
    code: string | null = null,
    cause?: Error,
  ) => {
    done();
    socket.destroy();
    const error = new ProxyRefusal(
      reason,
      `${trusted ? 'trusted' : 'untrusted'} peer ${formatEndpoint(peer)}: ${why}: refused`,
      peer,
      trusted,
      code,
      received,
      cause ? { cause } : undefined,
    );
    server.emit('proxyError', error, peer);
  };

  const serve = (header: ProxyHeader | null, rest: Buffer) => {
    done();
    // Back to the front of the socket's buffer: the application reads it first, in order.
    if (rest.length > 0) socket.unshift(rest);
    const proxied = describe(header, peer, socket);
    described.set(socket, proxied);
    server.emit('proxiedConnection', socket, proxied);
  };

  const onChunk = (chunk: Buffer) => {
    received += chunk.length;
    if (reader) {
      const step = reader.push(chunk);
      if (step.kind === 'header') serve(step.header, step.rest);
      else if (step.kind === 'absent') {
        refuse('missing', `did not begin with a PROXY header (${firstBytes(step.rest)})`);
      } else if (step.kind === 'invalid') {
        const { code, message } = step.error;
        refuse('invalid', `sent an invalid PROXY header: ${message} [${code}]`, code);
      }
      return;
    }
    held = held.length === 0 ? chunk : Buffer.concat([held, chunk]);
    // 'absent' is decided at the first byte that leaves both signatures; until a
    // whole signature is in, the bytes may still turn out to be a direct client's.
    if (decodeProxyHeader(held).kind === 'absent') {
      serve(null, held);
      return;
    }
    const v2 = held[0] === V2_SIGNATURE[0];
    if (held.length < (v2 ? V2_SIGNATURE.length : V1_SIGNATURE_LENGTH)) return;
    refuse(
      'untrusted',
      `began with a PROXY v${v2 ? 2 : 1} signature but is not in \`trusted\` ` +
        '(a header from anyone but your balancers could claim any client address)',
    );
  };

  function onReadable() {
    let chunk: Buffer | null;
    while (!settled && (chunk = socket.read() as Buffer | null) !== null) onChunk(chunk);
  }
  // What the connection had not shown yet, for 'closed' and 'timeout'.
  const pending = () =>
    (trusted
      ? 'a complete PROXY header'
      : 'enough bytes to tell a direct connection from a PROXY header') +
    ` (${received} bytes received)`;
  function onEnd() {
    refuse('closed', `closed the connection before ${pending()}`);
  }
  function onError(error: Error) {
    refuse('closed', `connection failed before ${pending()}: ${error.message}`, null, error);
  }
  function onClose() {
    if (!settled) refuse('closed', `connection closed before ${pending()}`);
  }

  const timer = setTimeout(() => {
    refuse(
      'timeout',
      trusted
        ? `no complete PROXY header within ${timeoutMs} ms (${received} bytes received)`
        : `too few bytes within ${timeoutMs} ms to tell a direct connection from a PROXY header (${received} received)`,
    );
  }, timeoutMs);
  socket.on('readable', onReadable);
  socket.on('end', onEnd);
  socket.on('error', onError);
  socket.on('close', onClose);
}

function describe(header: ProxyHeader | null, peer: Endpoint, socket: Socket): ProxiedConnection {
  if (header?.command === 'PROXY' && isEndpoint(header.source) && isEndpoint(header.destination)) {
    return {
      source: header.source,
      destination: header.destination,
      sourceFrom: 'header',
      header,
      peer,
    };
  }
  const local = { address: unmapped(socket.localAddress ?? ''), port: socket.localPort ?? 0 };
  return { source: peer, destination: local, sourceFrom: 'peer', header, peer };
}

/**
 * An address as Node prints it (already canonical), with IPv4-mapped IPv6
 * (a dual-stack listener's IPv4 clients) as plain IPv4, as headers give them.
 */
const unmapped = (address: string) =>
  address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;

const isEndpoint = (a: ProxyAddress | null): a is Endpoint => a !== null && 'address' in a;

/** The first bytes, for a refusal's message: hex, and as text where printable. */
function firstBytes(b: Buffer): string {
  const head = b.subarray(0, 8);
  const text = /^[\x20-\x7e]+$/.test(head.toString('latin1'))
    ? ` "${head.toString('latin1')}"`
    : '';
  return `first bytes ${head.toString('hex')}${text}`;
}
