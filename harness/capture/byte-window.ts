/** Reads up to `length` bytes into `into` at `offset`, as fs.readSync does: 0 at the end of the input. */
export type ReadInto = (into: Buffer, offset: number, length: number) => number;

/** What streaming reads at a time unless told otherwise. */
const DEFAULT_CHUNK_BYTES = 8 << 20;

/**
 * The part of a capture in memory: `bytes[pos, limit)` are the input's bytes
 * from offset `offsetOf(pos)` on. Readers take what they need from `pos`, and
 * ask ensure() for more; one reusable buffer serves the whole input, so views
 * into it last only until the next refill, which onRefill announces.
 */
export class ByteWindow {
  bytes: Buffer;
  pos = 0;
  limit: number;
  /** Called before `bytes` is overwritten or replaced: copy what must outlive it. */
  onRefill: () => void = () => {};
  /** Input offset of bytes[0]. */
  private base = 0;
  /** Null once the input has ended. */
  private read: ReadInto | null;

  private constructor(bytes: Buffer, limit: number, read: ReadInto | null) {
    this.bytes = bytes;
    this.limit = limit;
    this.read = read;
  }

  /** All of an input already in memory: one chunk, never refilled, so views into it last. */
  static whole(bytes: Buffer): ByteWindow {
    return new ByteWindow(bytes, bytes.length, null);
  }

  /** An input read through `read`, `chunkBytes` at a time (more while one record needs more). */
  static reading(read: ReadInto, chunkBytes = DEFAULT_CHUNK_BYTES): ByteWindow {
    return new ByteWindow(Buffer.allocUnsafe(chunkBytes), 0, read);
  }

  /** The input offset of bytes[at]. */
  offsetOf(at: number): number {
    return this.base + at;
  }

  /** Makes `need` bytes available from `pos`; false when the input ends first. */
  ensure(need: number): boolean {
    if (this.limit - this.pos >= need) return true;
    if (this.read === null) return false;
    this.onRefill();
    const kept = this.limit - this.pos;
    if (need > this.bytes.length) {
      const bigger = Buffer.allocUnsafe(need);
      this.bytes.copy(bigger, 0, this.pos, this.limit);
      this.bytes = bigger;
    } else {
      this.bytes.copyWithin(0, this.pos, this.limit);
    }
    this.base += this.pos;
    this.pos = 0;
    this.limit = kept;
    // A whole chunk per refill: reads cost per call more than per byte.
    while (this.read !== null && this.limit < this.bytes.length) {
      const got = this.read(this.bytes, this.limit, this.bytes.length - this.limit);
      if (got === 0) this.read = null;
      this.limit += got;
    }
    return this.limit - this.pos >= need;
  }
}

// Capture fields in either byte order, read by hand: Buffer's readUInt16/32LE/BE
// check their arguments on every call, several times per packet.
export const u16 = (b: Uint8Array, at: number, little: boolean): number =>
  little ? b[at]! | (b[at + 1]! << 8) : (b[at]! << 8) | b[at + 1]!;
export const u32 = (b: Uint8Array, at: number, little: boolean): number =>
  (little
    ? b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)
    : (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
