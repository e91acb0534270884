import type { ProbeTiming } from './probe-result.ts';
import type { Endpoint } from '../net/endpoint.ts';
import type { ConnectionTuple } from '../capture/tcp-streams.ts';
import type {
  AddressFamily,
  Command,
  DecodeError,
  Tlv,
  TransportProtocol,
} from '../proxy-protocol/types.ts';

/** The PROXY header(s) captured at a backend for one client connection, decoded. */
export interface WireView {
  version: 1 | 2;
  command: Command;
  family: AddressFamily;
  protocol: TransportProtocol;
  /** The client as the balancer saw it. */
  source: Endpoint | null;
  /** The balancer's own listener address: what the client dialled. */
  destination: Endpoint | null;
  /** v2 TLVs, decoded (CRC32C already verified). */
  tlvs: readonly Tlv[];
  /** Which address pair is which, and what each means, in words. */
  meaning: string;
  /** The header bytes, hex. */
  raw: string;
  /**
   * Every header the connection began with, in order: the backend reads the
   * first; the last is the outermost proxy's, naming the client. More than one
   * means proxies in a chain each added theirs.
   */
  stack: { source: Endpoint | null; destination: Endpoint | null }[];
}

/** What the backend itself reported for the session. */
export interface BackendView {
  address: string;
  /** The port it reported; null when its way of telling gives only the address. */
  port: number | null;
  /** Which backend instance served the session: as it said, else where the capture found it. */
  instance: string | null;
  /** The MySQL family's USER(): user@host as the server authenticated it; null for other backends. */
  user: string | null;
}

/**
 * Whose PROXY headers a backend accepts: the setting's name for its kind
 * (MariaDB: proxy_protocol_networks) and its value as read from the server;
 * 'unsupported' for a server that does not speak PROXY at all; null where the
 * target cannot read it (AWS: the backends are not ours).
 */
export type BackendTrust = { setting: string; value: string } | 'unsupported' | null;

/** Where in the captures this connection was found, if anywhere. */
export interface CaptureLocation {
  instance: string;
  connection: ConnectionTuple;
}

/** Everything observed about one client connection, from independent sources. */
export interface Observation {
  /** A label for the client, e.g. "harness#3". */
  client: string;
  /** The client's address and port as the balancer's frontend saw them (from the client's socket); null if TCP never connected. */
  origin: Endpoint | null;
  /** What a forging client claimed to be in the header it wrote itself; absent for honest clients. */
  claimed?: Endpoint;
  /**
   * The balancer's address on the vpc network (from Docker), that network, and
   * a front balancer's address if any; null where the target does not say
   * (AWS names no ELB node addresses), with why in `unobservable.balancer`.
   */
  balancer: { address: string | null; subnet: string | null; front: string | null };
  /** From the backend's packet capture. */
  wire: WireView | null;
  /** A malformed header on that connection (bad CRC32C, TLV overrun...), as the decoder named it. */
  wireError: DecodeError | null;
  /** The balancer-to-backend TCP connection that carried the session. */
  captured: CaptureLocation | null;
  /** Packets the kernel dropped across the backend captures; a missing packet may then be a capture loss. */
  captureDropped: number;
  /** Whose PROXY headers the backend that got the connection accepts. */
  backendTrust: BackendTrust;
  /** From the backend's own PROCESSLIST. */
  backend: BackendView | null;
  /** The client's error, when the session failed. */
  error: string | null;
  /** How long the client waited, for an answered connection (a load's tally reads it). */
  timing?: ProbeTiming;
  /**
   * Views this target cannot give, each with why (on AWS the backends are not
   * ours to capture on, and NAT may rewrite the origin's port); absent locally,
   * where everything is observed. Verdicts name what they could not check.
   */
  unobservable?: { wire?: string; originPort?: string; balancer?: string };
}

export interface Verdict {
  ok: boolean;
  /** When not ok, each disagreement in words; when an expected refusal happened, its diagnosis. */
  reasons: string[];
}

/**
 * A connection the balancer opened on its own (a health check), as captured at
 * a backend: from the balancer's own address, and no client's session.
 */
export interface BalancerConnection {
  instance: string;
  from: Endpoint;
  wire: WireView | null;
  wireError: DecodeError | null;
}

export interface Evidence extends Observation {
  verdict: Verdict;
}
