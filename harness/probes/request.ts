// A batch of client connections as data, so the same probe can run in this
// process (AWS) or inside a client container on a scenario's network (local):
// where the clients are, their origin is their own socket's.
import type { Endpoint } from '../net/endpoint.ts';
import { encodeV1, encodeV2, tlv } from '../proxy-protocol/index.ts';
import type { WhoAmI } from './session.ts';

/** What a client sends before anything else, as data: a PROXY header naming it, or a forged one. */
export type PrefixSpec =
  /** A TLS front speaking PROXY v2 for the client: its own address, the AUTHORITY it saw. */
  | { kind: 'proxy-v2'; authority: string; destination: Endpoint }
  /** A forger: a PROXY v1 header claiming another address, with its own port. */
  | { kind: 'proxy-v1-claim'; claim: string; destination: Endpoint };

export interface ProbeRequest {
  /** Where the clients dial. */
  target: Endpoint;
  whoAmI: WhoAmI;
  count: number;
  prefix: PrefixSpec | null;
  /**
   * Load: connections opened as earlier ones finish, at most `concurrency` at
   * once (and at most `perSecond` started per second), each closed once
   * answered. Absent: all `count` held open together, so no two share a port.
   */
  pace?: Pace;
  /** Names the clients `<label>#<n>` (default harness, or load when paced). */
  label?: string;
}

export interface Pace {
  concurrency: number;
  perSecond: number | null;
}

/** The bytes a prefix spec sends for a client whose socket is `origin`. */
export function prefixBytes(spec: PrefixSpec): (origin: Endpoint) => Uint8Array {
  switch (spec.kind) {
    case 'proxy-v2':
      return (origin) =>
        encodeV2({
          command: 'PROXY',
          family: origin.address.includes(':') ? 'INET6' : 'INET',
          protocol: 'STREAM',
          source: origin,
          destination: spec.destination,
          tlvs: [tlv.authority(spec.authority)],
        });
    case 'proxy-v1-claim':
      return (origin) =>
        encodeV1({
          family: 'INET',
          source: { address: spec.claim, port: origin.port },
          destination: spec.destination,
        });
  }
}

/** The claim a prefix makes about the client, if it is a forgery. */
export const claimOf = (spec: PrefixSpec | null): string | null =>
  spec?.kind === 'proxy-v1-claim' ? spec.claim : null;
