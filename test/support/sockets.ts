// Real sockets on loopback for relay tests: servers and clients whose incoming
// bytes, FIN and close a test can wait on, all closed after each test.
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { within } from './within.ts';

const WAIT_MS = 3000;

/** One socket's side of a connection: what came in, whether the peer's FIN did, how it closed. */
export class Peer {
  received: Buffer = Buffer.alloc(0);
  ended = false;
  error: Error | null = null;
  readonly closed: Promise<void>;
  private readonly waiters = new Set<() => void>();

  constructor(readonly socket: Socket) {
    socket.on('data', (bytes: Buffer) => {
      this.received = Buffer.concat([this.received, bytes]);
      this.wake();
    });
    socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', (e) => {
      this.error = e;
      this.wake();
    });
    // Not events.once: it rejects on 'error', and a reset is an outcome here.
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  /** Resolves once `holds` is true of this peer; fails after `ms`. */
  until(what: string, holds: (peer: this) => boolean, ms = WAIT_MS): Promise<void> {
    if (holds(this)) return Promise.resolve();
    return within(
      ms,
      what,
      new Promise<void>((resolve) => {
        const check = () => {
          if (!holds(this)) return;
          this.waiters.delete(check);
          resolve();
        };
        this.waiters.add(check);
      }),
    );
  }

  /** At least `length` bytes in. */
  bytes(length: number): Promise<void> {
    return this.until(`${length} bytes`, (p) => p.received.length >= length);
  }

  /** The peer's FIN or a reset. */
  finished(): Promise<void> {
    return this.until('the connection to end', (p) => p.ended || p.error !== null);
  }

  text(): string {
    return this.received.toString('latin1');
  }

  private wake(): void {
    for (const check of [...this.waiters]) check();
  }
}

/** Things that happen in order (connections, log records), each awaited in turn. */
export class Queue<T> {
  private readonly items: T[] = [];
  private readonly waiting: ((item: T) => void)[] = [];

  constructor(private readonly what: string) {}

  push(item: T): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter(item);
    else this.items.push(item);
  }

  /** The next one; fails when none comes within `ms`. */
  next(ms = WAIT_MS): Promise<T> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return within(ms, this.what, new Promise<T>((resolve) => this.waiting.push(resolve)));
  }
}

/** A listening server whose connections come out in order as Peers. */
export interface Accepting {
  server: Server;
  port: number;
  /** The next connection; fails when none comes within `ms`. */
  next(ms?: number): Promise<Peer>;
}

/** Everything a test opened, closed (destroyed) afterwards. */
export class Sockets {
  private readonly servers: Server[] = [];
  private readonly sockets: Socket[] = [];

  /** Listens on `host` (an ephemeral port); returns the port. */
  async listen(server: Server, host = '127.0.0.1'): Promise<number> {
    this.servers.push(server);
    server.on('connection', (s: Socket) => this.sockets.push(s));
    server.listen(0, host);
    await once(server, 'listening');
    return (server.address() as AddressInfo).port;
  }

  /** A server standing for what is behind the relay; `onAccept` may greet or answer. */
  async accepting(onAccept: (peer: Peer) => void = () => undefined): Promise<Accepting> {
    const accepted = new Queue<Peer>('an accepted connection');
    // Half-open, like HAProxy: a client's FIN does not end the other direction.
    const server = createServer({ allowHalfOpen: true }, (socket) => {
      const peer = new Peer(socket);
      onAccept(peer);
      accepted.push(peer);
    });
    const port = await this.listen(server);
    return { server, port, next: (ms) => accepted.next(ms) };
  }

  /** A client connection, once connected. */
  async dial(port: number, host = '127.0.0.1'): Promise<Peer> {
    const socket = connect({ port, host, allowHalfOpen: true });
    this.sockets.push(socket);
    const peer = new Peer(socket);
    await within(WAIT_MS, `connecting to ${host}:${port}`, once(socket, 'connect'));
    return peer;
  }

  /** A port nothing listens on (it was just free). */
  async closedPort(): Promise<number> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    server.close();
    await once(server, 'close');
    return port;
  }

  async closeAll(): Promise<void> {
    for (const socket of this.sockets.splice(0)) socket.destroy();
    await Promise.all(
      this.servers.splice(0).map(async (server) => {
        if (!server.listening) return;
        server.close();
        await once(server, 'close');
      }),
    );
  }
}
