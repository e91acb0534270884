import { SetupError } from '../errors.ts';
import type { Scenario } from '../scenario/schema.ts';
import { groupByTopology } from './run-all.ts';

/** "2/3": the second of three shards. */
export interface Shard {
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count)
    throw new SetupError(`--shard must be i/n with 1 <= i <= n (e.g. 2/3), not ${text}`);
  return { index, count };
}

/**
 * A deterministic share of the scenarios: whole topology groups (scenarios
 * that share containers stay together), dealt to the shards in file order,
 * each group to the shard with the fewest scenarios so far. Shards 1..n of
 * the same selection run every scenario exactly once.
 */
export function shardOf(scenarios: Scenario[], shard: Shard): Scenario[] {
  const sizes = new Array<number>(shard.count).fill(0);
  const mine: Scenario[] = [];
  for (const group of groupByTopology(scenarios)) {
    const least = sizes.indexOf(Math.min(...sizes));
    sizes[least]! += group.length;
    if (least === shard.index - 1) mine.push(...group);
  }
  if (mine.length === 0)
    throw new SetupError(
      `shard ${shard.index}/${shard.count} holds no scenario: ${scenarios.length} scenario(s) make fewer groups than shards`,
    );
  // In the scenarios' own order, as an unsharded run reports them.
  return scenarios.filter((s) => mine.includes(s));
}
