// Builds small pcapng files by hand for reader tests: each block is laid out as
// draft-ietf-opsawg-pcapng specifies, independent of the reader under test.
import { frame, type Link, type Segment } from './pcap-writer.ts';

export type ByteOrder = 'little' | 'big';

const LINK_TYPES: Record<Link, number> = { ethernet: 1, raw: 101, sll: 113, sll2: 276 };

function u16(order: ByteOrder, n: number): Buffer {
  const b = Buffer.alloc(2);
  if (order === 'little') b.writeUInt16LE(n);
  else b.writeUInt16BE(n);
  return b;
}

function u32(order: ByteOrder, n: number): Buffer {
  const b = Buffer.alloc(4);
  if (order === 'little') b.writeUInt32LE(n >>> 0);
  else b.writeUInt32BE(n >>> 0);
  return b;
}

const pad = (b: Buffer) => Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);

/** Any block: type, total length, body padded to 32 bits, total length again. */
export function block(order: ByteOrder, type: number, body: Buffer): Buffer {
  const padded = pad(body);
  const total = 12 + padded.length;
  return Buffer.concat([u32(order, type), u32(order, total), padded, u32(order, total)]);
}

function option(order: ByteOrder, code: number, value: Buffer): Buffer {
  return Buffer.concat([u16(order, code), u16(order, value.length), pad(value)]);
}

/** Section Header Block, version 1.0, section length unspecified (-1). */
export function shb(order: ByteOrder): Buffer {
  const body = Buffer.concat([
    u32(order, 0x1a2b3c4d),
    u16(order, 1),
    u16(order, 0),
    Buffer.alloc(8, 0xff),
  ]);
  return block(order, 0x0a0d0d0a, body);
}

/** Interface Description Block; `tsresol` is the raw if_tsresol byte. */
export function idb(
  order: ByteOrder,
  link: Link | number,
  { tsresol, snapLen = 262144 }: { tsresol?: number; snapLen?: number } = {},
): Buffer {
  const options =
    tsresol === undefined
      ? []
      : [option(order, 9, Buffer.from([tsresol])), option(order, 0, Buffer.alloc(0))];
  const linkType = typeof link === 'number' ? link : LINK_TYPES[link];
  return block(
    order,
    1,
    Buffer.concat([u16(order, linkType), u16(order, 0), u32(order, snapLen), ...options]),
  );
}

/** Enhanced Packet Block; `units` counts the interface's timestamp resolution. */
export function epb(order: ByteOrder, iface: number, units: bigint, data: Buffer): Buffer {
  return block(
    order,
    6,
    Buffer.concat([
      u32(order, iface),
      u32(order, Number(units >> 32n)),
      u32(order, Number(units & 0xffffffffn)),
      u32(order, data.length),
      u32(order, data.length),
      data,
    ]),
  );
}

/** The obsolete Packet Block: a 16-bit interface id and a drop count before the EPB fields. */
export function pb(order: ByteOrder, iface: number, units: bigint, data: Buffer): Buffer {
  return block(
    order,
    2,
    Buffer.concat([
      u16(order, iface),
      u16(order, 0),
      u32(order, Number(units >> 32n)),
      u32(order, Number(units & 0xffffffffn)),
      u32(order, data.length),
      u32(order, data.length),
      data,
    ]),
  );
}

/** Simple Packet Block: `data` is what was captured, `originalLength` what was on the wire. */
export function spb(order: ByteOrder, data: Buffer, originalLength = data.length): Buffer {
  return block(order, 3, Buffer.concat([u32(order, originalLength), data]));
}

/** One section, one interface, microsecond EPBs holding the segments in the order given. */
export function pcapngFile(order: ByteOrder, link: Link, segments: Segment[]): Buffer {
  return Buffer.concat([
    shb(order),
    idb(order, link),
    ...segments.map((s, i) => epb(order, 0, 1_700_000_000_000_000n + BigInt(i), frame(link, s))),
  ]);
}
