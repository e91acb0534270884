import { decodeProxyHeader } from './decode.ts';
import type { DecodeError, ProxyHeader } from './types.ts';

export type StreamStep =
  /** Not decided yet: push more bytes. */
  | { kind: 'need-more' }
  /** A header, and the application bytes that came after it. */
  | { kind: 'header'; header: ProxyHeader; rest: Buffer }
  /** The stream does not start with a PROXY header; everything pushed so far. */
  | { kind: 'absent'; rest: Buffer }
  | { kind: 'invalid'; error: DecodeError };

export interface StreamOptions {
  /** Refuse a header larger than this many bytes (v2 may declare up to 65,551). */
  maxHeaderBytes?: number;
  /** Epoch milliseconds by which the header must be complete. */
  deadline?: number;
}

/** Largest possible v2 header: 16 fixed bytes plus a 16-bit length. */
export const MAX_V2_LENGTH = 16 + 0xffff;

/**
 * Reads a PROXY header from a socket's bytes as they arrive, split at any
 * offset. "need more bytes" is distinct from "invalid"; the size limit and the
 * deadline are the caller's. Once decided, the result is final.
 */
export class ProxyHeaderReader {
  private buffered: Buffer = Buffer.alloc(0);
  private decided: Exclude<StreamStep, { kind: 'need-more' }> | null = null;
  private readonly maxHeaderBytes: number;
  private readonly deadline: number;

  constructor(options: StreamOptions = {}) {
    this.maxHeaderBytes = options.maxHeaderBytes ?? MAX_V2_LENGTH;
    this.deadline = options.deadline ?? Number.POSITIVE_INFINITY;
  }

  push(chunk: Uint8Array, now: number = Date.now()): StreamStep {
    if (this.decided) return this.decided;
    this.buffered =
      this.buffered.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffered, chunk]);
    return this.step(now);
  }

  /** For a timer: fails the read once the deadline has passed without a header. */
  check(now: number = Date.now()): StreamStep {
    return this.decided ?? this.step(now);
  }

  private step(now: number): StreamStep {
    const result = decodeProxyHeader(this.buffered);
    switch (result.kind) {
      case 'header':
        if (result.header.length > this.maxHeaderBytes) return this.tooLarge(result.header.length);
        return this.decide({
          kind: 'header',
          header: result.header,
          rest: this.buffered.subarray(result.header.length),
        });
      case 'absent':
        return this.decide({ kind: 'absent', rest: this.buffered });
      case 'invalid':
        return this.decide(result);
      case 'incomplete': {
        const declared = declaredV2Length(this.buffered);
        if (declared !== null && declared > this.maxHeaderBytes) return this.tooLarge(declared);
        if (this.buffered.length >= this.maxHeaderBytes) return this.tooLarge(this.buffered.length);
        if (now > this.deadline) {
          return this.decide({
            kind: 'invalid',
            error: {
              code: 'DEADLINE',
              message: `no complete PROXY header before the deadline (${this.buffered.length} bytes received)`,
            },
          });
        }
        return { kind: 'need-more' };
      }
    }
  }

  private tooLarge(bytes: number): StreamStep {
    return this.decide({
      kind: 'invalid',
      error: {
        code: 'HEADER_TOO_LARGE',
        message: `header of ${bytes} bytes exceeds the limit of ${this.maxHeaderBytes}`,
      },
    });
  }

  private decide(step: Exclude<StreamStep, { kind: 'need-more' }>): StreamStep {
    this.decided = step;
    return step;
  }
}

/** The total length a v2 header announces, once its fixed part is in. */
function declaredV2Length(b: Buffer): number | null {
  return b.length >= 16 && b[0] === 0x0d ? 16 + b.readUInt16BE(14) : null;
}
