import type { Endpoint } from '../net/endpoint.ts';

/** A decoded PROXY protocol header, as one connection carried it on the wire. */
export interface ProxyHeader {
  version: 1;
  /** v1 protocol word: TCP4, TCP6 or UNKNOWN (addresses absent). */
  family: 'TCP4' | 'TCP6' | 'UNKNOWN';
  /** The client as the balancer saw it. */
  source: Endpoint | null;
  /** The balancer's own listener: the address and port the client dialled. */
  destination: Endpoint | null;
  /** Bytes the header occupies at the start of the stream. */
  length: number;
  /** The header bytes, hex. */
  hex: string;
}

/** A decode failure with a stable code and a sentence for people. */
export interface DecodeError {
  code: string;
  message: string;
}

export type DecodeResult =
  | { kind: 'header'; header: ProxyHeader }
  /** The bytes so far are a valid prefix; more are needed to decide. */
  | { kind: 'incomplete' }
  /** The stream does not start with a PROXY signature at all. */
  | { kind: 'absent' }
  | { kind: 'invalid'; error: DecodeError };
