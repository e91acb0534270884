import { TupleTable } from '../../harness/capture/tuple-table.ts';
import { seeded } from '../support/pcap-writer.ts';

test('the 4-tuple table finds what is open, through growth and removals, as a Map would', () => {
  const random = seeded(7);
  const table = new TupleTable();
  const model = new Map<string, number>();
  const bytes = new Uint8Array(32);
  // A few thousand tuples, differing by one address byte or a port, so that they collide and recur.
  const pick = () => {
    const v6 = random() < 0.3;
    bytes[3] = Math.floor(random() * 4);
    bytes[19] = Math.floor(random() * 4);
    const client = Math.floor(random() * 50);
    const server = Math.floor(random() * 2);
    const key = `${v6} ${bytes[3]} ${bytes[19]} ${client} ${server}`;
    return { ipVersion: v6 ? 6 : 4, client, server, key };
  };
  const slots = new Set<number>();
  const wrong: string[] = [];
  for (let step = 0; step < 40_000; step++) {
    const { ipVersion, client, server, key } = pick();
    const open = random() < 0.5;
    const slot = table.slot(ipVersion, bytes, 0, client, 16, server, open);
    const known = model.get(key);
    const want = known ?? (open ? 'a new slot' : -1);
    if (want === 'a new slot' ? slots.has(slot) : slot !== want) {
      wrong.push(`step ${step}, ${key}: slot ${slot}, wanted ${want}`);
    }
    if (known === undefined && open) {
      model.set(key, slot);
      slots.add(slot);
    } else if (known !== undefined && random() < 0.4) {
      table.remove(known);
      model.delete(key);
      slots.delete(known);
    }
  }
  expect(wrong.slice(0, 5)).toEqual([]);
  expect(model.size).toBeGreaterThan(600);
});
