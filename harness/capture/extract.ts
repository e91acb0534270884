import { closeSync, openSync, readSync } from 'node:fs';
import { ByteWindow, type ReadInto } from './byte-window.ts';
import { capturePackets } from './capture-file.ts';
import { damageOf, type CaptureDamage } from './damage.ts';
import { locateTcpSegment, newTcpLocation } from './packet.ts';
import { HeaderChain, type CapturedConnection } from './proxy-headers.ts';
import { InStartOrder } from './start-order.ts';
import { ClientStreams } from './tcp-streams.ts';

/** The connections of a capture, and what of the file could not be read (null: it was read whole). */
export type Extraction = CapturedConnection[] & { damage: CaptureDamage | null };

export interface StreamOptions {
  /** Bytes read at a time (more while one record needs more). */
  chunkBytes?: number;
}

/**
 * Every connection in a pcap or pcapng capture held in memory, with the PROXY
 * headers it began with (none, one, or several stacked), in the order the
 * connections started; `damage` says where reading stopped short.
 */
export function extractProxyHeaders(file: Buffer): Extraction {
  const connections: CapturedConnection[] = [];
  const damage = extract(ByteWindow.whole(file), (c) => connections.push(c));
  return Object.assign(connections, { damage });
}

/**
 * extractProxyHeaders over bytes read a chunk at a time, each connection handed
 * to `onConnection` as soon as it and every earlier one are settled. Memory
 * holds a chunk, the open connections, and the bytes of those whose headers are
 * still undecided, whatever the size of the input. Returns the damage.
 */
export function streamProxyHeaders(
  read: ReadInto,
  onConnection: (c: CapturedConnection) => void,
  options: StreamOptions = {},
): CaptureDamage | null {
  return extract(ByteWindow.reading(read, options.chunkBytes), onConnection);
}

/** streamProxyHeaders from a file; errors opening or reading it are thrown as fs reports them. */
export function streamProxyHeadersFromFile(
  path: string,
  onConnection: (c: CapturedConnection) => void,
  options: StreamOptions = {},
): CaptureDamage | null {
  const fd = openSync(path, 'r');
  try {
    return streamProxyHeaders(
      (into, offset, length) => readSync(fd, into, offset, length, null),
      onConnection,
      options,
    );
  } finally {
    closeSync(fd);
  }
}

function extract(
  window: ByteWindow,
  onConnection: (c: CapturedConnection) => void,
): CaptureDamage | null {
  const inOrder = new InStartOrder(onConnection);
  const streams = new ClientStreams(
    () => new HeaderChain(),
    (order, tuple, chain) => inOrder.settle(order, chain.result(tuple)),
  );
  window.onRefill = () => streams.detach();
  const damage = damageOf(() => {
    const packets = capturePackets(window);
    const at = newTcpLocation();
    while (packets.next()) {
      const bytes = packets.bytes;
      if (locateTcpSegment(packets.linkType, bytes, packets.start, packets.end, at)) {
        streams.segment(bytes, at);
      }
    }
  });
  // What was read before the damage still counts: open streams end where they are.
  streams.end();
  return damage;
}
