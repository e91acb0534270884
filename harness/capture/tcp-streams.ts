import type { PcapRecord } from './pcap.ts';
import { decodeTcpSegment, type TcpSegment } from './packet.ts';

/** A TCP connection's 4-tuple, client side first. */
export interface ConnectionTuple {
  src: string;
  sport: number;
  dst: string;
  dport: number;
}

/** The client-to-server bytes of one TCP connection, reassembled in sequence order. */
export interface ClientStream {
  connection: ConnectionTuple;
  firstSeenMicros: number;
  bytes: Buffer;
  /** True when a hole in the sequence space cut the reassembly short. */
  truncated: boolean;
}

interface Building {
  connection: ConnectionTuple;
  firstSeenMicros: number;
  /** Sequence number of the first payload byte, once known. */
  base: number | null;
  segments: { seq: number; payload: Buffer }[];
}

const directed = (s: TcpSegment) => `${s.src}|${s.sport}|${s.dst}|${s.dport}`;
const reversed = (s: TcpSegment) => `${s.dst}|${s.dport}|${s.src}|${s.sport}`;
const relative = (seq: number, base: number) => (seq - base) >>> 0;

/**
 * Groups the capture's TCP segments into connections and reassembles what each
 * client sent. The client is the side that sent the SYN; a SYN-ACK alone also
 * tells the direction. Out-of-order and retransmitted segments are handled; a new
 * SYN on a finished 4-tuple starts a new connection.
 */
export function reassembleClientStreams(records: PcapRecord[]): ClientStream[] {
  const done: Building[] = [];
  const open = new Map<string, Building>();

  const begin = (key: string, s: TcpSegment, clientIsSender: boolean, at: number): Building => {
    const connection = clientIsSender
      ? { src: s.src, sport: s.sport, dst: s.dst, dport: s.dport }
      : { src: s.dst, sport: s.dport, dst: s.src, dport: s.sport };
    const building: Building = { connection, firstSeenMicros: at, base: null, segments: [] };
    const previous = open.get(key);
    if (previous) done.push(previous);
    open.set(key, building);
    return building;
  };

  for (const record of records) {
    const s = decodeTcpSegment(record.linkType, record.data);
    if (!s) continue;
    if (s.syn && !s.ack) {
      const existing = open.get(directed(s));
      // A retransmitted SYN keeps its ISN; a different ISN is a new connection.
      if (!existing || existing.base !== (s.seq + 1) >>> 0) {
        begin(directed(s), s, true, record.timestampMicros).base = (s.seq + 1) >>> 0;
      }
      continue;
    }
    if (s.syn && s.ack) {
      if (!open.has(reversed(s))) begin(reversed(s), s, false, record.timestampMicros);
      continue;
    }
    const building = open.get(directed(s));
    if (!building || s.payload.length === 0) continue;
    building.segments.push({ seq: s.seq, payload: s.payload });
  }
  done.push(...open.values());

  return done
    .sort((a, b) => a.firstSeenMicros - b.firstSeenMicros)
    .map((b) => ({ connection: b.connection, firstSeenMicros: b.firstSeenMicros, ...assemble(b) }));
}

function assemble(b: Building): { bytes: Buffer; truncated: boolean } {
  if (b.segments.length === 0) return { bytes: Buffer.alloc(0), truncated: false };
  // Without the SYN, the lowest sequence number seen is the best start there is.
  const base =
    b.base ??
    b.segments.reduce(
      (low, s) =>
        relative(s.seq, b.segments[0]!.seq) < relative(low, b.segments[0]!.seq) ? s.seq : low,
      b.segments[0]!.seq,
    );
  const ordered = b.segments
    .map((s) => ({ offset: relative(s.seq, base), payload: s.payload }))
    .sort((x, y) => x.offset - y.offset);
  const parts: Buffer[] = [];
  let length = 0;
  for (const { offset, payload } of ordered) {
    if (offset > length) return { bytes: Buffer.concat(parts), truncated: true };
    const fresh = payload.subarray(length - offset);
    if (fresh.length > 0) {
      parts.push(fresh);
      length += fresh.length;
    }
  }
  return { bytes: Buffer.concat(parts), truncated: false };
}
