import { hex } from '../proxy-protocol/bytes-text.ts';
import { decodeProxyHeader } from '../proxy-protocol/decode.ts';
import type { DecodeError, ProxyHeader } from '../proxy-protocol/types.ts';
import type { ConnectionTuple } from './tcp-streams.ts';

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

/** The client-to-server bytes of one TCP connection, whole. */
export interface ClientStream {
  connection: ConnectionTuple;
  bytes: Buffer;
  /** True when a hole in the sequence space cut the bytes short. */
  truncated: boolean;
}

const CAPTURE_GAP: DecodeError = {
  code: 'CAPTURE_GAP',
  message: 'the capture misses bytes inside the PROXY header',
};
const TRUNCATED: DecodeError = {
  code: 'TRUNCATED',
  message: 'the connection ended inside a PROXY header',
};

/**
 * The PROXY headers at the start of one byte stream, decoded as its bytes
 * arrive. A stacked header may come in a later segment, so the chain is
 * settled only by bytes that are no header, or by the end of the stream.
 */
export class HeaderChain {
  readonly headers: CapturedHeader[] = [];
  /** Stream bytes the decoded headers take up: never needed again. */
  taken = 0;
  error: DecodeError | null = null;
  settled = false;

  /**
   * Reads on from `bytes[start, end)`: the stream after the bytes taken, as far
   * as it arrived without a gap. True once settled, when later bytes no longer matter.
   */
  read(bytes: Buffer, start: number, end: number): boolean {
    let at = start;
    while (at < end && !this.settled) {
      // A plain view: Buffer's subarray() costs more than the decoding of a v1 header.
      const result = decodeProxyHeader(
        new Uint8Array(bytes.buffer, bytes.byteOffset + at, end - at),
      );
      if (result.kind === 'header') {
        const length = result.header.length;
        // The header is the decoder's fresh object: adding to it costs half of copying it.
        this.headers.push(Object.assign(result.header, { hex: hex(bytes, at, at + length) }));
        at += length;
      } else if (result.kind === 'incomplete') {
        break;
      } else {
        this.settled = true;
        if (result.kind === 'invalid') this.error = result.error;
      }
    }
    this.taken += at - start;
    return this.settled;
  }

  /** The stream ended with `bytes[start, end)`, as for read(); `gap` when bytes after them are missing. */
  end(bytes: Buffer, start: number, end: number, gap: boolean): void {
    const taken = this.taken;
    if (this.read(bytes, start, end)) return;
    // Left over: nothing, or the start of a header that never ended.
    const left = end - start - (this.taken - taken);
    this.settled = true;
    if (left > 0 || gap) this.error = { ...(gap ? CAPTURE_GAP : TRUNCATED) };
  }

  result(connection: ConnectionTuple): CapturedConnection {
    return { connection, headers: this.headers, error: this.error };
  }
}

/** Decodes every PROXY header at the start of a client's byte stream. */
export function headersAtStart(stream: ClientStream): CapturedConnection {
  const chain = new HeaderChain();
  chain.end(stream.bytes, 0, stream.bytes.length, stream.truncated);
  return chain.result(stream.connection);
}
