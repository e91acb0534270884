import type { CapturedConnection } from '../capture/proxy-headers.ts';
import { formatEndpoint, normaliseAddress, sameAddress, type Endpoint } from '../net/endpoint.ts';
import { isEndpoint } from '../proxy-protocol/types.ts';
import type { ProbeResult } from './probe-result.ts';
import type {
  BackendTrust,
  BalancerConnection,
  CaptureLocation,
  Observation,
  WireView,
} from './types.ts';

/** One backend's capture, decoded into connections. */
export interface BackendCapture {
  instance: string;
  connections: CapturedConnection[];
  droppedByKernel: number;
  /** Whose PROXY headers the backend accepts, as the server reports it. */
  trust: BackendTrust;
}

/**
 * The seed's first question, answered per connection from what the capture
 * shows: what the two address pairs are. `peer` is the TCP peer the backend
 * saw: a destination equal to it is the balancer's own address on the
 * backend's network (a Classic ELB node's private address), not one a client dialled.
 */
function meaning(source: Endpoint | null, destination: Endpoint | null, peer: string): string {
  if (!source || !destination)
    return "the header carries no addresses (LOCAL or UNKNOWN): the connection is the proxy's own";
  const client = `source ${formatEndpoint(source)} is the client as the balancer saw it`;
  return sameAddress(destination.address, peer)
    ? `${client}; destination ${formatEndpoint(destination)} is the balancer's own address on this backend's network, the same address the backend sees as the connection's TCP peer (on a Classic ELB, the ELB node's private address), with the listener's port`
    : `${client}; destination ${formatEndpoint(destination)} is the balancer's own listener, the address and port the client dialled`;
}

/** The wire view of a captured connection: its first header, and every header it began with. */
export function wireView(c: CapturedConnection): WireView | null {
  const first = c.headers[0];
  if (!first) return null;
  const source = isEndpoint(first.source) ? first.source : null;
  const destination = isEndpoint(first.destination) ? first.destination : null;
  return {
    meaning: meaning(source, destination, c.connection.src),
    version: first.version,
    command: first.command,
    family: first.family,
    protocol: first.protocol,
    source,
    destination,
    tlvs: first.tlvs,
    raw: c.headers.map((h) => h.hex).join(''),
    stack: c.headers.map((h) => ({
      source: isEndpoint(h.source) ? h.source : null,
      destination: isEndpoint(h.destination) ? h.destination : null,
    })),
  };
}

interface Found {
  at: CaptureLocation;
  conn: CapturedConnection;
}

/** Captured connections by a source, in capture order: the header's, and the TCP peer's. */
interface CaptureIndex {
  byHeaderSource: Map<string, Found[]>;
  byTcpSource: Map<string, Found[]>;
}

const sourceKey = (address: string, port: number) => `${normaliseAddress(address)} ${port}`;

function add(index: Map<string, Found[]>, key: string, found: Found): void {
  const list = index.get(key);
  if (list) list.push(found);
  else index.set(key, [found]);
}

// Built once per observation's captures: locating thousands of clients stays linear.
const indexes = new WeakMap<BackendCapture[], CaptureIndex>();

function indexOf(captures: BackendCapture[]): CaptureIndex {
  const cached = indexes.get(captures);
  if (cached) return cached;
  const index: CaptureIndex = { byHeaderSource: new Map(), byTcpSource: new Map() };
  for (const { instance, connections } of captures)
    for (const conn of connections) {
      const found = { at: { instance, connection: conn.connection }, conn };
      add(index.byTcpSource, sourceKey(conn.connection.src, conn.connection.sport), found);
      const named = new Set<string>();
      for (const h of conn.headers)
        if (isEndpoint(h.source)) named.add(sourceKey(h.source.address, h.source.port));
      for (const key of named) add(index.byHeaderSource, key, found);
    }
  indexes.set(captures, index);
  return index;
}

/**
 * Finds this client's connection in the backend captures. By a header's source
 * (any header in a stack may be the one naming the client: the outermost, last),
 * its port being the client's as the balancer saw it; failing that, by the TCP
 * connection the backend itself reported, which is how a session with no
 * header, or a header naming someone else, is still located. Never "the first
 * header in the pcap": captures also hold other clients and readiness probes.
 */
function locate(
  origin: Endpoint | null,
  backend: ProbeResult['backend'],
  captures: BackendCapture[],
): Found | null {
  const index = indexOf(captures);
  if (origin) {
    const key = sourceKey(origin.address, origin.port);
    const found = index.byHeaderSource.get(key)?.[0] ?? index.byTcpSource.get(key)?.[0];
    // The second: a client that skipped the balancer, whose TCP connection is its own.
    if (found) return found;
  }
  // The backend's own view names the TCP peer it saw, when it says the port too.
  if (!backend || backend.host.port === null) return null;
  const reported = index.byTcpSource.get(sourceKey(backend.host.address, backend.host.port));
  return (
    reported?.find((f) => backend.instance === null || f.at.instance === backend.instance) ?? null
  );
}

/** Assembles the independent views of one client connection. */
export function observe(
  probe: ProbeResult,
  balancer: Observation['balancer'],
  captures: BackendCapture[],
): Observation {
  const found = locate(probe.origin, probe.backend, captures);
  const instance = found?.at.instance ?? probe.backend?.instance;
  return {
    client: probe.client,
    origin: probe.origin,
    ...(probe.claimed ? { claimed: probe.claimed } : {}),
    balancer,
    backendTrust: captures.find((c) => c.instance === instance)?.trust ?? null,
    wire: found ? wireView(found.conn) : null,
    wireError: found?.conn.error ?? null,
    captured: found?.at ?? null,
    captureDropped: captures.reduce((sum, c) => sum + c.droppedByKernel, 0),
    backend: probe.backend
      ? {
          ...probe.backend.host,
          instance: probe.backend.instance ?? instance ?? null,
          user: probe.backend.user,
        }
      : null,
    error: probe.error,
    ...(probe.timing ? { timing: probe.timing } : {}),
  };
}

/**
 * The connections the balancer made on its own: captured from its address
 * (`balancer`) and located by no client's observation. Null where the target
 * cannot tell (no captures, or no address for the balancer).
 */
export function balancerConnections(
  captures: BackendCapture[],
  balancer: string | null,
  located: readonly (CaptureLocation | null)[],
): BalancerConnection[] | null {
  if (balancer === null || captures.length === 0) return null;
  const key = (instance: string, sport: number, src: string) => `${instance} ${src} ${sport}`;
  const clients = new Set(
    located.flatMap((l) => (l ? [key(l.instance, l.connection.sport, l.connection.src)] : [])),
  );
  return captures.flatMap(({ instance, connections }) =>
    connections
      .filter(
        (c) =>
          sameAddress(c.connection.src, balancer) &&
          !clients.has(key(instance, c.connection.sport, c.connection.src)),
      )
      .map((c) => ({
        instance,
        from: { address: c.connection.src, port: c.connection.sport },
        wire: wireView(c),
        wireError: c.error,
      })),
  );
}
