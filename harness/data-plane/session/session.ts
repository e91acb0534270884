// One client connection through the NLB data plane, as a state machine: given
// what happened on the two sockets, what to write where. It reproduces when an
// AWS NLB sends its PROXY v2 header (go-proxyproto's README, haproxy/haproxy#2904,
// terraform-provider-aws#41450): it connects to the target at once and relays
// the target's bytes at once (a MySQL greeting gets out), but with the default
// placement holds the header until the client's first payload and sends it in
// front of it. Pure: relay.ts does the I/O.
import { normaliseAddress, type Endpoint } from '../../net/endpoint.ts';
import { ProxyHeaderReader, TLV } from '../../proxy-protocol/index.ts';
import { isEndpoint, type ProxyHeader } from '../../proxy-protocol/types.ts';
import { targetHeader, upstreamHeader, type ConnectionAddresses } from './headers.ts';
import type { DataPlaneSettings } from './settings.ts';

export interface SessionStart {
  /** The accepted connection's TCP peer (an IPv4-mapped address given as IPv4). */
  peer: Endpoint;
  /** The accepted connection's own address: the listener the client dialled. */
  listener: Endpoint;
  /** The settings when the connection was accepted: later changes are for later connections. */
  settings: DataPlaneSettings;
  /** The UNIQUE_ID this connection's target header carries, if its settings ask for one. */
  uniqueId: string;
}

/** What happened on the client's socket or the upstream one. */
export type SessionEvent =
  | { kind: 'client-data'; bytes: Buffer }
  /** The client's FIN: it sends no more. */
  | { kind: 'client-end' }
  | { kind: 'upstream-connected' }
  | { kind: 'upstream-data'; bytes: Buffer }
  | { kind: 'upstream-end' };

/** What to do on the sockets, in order. */
export type SessionAction =
  | { kind: 'connect-upstream' }
  | { kind: 'to-upstream'; bytes: Buffer }
  | { kind: 'to-client'; bytes: Buffer }
  /** Send FIN upstream: the client sends no more. */
  | { kind: 'end-upstream' }
  | { kind: 'end-client' }
  /** Close the client: the front's header is missing or malformed (as accept-proxy does). */
  | { kind: 'refuse'; reason: string };

/**
 * What became of the target header: `off` with the PROXY protocol disabled;
 * `not-sent` until it is (for good when the client closed without payload in
 * the default placement, as on AWS).
 */
export type TargetHeaderFate = 'off' | 'not-sent' | 'sent-at-connect' | 'sent-with-payload';

/** What the connection's log line says. */
export interface SessionSummary {
  /** The client as the headers name it; null while a front's header is awaited (or was refused). */
  client: Endpoint | null;
  /** Where the client comes from: the TCP peer, or a front's PROXY header. */
  clientFrom: 'peer' | 'front-header';
  targetHeader: TargetHeaderFate;
  /** Payload relayed each way (headers not counted). */
  bytes: { toUpstream: number; toClient: number };
}

type Phase =
  /** acceptProxy: the front's header is not complete yet. */
  | 'reading-front'
  /** The upstream connection is being made; the client's bytes wait. */
  | 'connecting'
  /** Connected, the upstream header sent; the target header waits for the client's payload. */
  | 'holding-header'
  | 'relaying'
  | 'refused';

const NOTHING: SessionAction[] = [];

export class NlbSession {
  private phase: Phase;
  private client: Endpoint | null;
  private clientFrom: SessionSummary['clientFrom'] = 'peer';
  private authority: Buffer | null = null;
  private readonly front: ProxyHeaderReader | null;
  /** The client's bytes (and FIN) that came before the upstream connection did. */
  private early: Buffer[] = [];
  private clientEnded = false;
  private fate: TargetHeaderFate;
  private toUpstream = 0;
  private toClient = 0;

  constructor(private readonly start: SessionStart) {
    const { acceptProxy, proxyProtocol } = start.settings;
    this.front = acceptProxy ? new ProxyHeaderReader() : null;
    this.phase = acceptProxy ? 'reading-front' : 'connecting';
    this.client = acceptProxy ? null : start.peer;
    this.fate = proxyProtocol ? 'not-sent' : 'off';
  }

  /** What to do as the connection is accepted: connect, unless a front's header comes first. */
  begin(): SessionAction[] {
    return this.phase === 'connecting' ? [{ kind: 'connect-upstream' }] : NOTHING;
  }

  on(event: SessionEvent): SessionAction[] {
    if (this.phase === 'refused') return NOTHING;
    switch (event.kind) {
      case 'client-data':
        return this.clientData(event.bytes);
      case 'client-end':
        return this.clientEnd();
      case 'upstream-connected':
        return this.connected();
      case 'upstream-data':
        this.toClient += event.bytes.length;
        return [{ kind: 'to-client', bytes: event.bytes }];
      case 'upstream-end':
        return [{ kind: 'end-client' }];
    }
  }

  get summary(): SessionSummary {
    return {
      client: this.client,
      clientFrom: this.clientFrom,
      targetHeader: this.fate,
      bytes: { toUpstream: this.toUpstream, toClient: this.toClient },
    };
  }

  private clientData(bytes: Buffer): SessionAction[] {
    if (bytes.length === 0) return NOTHING;
    switch (this.phase) {
      case 'reading-front':
        return this.frontData(bytes);
      case 'connecting':
        this.early.push(bytes);
        return NOTHING;
      case 'holding-header':
        this.phase = 'relaying';
        this.fate = 'sent-with-payload';
        this.toUpstream += bytes.length;
        // One write: the header immediately followed by the payload, as AWS sends it.
        return [{ kind: 'to-upstream', bytes: Buffer.concat([this.targetHeader(), bytes]) }];
      case 'relaying':
        this.toUpstream += bytes.length;
        return [{ kind: 'to-upstream', bytes }];
      case 'refused':
        return NOTHING;
    }
  }

  private clientEnd(): SessionAction[] {
    switch (this.phase) {
      case 'reading-front':
        return this.refuse('the client closed before its PROXY header was complete');
      case 'connecting':
        this.clientEnded = true;
        return NOTHING;
      default:
        // Holding the header: the target never gets one, as behind AWS.
        return [{ kind: 'end-upstream' }];
    }
  }

  private frontData(bytes: Buffer): SessionAction[] {
    const step = this.front!.push(bytes);
    switch (step.kind) {
      case 'need-more':
        return NOTHING;
      case 'absent':
        return this.refuse('accepting PROXY headers, but the client began without one');
      case 'invalid':
        return this.refuse(`invalid PROXY header: ${step.error.message} [${step.error.code}]`);
      case 'header':
        this.learnClient(step.header);
        if (step.rest.length > 0) this.early.push(step.rest);
        this.phase = 'connecting';
        return [{ kind: 'connect-upstream' }];
    }
  }

  /** A front's header names the client unless it speaks for itself (LOCAL, UNKNOWN, UNIX). */
  private learnClient(header: ProxyHeader): void {
    const { source } = header;
    if (header.command === 'PROXY' && isEndpoint(source) && isEndpoint(header.destination)) {
      this.client = { address: normaliseAddress(source.address), port: source.port };
      this.clientFrom = 'front-header';
    } else {
      this.client = this.start.peer;
    }
    const authority = header.tlvs.find((t) => t.type === TLV.AUTHORITY);
    this.authority = authority ? Buffer.from(authority.hex, 'hex') : null;
  }

  private connected(): SessionAction[] {
    const { proxyProtocol, headerPlacement } = this.start.settings;
    const actions: SessionAction[] = [
      { kind: 'to-upstream', bytes: upstreamHeader(this.addresses()) },
    ];
    if (!proxyProtocol) this.phase = 'relaying';
    else if (headerPlacement === 'on_first_ack') {
      actions.push({ kind: 'to-upstream', bytes: this.targetHeader() });
      this.fate = 'sent-at-connect';
      this.phase = 'relaying';
    } else this.phase = 'holding-header';
    // What the client sent meanwhile goes as one payload, so it follows a held header at once.
    if (this.early.length > 0) actions.push(...this.clientData(Buffer.concat(this.early)));
    this.early = [];
    if (this.clientEnded) actions.push({ kind: 'end-upstream' });
    return actions;
  }

  private refuse(reason: string): SessionAction[] {
    this.phase = 'refused';
    return [{ kind: 'refuse', reason }];
  }

  private addresses(): ConnectionAddresses {
    return { client: this.client!, listener: this.start.listener };
  }

  private targetHeader(): Buffer {
    const { tlvs } = this.start.settings;
    return targetHeader(this.addresses(), {
      tlvs,
      uniqueId: this.start.uniqueId,
      authority: this.authority,
    });
  }
}
