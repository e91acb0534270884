import { decodeProxyHeader } from '../proxy-protocol/decode.ts';
import type { DecodeError, ProxyHeader } from '../proxy-protocol/types.ts';
import type { ClientStream, ConnectionTuple } from './tcp-streams.ts';

/** A header as captured: decoded, with its bytes as hex. */
export interface CapturedHeader extends ProxyHeader {
  hex: string;
}

/** The PROXY headers one captured connection began with. */
export interface CapturedConnection {
  connection: ConnectionTuple;
  /** In order; more than one means stacked headers from chained proxies. */
  headers: CapturedHeader[];
  error: DecodeError | null;
}

/** Decodes every PROXY header at the start of a client's byte stream. */
export function headersAtStart(stream: ClientStream): CapturedConnection {
  const headers: CapturedHeader[] = [];
  let rest = stream.bytes;
  for (;;) {
    // A connection that sent nothing (more) carries no (further) header.
    if (rest.length === 0 && !stream.truncated) {
      return { connection: stream.connection, headers, error: null };
    }
    const result = decodeProxyHeader(rest);
    switch (result.kind) {
      case 'header':
        headers.push({ ...result.header, hex: rest.toString('hex', 0, result.header.length) });
        rest = rest.subarray(result.header.length);
        continue;
      case 'absent':
        return { connection: stream.connection, headers, error: null };
      case 'invalid':
        return { connection: stream.connection, headers, error: result.error };
      case 'incomplete': {
        const error = stream.truncated
          ? { code: 'CAPTURE_GAP', message: 'the capture misses bytes inside the PROXY header' }
          : { code: 'TRUNCATED', message: 'the connection ended inside a PROXY header' };
        return { connection: stream.connection, headers, error };
      }
    }
  }
}
