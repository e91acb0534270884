import { ipText, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpLocation } from './packet.ts';
import { TupleTable } from './tuple-table.ts';

/** A TCP connection's 4-tuple, client side first. */
export interface ConnectionTuple {
  src: string;
  sport: number;
  dst: string;
  dport: number;
}

/** What reads a connection's client-to-server bytes, in order, for as long as it needs them. */
export interface StreamReader {
  /** Stream bytes it is done with: they are not kept for it. */
  readonly taken: number;
  /**
   * Reads on from `bytes[start, end)`: the stream after the bytes taken, as far
   * as it arrived without a gap. True once it needs no more bytes.
   */
  read(bytes: Buffer, start: number, end: number): boolean;
  /** The stream ended with `bytes[start, end)`, as for read(); `gap` when bytes after them are missing. */
  end(bytes: Buffer, start: number, end: number, gap: boolean): void;
}

/** Bytes of one segment held for a reader: a view into the capture's bytes until detach() copies it. */
interface Piece {
  /** Stream offset of bytes[start]. */
  offset: number;
  bytes: Buffer;
  start: number;
  end: number;
  owned: boolean;
}

interface Connection<R> {
  tuple: ConnectionTuple;
  /** Its place in the order connections started. */
  order: number;
  slot: number;
  /** Sequence number of the client's first byte. */
  base: number;
  /** Null once it needs no more bytes. */
  reader: R | null;
  /** Past the bytes taken, by stream offset, equal offsets in arrival order; null when none. */
  pieces: Piece[] | null;
  held: number;
  /** Stream offset where the client's bytes end (FIN, RST), or -1 while not known. */
  endsAt: number;
  /** A segment was not kept: the stream has a gap there. */
  cut: boolean;
}

/**
 * Bytes held per connection past a gap or an unfinished header. A PROXY header
 * is at most 16 + 65535 bytes, so this covers any one the capture has whole; a
 * segment that would go past it is dropped, and the stream ends at a gap there.
 */
const MAX_HELD = 256 << 10;
const NOTHING = Buffer.alloc(0);

const relative = (seq: number, base: number) => (seq - base) >>> 0;

/**
 * Text of the addresses seen, in a small direct-mapped cache: a capture's
 * connections share few addresses, and formatting one costs more than finding it.
 */
class AddressNames {
  private readonly bytes = new Uint8Array(256 * 16);
  private readonly sizes = new Uint8Array(256);
  private readonly texts: string[] = new Array<string>(256).fill('');

  text(ipVersion: number, b: Uint8Array, at: number): string {
    const size = ipVersion === 4 ? 4 : 16;
    let h = size;
    for (let k = 0; k < size; k++) h = Math.imul(h ^ b[at + k]!, 0x01000193);
    const i = (h ^ (h >>> 8) ^ (h >>> 16)) & 255;
    const slot = i * 16;
    let hit = this.sizes[i] === size;
    for (let k = 0; k < size && hit; k++) hit = this.bytes[slot + k] === b[at + k];
    if (hit) return this.texts[i]!;
    const text = ipText(ipVersion, b, at);
    for (let k = 0; k < size; k++) this.bytes[slot + k] = b[at + k]!;
    this.sizes[i] = size;
    this.texts[i] = text;
    return text;
  }
}

/**
 * Groups TCP segments into connections and hands each client's bytes, in
 * sequence order, to a reader of its own until it needs no more, the
 * connection ends (FIN or RST once the bytes before it are in, a new SYN on
 * its 4-tuple) or end() is called. The client is the side that sent the SYN;
 * a SYN-ACK alone also tells the direction and, by what it acknowledges, where
 * the client's bytes start. Out-of-order and retransmitted segments are
 * handled. Segments are read in place; only bytes a reader still waits for are
 * held, and copied out by detach() before the capture's bytes are reused.
 */
export class ClientStreams<R extends StreamReader> {
  private readonly table = new TupleTable();
  /** By slot. */
  private readonly open: (Connection<R> | undefined)[] = [];
  private readonly names = new AddressNames();
  private started = 0;
  private readonly newReader: () => R;
  private readonly onDone: (order: number, tuple: ConnectionTuple, reader: R) => void;

  /**
   * `onDone` is called once per connection when its reader is done, in no
   * particular order: `order` is the connection's place in the order they started.
   */
  constructor(
    newReader: () => R,
    onDone: (order: number, tuple: ConnectionTuple, reader: R) => void,
  ) {
    this.newReader = newReader;
    this.onDone = onDone;
  }

  /** One captured TCP segment, located in `bytes`. */
  segment(bytes: Buffer, at: TcpLocation): void {
    const flags = at.flags;
    const syn = (flags & TCP_SYN) !== 0;
    const length = at.payloadEnd - at.payloadStart;
    // Bare ACKs neither open, carry nor end anything.
    if (!syn && length === 0 && (flags & (TCP_FIN | TCP_RST)) === 0) return;
    const size = at.ipVersion === 4 ? 4 : 16;
    // The client sends the SYN and the data, and receives the SYN-ACK.
    const clientIsSender = !syn || (flags & TCP_ACK) === 0;
    const sender = at.addresses;
    const receiver = at.addresses + size;
    // A SYN or SYN-ACK opens a slot for a 4-tuple not seen yet.
    const slot = clientIsSender
      ? this.table.slot(at.ipVersion, bytes, sender, at.sport, receiver, at.dport, syn)
      : this.table.slot(at.ipVersion, bytes, receiver, at.dport, sender, at.sport, syn);

    if (syn) {
      this.opening(bytes, at, slot, clientIsSender);
      return;
    }
    if (slot < 0) {
      // The server's RST ends the connection at the bytes it acknowledged.
      if ((flags & TCP_RST) === 0) return;
      const reset = this.table.slot(
        at.ipVersion,
        bytes,
        receiver,
        at.dport,
        sender,
        at.sport,
        false,
      );
      if (reset < 0) return;
      const c = this.open[reset]!;
      this.ending(c, (flags & TCP_ACK) !== 0 ? relative(at.ack, c.base) : 0);
      return;
    }
    const c = this.open[slot]!;
    if (length > 0 && c.reader !== null) {
      this.data(c, relative(at.seq, c.base), bytes, at.payloadStart, at.payloadEnd);
    }
    if ((flags & TCP_RST) !== 0) this.ending(c, relative(at.seq, c.base));
    else if ((flags & TCP_FIN) !== 0) this.ending(c, relative(at.seq, c.base) + length);
    else if (c.endsAt >= 0) this.ending(c, c.endsAt);
  }

  /** Copies the bytes readers wait for out of the segments' bytes, which are about to be reused. */
  detach(): void {
    for (const c of this.open) {
      for (const p of c?.pieces ?? []) {
        if (p.owned) continue;
        p.bytes = Buffer.from(p.bytes.subarray(p.start, p.end));
        p.end -= p.start;
        p.start = 0;
        p.owned = true;
      }
    }
  }

  /** The capture ended: every stream ends where it is. */
  end(): void {
    for (const c of this.open) if (c) this.finish(c);
  }

  private opening(bytes: Buffer, at: TcpLocation, slot: number, clientIsSender: boolean): void {
    const base = clientIsSender ? (at.seq + 1) >>> 0 : at.ack;
    const size = at.ipVersion === 4 ? 4 : 16;
    const clientAt = clientIsSender ? at.addresses : at.addresses + size;
    const serverAt = clientIsSender ? at.addresses + size : at.addresses;
    const existing = this.open[slot];
    if (existing) {
      // A retransmitted SYN keeps its ISN; a different ISN is a new connection.
      // A SYN-ACK only opens a connection whose SYN was not captured.
      if (!clientIsSender || existing.base === base) return;
      this.finish(existing);
    }
    this.open[slot] = {
      tuple: {
        src: this.names.text(at.ipVersion, bytes, clientAt),
        sport: clientIsSender ? at.sport : at.dport,
        dst: this.names.text(at.ipVersion, bytes, serverAt),
        dport: clientIsSender ? at.dport : at.sport,
      },
      order: this.started++,
      slot,
      base,
      reader: this.newReader(),
      pieces: null,
      held: 0,
      endsAt: -1,
      cut: false,
    };
  }

  private data(c: Connection<R>, offset: number, bytes: Buffer, start: number, end: number): void {
    const reader = c.reader!;
    const taken = reader.taken;
    if (c.pieces === null && offset <= taken) {
      // In order, nothing held: read straight from the segment.
      if (offset + (end - start) <= taken) return;
      const from = start + (taken - offset);
      if (reader.read(bytes, from, end)) this.done(c);
      else this.keep(c, reader.taken, bytes, from + (reader.taken - taken), end);
      return;
    }
    this.keep(c, offset, bytes, start, end);
    const pieces = c.pieces;
    if (pieces === null || pieces[0]!.offset > reader.taken) return;
    const run = this.merge(c, pieces);
    if (reader.read(run.bytes, run.start, run.end)) this.done(c);
    else this.drop(c, pieces, reader.taken);
  }

  private keep(c: Connection<R>, offset: number, bytes: Buffer, start: number, end: number): void {
    const taken = c.reader!.taken;
    if (offset < taken) {
      start += taken - offset;
      offset = taken;
    }
    if (start >= end) return;
    if (c.held + (end - start) > MAX_HELD) {
      c.cut = true;
      return;
    }
    const pieces = (c.pieces ??= []);
    let i = pieces.length;
    while (i > 0 && pieces[i - 1]!.offset > offset) i--;
    const before = pieces[i - 1];
    // A retransmission of bytes held already adds nothing.
    if (before && before.offset + (before.end - before.start) >= offset + (end - start)) return;
    pieces.splice(i, 0, { offset, bytes, start, end, owned: false });
    c.held += end - start;
  }

  /**
   * Joins the pieces that run on without a gap from the first (at the bytes
   * taken) into that one, so that any left start past a gap: copied only when
   * more than one piece adds bytes.
   */
  private merge(c: Connection<R>, pieces: Piece[]): Piece {
    const first = pieces[0]!;
    let end = first.offset + (first.end - first.start);
    let count = 1;
    let adding = 1;
    for (; count < pieces.length; count++) {
      const p = pieces[count]!;
      if (p.offset > end) break;
      const pEnd = p.offset + (p.end - p.start);
      if (pEnd > end) {
        end = pEnd;
        adding++;
      }
    }
    if (adding === 1) {
      pieces.splice(1, count - 1);
    } else {
      const joined = Buffer.allocUnsafe(end - first.offset);
      let length = first.offset;
      for (let i = 0; i < count; i++) {
        const p = pieces[i]!;
        // Bytes before `length` were already taken from an earlier piece.
        const from = p.start + (length - p.offset);
        if (from < p.end) length += p.bytes.copy(joined, length - first.offset, from, p.end);
      }
      pieces.splice(0, count, {
        offset: first.offset,
        bytes: joined,
        start: 0,
        end: joined.length,
        owned: true,
      });
    }
    c.held = pieces.reduce((sum, p) => sum + (p.end - p.start), 0);
    return pieces[0]!;
  }

  /** Lets go of the first piece's bytes before `taken`. */
  private drop(c: Connection<R>, pieces: Piece[], taken: number): void {
    const first = pieces[0]!;
    const gone = Math.min(taken - first.offset, first.end - first.start);
    first.start += gone;
    first.offset += gone;
    c.held -= gone;
    if (first.start === first.end) pieces.shift();
    if (pieces.length === 0) c.pieces = null;
  }

  /** The client's bytes end at stream offset `at`: the connection closes once those before it are in. */
  private ending(c: Connection<R>, at: number): void {
    c.endsAt = at;
    if (c.reader !== null && this.runEnd(c) < at) return;
    this.finish(c);
    this.table.remove(c.slot);
    this.open[c.slot] = undefined;
  }

  /** Where the bytes that arrived without a gap end. */
  private runEnd(c: Connection<R>): number {
    let end = c.reader!.taken;
    for (const p of c.pieces ?? []) {
      if (p.offset > end) break;
      end = Math.max(end, p.offset + (p.end - p.start));
    }
    return end;
  }

  private finish(c: Connection<R>): void {
    const reader = c.reader;
    if (reader === null) return;
    // Bytes are missing before a piece held past a gap, or where one was not kept.
    const pieces = c.pieces;
    if (pieces === null) {
      reader.end(NOTHING, 0, 0, c.cut);
    } else if (pieces[0]!.offset > reader.taken) {
      reader.end(NOTHING, 0, 0, true);
    } else {
      const run = this.merge(c, pieces);
      reader.end(run.bytes, run.start, run.end, c.cut || pieces.length > 1);
    }
    this.done(c);
  }

  private done(c: Connection<R>): void {
    this.onDone(c.order, c.tuple, c.reader!);
    c.reader = null;
    c.pieces = null;
    c.held = 0;
  }
}
