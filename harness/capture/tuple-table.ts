const u32 = (b: Uint8Array, at: number) =>
  (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;

/** A hash of a 4-tuple, client side first. */
function tupleHash(
  size: number,
  b: Uint8Array,
  clientAt: number,
  clientPort: number,
  serverAt: number,
  serverPort: number,
): number {
  let h = Math.imul((clientPort << 16) | serverPort, 0x9e3779b1);
  for (let k = 0; k < size; k += 4) {
    h = Math.imul(h ^ u32(b, clientAt + k), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 15) ^ u32(b, serverAt + k), 0xc2b2ae35);
    h ^= h >>> 13;
  }
  return h;
}

/** A typed array at twice the length, the old contents kept. */
function doubled<T extends Int32Array | Uint8Array>(a: T): T {
  const bigger = new (a.constructor as new (n: number) => T)(a.length * 2);
  bigger.set(a);
  return bigger;
}

/**
 * The open connections by 4-tuple (addresses as bytes of IP version 4 or 6,
 * client side first), each in a numbered slot that is reused once freed.
 * Open addressing over (hash, slot + 1) pairs, 0 marking a free pair: a Map
 * lookup per packet cost more than all the rest of reassembly. Removal shifts
 * the rest of a probe run back, so that no tombstones pile up.
 */
export class TupleTable {
  private table = new Int32Array(2 << 10);
  private used = 0;
  // Per slot: the tuple's hash, IP version, ports, and addresses (client then server, 16 bytes each).
  private hashes = new Int32Array(256);
  private versions = new Uint8Array(256);
  private ports = new Int32Array(256);
  private addresses = new Uint8Array(256 * 32);
  private readonly free: number[] = [];
  private slots = 0;

  /** The tuple's slot; when it has none, a new one if `open` says so, else -1. */
  slot(
    ipVersion: number,
    b: Uint8Array,
    clientAt: number,
    clientPort: number,
    serverAt: number,
    serverPort: number,
    open: boolean,
  ): number {
    const size = ipVersion === 4 ? 4 : 16;
    const hash = tupleHash(size, b, clientAt, clientPort, serverAt, serverPort);
    const table = this.table;
    const mask = (table.length >> 1) - 1;
    const ports = (clientPort << 16) | serverPort;
    let e = hash & mask;
    for (; table[2 * e + 1] !== 0; e = (e + 1) & mask) {
      if (table[2 * e] !== hash) continue;
      const slot = table[2 * e + 1]! - 1;
      if (this.versions[slot] !== ipVersion || this.ports[slot] !== ports) continue;
      const a = this.addresses;
      const at = slot * 32;
      let k = 0;
      while (k < size && a[at + k] === b[clientAt + k] && a[at + 16 + k] === b[serverAt + k]) k++;
      if (k === size) return slot;
    }
    if (!open) return -1;
    const slot = this.free.pop() ?? this.slots++;
    if (slot >= this.hashes.length) {
      this.hashes = doubled(this.hashes);
      this.versions = doubled(this.versions);
      this.ports = doubled(this.ports);
      this.addresses = doubled(this.addresses);
    }
    this.hashes[slot] = hash;
    this.versions[slot] = ipVersion;
    this.ports[slot] = ports;
    const a = this.addresses;
    for (let k = 0; k < size; k++) {
      a[slot * 32 + k] = b[clientAt + k]!;
      a[slot * 32 + 16 + k] = b[serverAt + k]!;
    }
    // The probe above stopped at a free pair.
    table[2 * e] = hash;
    table[2 * e + 1] = slot + 1;
    if (++this.used * 4 > table.length) this.rehash(table.length * 2);
    return slot;
  }

  /** Closes a slot: its tuple is no longer found, and the slot is handed out again. */
  remove(slot: number): void {
    const table = this.table;
    const mask = (table.length >> 1) - 1;
    let hole = this.hashes[slot]! & mask;
    while (table[2 * hole + 1] !== slot + 1) hole = (hole + 1) & mask;
    // Pull back each later pair of the run whose home is not between the hole and it.
    for (let e = (hole + 1) & mask; table[2 * e + 1] !== 0; e = (e + 1) & mask) {
      const home = table[2 * e]! & mask;
      if (((e - home) & mask) >= ((e - hole) & mask)) {
        table[2 * hole] = table[2 * e]!;
        table[2 * hole + 1] = table[2 * e + 1]!;
        hole = e;
      }
    }
    table[2 * hole] = 0;
    table[2 * hole + 1] = 0;
    this.used--;
    this.free.push(slot);
  }

  private place(hash: number, slot: number): void {
    const table = this.table;
    const mask = (table.length >> 1) - 1;
    let e = hash & mask;
    while (table[2 * e + 1] !== 0) e = (e + 1) & mask;
    table[2 * e] = hash;
    table[2 * e + 1] = slot + 1;
  }

  private rehash(length: number): void {
    const old = this.table;
    this.table = new Int32Array(length);
    for (let e = 0; e < old.length; e += 2) {
      if (old[e + 1] !== 0) this.place(old[e]!, old[e + 1]! - 1);
    }
  }
}
